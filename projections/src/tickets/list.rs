//! The ticket list row (`rm_tickets`): one row per ticket, everything the list,
//! filters, sorts and search need.

use std::collections::HashMap;

use command_api::db::to_micros;
use domain::TicketEvent;

use super::counters::Shape;
use super::table;
use crate::engine::Envelope;
use crate::on_tx;
use crate::search::normalize;
use crate::tx::Tx;

/// The current shapes of the given tickets, in one query per 500 ids.
pub async fn shapes<'a>(
    tx: &mut Tx,
    generation: i64,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, Shape>, sqlx::Error> {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    let mut shapes = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT ticket_id, status, priority, assignee_id FROM {} WHERE ticket_id IN ({})",
            table("rm_tickets", generation),
            vec!["?"; chunk.len()].join(", ")
        );
        let rows: Vec<(String, String, String, Option<i64>)> = on_tx!(tx, t => {
            let mut query = sqlx::query_as(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            query.fetch_all(&mut **t).await
        })?;
        shapes.extend(rows.into_iter().map(|(id, status, priority, assignee)| {
            (
                id,
                Shape {
                    status,
                    priority,
                    assignee,
                },
            )
        }));
    }
    Ok(shapes)
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

enum Value<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    Owned(String),
}

pub async fn apply(tx: &mut Tx, generation: i64, envelope: &Envelope) -> Result<(), sqlx::Error> {
    let tickets = table("rm_tickets", generation);
    let id = envelope.ticket_id.as_str();
    let at = to_micros(envelope.metadata.occurred_at);
    if let TicketEvent::TicketOpened {
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
    {
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
        return on_tx!(tx, t => sqlx::query(&sql)
            .bind(id).bind(&number).bind(subject.as_str()).bind(customer.name.as_str()).bind(email).bind(order)
            .bind(category_id).bind(channel.as_str()).bind(priority.as_str()).bind(priority.rank())
            .bind(received).bind(at).bind(received).bind(envelope.sequence).bind(&search)
            .execute(&mut **t).await.map(|_| ()));
    }
    // Every later event is one UPDATE: what it changes, plus version and time.
    let mut sets: Vec<String> = Vec::new();
    let mut values: Vec<Value<'_>> = Vec::new();
    match &envelope.event {
        TicketEvent::StatusChanged { to, .. } => {
            sets.push("status = ?".into());
            values.push(Value::Text(to.as_str()));
        }
        TicketEvent::PriorityChanged { to, .. } | TicketEvent::PriorityRaised { to, .. } => {
            sets.extend(["priority = ?".into(), "priority_rank = ?".into()]);
            values.extend([Value::Text(to.as_str()), Value::Int(to.rank())]);
        }
        TicketEvent::TicketAssigned { to, .. } => {
            sets.push("assignee_id = ?".into());
            values.push(Value::OptInt(Some(*to)));
        }
        TicketEvent::TicketUnassigned { .. } => sets.push("assignee_id = NULL".into()),
        TicketEvent::ReplyQueued { subject, body, .. } => {
            // The first reply is the first response; later ones leave it alone.
            sets.extend([
                "first_response_at = COALESCE(first_response_at, ?)".into(),
                "awaiting_reply = FALSE".into(),
                format!("search_text = {}", concat(tx, "search_text", "?")),
            ]);
            values.extend([
                Value::Int(at),
                Value::Owned(searchable(&[Some(subject.as_str()), Some(body.as_str())])),
            ]);
        }
        TicketEvent::CustomerMessageReceived {
            subject,
            body,
            received_at,
            ..
        } => {
            sets.extend([
                "last_customer_message_at = ?".into(),
                "awaiting_reply = TRUE".into(),
                format!("search_text = {}", concat(tx, "search_text", "?")),
            ]);
            values.extend([
                Value::Int(to_micros(*received_at)),
                Value::Owned(searchable(&[
                    subject.as_ref().map(|s| s.as_str()),
                    Some(body.as_str()),
                ])),
            ]);
        }
        _ => {}
    }
    sets.extend(["version = ?".into(), "updated_at = ?".into()]);
    values.extend([Value::Int(envelope.sequence), Value::Int(at)]);
    let sql = format!(
        "UPDATE {tickets} SET {} WHERE ticket_id = ?",
        sets.join(", ")
    );
    on_tx!(tx, t => {
        let mut query = sqlx::query(&sql);
        for value in &values {
            query = match value {
                Value::Int(i) => query.bind(*i),
                Value::OptInt(i) => query.bind(*i),
                Value::Text(s) => query.bind(*s),
                Value::Owned(s) => query.bind(s.as_str()),
            };
        }
        query.bind(id).execute(&mut **t).await.map(|_| ())
    })
}

/// String concatenation: `CONCAT()` on MariaDB (where `||` means OR), `||` on SQLite.
fn concat(tx: &Tx, left: &str, right: &str) -> String {
    match tx {
        Tx::MySql(_) => format!("CONCAT({left}, {right})"),
        Tx::Sqlite(_) => format!("{left} || {right}"),
    }
}
