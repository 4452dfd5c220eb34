//! The `tickets` projection: the list rows, each ticket's timeline, the
//! dashboard counters and the analytics facts, kept in one transaction per batch so they always agree.

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
        let before = match &envelope.event {
            TicketEvent::TicketOpened { .. } => None,
            _ => list::shape(tx, generation, &envelope.ticket_id).await?,
        };
        list::apply(tx, generation, envelope).await?;
        timeline::apply(tx, generation, envelope).await?;
        let after = list::shape(tx, generation, &envelope.ticket_id).await?;
        facts::apply(tx, generation, envelope, after.as_ref()).await?;
        if before != after {
            counters::adjust(tx, generation, before.as_ref(), after.as_ref()).await?;
        }
        if let TicketEvent::TicketOpened { received_at, .. } = &envelope.event {
            counters::count_received(tx, generation, *received_at).await?;
        }
        Ok(())
    }
}
