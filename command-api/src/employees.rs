//! Employees, their passwords and their API tokens.

use std::fmt;
use std::str::FromStr;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::db::{Db, is_unique_violation, now_micros};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Agent => "担当者",
            Role::Supervisor => "スーパーバイザー",
            Role::Admin => "管理者",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("role must be agent, supervisor or admin")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "agent" => Ok(Role::Agent),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            _ => Err(UnknownRole),
        }
    }
}

/// A signed-in employee, as handlers see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employee {
    pub id: i64,
    pub login_id: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct EmployeeRow {
    id: i64,
    login_id: String,
    display_name: String,
    role: String,
    active: bool,
}

impl TryFrom<EmployeeRow> for Employee {
    type Error = sqlx::Error;
    fn try_from(row: EmployeeRow) -> Result<Self, Self::Error> {
        Ok(Employee {
            id: row.id,
            role: row
                .role
                .parse()
                .map_err(|e: UnknownRole| sqlx::Error::Decode(Box::new(e)))?,
            login_id: row.login_id,
            display_name: row.display_name,
            active: row.active,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EmployeeError {
    #[error("そのログインIDはすでに使われています。")]
    LoginTaken,
    #[error("ログインIDは英数字と . _ - の3〜64文字で入力してください。")]
    InvalidLogin,
    #[error("表示名は1〜100文字で入力してください。")]
    InvalidName,
    #[error("パスワードは12文字以上で入力してください。")]
    WeakPassword,
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub const MIN_PASSWORD_CHARS: usize = 12;

/// argon2id with OWASP's recommended memory cost (19 MiB, 2 passes).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, EmployeeError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| EmployeeError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

fn valid_login(login: &str) -> bool {
    (3..=64).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// Creates an employee and returns their id.
#[instrument(skip(db, display_name, password))]
pub async fn create(
    db: &Db,
    login_id: &str,
    display_name: &str,
    role: Role,
    password: &str,
    must_change: bool,
) -> Result<i64, EmployeeError> {
    if !valid_login(login_id) {
        return Err(EmployeeError::InvalidLogin);
    }
    let name = display_name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(EmployeeError::InvalidName);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(EmployeeError::WeakPassword);
    }
    let hash = hash_password(password)?;
    let now = now_micros();
    let result = crate::on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO employees (login_id, display_name, role, password_hash, active, must_change_password, created_at, updated_at) \
             VALUES (?, ?, ?, ?, TRUE, ?, ?, ?)",
        )
        .bind(login_id)
        .bind(name)
        .bind(role.as_str())
        .bind(&hash)
        .bind(must_change)
        .bind(now)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
    });
    match result {
        Err(e) if is_unique_violation(&e) => Err(EmployeeError::LoginTaken),
        Err(e) => Err(e.into()),
        Ok(()) => find_by_login(db, login_id)
            .await?
            .map(|e| e.id)
            .ok_or(EmployeeError::Database(sqlx::Error::RowNotFound)),
    }
}

#[instrument(skip(db))]
pub async fn find_by_login(db: &Db, login_id: &str) -> Result<Option<Employee>, sqlx::Error> {
    let row: Option<EmployeeRow> = crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, login_id, display_name, role, active FROM employees WHERE login_id = ?")
            .bind(login_id)
            .fetch_optional(pool)
            .await
    })?;
    row.map(Employee::try_from).transpose()
}

#[instrument(skip(db))]
pub async fn find(db: &Db, id: i64) -> Result<Option<Employee>, sqlx::Error> {
    let row: Option<EmployeeRow> = crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, login_id, display_name, role, active FROM employees WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
    })?;
    row.map(Employee::try_from).transpose()
}

#[instrument(skip(db))]
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    crate::on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM employees").fetch_one(pool).await)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues an API token for an employee. The token is returned once and only
/// its hash is stored, so a database leak does not leak working tokens.
#[instrument(skip(db, label))]
pub async fn issue_token(db: &Db, employee_id: i64, label: &str) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = format!(
        "mdg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    crate::on_pool!(db, pool => {
        sqlx::query("INSERT INTO api_tokens (token_hash, employee_id, label, created_at) VALUES (?, ?, ?, ?)")
            .bind(token_hash(&token))
            .bind(employee_id)
            .bind(label)
            .bind(now_micros())
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(token)
}

/// The active employee a bearer token belongs to, if the token is valid.
#[instrument(skip_all)]
pub async fn authenticate_token(db: &Db, token: &str) -> Result<Option<Employee>, sqlx::Error> {
    let row: Option<EmployeeRow> = crate::on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT e.id, e.login_id, e.display_name, e.role, e.active FROM api_tokens t \
             JOIN employees e ON e.id = t.employee_id \
             WHERE t.token_hash = ? AND t.revoked_at IS NULL AND e.active = TRUE",
        )
        .bind(token_hash(token))
        .fetch_optional(pool)
        .await
    })?;
    row.map(Employee::try_from).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn login_ids_are_plain() {
        assert!(valid_login("sato.k"));
        assert!(!valid_login("ab"));
        assert!(!valid_login("佐藤"));
        assert!(!valid_login("a b c"));
    }
}
