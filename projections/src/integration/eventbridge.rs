//! Where integration events go: the [`Publisher`] seam and its Amazon
//! EventBridge implementation. One call carries at most
//! [`MAX_ENTRIES_PER_CALL`] entries, and answers for each entry separately,
//! because `PutEvents` can accept some entries of a call and refuse others.

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_eventbridge::Client;
use aws_sdk_eventbridge::primitives::DateTime;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use time::OffsetDateTime;

/// EventBridge's limit on entries per `PutEvents` call.
pub const MAX_ENTRIES_PER_CALL: usize = 10;

/// The `Source` of every Madoguchi event (see `docs/integration-events`).
pub const SOURCE: &str = "lifestylemart.madoguchi";

/// One integration event, ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The domain event's place in the log; orders and resumes publishing.
    pub position: i64,
    pub detail_type: &'static str,
    /// The detail as JSON text.
    pub detail: String,
    pub time: OffsetDateTime,
}

/// What happened to one entry of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// Refused by the bus (`ErrorCode: ErrorMessage`); worth retrying.
    Failed(String),
}

#[async_trait]
pub trait Publisher: Send + Sync {
    /// Publishes up to [`MAX_ENTRIES_PER_CALL`] entries and answers one
    /// outcome per entry, in order. An error means the call as a whole
    /// failed: no entry is known to be accepted.
    async fn publish(&self, entries: &[Entry]) -> anyhow::Result<Vec<Outcome>>;
}

pub struct EventBridgePublisher {
    client: Client,
    bus: String,
}

impl EventBridgePublisher {
    pub fn new(config: &aws_config::SdkConfig, bus: impl Into<String>) -> Self {
        Self {
            client: Client::new(config),
            bus: bus.into(),
        }
    }
}

#[async_trait]
impl Publisher for EventBridgePublisher {
    #[tracing::instrument(name = "integration.put_events", skip_all, fields(entries = entries.len()))]
    async fn publish(&self, entries: &[Entry]) -> anyhow::Result<Vec<Outcome>> {
        anyhow::ensure!(
            entries.len() <= MAX_ENTRIES_PER_CALL,
            "{} entries are more than one PutEvents call takes",
            entries.len()
        );
        let request = entries
            .iter()
            .map(|entry| {
                PutEventsRequestEntry::builder()
                    .source(SOURCE)
                    .detail_type(entry.detail_type)
                    .detail(&entry.detail)
                    .event_bus_name(&self.bus)
                    // EventBridge keeps whole seconds; the detail keeps the rest.
                    .time(DateTime::from_secs(entry.time.unix_timestamp()))
                    .build()
            })
            .collect();
        let output = self
            .client
            .put_events()
            .set_entries(Some(request))
            .send()
            .await
            .map_err(aws_sdk_eventbridge::Error::from)
            .context("PutEvents failed")?;
        let results = output.entries();
        anyhow::ensure!(
            results.len() == entries.len(),
            "PutEvents answered for {} of {} entries",
            results.len(),
            entries.len()
        );
        Ok(results
            .iter()
            .map(|result| match result.error_code() {
                None => Outcome::Accepted,
                Some(code) => {
                    Outcome::Failed(format!("{code}: {}", result.error_message().unwrap_or("")))
                }
            })
            .collect())
    }
}
