//! Dashboard counters, moved by the difference each event made to a ticket's
//! status, priority and assignee, summed over a batch and written once.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::table;
use crate::tx::{Cell, OnConflict, Tx};

/// What the counters depend on: a ticket's status, priority and assignee,
/// whether it still waits for its first response, and its received hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub status: String,
    pub priority: String,
    pub assignee: Option<i64>,
    pub unanswered: bool,
    pub received_hour: i64,
}

impl Shape {
    fn is_open(&self) -> bool {
        matches!(self.status.as_str(), "new" | "in_progress")
    }
}

/// Counter changes accumulated over a batch.
#[derive(Debug, Default)]
pub struct Deltas {
    counts: HashMap<(String, String, bool), i64>,
    workload: HashMap<i64, i64>,
    hourly: HashMap<i64, i64>,
    unanswered: HashMap<i64, i64>,
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
            if shape.unanswered && shape.is_open() {
                *self.unanswered.entry(shape.received_hour).or_default() += delta;
            }
        }
    }

    /// Counts a received ticket in its JST hour.
    pub fn received(&mut self, at: OffsetDateTime) {
        *self.hourly.entry(hour_start(at)).or_default() += 1;
    }

    /// One statement per counter table: each key's delta added to its row.
    pub async fn write(self, tx: &mut Tx, generation: i64) -> Result<(), sqlx::Error> {
        let counts: Vec<Vec<Cell<'_>>> = self
            .counts
            .iter()
            .filter(|(_, d)| **d != 0)
            .map(|((status, priority, assigned), delta)| {
                vec![
                    Cell::Text(status),
                    Cell::Text(priority),
                    Cell::Bool(*assigned),
                    Cell::Int(*delta),
                ]
            })
            .collect();
        add(
            tx,
            &table("rm_counts", generation),
            &["status", "priority", "assigned", "count"],
            &counts,
        )
        .await?;
        let by_key = |map: &HashMap<i64, i64>| -> Vec<Vec<Cell<'static>>> {
            map.iter()
                .filter(|(_, d)| **d != 0)
                .map(|(key, delta)| vec![Cell::Int(*key), Cell::Int(*delta)])
                .collect()
        };
        add(
            tx,
            &table("rm_workload", generation),
            &["assignee_id", "open_count"],
            &by_key(&self.workload),
        )
        .await?;
        add(
            tx,
            &table("rm_unanswered_hourly", generation),
            &["hour_start", "count"],
            &by_key(&self.unanswered),
        )
        .await?;
        // Zero rows stay: an hour with a ticket received is an hour with data.
        let received: Vec<Vec<Cell<'_>>> = self
            .hourly
            .iter()
            .map(|(hour, n)| vec![Cell::Int(*hour), Cell::Int(*n)])
            .collect();
        add(
            tx,
            &table("rm_received_hourly", generation),
            &["hour_start", "count"],
            &received,
        )
        .await
    }
}

/// Adds each row's last column to the stored row with the same key (the
/// other columns), creating rows that do not exist yet.
async fn add(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell<'_>>],
) -> Result<(), sqlx::Error> {
    let Some((column, key)) = columns.split_last() else {
        return Ok(());
    };
    tx.insert_rows(table, columns, OnConflict::Add(key, column), rows)
        .await
}

/// The start of the JST hour containing `at`, in microseconds UTC. JST is a
/// whole-hour offset, so JST hours and UTC hours share their boundaries.
pub fn hour_start(at: OffsetDateTime) -> i64 {
    hour_of(command_api::db::to_micros(at))
}

/// The start of the hour containing `micros` (microseconds UTC).
pub fn hour_of(micros: i64) -> i64 {
    micros - micros.rem_euclid(3_600_000_000)
}
