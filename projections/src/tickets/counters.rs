//! Dashboard counters, moved by the difference each event made to a ticket's
//! status, priority and assignee, summed over a batch and written once.

use std::collections::HashMap;

use domain::TicketEvent;
use time::OffsetDateTime;

use super::table;
use crate::tx::{CounterKey, Tx};

/// What the counters depend on: a ticket's status, priority and assignee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub status: String,
    pub priority: String,
    pub assignee: Option<i64>,
}

impl Shape {
    fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "new" | "in_progress")
    }

    /// The shape after `event`, from the shape before it.
    pub fn after(before: Option<&Shape>, event: &TicketEvent) -> Option<Shape> {
        if let TicketEvent::TicketOpened { priority, .. } = event {
            return Some(Shape {
                status: "new".into(),
                priority: priority.as_str().into(),
                assignee: None,
            });
        }
        let mut shape = before?.clone();
        match event {
            TicketEvent::StatusChanged { to, .. } => shape.status = to.as_str().into(),
            TicketEvent::PriorityChanged { to, .. } | TicketEvent::PriorityRaised { to, .. } => {
                shape.priority = to.as_str().into()
            }
            TicketEvent::TicketAssigned { to, .. } => shape.assignee = Some(*to),
            TicketEvent::TicketUnassigned { .. } => shape.assignee = None,
            _ => {}
        }
        Some(shape)
    }
}

/// Counter changes accumulated over a batch.
#[derive(Debug, Default)]
pub struct Deltas {
    counts: HashMap<(String, String, bool), i64>,
    workload: HashMap<i64, i64>,
    hourly: HashMap<i64, i64>,
}

impl Deltas {
    pub fn shift(&mut self, before: Option<&Shape>, after: Option<&Shape>) {
        for (shape, delta) in [(before, -1), (after, 1)] {
            let Some(shape) = shape else { continue };
            *self
                .counts
                .entry((
                    shape.status.clone(),
                    shape.priority.clone(),
                    shape.assignee.is_some(),
                ))
                .or_default() += delta;
            if let (Some(assignee), true) = (shape.assignee, shape.is_open()) {
                *self.workload.entry(assignee).or_default() += delta;
            }
        }
    }

    /// Counts a received ticket in its JST hour.
    pub fn received(&mut self, at: OffsetDateTime) {
        *self.hourly.entry(hour_start(at)).or_default() += 1;
    }

    pub async fn write(self, tx: &mut Tx, generation: i64) -> Result<(), sqlx::Error> {
        let counts = table("rm_counts", generation);
        for ((status, priority, assigned), delta) in
            self.counts.into_iter().filter(|(_, d)| *d != 0)
        {
            let key = [
                CounterKey::Text(&status),
                CounterKey::Text(&priority),
                CounterKey::Bool(assigned),
            ];
            tx.add_to_counter(
                &counts,
                &["status", "priority", "assigned"],
                &key,
                "count",
                delta,
            )
            .await?;
        }
        let workload = table("rm_workload", generation);
        for (assignee, delta) in self.workload.into_iter().filter(|(_, d)| *d != 0) {
            tx.add_to_counter(
                &workload,
                &["assignee_id"],
                &[CounterKey::Int(assignee)],
                "open_count",
                delta,
            )
            .await?;
        }
        let hourly = table("rm_received_hourly", generation);
        for (hour, delta) in self.hourly {
            tx.add_to_counter(
                &hourly,
                &["hour_start"],
                &[CounterKey::Int(hour)],
                "count",
                delta,
            )
            .await?;
        }
        Ok(())
    }
}

/// The start of the JST hour containing `at`, in microseconds UTC. JST is a
/// whole-hour offset, so JST hours and UTC hours share their boundaries.
pub fn hour_start(at: OffsetDateTime) -> i64 {
    let seconds = at.unix_timestamp();
    (seconds - seconds.rem_euclid(3600)) * 1_000_000
}
