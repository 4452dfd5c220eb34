//! Inquiry categories: reference data that admins maintain.

use serde::Serialize;
use tracing::instrument;

use crate::db::Db;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    pub id: i64,
    pub name: String,
}

/// Active categories in display order: what the contact form offers.
#[instrument(skip(db))]
pub async fn list_active(db: &Db) -> Result<Vec<Category>, sqlx::Error> {
    crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, name FROM categories WHERE active = TRUE ORDER BY display_order, id").fetch_all(pool).await
    })
}

#[instrument(skip(db))]
pub async fn is_active(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = crate::on_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM categories WHERE id = ? AND active = TRUE").bind(id).fetch_optional(pool).await
    })?;
    Ok(found.is_some())
}

/// A category as admins see it (A-7…A-11).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub display_order: i64,
    pub active: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CategoryError {
    #[error("カテゴリ名は1〜50文字で入力してください。")]
    InvalidName,
    #[error("表示順は0〜9999の整数で入力してください。")]
    InvalidOrder,
    #[error("同じ名前のカテゴリがすでにあります。")]
    NameTaken,
    #[error("このカテゴリのお問い合わせがあるため削除できません。無効にしてください。")]
    InUse,
    #[error("カテゴリが見つかりません。")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[instrument(skip(db))]
pub async fn list_all(db: &Db) -> Result<Vec<CategoryRow>, sqlx::Error> {
    crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, name, CAST(display_order AS SIGNED) AS display_order, active FROM categories ORDER BY display_order, id")
            .fetch_all(pool)
            .await
    })
}

fn checked(name: &str, display_order: i64) -> Result<&str, CategoryError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 || name.chars().any(char::is_control) {
        return Err(CategoryError::InvalidName);
    }
    if !(0..=9999).contains(&display_order) {
        return Err(CategoryError::InvalidOrder);
    }
    Ok(name)
}

fn unique(result: Result<u64, sqlx::Error>) -> Result<u64, CategoryError> {
    match result {
        Err(e) if crate::db::is_unique_violation(&e) => Err(CategoryError::NameTaken),
        other => Ok(other?),
    }
}

#[instrument(skip(db))]
pub async fn create(db: &Db, name: &str, display_order: i64) -> Result<(), CategoryError> {
    let name = checked(name, display_order)?;
    let now = crate::db::now_micros();
    unique(crate::on_pool!(db, pool => {
        sqlx::query("INSERT INTO categories (name, display_order, active, created_at, updated_at) VALUES (?, ?, TRUE, ?, ?)")
            .bind(name).bind(display_order).bind(now).bind(now)
            .execute(pool).await.map(|r| r.rows_affected())
    }))?;
    Ok(())
}

#[instrument(skip(db))]
pub async fn update(db: &Db, id: i64, name: &str, display_order: i64) -> Result<(), CategoryError> {
    let name = checked(name, display_order)?;
    let rows = unique(crate::on_pool!(db, pool => {
        sqlx::query("UPDATE categories SET name = ?, display_order = ?, updated_at = ? WHERE id = ?")
            .bind(name).bind(display_order).bind(crate::db::now_micros()).bind(id)
            .execute(pool).await.map(|r| r.rows_affected())
    }))?;
    if rows == 0 {
        Err(CategoryError::NotFound)
    } else {
        Ok(())
    }
}

/// Disabled categories leave the contact form; tickets keep theirs.
#[instrument(skip(db))]
pub async fn set_active(db: &Db, id: i64, active: bool) -> Result<(), CategoryError> {
    let rows = crate::on_pool!(db, pool => {
        sqlx::query("UPDATE categories SET active = ?, updated_at = ? WHERE id = ?")
            .bind(active).bind(crate::db::now_micros()).bind(id)
            .execute(pool).await.map(|r| r.rows_affected())
    })?;
    if rows == 0 {
        Err(CategoryError::NotFound)
    } else {
        Ok(())
    }
}

/// Deletes a category no ticket uses; `in_use` comes from the read side.
#[instrument(skip(db))]
pub async fn delete(db: &Db, id: i64, in_use: bool) -> Result<(), CategoryError> {
    if in_use {
        return Err(CategoryError::InUse);
    }
    let rows = crate::on_pool!(db, pool => {
        sqlx::query("DELETE FROM categories WHERE id = ?").bind(id).execute(pool).await.map(|r| r.rows_affected())
    })?;
    if rows == 0 {
        Err(CategoryError::NotFound)
    } else {
        Ok(())
    }
}
