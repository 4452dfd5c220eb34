//! Idempotency keys: a repeated command returns its first result.

use serde_json::Value;
use sha2::{Digest, Sha256};
use tracing::instrument;

use crate::db::Db;

/// What an earlier use of the same key tells about this request.
#[derive(Debug, Clone, PartialEq)]
pub enum Previous {
    /// Never seen: carry on.
    None,
    /// The same request ran before; this was its response.
    Replay(Value),
    /// The key was used for a different request.
    Mismatch,
}

/// The fingerprint of a request body, compared on reuse of a key.
pub fn request_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

#[instrument(skip(db, key, hash))]
pub async fn lookup(db: &Db, scope: &str, key: &str, hash: &str) -> Result<Previous, sqlx::Error> {
    let row: Option<(String, String)> = crate::on_pool!(db, pool => {
        sqlx::query_as("SELECT request_hash, response FROM idempotency_keys WHERE scope = ? AND idempotency_key = ?")
            .bind(scope)
            .bind(key)
            .fetch_optional(pool)
            .await
    })?;
    Ok(match row {
        None => Previous::None,
        Some((stored, _)) if stored != hash => Previous::Mismatch,
        Some((_, response)) => {
            Previous::Replay(serde_json::from_str(&response).unwrap_or(Value::Null))
        }
    })
}
