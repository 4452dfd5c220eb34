//! The ticket list row (`rm_tickets`): one row per ticket, everything the list,
//! filters, sorts and search need.
//!
//! A batch reads the rows of the tickets it touches once, folds every event
//! into them in memory ([`ListRow::apply`], pure), and writes each changed row
//! back once, many rows per statement: a rebuild costs a few statements per
//! thousand events instead of one per event.

use std::collections::HashMap;

use command_api::db::to_micros;
use domain::TicketEvent;
use domain::personal::ERASED_TEXT;

use super::counters::Shape;
use super::table;
use crate::engine::Envelope;
use crate::search::normalize;
use crate::tx::{Cell, OnConflict, Tx};

/// One `rm_tickets` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ListRow {
    pub ticket_id: String,
    pub inquiry_number: String,
    pub subject: String,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub order_number: Option<String>,
    pub category_id: i64,
    pub channel: String,
    pub status: String,
    pub priority: String,
    pub priority_rank: i64,
    pub assignee_id: Option<i64>,
    pub received_at: i64,
    pub updated_at: i64,
    pub last_customer_message_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub awaiting_reply: bool,
    pub version: i64,
    pub search_text: String,
}

const COLUMNS: [&str; 19] = [
    "ticket_id",
    "inquiry_number",
    "subject",
    "customer_name",
    "customer_email",
    "order_number",
    "category_id",
    "channel",
    "status",
    "priority",
    "priority_rank",
    "assignee_id",
    "received_at",
    "updated_at",
    "last_customer_message_at",
    "first_response_at",
    "awaiting_reply",
    "version",
    "search_text",
];

/// Text appended to the searchable text of a ticket.
fn searchable(parts: &[Option<&str>]) -> String {
    let mut text = String::new();
    for part in parts.iter().flatten() {
        text.push('\n');
        text.push_str(&normalize(part));
    }
    text
}

impl ListRow {
    /// The row a `TicketOpened` creates; `None` for every other event.
    pub fn opened(envelope: &Envelope) -> Option<Self> {
        let TicketEvent::TicketOpened {
            inquiry_number,
            channel,
            category_id,
            customer,
            order_number,
            subject,
            body,
            priority,
            received_at,
            ..
        } = &envelope.event
        else {
            return None;
        };
        let number = inquiry_number.to_string();
        let email = customer.email.as_ref().map(|e| e.as_str().to_owned());
        let order = order_number.as_ref().map(|o| o.as_str().to_owned());
        let search_text = searchable(&[
            Some(&number),
            Some(subject.as_str()),
            Some(body.as_str()),
            Some(customer.name.as_str()),
            email.as_deref(),
            order.as_deref(),
        ]);
        let received = to_micros(*received_at);
        Some(Self {
            ticket_id: envelope.ticket_id.clone(),
            inquiry_number: number,
            subject: subject.as_str().to_owned(),
            customer_name: customer.name.as_str().to_owned(),
            customer_email: email,
            order_number: order,
            category_id: *category_id,
            channel: channel.as_str().to_owned(),
            status: "new".into(),
            priority: priority.as_str().to_owned(),
            priority_rank: priority.rank(),
            assignee_id: None,
            received_at: received,
            updated_at: to_micros(envelope.metadata.occurred_at),
            last_customer_message_at: Some(received),
            first_response_at: None,
            awaiting_reply: true,
            version: envelope.sequence,
            search_text,
        })
    }

    /// Folds a later event into the row.
    pub fn apply(&mut self, envelope: &Envelope) {
        let at = to_micros(envelope.metadata.occurred_at);
        match &envelope.event {
            TicketEvent::StatusChanged { to, .. } => self.status = to.as_str().into(),
            TicketEvent::PriorityChanged { to, .. } | TicketEvent::PriorityRaised { to, .. } => {
                self.priority = to.as_str().into();
                self.priority_rank = to.rank();
            }
            TicketEvent::TicketAssigned { to, .. } => self.assignee_id = Some(*to),
            TicketEvent::TicketUnassigned { .. } => self.assignee_id = None,
            TicketEvent::ReplyQueued { subject, body, .. } => {
                // The first reply is the first response; later ones leave it alone.
                self.first_response_at.get_or_insert(at);
                self.awaiting_reply = false;
                self.search_text
                    .push_str(&searchable(&[Some(subject.as_str()), Some(body.as_str())]));
            }
            TicketEvent::CustomerMessageReceived {
                subject,
                body,
                received_at,
                ..
            } => {
                self.last_customer_message_at = Some(to_micros(*received_at));
                self.awaiting_reply = true;
                self.search_text.push_str(&searchable(&[
                    subject.as_ref().map(|s| s.as_str()),
                    Some(body.as_str()),
                ]));
            }
            // Only the inquiry number stays findable.
            TicketEvent::CustomerDataErased { .. } => {
                self.subject = ERASED_TEXT.into();
                self.customer_name = ERASED_TEXT.into();
                self.customer_email = None;
                self.order_number = None;
                self.search_text = searchable(&[Some(&self.inquiry_number)]);
            }
            _ => {}
        }
        self.version = envelope.sequence;
        self.updated_at = at;
    }

    /// What the dashboard counters depend on.
    pub fn shape(&self) -> Shape {
        Shape {
            status: self.status.clone(),
            priority: self.priority.clone(),
            assignee: self.assignee_id,
            unanswered: self.first_response_at.is_none(),
            received_hour: super::counters::hour_of(self.received_at),
        }
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        vec![
            Cell::Text(&self.ticket_id),
            Cell::Text(&self.inquiry_number),
            Cell::Text(&self.subject),
            Cell::Text(&self.customer_name),
            Cell::OptText(self.customer_email.as_deref()),
            Cell::OptText(self.order_number.as_deref()),
            Cell::Int(self.category_id),
            Cell::Text(&self.channel),
            Cell::Text(&self.status),
            Cell::Text(&self.priority),
            Cell::Int(self.priority_rank),
            Cell::OptInt(self.assignee_id),
            Cell::Int(self.received_at),
            Cell::Int(self.updated_at),
            Cell::OptInt(self.last_customer_message_at),
            Cell::OptInt(self.first_response_at),
            Cell::Bool(self.awaiting_reply),
            Cell::Int(self.version),
            Cell::Text(&self.search_text),
        ]
    }
}

/// The stored rows of the given tickets.
pub async fn load(
    tx: &mut Tx,
    generation: i64,
    ids: &[&str],
) -> Result<HashMap<String, ListRow>, sqlx::Error> {
    let columns = select_list(tx);
    let rows: Vec<ListRow> = tx
        .rows_by_key(&columns, &table("rm_tickets", generation), "ticket_id", ids)
        .await?;
    Ok(rows.into_iter().map(|r| (r.ticket_id.clone(), r)).collect())
}

/// The column list, with the binary-collated search text read back as text
/// on MariaDB (where it would otherwise arrive as bytes).
fn select_list(tx: &Tx) -> String {
    COLUMNS
        .iter()
        .map(|c| match (tx, *c) {
            (Tx::MySql(_), "search_text") => {
                "CAST(search_text AS CHAR CHARACTER SET utf8mb4) AS search_text".to_owned()
            }
            _ => (*c).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the rows: new ones inserted, existing ones replaced, in bulk.
pub async fn write(tx: &mut Tx, generation: i64, rows: &[&ListRow]) -> Result<(), sqlx::Error> {
    let cells: Vec<Vec<Cell<'_>>> = rows.iter().map(|r| r.cells()).collect();
    tx.insert_rows(
        &table("rm_tickets", generation),
        &COLUMNS,
        OnConflict::Replace(&["ticket_id"]),
        &cells,
    )
    .await
}
