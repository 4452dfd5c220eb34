//! Per-ticket facts for quality analytics: when the first response came and
//! from whom, when it was first resolved and by whom, reopens and replies.
//! Folded in memory over a batch and written once per ticket, like the list row.

use std::collections::HashMap;

use command_api::db::to_micros;
use domain::{Actor, Status, TicketEvent};

use super::table;
use crate::engine::Envelope;
use crate::tx::{Cell, OnConflict, Tx};

/// One `rm_ticket_facts` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Facts {
    pub ticket_id: String,
    pub category_id: i64,
    pub received_at: i64,
    pub first_response_at: Option<i64>,
    pub first_responder_id: Option<i64>,
    pub resolved_at: Option<i64>,
    pub resolver_id: Option<i64>,
    pub reopen_count: i32,
    pub reply_count: i32,
}

const COLUMNS: [&str; 9] = [
    "ticket_id",
    "category_id",
    "received_at",
    "first_response_at",
    "first_responder_id",
    "resolved_at",
    "resolver_id",
    "reopen_count",
    "reply_count",
];

impl Facts {
    /// The facts a `TicketOpened` starts; `None` for every other event.
    pub fn opened(envelope: &Envelope) -> Option<Self> {
        let TicketEvent::TicketOpened {
            category_id,
            received_at,
            ..
        } = &envelope.event
        else {
            return None;
        };
        Some(Self {
            ticket_id: envelope.ticket_id.clone(),
            category_id: *category_id,
            received_at: to_micros(*received_at),
            first_response_at: None,
            first_responder_id: None,
            resolved_at: None,
            resolver_id: None,
            reopen_count: 0,
            reply_count: 0,
        })
    }

    /// Folds a later event in; `assignee` is the ticket's assignee after it.
    pub fn apply(&mut self, envelope: &Envelope, assignee: Option<i64>) {
        let at = to_micros(envelope.metadata.occurred_at);
        let agent = match envelope.metadata.actor {
            Actor::Agent(id) => Some(id),
            _ => None,
        };
        match &envelope.event {
            TicketEvent::ReplyQueued { .. } => {
                self.reply_count += 1;
                if self.first_response_at.is_none() {
                    self.first_response_at = Some(at);
                    self.first_responder_id = agent;
                }
            }
            TicketEvent::StatusChanged { from, to } => {
                let done = |s: &Status| matches!(s, Status::Resolved | Status::Closed);
                if done(to) && !done(from) {
                    // Credit the agent who resolved it, or the assignee when the system did.
                    if self.resolved_at.is_none() {
                        self.resolved_at = Some(at);
                        self.resolver_id = agent.or(assignee);
                    }
                } else if done(from) && !done(to) {
                    self.reopen_count += 1;
                }
            }
            _ => {}
        }
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::Text(&self.ticket_id),
            Cell::Int(self.category_id),
            Cell::Int(self.received_at),
            Cell::OptInt(self.first_response_at),
            Cell::OptInt(self.first_responder_id),
            Cell::OptInt(self.resolved_at),
            Cell::OptInt(self.resolver_id),
            Cell::Int(self.reopen_count.into()),
            Cell::Int(self.reply_count.into()),
        ]
    }
}

/// The stored facts of the given tickets.
pub async fn load(
    tx: &mut Tx,
    generation: i64,
    ids: &[&str],
) -> Result<HashMap<String, Facts>, sqlx::Error> {
    let facts: Vec<Facts> = tx
        .rows_by_key(
            &COLUMNS.join(", "),
            &table("rm_ticket_facts", generation),
            "ticket_id",
            ids,
        )
        .await?;
    Ok(facts
        .into_iter()
        .map(|f| (f.ticket_id.clone(), f))
        .collect())
}

/// Writes the facts: new rows inserted, existing ones replaced, in bulk.
pub async fn write(tx: &mut Tx, generation: i64, facts: &[&Facts]) -> Result<(), sqlx::Error> {
    let cells: Vec<Vec<Cell<'_>>> = facts.iter().map(|f| f.cells()).collect();
    tx.insert_rows(
        &table("rm_ticket_facts", generation),
        &COLUMNS,
        OnConflict::Replace(&["ticket_id"]),
        &cells,
    )
    .await
}
