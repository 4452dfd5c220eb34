//! Event metadata: the audit trail's "who, when and why".
//!
//! Metadata deliberately carries no personal data: the actor is an id, never a
//! name or address, so the log can be shown to supervisors and shipped to
//! observability tools without leaking customers' details.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The customer, through the form or by mail.
    Customer,
    /// An employee, by id.
    Agent(i64),
    /// A component of the system, such as `mailer` or `triage`.
    System(String),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Customer => f.write_str("customer"),
            Actor::Agent(id) => write!(f, "agent:{id}"),
            Actor::System(component) => write!(f, "system:{component}"),
        }
    }
}

/// The text form of an actor did not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown actor `{0}`")]
pub struct ActorParseError(String);

impl FromStr for Actor {
    type Err = ActorParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "customer" {
            return Ok(Actor::Customer);
        }
        if let Some(id) = s.strip_prefix("agent:") {
            return id
                .parse()
                .map(Actor::Agent)
                .map_err(|_| ActorParseError(s.to_owned()));
        }
        match s.strip_prefix("system:") {
            Some(component) if !component.is_empty() => Ok(Actor::System(component.to_owned())),
            _ => Err(ActorParseError(s.to_owned())),
        }
    }
}

impl Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Metadata stored beside every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    /// UUIDv7, so ids sort by creation time.
    pub event_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub actor: Actor,
    /// Shared by every event that one user action caused, across aggregates.
    pub correlation_id: Uuid,
    /// The event or request that directly caused this one.
    pub causation_id: Uuid,
    /// The HTTP request id, when the event came from a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The context of one command: one set of metadata is derived per event from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandContext {
    pub actor: Actor,
    pub occurred_at: OffsetDateTime,
    pub correlation_id: Uuid,
    pub causation_id: Uuid,
    pub request_id: Option<String>,
}

impl CommandContext {
    /// A context for a fresh user action: correlation and causation start here.
    pub fn new(actor: Actor, occurred_at: OffsetDateTime, request_id: Option<String>) -> Self {
        let id = Uuid::now_v7();
        Self {
            actor,
            occurred_at,
            correlation_id: id,
            causation_id: id,
            request_id,
        }
    }

    /// A context for work caused by an earlier event (reactors such as the mailer).
    pub fn caused_by(actor: Actor, occurred_at: OffsetDateTime, cause: &EventMetadata) -> Self {
        Self {
            actor,
            occurred_at,
            correlation_id: cause.correlation_id,
            causation_id: cause.event_id,
            request_id: None,
        }
    }

    /// The metadata of one event produced in this context.
    pub fn metadata(&self) -> EventMetadata {
        EventMetadata {
            event_id: Uuid::now_v7(),
            occurred_at: self.occurred_at,
            actor: self.actor.clone(),
            correlation_id: self.correlation_id,
            causation_id: self.causation_id,
            request_id: self.request_id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_round_trips_through_text() {
        for actor in [
            Actor::Customer,
            Actor::Agent(42),
            Actor::System("mailer".into()),
        ] {
            assert_eq!(actor.to_string().parse::<Actor>(), Ok(actor));
        }
    }

    #[test]
    fn actor_rejects_garbage() {
        for bad in ["", "agent:", "agent:x", "system:", "root"] {
            assert!(bad.parse::<Actor>().is_err(), "{bad}");
        }
    }
}
