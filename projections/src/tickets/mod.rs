//! The `tickets` projection: the list rows, each ticket's timeline, the
//! dashboard counters and the analytics facts, kept in one transaction per
//! batch so they always agree.

mod counters;
mod facts;
pub mod labels;
mod list;
mod search_index;
mod timeline;

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use domain::TicketEvent;

use crate::engine::{Envelope, Projection};
use crate::tx::Tx;

pub use counters::hour_of;
use facts::Facts;
use list::ListRow;

pub const NAME: &str = "tickets";

/// The shape of this projection's tables: 2 added the n-gram search index,
/// which is complete only in a generation built from the start of the log
/// by code of shape 2 or later (see `projection_checkpoints.shape`).
pub const SHAPE: i64 = 2;

/// Table names of one generation.
pub fn table(base: &str, generation: i64) -> String {
    format!("{base}_g{generation}")
}

pub struct TicketsProjection;

#[async_trait]
impl Projection for TicketsProjection {
    fn name(&self) -> &'static str {
        NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        &[
            "rm_tickets",
            "rm_timeline",
            "rm_counts",
            "rm_workload",
            "rm_received_hourly",
            "rm_ticket_facts",
            "rm_unanswered_hourly",
            "rm_ticket_labels",
            "rm_search_docs",
            "rm_search_grams",
        ]
    }

    fn shape(&self) -> i64 {
        SHAPE
    }

    fn replay_indexes(&self) -> &'static [&'static str] {
        // Each batch finds its tickets' docs by ticket id.
        &["_by_ticket"]
    }

    async fn apply(
        &self,
        tx: &mut Tx,
        envelope: &Envelope,
        generation: i64,
    ) -> Result<(), sqlx::Error> {
        self.apply_batch(tx, std::slice::from_ref(envelope), generation)
            .await
    }

    /// The rows of the batch's tickets are read once, every event is folded
    /// into them in memory, and each table is written once at the end, many
    /// rows per statement: a batch of a thousand events costs a few dozen
    /// statements, not thousands.
    async fn apply_batch(
        &self,
        tx: &mut Tx,
        batch: &[Envelope],
        generation: i64,
    ) -> Result<(), sqlx::Error> {
        let mut ids: Vec<&str> = batch.iter().map(|e| e.ticket_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut rows = list::load(tx, generation, &ids).await?;
        let mut facts = facts::load(tx, generation, &ids).await?;
        // Tickets opened in this batch have no doc yet: only the others are
        // looked up (in a replay, that is most of a batch's tickets).
        let opened_here: HashSet<&str> = batch
            .iter()
            .filter(|e| matches!(e.event, TicketEvent::TicketOpened { .. }))
            .map(|e| e.ticket_id.as_str())
            .collect();
        let numbered: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !opened_here.contains(id))
            .collect();
        let mut index = search_index::Pending::load(tx, generation, &numbered).await?;
        let texts_before: HashMap<String, String> = rows
            .iter()
            .map(|(id, row)| (id.clone(), row.search_text.clone()))
            .collect();
        let mut changed: HashSet<&str> = HashSet::new();
        let mut timeline = timeline::Pending::default();
        let mut labels = labels::Pending::default();
        let mut deltas = counters::Deltas::default();
        for envelope in batch {
            let id = envelope.ticket_id.as_str();
            let before = rows.get(id).map(ListRow::shape);
            if let Some(opened) = ListRow::opened(envelope) {
                rows.insert(envelope.ticket_id.clone(), opened);
                index.opened(id);
                facts.extend(Facts::opened(envelope).map(|f| (envelope.ticket_id.clone(), f)));
                if let TicketEvent::TicketOpened { received_at, .. } = &envelope.event {
                    deltas.received(*received_at);
                }
            } else if let Some(row) = rows.get_mut(id) {
                row.apply(envelope);
            } else {
                // An event of a ticket this projection never saw open: nothing to fold into.
                continue;
            }
            let after = rows.get(id).map(ListRow::shape);
            if let Some(f) = facts.get_mut(id) {
                f.apply(envelope, after.as_ref().and_then(|s| s.assignee));
            }
            timeline.add(envelope);
            labels.add(envelope);
            if before != after {
                deltas.shift(before.as_ref(), after.as_ref());
            }
            changed.insert(id);
        }
        // In key order, so the writes walk the primary key instead of jumping.
        let changed: Vec<&str> = ids.into_iter().filter(|id| changed.contains(id)).collect();
        let written: Vec<&ListRow> = changed.iter().filter_map(|id| rows.get(*id)).collect();
        list::write(tx, generation, &written).await?;
        for row in &written {
            let before = texts_before.get(&row.ticket_id).map_or("", String::as_str);
            index.changed(&row.ticket_id, before, &row.search_text);
        }
        index.write(tx, generation).await?;
        let written: Vec<&Facts> = changed.iter().filter_map(|id| facts.get(*id)).collect();
        facts::write(tx, generation, &written).await?;
        timeline.write(tx, generation).await?;
        labels.write(tx, generation).await?;
        deltas.write(tx, generation).await
    }
}
