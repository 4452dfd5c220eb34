//! The `tickets` projection: the list rows, each ticket's timeline, the
//! dashboard counters and the analytics facts, kept in one transaction per
//! batch so they always agree.

mod counters;
mod facts;
mod list;
mod timeline;

use async_trait::async_trait;
use domain::TicketEvent;

use crate::engine::{Envelope, Projection};
use crate::tx::Tx;

pub use counters::Shape;

pub const NAME: &str = "tickets";

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
        ]
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

    /// The shapes of the batch's tickets are read once and then followed in
    /// memory, and the counters are written once per key at the end: a batch
    /// costs a few statements per event instead of eight.
    async fn apply_batch(
        &self,
        tx: &mut Tx,
        batch: &[Envelope],
        generation: i64,
    ) -> Result<(), sqlx::Error> {
        let mut shapes =
            list::shapes(tx, generation, batch.iter().map(|e| e.ticket_id.as_str())).await?;
        let mut deltas = counters::Deltas::default();
        for envelope in batch {
            let before = shapes.get(&envelope.ticket_id).cloned();
            let after = Shape::after(before.as_ref(), &envelope.event);
            list::apply(tx, generation, envelope).await?;
            timeline::apply(tx, generation, envelope).await?;
            facts::apply(tx, generation, envelope, after.as_ref()).await?;
            if before != after {
                deltas.shift(before.as_ref(), after.as_ref());
            }
            if let TicketEvent::TicketOpened { received_at, .. } = &envelope.event {
                deltas.received(*received_at);
            }
            if let Some(after) = after {
                shapes.insert(envelope.ticket_id.clone(), after);
            }
        }
        deltas.write(tx, generation).await
    }
}
