//! Per-ticket facts for quality analytics: when the first response came and
//! from whom, when it was first resolved and by whom, reopens and replies.

use command_api::db::to_micros;
use domain::{Actor, Status, TicketEvent};

use super::counters::Shape;
use super::table;
use crate::engine::Envelope;
use crate::on_tx;
use crate::tx::Tx;

pub async fn apply(
    tx: &mut Tx,
    generation: i64,
    envelope: &Envelope,
    after: Option<&Shape>,
) -> Result<(), sqlx::Error> {
    let facts = table("rm_ticket_facts", generation);
    let id = envelope.ticket_id.as_str();
    let at = to_micros(envelope.metadata.occurred_at);
    let agent = match envelope.metadata.actor {
        Actor::Agent(id) => Some(id),
        _ => None,
    };
    match &envelope.event {
        TicketEvent::TicketOpened {
            category_id,
            received_at,
            ..
        } => {
            let sql = format!(
                "INSERT INTO {facts} (ticket_id, category_id, received_at, reopen_count, reply_count) VALUES (?, ?, ?, 0, 0)"
            );
            on_tx!(tx, t => sqlx::query(&sql).bind(id).bind(category_id).bind(to_micros(*received_at)).execute(&mut **t).await.map(|_| ()))
        }
        TicketEvent::ReplyQueued { .. } => {
            let sql = format!(
                "UPDATE {facts} SET reply_count = reply_count + 1, \
                 first_responder_id = CASE WHEN first_response_at IS NULL THEN ? ELSE first_responder_id END, \
                 first_response_at = COALESCE(first_response_at, ?) WHERE ticket_id = ?"
            );
            on_tx!(tx, t => sqlx::query(&sql).bind(agent).bind(at).bind(id).execute(&mut **t).await.map(|_| ()))
        }
        TicketEvent::StatusChanged { from, to } => {
            let done = |s: &Status| matches!(s, Status::Resolved | Status::Closed);
            if done(to) && !done(from) {
                // Credit the agent who resolved it, or the assignee when the system did.
                let resolver = agent.or_else(|| after.and_then(|s| s.assignee));
                let sql = format!(
                    "UPDATE {facts} SET resolver_id = CASE WHEN resolved_at IS NULL THEN ? ELSE resolver_id END, \
                     resolved_at = COALESCE(resolved_at, ?) WHERE ticket_id = ?"
                );
                on_tx!(tx, t => sqlx::query(&sql).bind(resolver).bind(at).bind(id).execute(&mut **t).await.map(|_| ()))
            } else if done(from) && !done(to) {
                let sql = format!(
                    "UPDATE {facts} SET reopen_count = reopen_count + 1 WHERE ticket_id = ?"
                );
                on_tx!(tx, t => sqlx::query(&sql).bind(id).execute(&mut **t).await.map(|_| ()))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}
