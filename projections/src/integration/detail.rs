//! From domain events to the integration events of
//! `docs/integration-events/`: which domain event is published under which
//! `DetailType`, and the detail each carries. The schemas are closed and
//! carry no personal data, so this is the only place that decides what
//! leaves Madoguchi; nothing is copied from a payload wholesale.

use domain::{Actor, TicketEvent};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::engine::Envelope;

/// The contract's major version, in every detail.
pub const SCHEMA_VERSION: &str = "1";

/// The `DetailType` a domain event is published as, or `None` when the
/// contract does not publish it (notes, delivery results, SLA breaches,
/// triage's automatic raises, reopenings).
pub fn detail_type(event: &TicketEvent) -> Option<&'static str> {
    Some(match event {
        TicketEvent::TicketOpened { .. } => "ticket.opened",
        TicketEvent::StatusChanged { .. } => "ticket.status_changed",
        TicketEvent::PriorityChanged { .. } => "ticket.priority_changed",
        TicketEvent::TicketAssigned { .. } | TicketEvent::TicketUnassigned { .. } => {
            "ticket.assigned"
        }
        TicketEvent::ReplyQueued { .. } => "ticket.replied",
        TicketEvent::CustomerMessageReceived { .. } => "ticket.customer_replied",
        TicketEvent::TicketClosed {} => "ticket.closed",
        _ => return None,
    })
}

/// The detail of a published event: the common fields, then its own.
pub fn detail(envelope: &Envelope, inquiry_number: &str) -> Option<Value> {
    let specific = match &envelope.event {
        TicketEvent::TicketOpened {
            channel,
            category_id,
            priority,
            received_at,
            ..
        } => json!({
            "channel": channel.as_str(),
            "category_id": category_id,
            "priority": priority.as_str(),
            "received_at": utc(*received_at),
        }),
        TicketEvent::StatusChanged { from, to } => {
            json!({ "from_status": from.as_str(), "to_status": to.as_str() })
        }
        TicketEvent::PriorityChanged { from, to } => {
            json!({ "from_priority": from.as_str(), "to_priority": to.as_str() })
        }
        TicketEvent::TicketAssigned { from, to } => {
            json!({ "previous_assignee_id": from, "assignee_id": to })
        }
        TicketEvent::TicketUnassigned { from } => {
            json!({ "previous_assignee_id": from, "assignee_id": null })
        }
        TicketEvent::ReplyQueued { reply_id, .. } => {
            let agent_id = match envelope.metadata.actor {
                Actor::Agent(id) => Some(id),
                _ => None,
            };
            json!({ "reply_id": reply_id, "agent_id": agent_id })
        }
        TicketEvent::CustomerMessageReceived {
            message_id,
            source,
            attachments,
            received_at,
            ..
        } => json!({
            "message_id": message_id,
            "source": source,
            "attachment_count": attachments.len(),
            "received_at": utc(*received_at),
        }),
        TicketEvent::TicketClosed {} => json!({}),
        _ => return None,
    };
    let mut detail = json!({
        "schema_version": SCHEMA_VERSION,
        "event_id": envelope.metadata.event_id,
        "ticket_id": envelope.ticket_id,
        "inquiry_number": inquiry_number,
        "position": envelope.position,
        "occurred_at": utc(envelope.metadata.occurred_at),
    });
    if let (Some(all), Value::Object(own)) = (detail.as_object_mut(), specific) {
        all.extend(own);
    }
    Some(detail)
}

/// RFC 3339 in UTC with `Z`, as every schema's `date-time` fields require.
pub fn utc(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use domain::{EventMetadata, Status};
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;

    fn envelope(event: TicketEvent, actor: Actor) -> Envelope {
        let id = Uuid::now_v7();
        Envelope {
            position: 7,
            ticket_id: Uuid::now_v7().to_string(),
            sequence: 2,
            event,
            metadata: EventMetadata {
                event_id: id,
                occurred_at: datetime!(2026-11-28 14:05:12.5 +09:00),
                actor,
                correlation_id: id,
                causation_id: id,
                request_id: None,
            },
        }
    }

    #[test]
    fn common_fields_are_in_utc_and_carry_the_event_id() {
        let e = envelope(
            TicketEvent::StatusChanged {
                from: Status::New,
                to: Status::InProgress,
            },
            Actor::Agent(3),
        );
        let detail = detail(&e, "INQ-20261128-0042").expect("published");
        assert_eq!(detail["occurred_at"], "2026-11-28T05:05:12.5Z");
        assert_eq!(detail["event_id"], e.metadata.event_id.to_string());
        assert_eq!(detail["position"], 7);
        assert_eq!(detail["from_status"], "new");
        assert_eq!(detail["to_status"], "in_progress");
        assert_eq!(detail_type(&e.event), Some("ticket.status_changed"));
    }

    #[test]
    fn a_reply_names_the_agent_only_when_an_employee_queued_it() {
        let reply = |actor| {
            envelope(
                TicketEvent::ReplyQueued {
                    reply_id: Uuid::now_v7(),
                    to: domain::values::CustomerEmail::parse("taro@example.jp").expect("valid"),
                    subject: domain::values::Subject::parse("件名").expect("valid"),
                    body: domain::values::Body::parse("本文").expect("valid"),
                    in_reply_to: None,
                },
                actor,
            )
        };
        let by_agent = detail(&reply(Actor::Agent(3)), "INQ-20261128-0042").expect("published");
        assert_eq!(by_agent["agent_id"], 3);
        let text = by_agent.to_string();
        assert!(
            !text.contains("taro@") && !text.contains("件名") && !text.contains("本文"),
            "{text}"
        );
        let by_system =
            detail(&reply(Actor::System("x".into())), "INQ-20261128-0042").expect("published");
        assert_eq!(by_system["agent_id"], Value::Null);
    }

    #[test]
    fn unpublished_events_have_no_detail() {
        let e = envelope(TicketEvent::TicketReopened {}, Actor::Agent(1));
        assert_eq!(detail_type(&e.event), None);
        assert_eq!(detail(&e, "INQ-20261128-0042"), None);
    }
}
