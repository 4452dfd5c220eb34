//! Integration events: a reactor that follows the log and publishes what
//! `docs/integration-events/` documents to Amazon EventBridge, so other
//! LifestyleMart systems learn what happens to tickets without reading our
//! database.
//!
//! - [`detail`]: which domain events are published, and their details.
//! - [`numbers`]: the inquiry number every detail carries.
//! - [`eventbridge`]: the [`eventbridge::Publisher`] seam and its
//!   EventBridge implementation.
//!
//! Delivery is at least once. Entries go out in position order, ten to a
//! call; entries a call refused are retried with backoff, and if some still
//! fail, the checkpoint moves only to the event before the first failure
//! ([`crate::engine::ReactedUpTo`]), so nothing is skipped. A crash between
//! an accepted call and the checkpoint, or entries accepted after a refused
//! one, are published again: consumers deduplicate on `event_id`.

pub mod detail;
pub mod eventbridge;
pub mod numbers;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use command_api::event_store::EventStore;

use crate::engine::{Envelope, ReactedUpTo, Reactor};
use eventbridge::{Entry, MAX_ENTRIES_PER_CALL, Outcome, Publisher};
use numbers::InquiryNumbers;

/// The checkpoint name.
pub const NAME: &str = "integration";

/// How often, and how patiently, refused entries are retried within a step
/// before the step gives up (and the worker retries it later).
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    /// Doubles after each failed attempt.
    pub first_backoff: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 4,
            first_backoff: Duration::from_millis(200),
        }
    }
}

pub struct IntegrationPublisher {
    publisher: Arc<dyn Publisher>,
    numbers: InquiryNumbers,
    retry: Retry,
}

impl IntegrationPublisher {
    pub fn new(store: EventStore, publisher: Arc<dyn Publisher>) -> Self {
        Self {
            publisher,
            numbers: InquiryNumbers::new(store),
            retry: Retry::default(),
        }
    }

    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    async fn entries(&self, batch: &[Envelope]) -> anyhow::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        for envelope in batch {
            self.numbers.note(envelope);
            let Some(detail_type) = detail::detail_type(&envelope.event) else {
                continue;
            };
            let number = self.numbers.of(&envelope.ticket_id).await?;
            let Some(detail) = detail::detail(envelope, &number) else {
                continue;
            };
            entries.push(Entry {
                position: envelope.position,
                detail_type,
                detail: detail.to_string(),
                time: envelope.metadata.occurred_at,
            });
        }
        Ok(entries)
    }

    /// Publishes one call's worth of entries, retrying the refused ones.
    /// On failure, returns the earliest entry still unpublished and why.
    async fn publish_call(&self, entries: &[Entry]) -> Result<(), (i64, String)> {
        let mut pending: Vec<Entry> = entries.to_vec();
        let mut backoff = self.retry.first_backoff;
        let mut last_error = String::new();
        for attempt in 1..=self.retry.attempts.max(1) {
            match self.publisher.publish(&pending).await {
                Ok(outcomes) if outcomes.len() != pending.len() => {
                    last_error =
                        format!("{} outcomes for {} entries", outcomes.len(), pending.len());
                    tracing::warn!(attempt, error = %last_error, "integration events not published");
                }
                Ok(outcomes) => {
                    let mut still = Vec::new();
                    for (entry, outcome) in pending.into_iter().zip(outcomes) {
                        if let Outcome::Failed(reason) = outcome {
                            tracing::warn!(position = entry.position, detail_type = entry.detail_type, attempt, error = %reason, "integration event refused");
                            last_error = reason;
                            still.push(entry);
                        }
                    }
                    pending = still;
                }
                Err(error) => {
                    last_error = format!("{error:#}");
                    tracing::warn!(attempt, error = %last_error, "integration events not published");
                }
            }
            if pending.is_empty() {
                return Ok(());
            }
            if attempt < self.retry.attempts {
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
            }
        }
        let first = pending.iter().map(|e| e.position).min().unwrap_or(i64::MAX);
        Err((first, last_error))
    }
}

#[async_trait]
impl Reactor for IntegrationPublisher {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn react(&self, batch: &[Envelope]) -> anyhow::Result<()> {
        let entries = self.entries(batch).await?;
        for call in entries.chunks(MAX_ENTRIES_PER_CALL) {
            if let Err((first_failed, reason)) = self.publish_call(call).await {
                let reason = format!("event at position {first_failed} not published: {reason}");
                return Err(match batch.iter().rfind(|e| e.position < first_failed) {
                    Some(done) => anyhow::Error::new(ReactedUpTo {
                        position: done.position,
                        reason,
                    }),
                    None => anyhow::anyhow!(reason),
                });
            }
        }
        Ok(())
    }
}
