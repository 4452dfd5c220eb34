//! Each ticket's labels (`rm_ticket_labels`): the tags and assignee groups
//! triage gave it, for the list's filters and badges.

use domain::TicketEvent;

use super::table;
use crate::engine::Envelope;
use crate::tx::{Cell, OnConflict, Tx};

pub const TAG: &str = "tag";
pub const GROUP: &str = "group";

/// The label rows of a batch: (ticket, kind, label, rule).
#[derive(Default)]
pub struct Pending<'a> {
    rows: Vec<(&'a str, &'static str, &'a str, i64)>,
}

impl<'a> Pending<'a> {
    pub fn add(&mut self, envelope: &'a Envelope) {
        if let TicketEvent::TicketLabelled {
            rule_id,
            tag,
            assignee_group,
        } = &envelope.event
        {
            let ticket = envelope.ticket_id.as_str();
            for (kind, label) in [(TAG, tag), (GROUP, assignee_group)] {
                if let Some(label) = label {
                    self.rows.push((ticket, kind, label, *rule_id));
                }
            }
        }
    }

    pub async fn write(self, tx: &mut Tx, generation: i64) -> Result<(), sqlx::Error> {
        let cells: Vec<Vec<Cell<'_>>> = self
            .rows
            .iter()
            .map(|(ticket, kind, label, rule)| {
                vec![
                    Cell::Text(ticket),
                    Cell::Text(kind),
                    Cell::Text(label),
                    Cell::Int(*rule),
                ]
            })
            .collect();
        tx.insert_rows(
            &table("rm_ticket_labels", generation),
            &["ticket_id", "kind", "label", "rule_id"],
            OnConflict::Replace(&["ticket_id", "kind", "label"]),
            &cells,
        )
        .await
    }
}
