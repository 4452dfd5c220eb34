//! The append-only event store: the only source of truth.
//!
//! - [`EventStore::append`] writes a batch to one stream with optimistic
//!   concurrency, together with its idempotency key and unique claims, in one
//!   transaction, and assigns gapless global positions (see `append.rs`).
//! - [`EventStore::read_all`] and [`EventStore::read_stream`] are the catch-up
//!   and per-stream readers; upcasters run on every event read.
//! - In-process subscribers are woken through [`EventStore::subscribe`] after
//!   each commit; other processes poll.

mod append;
mod read;
mod sealing;

use std::sync::Arc;

use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use serde_json::Value;
use tokio::sync::watch;
use uuid::Uuid;

use crate::db::Db;
use crate::vault::Vault;

pub use append::{Append, AppendError, Claim, Committed, IdempotencyRecord};

/// An event about to be appended.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_id: Uuid,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
    /// The customer whose data key seals this event's personal fields
    /// (see `crate::vault`). `None` stores the payload as it is.
    pub seal_for: Option<Uuid>,
}

/// An event as stored, with its place in the global order.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub position: i64,
    pub event_id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
    /// Microseconds since the Unix epoch, UTC.
    pub recorded_at: i64,
}

/// A stored row could not be turned back into an event.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("event at position {position} is corrupt: {reason}")]
    Corrupt { position: i64, reason: String },
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

#[derive(Clone)]
pub struct EventStore {
    db: Db,
    upcasters: Arc<Vec<Box<dyn EventUpcaster>>>,
    head: Arc<watch::Sender<i64>>,
    vault: Option<Vault>,
}

impl std::fmt::Debug for EventStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStore")
            .field("upcasters", &self.upcasters.len())
            .field("sealing", &self.vault.is_some())
            .finish_non_exhaustive()
    }
}

impl EventStore {
    pub fn new(db: Db) -> Self {
        Self::with_upcasters(db, Vec::new())
    }

    /// A store that rewrites old event versions on read, before anyone sees them.
    pub fn with_upcasters(db: Db, upcasters: Vec<Box<dyn EventUpcaster>>) -> Self {
        let (head, _) = watch::channel(0);
        Self {
            db,
            upcasters: Arc::new(upcasters),
            head: Arc::new(head),
            vault: None,
        }
    }

    /// A store that seals personal fields with each customer's data key on
    /// append and opens them on read. Every deployment runs with one; a store
    /// without it (some tests) stores payloads as given and refuses to read
    /// sealed ones.
    pub fn with_vault(mut self, vault: Vault) -> Self {
        self.vault = Some(vault);
        self
    }

    pub fn vault(&self) -> Option<&Vault> {
        self.vault.as_ref()
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Wakes after every commit made through this process, with the new head.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    fn announce(&self, position: i64) {
        self.head.send_if_modified(|head| {
            let moved = position > *head;
            if moved {
                *head = position;
            }
            moved
        });
    }

    fn upcast(&self, event: StoredEvent) -> StoredEvent {
        if self.upcasters.is_empty() {
            return event;
        }
        let StoredEvent {
            position,
            event_id,
            aggregate_type,
            aggregate_id,
            sequence,
            event_type,
            event_version,
            payload,
            metadata,
            recorded_at,
        } = event;
        let mut serialized = SerializedEvent {
            aggregate_id,
            sequence: usize::try_from(sequence).unwrap_or_default(),
            aggregate_type,
            event_type,
            event_version,
            payload,
            metadata,
        };
        for upcaster in self.upcasters.iter() {
            if upcaster.can_upcast(&serialized.event_type, &serialized.event_version) {
                serialized = upcaster.upcast(serialized);
            }
        }
        StoredEvent {
            position,
            event_id,
            aggregate_type: serialized.aggregate_type,
            aggregate_id: serialized.aggregate_id,
            sequence,
            event_type: serialized.event_type,
            event_version: serialized.event_version,
            payload: serialized.payload,
            metadata: serialized.metadata,
            recorded_at,
        }
    }
}
