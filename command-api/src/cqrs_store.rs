//! The event store behind cqrs-es's own `EventStore` trait, so the framework's
//! `CqrsFramework` can drive the `Ticket` aggregate directly (used by tools and
//! tests). The HTTP path uses [`crate::commands::TicketService`], which adds
//! what the trait cannot express: the expected version the caller saw,
//! idempotency keys, claims, and the global position of the result.

use std::collections::HashMap;

use cqrs_es::{AggregateContext, AggregateError, EventEnvelope};
use domain::{Actor, EventMetadata, Ticket, TicketError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec;
use crate::event_store::{Append, AppendError, EventStore, StoredEvent};

/// A loaded ticket and the version it was loaded at.
#[derive(Debug)]
pub struct TicketContext {
    aggregate_id: String,
    ticket: Ticket,
    version: i64,
}

impl AggregateContext<Ticket> for TicketContext {
    fn aggregate(&mut self) -> &mut Ticket {
        &mut self.ticket
    }
}

type Error = AggregateError<TicketError>;

fn database(error: impl std::error::Error + Send + Sync + 'static) -> Error {
    AggregateError::DatabaseConnectionError(Box::new(error))
}

fn envelope(stored: &StoredEvent) -> Result<EventEnvelope<Ticket>, Error> {
    let (payload, metadata) =
        codec::decode(stored).map_err(|e| AggregateError::DeserializationError(Box::new(e)))?;
    Ok(EventEnvelope {
        aggregate_id: stored.aggregate_id.clone(),
        sequence: usize::try_from(stored.sequence).unwrap_or_default(),
        payload,
        metadata: flatten(&metadata),
    })
}

/// cqrs-es carries metadata as strings.
fn flatten(metadata: &EventMetadata) -> HashMap<String, String> {
    let mut map = HashMap::from([
        ("event_id".to_owned(), metadata.event_id.to_string()),
        ("actor".to_owned(), metadata.actor.to_string()),
        (
            "correlation_id".to_owned(),
            metadata.correlation_id.to_string(),
        ),
        ("causation_id".to_owned(), metadata.causation_id.to_string()),
    ]);
    if let Some(request_id) = &metadata.request_id {
        map.insert("request_id".to_owned(), request_id.clone());
    }
    map
}

/// The framework's string metadata, read back into ours; an actor that is
/// missing or unreadable is recorded as `system:cqrs`, never guessed.
fn metadata_from(map: &HashMap<String, String>) -> EventMetadata {
    let uuid = |key: &str| map.get(key).and_then(|v| Uuid::parse_str(v).ok());
    let correlation_id = uuid("correlation_id").unwrap_or_else(Uuid::now_v7);
    EventMetadata {
        event_id: Uuid::now_v7(),
        occurred_at: OffsetDateTime::now_utc(),
        actor: map
            .get("actor")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| Actor::System("cqrs".into())),
        correlation_id,
        causation_id: uuid("causation_id").unwrap_or(correlation_id),
        request_id: map.get("request_id").cloned(),
    }
}

impl cqrs_es::EventStore<Ticket> for EventStore {
    type AC = TicketContext;

    async fn load_events(&self, aggregate_id: &str) -> Result<Vec<EventEnvelope<Ticket>>, Error> {
        let stored = self
            .read_stream(<Ticket as cqrs_es::Aggregate>::TYPE, aggregate_id)
            .await
            .map_err(database)?;
        stored.iter().map(envelope).collect()
    }

    async fn load_aggregate(&self, aggregate_id: &str) -> Result<TicketContext, Error> {
        let mut ticket = Ticket::default();
        let events = self.load_events(aggregate_id).await?;
        let version = events
            .last()
            .map_or(0, |e| i64::try_from(e.sequence).unwrap_or_default());
        for event in events {
            cqrs_es::Aggregate::apply(&mut ticket, event.payload);
        }
        Ok(TicketContext {
            aggregate_id: aggregate_id.to_owned(),
            ticket,
            version,
        })
    }

    async fn commit(
        &self,
        events: Vec<domain::TicketEvent>,
        context: TicketContext,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<Ticket>>, Error> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let rows = events
            .iter()
            .map(|event| {
                codec::encode(
                    event,
                    &metadata_from(&metadata),
                    context.ticket.customer_ref(),
                )
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AggregateError::UnexpectedError(Box::new(e)))?;
        let append = Append {
            aggregate_type: <Ticket as cqrs_es::Aggregate>::TYPE,
            aggregate_id: &context.aggregate_id,
            expected_version: context.version,
            events: rows,
            claims: Vec::new(),
            idempotency: None,
            customer_key: None,
        };
        match self.append(append).await {
            Ok(_) => {}
            Err(AppendError::Conflict) => return Err(AggregateError::AggregateConflict),
            Err(e) => return Err(database(e)),
        }
        let stored = self
            .read_stream(<Ticket as cqrs_es::Aggregate>::TYPE, &context.aggregate_id)
            .await
            .map_err(database)?;
        stored
            .iter()
            .filter(|e| e.sequence > context.version)
            .map(envelope)
            .collect()
    }
}
