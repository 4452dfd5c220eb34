//! 定型文 (canned replies): answers supervisors curate so that a new agent
//! answers like a veteran. Placeholders are filled per ticket when an agent
//! starts a reply from one.

use tracing::instrument;

use crate::db::{Db, is_unique_violation, now_micros};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CannedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub display_order: i64,
}

/// The placeholders a canned reply may use, and what fills them.
pub const PLACEHOLDERS: [&str; 4] = ["{お客様名}", "{受付番号}", "{担当者名}", "{件名}"];

/// What the placeholders stand for on one ticket.
pub struct Fill<'a> {
    pub customer_name: &'a str,
    pub inquiry_number: &'a str,
    pub agent_name: &'a str,
    pub subject: &'a str,
}

impl CannedReply {
    pub fn filled(&self, fill: &Fill<'_>) -> String {
        self.body
            .replace("{お客様名}", fill.customer_name)
            .replace("{受付番号}", fill.inquiry_number)
            .replace("{担当者名}", fill.agent_name)
            .replace("{件名}", fill.subject)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CannedError {
    #[error("題名は1〜100文字で入力してください。")]
    InvalidTitle,
    #[error("本文は1〜10000文字で入力してください。")]
    InvalidBody,
    #[error("同じ題名の定型文がすでにあります。")]
    TitleTaken,
    #[error("定型文が見つかりません。")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[instrument(skip(db))]
pub async fn list(db: &Db) -> Result<Vec<CannedReply>, sqlx::Error> {
    crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, title, body, CAST(display_order AS SIGNED) AS display_order FROM canned_replies ORDER BY display_order, id")
            .fetch_all(pool)
            .await
    })
}

#[instrument(skip(db))]
pub async fn find(db: &Db, id: i64) -> Result<Option<CannedReply>, sqlx::Error> {
    crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT id, title, body, CAST(display_order AS SIGNED) AS display_order FROM canned_replies WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

fn checked<'a>(title: &'a str, body: &'a str) -> Result<(&'a str, &'a str), CannedError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 || title.chars().any(char::is_control) {
        return Err(CannedError::InvalidTitle);
    }
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(CannedError::InvalidBody);
    }
    Ok((title, body))
}

fn unique(result: Result<u64, sqlx::Error>) -> Result<u64, CannedError> {
    match result {
        Err(e) if is_unique_violation(&e) => Err(CannedError::TitleTaken),
        other => Ok(other?),
    }
}

/// Saves a canned reply: a new one when `id` is `None`.
#[instrument(skip(db, title, body))]
pub async fn save(
    db: &Db,
    id: Option<i64>,
    title: &str,
    body: &str,
    display_order: i64,
) -> Result<(), CannedError> {
    let (title, body) = checked(title, body)?;
    let now = now_micros();
    let rows = unique(match id {
        None => crate::on_pool!(db, pool => {
            sqlx::query("INSERT INTO canned_replies (title, body, display_order, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
                .bind(title).bind(body).bind(display_order).bind(now).bind(now)
                .execute(pool).await.map(|r| r.rows_affected())
        }),
        Some(id) => crate::on_pool!(db, pool => {
            sqlx::query("UPDATE canned_replies SET title = ?, body = ?, display_order = ?, updated_at = ? WHERE id = ?")
                .bind(title).bind(body).bind(display_order).bind(now).bind(id)
                .execute(pool).await.map(|r| r.rows_affected())
        }),
    })?;
    if rows == 0 {
        Err(CannedError::NotFound)
    } else {
        Ok(())
    }
}

#[instrument(skip(db))]
pub async fn delete(db: &Db, id: i64) -> Result<(), CannedError> {
    let rows = crate::on_pool!(db, pool => {
        sqlx::query("DELETE FROM canned_replies WHERE id = ?").bind(id).execute(pool).await.map(|r| r.rows_affected())
    })?;
    if rows == 0 {
        Err(CannedError::NotFound)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_text_is_kept_as_is() {
        let reply = CannedReply {
            id: 1,
            title: "t".into(),
            body: "{お客様名} 様 {受付番号} {担当者名} 「{件名}」 {不明}".into(),
            display_order: 1,
        };
        let text = reply.filled(&Fill {
            customer_name: "山田 <b>",
            inquiry_number: "INQ-20261128-0001",
            agent_name: "佐藤",
            subject: "届かない",
        });
        assert_eq!(
            text,
            "山田 <b> 様 INQ-20261128-0001 佐藤 「届かない」 {不明}"
        );
    }
}
