//! Each ticket's timeline (`rm_timeline`): what the detail page shows, oldest
//! first. Internal notes are their own kind, so no view can mistake them for
//! something sent to the customer.

use command_api::db::to_micros;
use domain::TicketEvent;
use serde_json::{Value, json};

use super::table;
use crate::engine::Envelope;
use crate::on_tx;
use crate::tx::Tx;

struct Entry<'a> {
    kind: &'static str,
    body: Option<&'a str>,
    data: Value,
    ref_id: Option<String>,
    delivery: Option<&'static str>,
}

fn entry(event: &TicketEvent) -> Option<Entry<'_>> {
    let plain = |kind, data| {
        Some(Entry {
            kind,
            body: None,
            data,
            ref_id: None,
            delivery: None,
        })
    };
    match event {
        TicketEvent::TicketOpened {
            subject,
            body,
            channel,
            ..
        } => Some(Entry {
            kind: "opened",
            body: Some(body.as_str()),
            data: json!({ "subject": subject.as_str(), "channel": channel.as_str() }),
            ref_id: None,
            delivery: None,
        }),
        TicketEvent::StatusChanged { from, to } => plain(
            "status",
            json!({ "from": from.as_str(), "to": to.as_str() }),
        ),
        TicketEvent::PriorityChanged { from, to } => plain(
            "priority",
            json!({ "from": from.as_str(), "to": to.as_str() }),
        ),
        TicketEvent::PriorityRaised {
            from,
            to,
            rule_id,
            matched,
        } => plain(
            "priority",
            json!({ "from": from.as_str(), "to": to.as_str(), "rule_id": rule_id, "matched": matched }),
        ),
        TicketEvent::TicketAssigned { from, to } => {
            plain("assigned", json!({ "from": from, "to": to }))
        }
        TicketEvent::TicketUnassigned { from } => plain("unassigned", json!({ "from": from })),
        TicketEvent::InternalNoteAdded { note_id, body } => Some(Entry {
            kind: "note",
            body: Some(body.as_str()),
            data: json!({}),
            ref_id: Some(note_id.to_string()),
            delivery: None,
        }),
        TicketEvent::ReplyQueued {
            reply_id,
            subject,
            body,
            ..
        } => Some(Entry {
            kind: "reply",
            body: Some(body.as_str()),
            data: json!({ "subject": subject.as_str() }),
            ref_id: Some(reply_id.to_string()),
            delivery: Some("queued"),
        }),
        TicketEvent::CustomerMessageReceived {
            message_id,
            subject,
            body,
            source,
            from,
            attachments,
            ..
        } => Some(Entry {
            kind: "customer_message",
            body: Some(body.as_str()),
            data: json!({
                "subject": subject.as_ref().map(|s| s.as_str()),
                "source": source,
                "from": from.as_ref().map(|f| f.as_str()),
                "attachments": attachments.iter().map(|a| json!({ "name": a.name, "size": a.size })).collect::<Vec<_>>(),
            }),
            ref_id: Some(message_id.to_string()),
            delivery: None,
        }),
        TicketEvent::AcknowledgementSent { .. } => plain("acknowledged", json!({})),
        TicketEvent::SlaBreached {
            kind,
            target_minutes,
            due_at,
            ..
        } => plain(
            "sla_breached",
            json!({ "kind": kind, "target_minutes": target_minutes, "due_at": due_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default() }),
        ),
        TicketEvent::ReplyDelivered { .. }
        | TicketEvent::ReplyDeliveryFailed { .. }
        | TicketEvent::TicketClosed {}
        | TicketEvent::TicketReopened {} => None,
    }
}

pub async fn apply(tx: &mut Tx, generation: i64, envelope: &Envelope) -> Result<(), sqlx::Error> {
    let timeline = table("rm_timeline", generation);
    let id = envelope.ticket_id.as_str();
    let delivery = match &envelope.event {
        TicketEvent::ReplyDelivered { reply_id, .. } => Some((reply_id, "sent")),
        TicketEvent::ReplyDeliveryFailed {
            reply_id,
            permanent: true,
            ..
        } => Some((reply_id, "failed")),
        TicketEvent::ReplyDeliveryFailed { reply_id, .. } => Some((reply_id, "retrying")),
        _ => None,
    };
    if let Some((reply_id, state)) = delivery {
        let sql = format!("UPDATE {timeline} SET delivery = ? WHERE ticket_id = ? AND ref_id = ?");
        return on_tx!(tx, t => sqlx::query(&sql).bind(state).bind(id).bind(reply_id.to_string()).execute(&mut **t).await.map(|_| ()));
    }
    let Some(entry) = entry(&envelope.event) else {
        return Ok(());
    };
    let sql = format!(
        "INSERT INTO {timeline} (ticket_id, sequence, kind, actor, occurred_at, body, data, ref_id, delivery) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    on_tx!(tx, t => sqlx::query(&sql)
        .bind(id)
        .bind(envelope.sequence)
        .bind(entry.kind)
        .bind(envelope.metadata.actor.to_string())
        .bind(to_micros(envelope.metadata.occurred_at))
        .bind(entry.body)
        .bind(entry.data.to_string())
        .bind(entry.ref_id.as_deref())
        .bind(entry.delivery)
        .execute(&mut **t)
        .await
        .map(|_| ()))
}
