//! Appending: one transaction per batch, gapless positions.
//!
//! The transaction first moves the single head row (`event_log_head`), which
//! both reserves `last-n+1 ..= last` and serializes appends: the next writer
//! cannot take a position until this one has committed or rolled back. So a
//! position is only ever visible after every smaller one, and a reader that
//! follows `position > checkpoint` cannot skip an event. Taking the head row
//! first also suits SQLite, where the first write of a transaction is what
//! acquires the database's write lock.

use serde_json::Value;
use sqlx::Connection;
use tracing::instrument;

use super::{EventStore, NewEvent};
use crate::db::{Db, is_unique_violation, now_micros};
use crate::vault::CustomerKey;

/// A value that must be unique across all streams (an inquiry number, an
/// inbound mail's Message-ID), claimed atomically with the events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub kind: &'static str,
    pub value: String,
}

/// The Idempotency-Key of a command. The stored response is `response` with
/// the committed `version` and `position` added.
#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub response: Value,
}

#[derive(Debug, Clone)]
pub struct Append<'a> {
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    /// The number of events the caller saw in the stream.
    pub expected_version: i64,
    pub events: Vec<NewEvent>,
    pub claims: Vec<Claim>,
    pub idempotency: Option<IdempotencyRecord>,
    /// The key that seals a new ticket's events; a new customer's key row
    /// is stored in the same transaction, so no ticket ever has a key that
    /// was not stored, and first contact costs one commit, not two.
    pub customer_key: Option<CustomerKey>,
}

/// What a successful append produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    pub first_position: i64,
    pub last_position: i64,
    /// The stream's version after the append (its event count).
    pub version: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Another writer appended to the stream since the caller read it.
    #[error("the stream was changed by someone else")]
    Conflict,
    /// A claimed unique value already belongs to a stream. The value is not in
    /// the message because it may be personal (a mail's Message-ID).
    #[error("the {kind} is already claimed")]
    ClaimTaken { kind: &'static str },
    /// A concurrent request committed the same Idempotency-Key first.
    #[error("the idempotency key was used concurrently")]
    IdempotencyKeyTaken,
    #[error("nothing to append")]
    Empty,
    /// The customer's data key was deleted: nothing personal can be added.
    #[error("the customer's personal data has been erased")]
    Erased,
    /// Another first contact from the same address stored its customer
    /// first; looking the customer up again finds theirs.
    #[error("the customer's key was stored concurrently")]
    CustomerTaken,
    /// Personal fields were to be sealed but no master key is configured.
    #[error("no master key is configured to seal personal data")]
    NoVault,
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl EventStore {
    #[instrument(name = "event_store.append", skip_all, fields(aggregate_type = append.aggregate_type, events = append.events.len(), position))]
    pub async fn append(&self, mut append: Append<'_>) -> Result<Committed, AppendError> {
        if append.events.is_empty() {
            return Err(AppendError::Empty);
        }
        self.seal(&mut append.events, append.customer_key.as_ref())
            .await?;
        let committed = append_in_transaction(&self.db, &append).await?;
        tracing::Span::current().record("position", committed.last_position);
        crate::instruments::record_appended(append.events.len());
        self.announce(committed.last_position);
        Ok(committed)
    }
}

/// Which statement of the transaction a failure came from decides what a
/// unique violation means.
enum Step {
    Head,
    CustomerKey,
    Claim(&'static str),
    Events,
    Idempotency,
}

async fn append_in_transaction(db: &Db, append: &Append<'_>) -> Result<Committed, AppendError> {
    let count = i64::try_from(append.events.len()).map_err(|_| AppendError::Empty)?;
    let recorded_at = now_micros();
    let version = append.expected_version + count;
    let result: Result<Committed, (Step, sqlx::Error)> = crate::on_pool!(db, pool => async {
        let mut conn = pool.acquire().await.map_err(|e| (Step::Head, e))?;
        let mut tx = conn.begin().await.map_err(|e| (Step::Head, e))?;
        // Before the head row, so the serializing lock is not held longer.
        if let Some(CustomerKey { customer, new: Some(row), .. }) = &append.customer_key {
            sqlx::query("INSERT INTO customer_keys (customer_ref, email_hmac, wrapped_key, created_at) VALUES (?, ?, ?, ?)")
                .bind(customer.to_string())
                .bind(row.email_hmac.as_deref())
                .bind(&row.wrapped_key)
                .bind(recorded_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| (Step::CustomerKey, e))?;
        }
        let last = tx.reserve(count).await.map_err(|e| (Step::Head, e))?;
        let first = last - count + 1;
        for claim in &append.claims {
            sqlx::query("INSERT INTO stream_claims (claim_kind, claim_value, aggregate_type, aggregate_id, claimed_at) VALUES (?, ?, ?, ?, ?)")
                .bind(claim.kind)
                .bind(&claim.value)
                .bind(append.aggregate_type)
                .bind(append.aggregate_id)
                .bind(recorded_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| (Step::Claim(claim.kind), e))?;
        }
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO events (global_position, event_id, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at) ",
        );
        let mut encode_error = None;
        insert.push_values(append.events.iter().enumerate(), |mut row, (i, event)| {
            let offset = i64::try_from(i).unwrap_or_default();
            let payload = serde_json::to_string(&event.payload).unwrap_or_else(|e| { encode_error = Some(e); String::new() });
            let metadata = serde_json::to_string(&event.metadata).unwrap_or_else(|e| { encode_error = Some(e); String::new() });
            row.push_bind(first + offset)
                .push_bind(event.event_id.to_string())
                .push_bind(append.aggregate_type)
                .push_bind(append.aggregate_id)
                .push_bind(append.expected_version + 1 + offset)
                .push_bind(event.event_type.as_str())
                .push_bind(event.event_version.as_str())
                .push_bind(payload)
                .push_bind(metadata)
                .push_bind(recorded_at);
        });
        if let Some(e) = encode_error {
            return Err((Step::Events, sqlx::Error::Encode(Box::new(e))));
        }
        insert.build().execute(&mut *tx).await.map_err(|e| (Step::Events, e))?;
        if let Some(record) = &append.idempotency {
            let mut response = record.response.clone();
            if let Value::Object(map) = &mut response {
                map.insert("version".into(), version.into());
                map.insert("position".into(), last.into());
            }
            sqlx::query("INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)")
                .bind(&record.scope)
                .bind(&record.key)
                .bind(&record.request_hash)
                .bind(response.to_string())
                .bind(recorded_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| (Step::Idempotency, e))?;
        }
        tx.commit().await.map_err(|e| (Step::Head, e))?;
        Ok(Committed { first_position: first, last_position: last, version })
    }.await);
    result.map_err(|(step, error)| match step {
        _ if !is_unique_violation(&error) => AppendError::Database(error),
        Step::Events => AppendError::Conflict,
        Step::Claim(kind) => AppendError::ClaimTaken { kind },
        Step::Idempotency => AppendError::IdempotencyKeyTaken,
        Step::CustomerKey => AppendError::CustomerTaken,
        Step::Head => AppendError::Database(error),
    })
}

/// Moves the head by `count` and returns the new last position. The row stays
/// locked until the transaction ends: that lock is what makes positions gapless.
///
/// This is the one statement whose dialects differ: MariaDB has no `UPDATE … RETURNING`
/// but reports `LAST_INSERT_ID(expr)` in the OK packet; SQLite has `RETURNING`.
pub(crate) trait HeadConnection {
    async fn reserve(&mut self, count: i64) -> Result<i64, sqlx::Error>;
}

impl HeadConnection for sqlx::Transaction<'_, sqlx::MySql> {
    async fn reserve(&mut self, count: i64) -> Result<i64, sqlx::Error> {
        let result = sqlx::query("UPDATE event_log_head SET last_position = LAST_INSERT_ID(last_position + ?) WHERE id = 1")
            .bind(count)
            .execute(&mut **self)
            .await?;
        i64::try_from(result.last_insert_id()).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }
}

impl HeadConnection for sqlx::Transaction<'_, sqlx::Sqlite> {
    async fn reserve(&mut self, count: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("UPDATE event_log_head SET last_position = last_position + ? WHERE id = 1 RETURNING last_position")
            .bind(count)
            .fetch_one(&mut **self)
            .await
    }
}
