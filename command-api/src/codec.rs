//! Turning Ticket events into stored rows and back.
//!
//! This is the one place that knows how a domain event becomes JSON, so that
//! cross-cutting concerns of serialization are a layer here and not special
//! cases in each event: versioning, and which customer's key seals the
//! personal fields (the sealing itself happens in the event store).

use domain::{EventMetadata, TicketEvent};

use crate::event_store::{NewEvent, StoredEvent};

/// The current schema version of every Ticket event.
pub const EVENT_VERSION: &str = "1";

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type `{event_type}` at position {position}")]
    UnknownType { event_type: String, position: i64 },
    #[error(
        "event `{event_type}` v{event_version} at position {position} does not decode: {reason}"
    )]
    Undecodable {
        event_type: String,
        event_version: String,
        position: i64,
        reason: String,
    },
}

/// `seal_for` is the ticket's customer, whose data key seals the event's
/// personal fields; `None` for tickets from before sealing.
pub fn encode(
    event: &TicketEvent,
    metadata: &EventMetadata,
    seal_for: Option<uuid::Uuid>,
) -> Result<NewEvent, serde_json::Error> {
    Ok(NewEvent {
        event_id: metadata.event_id,
        event_type: event.type_name().to_owned(),
        event_version: EVENT_VERSION.to_owned(),
        payload: event.to_payload()?,
        metadata: serde_json::to_value(metadata)?,
        seal_for,
    })
}

pub fn decode(stored: &StoredEvent) -> Result<(TicketEvent, EventMetadata), DecodeError> {
    if !TicketEvent::TYPES.contains(&stored.event_type.as_str()) {
        return Err(DecodeError::UnknownType {
            event_type: stored.event_type.clone(),
            position: stored.position,
        });
    }
    let undecodable = |reason: String| DecodeError::Undecodable {
        event_type: stored.event_type.clone(),
        event_version: stored.event_version.clone(),
        position: stored.position,
        reason,
    };
    // Upcasters have already run, so anything but the current version is a
    // version this build cannot read.
    if stored.event_version != EVENT_VERSION {
        return Err(undecodable(format!(
            "no upcaster brings version {} to {EVENT_VERSION}",
            stored.event_version
        )));
    }
    let event = TicketEvent::from_payload(&stored.event_type, stored.payload.clone())
        .map_err(|e| undecodable(e.to_string()))?;
    let metadata = serde_json::from_value(stored.metadata.clone())
        .map_err(|e| undecodable(format!("metadata: {e}")))?;
    Ok((event, metadata))
}
