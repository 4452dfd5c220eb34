//! The backlog at a glance, from the incrementally kept counters.

use command_api::db::{Db, to_micros};
use command_api::on_pool;
use domain::values::JST;
use projections::tickets::{hour_of, table};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Time};
use tracing::instrument;

use command_api::sla_policies::{self, OpenBreaches};

use super::list::{COLUMNS, Row, complete, from_clause};

/// (status, priority, assigned, count).
pub type CountRow = (String, String, bool, i64);

pub struct Dashboard {
    pub counts: Vec<CountRow>,
    pub workload: Vec<(i64, Option<String>, i64)>,
    pub hourly: Vec<(i64, i64)>,
    pub overdue_count: i64,
    pub overdue: Vec<Row>,
    pub urgent: Vec<Row>,
    pub today_start: i64,
    /// Open tickets past an SLA target, as the SLA watcher last counted them.
    pub sla: OpenBreaches,
}

impl Dashboard {
    fn sum(&self, keep: impl Fn(&str, &str, bool) -> bool) -> i64 {
        self.counts
            .iter()
            .filter(|(s, p, a, _)| keep(s, p, *a))
            .map(|(.., n)| n)
            .sum()
    }

    pub fn to_json(&self) -> Value {
        let open = |s: &str| matches!(s, "new" | "in_progress");
        let by = |pick: &dyn Fn(&CountRow) -> &String| {
            let mut map = serde_json::Map::new();
            for row in &self.counts {
                let entry = map.entry(pick(row).clone()).or_insert(Value::from(0));
                *entry = Value::from(entry.as_i64().unwrap_or_default() + row.3);
            }
            Value::Object(map)
        };
        let daily = self.daily();
        json!({
            "by_status": by(&|r| &r.0),
            "open_by_priority": {
                "low": self.sum(|s, p, _| open(s) && p == "low"),
                "medium": self.sum(|s, p, _| open(s) && p == "medium"),
                "high": self.sum(|s, p, _| open(s) && p == "high"),
                "urgent": self.sum(|s, p, _| open(s) && p == "urgent"),
            },
            "unassigned_open": self.sum(|s, _, a| open(s) && !a),
            "urgent_open": self.sum(|s, p, _| open(s) && p == "urgent"),
            "received_today": self.hourly.iter().filter(|(h, _)| *h >= self.today_start).map(|(_, n)| n).sum::<i64>(),
            "overdue_count": self.overdue_count,
            "sla_breached_open": {
                "first_response": self.sla.first_response,
                "resolution": self.sla.resolution,
                "counted_at": self.sla.counted_at.map(super::rfc3339),
            },
            "overdue": self.overdue.iter().map(Row::to_json).collect::<Vec<_>>(),
            "urgent": self.urgent.iter().map(Row::to_json).collect::<Vec<_>>(),
            "workload": self.workload.iter().map(|(id, name, open)| json!({ "assignee_id": id, "name": name, "open": open })).collect::<Vec<_>>(),
            "received_hourly": self.hourly.iter().map(|(h, n)| json!({ "hour": super::rfc3339(*h), "count": n })).collect::<Vec<_>>(),
            "received_daily": daily.iter().map(|(d, n)| json!({ "date": d, "count": n })).collect::<Vec<_>>(),
        })
    }

    /// Received per JST day for the last 30 days, zeros included.
    pub fn daily(&self) -> Vec<(String, i64)> {
        (0..30)
            .rev()
            .map(|back| {
                let start = self.today_start - back * 86_400_000_000;
                let count = self
                    .hourly
                    .iter()
                    .filter(|(h, _)| *h >= start && *h < start + 86_400_000_000)
                    .map(|(_, n)| n)
                    .sum();
                let date = command_api::db::from_micros(start).to_offset(JST).date();
                (date.to_string(), count)
            })
            .collect()
    }
}

/// The start of today in Tokyo, as microseconds UTC.
pub fn today_start(now: OffsetDateTime) -> i64 {
    let local = now.to_offset(JST);
    to_micros(local.replace_time(Time::MIDNIGHT))
}

#[instrument(skip(db))]
pub async fn load(
    db: &Db,
    generation: i64,
    now: OffsetDateTime,
    overdue_after: Duration,
) -> Result<Dashboard, sqlx::Error> {
    let counts_sql = format!(
        "SELECT status, priority, assigned, count FROM {} WHERE count <> 0",
        table("rm_counts", generation)
    );
    let workload_sql = format!(
        "SELECT w.assignee_id, e.display_name, w.open_count FROM {} w LEFT JOIN employees e ON e.id = w.assignee_id \
         WHERE w.open_count > 0 ORDER BY w.open_count DESC",
        table("rm_workload", generation)
    );
    let today = today_start(now);
    let hourly_sql = format!(
        "SELECT hour_start, count FROM {} WHERE hour_start >= ? ORDER BY hour_start",
        table("rm_received_hourly", generation)
    );
    let cutoff = to_micros(now - overdue_after);
    // Overdue = open and unanswered, received before the cutoff: the whole
    // hours before it from the per-hour backlog counters, and the part of
    // the cutoff's own hour from the index. Constant work however large
    // the backlog grows.
    let boundary = hour_of(cutoff);
    let backlog_sql = format!(
        "SELECT CAST(COALESCE(SUM(count), 0) AS SIGNED) FROM {} WHERE hour_start < ?",
        table("rm_unanswered_hourly", generation)
    );
    let edge_sql = format!(
        "SELECT COUNT(*) FROM {} t WHERE t.first_response_at IS NULL AND t.status IN ('new', 'in_progress') \
         AND t.received_at >= ? AND t.received_at < ?",
        table("rm_tickets", generation)
    );
    // The oldest ten of each list: one ordered index walk per open status,
    // merged, instead of sorting every overdue or urgent ticket.
    let oldest_ten = |condition: &str| {
        let branch = |status: &str| {
            format!(
                "SELECT * FROM (SELECT {COLUMNS} FROM {} WHERE t.status = '{status}' AND {condition} \
                 ORDER BY t.received_at LIMIT 10) {status}_rows",
                from_clause(generation)
            )
        };
        format!(
            "{} UNION ALL {} ORDER BY received_at LIMIT 10",
            branch("new"),
            branch("in_progress")
        )
    };
    let overdue_sql = oldest_ten("t.first_response_at IS NULL AND t.received_at < ?");
    let urgent_sql = oldest_ten("t.priority_rank = 4");
    // The queries are independent: run at once on several connections, the
    // dashboard costs the slowest of them instead of their sum.
    let main = async {
        on_pool!(db, pool => async {
        let (counts, workload, hourly, backlog, edge, overdue, urgent) = tokio::try_join!(
            sqlx::query_as(&counts_sql).fetch_all(pool),
            sqlx::query_as(&workload_sql).fetch_all(pool),
            sqlx::query_as(&hourly_sql).bind(today - 29 * 86_400_000_000).fetch_all(pool),
            sqlx::query_scalar::<_, i64>(&backlog_sql).bind(boundary).fetch_one(pool),
            sqlx::query_scalar::<_, i64>(&edge_sql).bind(boundary).bind(cutoff).fetch_one(pool),
            sqlx::query_as(&overdue_sql).bind(cutoff).bind(cutoff).fetch_all(pool),
            sqlx::query_as(&urgent_sql).fetch_all(pool),
        )?;
        Ok::<_, sqlx::Error>(Dashboard {
            counts,
            workload,
            hourly,
            overdue_count: backlog + edge,
            overdue,
            urgent,
            today_start: today,
            sla: OpenBreaches::default(),
        })
    }.await)
    };
    let (mut board, sla) = tokio::try_join!(main, sla_policies::open_breaches(db))?;
    board.sla = sla;
    // Both lists in one pass: two small queries, not four.
    let overdue = board.overdue.len();
    let mut rows: Vec<Row> = board
        .overdue
        .drain(..)
        .chain(board.urgent.drain(..))
        .collect();
    complete(db, generation, &mut rows).await?;
    board.urgent = rows.split_off(overdue);
    board.overdue = rows;
    Ok(board)
}
