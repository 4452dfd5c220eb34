//! Dashboard counters, adjusted by the difference a single event made.

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
}

pub async fn adjust(
    tx: &mut Tx,
    generation: i64,
    before: Option<&Shape>,
    after: Option<&Shape>,
) -> Result<(), sqlx::Error> {
    let counts = table("rm_counts", generation);
    let workload = table("rm_workload", generation);
    for (shape, delta) in [(before, -1), (after, 1)] {
        let Some(shape) = shape else { continue };
        tx.add_to_counter(
            &counts,
            &["status", "priority", "assigned"],
            &[
                CounterKey::Text(&shape.status),
                CounterKey::Text(&shape.priority),
                CounterKey::Bool(shape.assignee.is_some()),
            ],
            "count",
            delta,
        )
        .await?;
        if let (Some(assignee), true) = (shape.assignee, shape.is_open()) {
            tx.add_to_counter(
                &workload,
                &["assignee_id"],
                &[CounterKey::Int(assignee)],
                "open_count",
                delta,
            )
            .await?;
        }
    }
    Ok(())
}

/// Counts a received ticket in its JST hour.
pub async fn count_received(
    tx: &mut Tx,
    generation: i64,
    received_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    tx.add_to_counter(
        &table("rm_received_hourly", generation),
        &["hour_start"],
        &[CounterKey::Int(hour_start(received_at))],
        "count",
        1,
    )
    .await
}

/// The start of the JST hour containing `at`, in microseconds UTC. JST is a
/// whole-hour offset, so JST hours and UTC hours share their boundaries.
pub fn hour_start(at: OffsetDateTime) -> i64 {
    let seconds = at.unix_timestamp();
    (seconds - seconds.rem_euclid(3600)) * 1_000_000
}
