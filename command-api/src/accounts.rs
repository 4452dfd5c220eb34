//! Signing in to the console: password checks, temporary lockout after
//! repeated failures, temporary passwords, and changing one's own password.

use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::db::{Db, now_micros};
use crate::employees::{
    Employee, EmployeeError, MIN_PASSWORD_CHARS, Role, hash_password, verify_password,
};

/// Wrong passwords in a row before the account locks.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MICROS: i64 = 15 * 60 * 1_000_000;
/// How long a password issued by an admin keeps working.
pub const TEMPORARY_PASSWORD_MICROS: i64 = 7 * 24 * 60 * 60 * 1_000_000;

/// An employee row with what authentication needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub login_id: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub password_hash: String,
    pub must_change_password: bool,
    pub password_expires_at: Option<i64>,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
}

impl Account {
    pub fn employee(&self) -> Option<Employee> {
        Some(Employee {
            id: self.id,
            login_id: self.login_id.clone(),
            display_name: self.display_name.clone(),
            role: self.role.parse::<Role>().ok()?,
            active: self.active,
        })
    }

    /// Changes whenever the password does, so sessions opened with an old
    /// password end when it is changed or reset.
    pub fn password_stamp(&self) -> String {
        hex::encode(&Sha256::digest(self.password_hash.as_bytes())[..8])
    }
}

const ACCOUNT_COLUMNS: &str = "id, login_id, display_name, role, active, password_hash, must_change_password, \
     password_expires_at, CAST(failed_logins AS SIGNED) AS failed_logins, locked_until";

#[derive(Debug)]
pub enum LoginOutcome {
    SignedIn {
        account: Box<Account>,
        must_change_password: bool,
    },
    /// Unknown login, wrong password, disabled account or expired temporary
    /// password: one answer for all, so nobody can probe which logins exist.
    Refused,
    /// Too many wrong passwords; try again later.
    Locked,
}

#[instrument(skip(db))]
pub async fn account(db: &Db, id: i64) -> Result<Option<Account>, sqlx::Error> {
    let sql = account_sql("id");
    crate::on_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
}

fn account_sql(key: &str) -> String {
    let columns = ACCOUNT_COLUMNS;
    format!("SELECT {columns} FROM employees WHERE {key} = ?")
}

/// Checks a login. Wrong passwords count towards a lockout; a success
/// clears the count. The password is verified even for unknown logins so
/// the answer takes as long either way.
#[instrument(skip(db, password))]
pub async fn login(db: &Db, login_id: &str, password: &str) -> Result<LoginOutcome, sqlx::Error> {
    let sql = account_sql("login_id");
    let found: Option<Account> = crate::on_pool!(db, pool => sqlx::query_as(&sql).bind(login_id).fetch_optional(pool).await)?;
    let now = now_micros();
    let Some(account) = found else {
        verify_password(password, DUMMY_HASH);
        return Ok(LoginOutcome::Refused);
    };
    if account.locked_until.is_some_and(|until| until > now) {
        return Ok(LoginOutcome::Locked);
    }
    if !verify_password(password, &account.password_hash) {
        let failures = account.failed_logins + 1;
        let locked_until = (failures >= MAX_FAILED_LOGINS).then_some(now + LOCKOUT_MICROS);
        crate::on_pool!(db, pool => {
            sqlx::query("UPDATE employees SET failed_logins = ?, locked_until = ? WHERE id = ?")
                .bind(if locked_until.is_some() { 0 } else { failures })
                .bind(locked_until)
                .bind(account.id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        tracing::info!(employee_id = account.id, failures, "console login refused");
        return Ok(if locked_until.is_some() {
            LoginOutcome::Locked
        } else {
            LoginOutcome::Refused
        });
    }
    let expired = account.password_expires_at.is_some_and(|at| at <= now);
    if !account.active || expired || account.employee().is_none() {
        return Ok(LoginOutcome::Refused);
    }
    crate::on_pool!(db, pool => {
        sqlx::query("UPDATE employees SET failed_logins = 0, locked_until = NULL WHERE id = ?")
            .bind(account.id)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(LoginOutcome::SignedIn {
        must_change_password: account.must_change_password,
        account: Box::new(account),
    })
}

/// A valid argon2id hash of nothing anyone knows, verified against for
/// unknown logins.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Xr0Cq3tXtQ0ZJ9jVnqtC0PqMbnWvRZ0v4vQ1fV7p5Gk";

#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    #[error("現在のパスワードが正しくありません。")]
    WrongCurrent,
    #[error("新しいパスワードが確認用と一致しません。")]
    Mismatch,
    #[error("新しいパスワードは現在のものと別にしてください。")]
    Unchanged,
    #[error(transparent)]
    Invalid(#[from] EmployeeError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Changes one's own password; this also ends the temporary-password state.
#[instrument(skip_all, fields(employee_id = id))]
pub async fn change_password(
    db: &Db,
    id: i64,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), PasswordChangeError> {
    let account = account(db, id).await?.ok_or(sqlx::Error::RowNotFound)?;
    if !verify_password(current, &account.password_hash) {
        return Err(PasswordChangeError::WrongCurrent);
    }
    if new != confirm {
        return Err(PasswordChangeError::Mismatch);
    }
    if new == current {
        return Err(PasswordChangeError::Unchanged);
    }
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Err(EmployeeError::WeakPassword.into());
    }
    let hash = hash_password(new)?;
    crate::on_pool!(db, pool => {
        sqlx::query(
            "UPDATE employees SET password_hash = ?, must_change_password = FALSE, password_expires_at = NULL, \
             updated_at = ? WHERE id = ?",
        )
        .bind(&hash)
        .bind(now_micros())
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Gives an employee a new temporary password, valid for seven days and to
/// be changed at the next login. Returns it once; only its hash is kept.
#[instrument(skip(db))]
pub async fn reset_password(db: &Db, id: i64) -> Result<String, EmployeeError> {
    let password = temporary_password();
    let hash = hash_password(&password)?;
    let now = now_micros();
    crate::on_pool!(db, pool => {
        sqlx::query(
            "UPDATE employees SET password_hash = ?, must_change_password = TRUE, password_expires_at = ?, \
             failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?",
        )
        .bind(&hash)
        .bind(now + TEMPORARY_PASSWORD_MICROS)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
    })?;
    Ok(password)
}

/// Sixteen letters and digits, without look-alikes (0/O, 1/l/I), so it can
/// be read out over the phone.
pub fn temporary_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        use argon2::password_hash::phc::PasswordHash;
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("", DUMMY_HASH));
    }

    #[test]
    fn temporary_passwords_are_long_enough_and_unambiguous() {
        let password = temporary_password();
        assert_eq!(password.chars().count(), 16);
        assert!(password.chars().count() >= MIN_PASSWORD_CHARS);
        assert!(!password.contains(['0', 'O', '1', 'l', 'I']));
        assert_ne!(password, temporary_password());
    }
}
