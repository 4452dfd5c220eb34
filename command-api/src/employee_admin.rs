//! What admins do to employees (A-1…A-6): list, edit, enable and disable,
//! delete. The login ID never changes: it is how people and logs name an
//! account. Nobody can disable, delete or reset themselves, so the last admin
//! cannot lock everyone out by accident.

use tracing::instrument;

use crate::db::{Db, now_micros};
use crate::employees::{EmployeeError, Role};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmployeeRow {
    pub id: i64,
    pub login_id: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub must_change_password: bool,
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("ご自身のアカウントは変更できません。")]
    OwnAccount,
    #[error("担当したお問い合わせがある社員は削除できません。無効にしてください。")]
    HasTickets,
    #[error("社員が見つかりません。")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] EmployeeError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[instrument(skip(db))]
pub async fn list(db: &Db) -> Result<Vec<EmployeeRow>, sqlx::Error> {
    crate::on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, login_id, display_name, role, active, must_change_password, locked_until, created_at \
             FROM employees ORDER BY active DESC, login_id",
        )
        .fetch_all(pool)
        .await
    })
}

/// Every active employee as (id, display name), for assignee choices.
#[instrument(skip(db))]
pub async fn active_names(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, display_name FROM employees WHERE active = TRUE ORDER BY display_name, id")
            .fetch_all(pool)
            .await
    })
}

/// Changes the display name and role.
#[instrument(skip(db, display_name))]
pub async fn update(
    db: &Db,
    acting: i64,
    id: i64,
    display_name: &str,
    role: Role,
) -> Result<(), AdminError> {
    let name = display_name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(EmployeeError::InvalidName.into());
    }
    // Demoting oneself could leave nobody able to manage employees.
    if acting == id && role != Role::Admin {
        return Err(AdminError::OwnAccount);
    }
    let changed = crate::on_pool!(db, pool => {
        sqlx::query("UPDATE employees SET display_name = ?, role = ?, updated_at = ? WHERE id = ?")
            .bind(name)
            .bind(role.as_str())
            .bind(now_micros())
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    found(changed)
}

/// Enables or disables an account. A disabled employee's sessions end
/// on their next request, because every request re-reads the account.
#[instrument(skip(db))]
pub async fn set_active(db: &Db, acting: i64, id: i64, active: bool) -> Result<(), AdminError> {
    if acting == id {
        return Err(AdminError::OwnAccount);
    }
    let changed = crate::on_pool!(db, pool => {
        sqlx::query("UPDATE employees SET active = ?, updated_at = ? WHERE id = ?")
            .bind(active)
            .bind(now_micros())
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    found(changed)
}

/// Deletes an employee who never touched a ticket. Anyone named in a
/// ticket's history stays, so the history keeps its names.
#[instrument(skip(db))]
pub async fn delete(
    db: &Db,
    acting: i64,
    id: i64,
    touched_tickets: bool,
) -> Result<(), AdminError> {
    if acting == id {
        return Err(AdminError::OwnAccount);
    }
    if touched_tickets {
        return Err(AdminError::HasTickets);
    }
    let deleted = crate::on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM api_tokens WHERE employee_id = ?").bind(id).execute(&mut *tx).await?;
        let deleted = sqlx::query("DELETE FROM employees WHERE id = ?").bind(id).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok::<u64, sqlx::Error>(deleted)
    })?;
    found(deleted)
}

/// Refuses a reset of one's own password: that is what changing it is for.
pub fn check_not_self(acting: i64, id: i64) -> Result<(), AdminError> {
    if acting == id {
        Err(AdminError::OwnAccount)
    } else {
        Ok(())
    }
}

fn found(rows: u64) -> Result<(), AdminError> {
    if rows == 0 {
        Err(AdminError::NotFound)
    } else {
        Ok(())
    }
}
