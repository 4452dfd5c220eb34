//! Reading: the catch-up reader for projections and the per-stream loader.

use tracing::instrument;
use uuid::Uuid;

use super::{EventStore, ReadError, StoredEvent};

const COLUMNS: &str = "global_position, event_id, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at";

#[derive(sqlx::FromRow)]
struct EventRow {
    global_position: i64,
    event_id: String,
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    event_version: String,
    payload: String,
    metadata: String,
    recorded_at: i64,
}

impl EventRow {
    fn decode(self) -> Result<StoredEvent, ReadError> {
        let corrupt = |reason: String| ReadError::Corrupt {
            position: self.global_position,
            reason,
        };
        Ok(StoredEvent {
            position: self.global_position,
            event_id: Uuid::parse_str(&self.event_id)
                .map_err(|e| corrupt(format!("event_id: {e}")))?,
            payload: serde_json::from_str(&self.payload)
                .map_err(|e| corrupt(format!("payload: {e}")))?,
            metadata: serde_json::from_str(&self.metadata)
                .map_err(|e| corrupt(format!("metadata: {e}")))?,
            aggregate_type: self.aggregate_type,
            aggregate_id: self.aggregate_id,
            sequence: self.sequence,
            event_type: self.event_type,
            event_version: self.event_version,
            recorded_at: self.recorded_at,
        })
    }
}

impl EventStore {
    /// Up to `limit` events after `after_position`, in global order, stopping
    /// at the first hole.
    ///
    /// Positions are dense by construction (a rolled-back append gives its
    /// positions back to the next writer), so a hole can only be a commit that
    /// is not yet visible. MariaDB releases the head row's lock slightly before
    /// a commit becomes visible to new snapshots, so a later append can be seen
    /// first; the contract test caught exactly that. Stopping at the hole and
    /// reading again later never skips an event and never waits long, unlike
    /// timeout-based gap skipping, which gives up on events.
    #[instrument(name = "event_store.read_all", skip(self), fields(events))]
    pub async fn read_all(
        &self,
        after_position: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, ReadError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?"
        );
        let rows: Vec<EventRow> = crate::on_pool!(self.db(), pool => {
            sqlx::query_as(&sql).bind(after_position).bind(limit).fetch_all(pool).await
        })?;
        let contiguous = (after_position + 1..)
            .zip(&rows)
            .take_while(|(expected, row)| row.global_position == *expected)
            .count();
        tracing::Span::current().record("events", contiguous);
        let mut events = rows
            .into_iter()
            .take(contiguous)
            .map(EventRow::decode)
            .collect::<Result<Vec<_>, _>>()?;
        self.open(&mut events).await?;
        Ok(events.into_iter().map(|e| self.upcast(e)).collect())
    }

    /// Every event of one stream, in sequence order.
    #[instrument(name = "event_store.read_stream", skip(self), fields(events))]
    pub async fn read_stream(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<Vec<StoredEvent>, ReadError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events WHERE aggregate_type = ? AND aggregate_id = ? ORDER BY sequence"
        );
        let rows: Vec<EventRow> = crate::on_pool!(self.db(), pool => {
            sqlx::query_as(&sql).bind(aggregate_type).bind(aggregate_id).fetch_all(pool).await
        })?;
        tracing::Span::current().record("events", rows.len());
        let mut events = rows
            .into_iter()
            .map(EventRow::decode)
            .collect::<Result<Vec<_>, _>>()?;
        self.open(&mut events).await?;
        Ok(events.into_iter().map(|e| self.upcast(e)).collect())
    }

    /// When the event after `position` was recorded (µs UTC), if it exists:
    /// how long the oldest unapplied event has waited, without reading (and
    /// opening) the event itself.
    #[instrument(name = "event_store.recorded_after", skip(self))]
    pub async fn recorded_after(&self, position: i64) -> Result<Option<i64>, sqlx::Error> {
        crate::on_pool!(self.db(), pool => {
            sqlx::query_scalar("SELECT recorded_at FROM events WHERE global_position = ?")
                .bind(position + 1)
                .fetch_optional(pool)
                .await
        })
    }

    /// The last committed position (0 for an empty store).
    #[instrument(name = "event_store.head", skip(self))]
    pub async fn head_position(&self) -> Result<i64, sqlx::Error> {
        crate::on_pool!(self.db(), pool => {
            sqlx::query_scalar("SELECT last_position FROM event_log_head WHERE id = 1").fetch_one(pool).await
        })
    }

    /// The streams holding claims that start with `prefix` (which must not
    /// contain `%` or `_`).
    #[instrument(name = "event_store.find_claims", skip(self, prefix))]
    pub async fn find_claims_with_prefix(
        &self,
        kind: &str,
        prefix: &str,
    ) -> Result<Vec<String>, sqlx::Error> {
        let pattern = format!("{prefix}%");
        crate::on_pool!(self.db(), pool => {
            sqlx::query_scalar("SELECT aggregate_id FROM stream_claims WHERE claim_kind = ? AND claim_value LIKE ? ORDER BY claimed_at")
                .bind(kind)
                .bind(&pattern)
                .fetch_all(pool)
                .await
        })
    }

    /// Which stream holds a claimed unique value, if any.
    #[instrument(name = "event_store.find_claim", skip(self, value))]
    pub async fn find_claim(&self, kind: &str, value: &str) -> Result<Option<String>, sqlx::Error> {
        crate::on_pool!(self.db(), pool => {
            sqlx::query_scalar("SELECT aggregate_id FROM stream_claims WHERE claim_kind = ? AND claim_value = ?")
                .bind(kind)
                .bind(value)
                .fetch_optional(pool)
                .await
        })
    }
}
