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
