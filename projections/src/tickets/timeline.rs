//! Each ticket's timeline (`rm_timeline`): what the detail page shows, oldest
//! first. Internal notes are their own kind, so no view can mistake them for
//! something sent to the customer.

use std::collections::HashMap;

use command_api::db::to_micros;
use domain::TicketEvent;
use domain::personal::ERASED_TEXT;
use domain::ticket::Attachment;
use serde_json::{Value, json};

use super::table;
use crate::engine::Envelope;
use crate::on_tx;
use crate::tx::{Cell, OnConflict, Tx};

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
            attachments,
            ..
        } => Some(Entry {
            kind: "opened",
            body: Some(body.as_str()),
            data: json!({ "subject": subject.as_str(), "channel": channel.as_str(), "attachments": files(attachments) }),
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
                "attachments": files(attachments),
            }),
            ref_id: Some(message_id.to_string()),
            delivery: None,
        }),
        TicketEvent::AcknowledgementSent { .. } => plain("acknowledged", json!({})),
        TicketEvent::TicketLabelled {
            rule_id,
            tag,
            assignee_group,
        } => plain(
            "labelled",
            json!({ "rule_id": rule_id, "tag": tag, "assignee_group": assignee_group }),
        ),
        TicketEvent::CustomerDataErased { reason, .. } => {
            plain("erased", json!({ "reason": reason.as_str() }))
        }
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

/// The timeline writes of a batch: new entries, and delivery states of
/// replies stored by earlier batches (a reply of this batch gets its state
/// in memory before it is inserted).
#[derive(Default)]
pub struct Pending<'a> {
    entries: Vec<(&'a Envelope, Entry<'a>, String)>,
    deliveries: HashMap<(&'a str, String), &'static str>,
    erased: Vec<&'a str>,
}

impl<'a> Pending<'a> {
    pub fn add(&mut self, envelope: &'a Envelope) {
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
            let reply_id = reply_id.to_string();
            // Deliveries follow their reply closely: search from the newest.
            let pending = self.entries.iter_mut().rev().find(|(e, entry, _)| {
                e.ticket_id == envelope.ticket_id
                    && entry.ref_id.as_deref() == Some(reply_id.as_str())
            });
            match pending {
                Some((_, entry, _)) => entry.delivery = Some(state),
                None => {
                    self.deliveries
                        .insert((envelope.ticket_id.as_str(), reply_id), state);
                }
            }
            return;
        }
        if matches!(envelope.event, TicketEvent::CustomerDataErased { .. }) {
            self.erased.push(&envelope.ticket_id);
        }
        if let Some(entry) = entry(&envelope.event) {
            let data = entry.data.to_string();
            self.entries.push((envelope, entry, data));
        }
    }

    pub async fn write(self, tx: &mut Tx, generation: i64) -> Result<(), sqlx::Error> {
        let timeline = table("rm_timeline", generation);
        let actors: Vec<String> = self
            .entries
            .iter()
            .map(|(e, ..)| e.metadata.actor.to_string())
            .collect();
        let rows: Vec<Vec<Cell<'_>>> = self
            .entries
            .iter()
            .zip(&actors)
            .map(|((envelope, entry, data), actor)| {
                vec![
                    Cell::Text(&envelope.ticket_id),
                    Cell::Int(envelope.sequence),
                    Cell::Text(entry.kind),
                    Cell::Text(actor),
                    Cell::Int(to_micros(envelope.metadata.occurred_at)),
                    Cell::OptText(entry.body),
                    Cell::Text(data),
                    Cell::OptText(entry.ref_id.as_deref()),
                    Cell::OptText(entry.delivery),
                ]
            })
            .collect();
        tx.insert_rows(&timeline, &COLUMNS, OnConflict::Fail, &rows)
            .await?;
        let sql = format!("UPDATE {timeline} SET delivery = ? WHERE ticket_id = ? AND ref_id = ?");
        for ((ticket_id, reply_id), state) in &self.deliveries {
            on_tx!(tx, t => sqlx::query(&sql).bind(*state).bind(*ticket_id).bind(reply_id).execute(&mut **t).await.map(|_| ()))?;
        }
        // Last, so entries inserted by this same batch are redacted too. The
        // stand-ins are fixed, so a rebuild (whose events already read as
        // 削除済み) writes exactly the same rows.
        let redact = format!(
            "UPDATE {timeline} SET body = ?, data = ? WHERE ticket_id = ? AND kind IN ('opened', 'note', 'reply', 'customer_message')"
        );
        let data = json!({ "subject": ERASED_TEXT, "erased": true }).to_string();
        for ticket_id in &self.erased {
            on_tx!(tx, t => sqlx::query(&redact).bind(ERASED_TEXT).bind(&data).bind(*ticket_id).execute(&mut **t).await.map(|_| ()))?;
        }
        Ok(())
    }
}

const COLUMNS: [&str; 9] = [
    "ticket_id",
    "sequence",
    "kind",
    "actor",
    "occurred_at",
    "body",
    "data",
    "ref_id",
    "delivery",
];

/// The attachments as the timeline shows them. `stored` is false for one
/// over the size or count limit, whose bytes are only in the raw mail.
fn files(attachments: &[Attachment]) -> Vec<Value> {
    attachments
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "size": a.size,
                "stored": a.storage_key.starts_with("attachments/"),
            })
        })
        .collect()
}
