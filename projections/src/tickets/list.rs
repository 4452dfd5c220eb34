//! The ticket list row (`rm_tickets`): one row per ticket, everything the list,
//! filters, sorts and search need.

use command_api::db::to_micros;
use domain::TicketEvent;

use super::counters::Shape;
use super::table;
use crate::engine::Envelope;
use crate::on_tx;
use crate::search::normalize;
use crate::tx::Tx;

pub async fn shape(
    tx: &mut Tx,
    generation: i64,
    ticket_id: &str,
) -> Result<Option<Shape>, sqlx::Error> {
    let sql = format!(
        "SELECT status, priority, assignee_id FROM {} WHERE ticket_id = ?",
        table("rm_tickets", generation)
    );
    let row: Option<(String, String, Option<i64>)> =
        on_tx!(tx, t => sqlx::query_as(&sql).bind(ticket_id).fetch_optional(&mut **t).await)?;
    Ok(row.map(|(status, priority, assignee)| Shape {
        status,
        priority,
        assignee,
    }))
}

/// Text appended to the searchable text of a ticket.
fn searchable(parts: &[Option<&str>]) -> String {
    let mut text = String::new();
    for part in parts.iter().flatten() {
        text.push('\n');
        text.push_str(&normalize(part));
    }
    text
}

pub async fn apply(tx: &mut Tx, generation: i64, envelope: &Envelope) -> Result<(), sqlx::Error> {
    let tickets = table("rm_tickets", generation);
    let id = envelope.ticket_id.as_str();
    let at = to_micros(envelope.metadata.occurred_at);
    match &envelope.event {
        TicketEvent::TicketOpened {
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
        } => {
            let number = inquiry_number.to_string();
            let email = customer.email.as_ref().map(|e| e.as_str());
            let order = order_number.as_ref().map(|o| o.as_str());
            let search = searchable(&[
                Some(&number),
                Some(subject.as_str()),
                Some(body.as_str()),
                Some(customer.name.as_str()),
                email,
                order,
            ]);
            let sql = format!(
                "INSERT INTO {tickets} (ticket_id, inquiry_number, subject, customer_name, customer_email, order_number, category_id, channel, \
                 status, priority, priority_rank, assignee_id, received_at, updated_at, last_customer_message_at, first_response_at, \
                 awaiting_reply, version, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, NULL, ?, ?, ?, NULL, TRUE, ?, ?)"
            );
            let received = to_micros(*received_at);
            on_tx!(tx, t => sqlx::query(&sql)
                .bind(id).bind(&number).bind(subject.as_str()).bind(customer.name.as_str()).bind(email).bind(order)
                .bind(category_id).bind(channel.as_str()).bind(priority.as_str()).bind(priority.rank())
                .bind(received).bind(at).bind(received).bind(envelope.sequence).bind(&search)
                .execute(&mut **t).await.map(|_| ()))?;
            return Ok(());
        }
        TicketEvent::StatusChanged { to, .. } => {
            let sql = format!("UPDATE {tickets} SET status = ? WHERE ticket_id = ?");
            on_tx!(tx, t => sqlx::query(&sql).bind(to.as_str()).bind(id).execute(&mut **t).await.map(|_| ()))?;
        }
        TicketEvent::PriorityChanged { to, .. } => {
            let sql =
                format!("UPDATE {tickets} SET priority = ?, priority_rank = ? WHERE ticket_id = ?");
            on_tx!(tx, t => sqlx::query(&sql).bind(to.as_str()).bind(to.rank()).bind(id).execute(&mut **t).await.map(|_| ()))?;
        }
        TicketEvent::TicketAssigned { to, .. } => {
            let sql = format!("UPDATE {tickets} SET assignee_id = ? WHERE ticket_id = ?");
            on_tx!(tx, t => sqlx::query(&sql).bind(to).bind(id).execute(&mut **t).await.map(|_| ()))?;
        }
        TicketEvent::TicketUnassigned { .. } => {
            let sql = format!("UPDATE {tickets} SET assignee_id = NULL WHERE ticket_id = ?");
            on_tx!(tx, t => sqlx::query(&sql).bind(id).execute(&mut **t).await.map(|_| ()))?;
        }
        TicketEvent::ReplyQueued { subject, body, .. } => {
            // The first reply is the first response; later ones leave it alone.
            let sql = format!(
                "UPDATE {tickets} SET first_response_at = COALESCE(first_response_at, ?), awaiting_reply = FALSE, \
                 search_text = {} WHERE ticket_id = ?",
                concat(tx, "search_text", "?")
            );
            let search = searchable(&[Some(subject.as_str()), Some(body.as_str())]);
            on_tx!(tx, t => sqlx::query(&sql).bind(at).bind(&search).bind(id).execute(&mut **t).await.map(|_| ()))?;
        }
        TicketEvent::CustomerMessageReceived {
            subject,
            body,
            received_at,
            ..
        } => {
            let sql = format!(
                "UPDATE {tickets} SET last_customer_message_at = ?, awaiting_reply = TRUE, search_text = {} WHERE ticket_id = ?",
                concat(tx, "search_text", "?")
            );
            let search = searchable(&[subject.as_ref().map(|s| s.as_str()), Some(body.as_str())]);
            on_tx!(tx, t => sqlx::query(&sql).bind(to_micros(*received_at)).bind(&search).bind(id).execute(&mut **t).await.map(|_| ()))?;
        }
        TicketEvent::InternalNoteAdded { .. }
        | TicketEvent::ReplyDelivered { .. }
        | TicketEvent::ReplyDeliveryFailed { .. }
        | TicketEvent::AcknowledgementSent { .. }
        | TicketEvent::TicketClosed {}
        | TicketEvent::TicketReopened {} => {}
    }
    let sql = format!("UPDATE {tickets} SET version = ?, updated_at = ? WHERE ticket_id = ?");
    on_tx!(tx, t => sqlx::query(&sql).bind(envelope.sequence).bind(at).bind(id).execute(&mut **t).await.map(|_| ()))
}

/// String concatenation: `CONCAT()` on MariaDB (where `||` means OR), `||` on SQLite.
fn concat(tx: &Tx, left: &str, right: &str) -> String {
    match tx {
        Tx::MySql(_) => format!("CONCAT({left}, {right})"),
        Tx::Sqlite(_) => format!("{left} || {right}"),
    }
}
