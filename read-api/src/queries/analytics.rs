//! Quality analytics per week and per agent or category: first-response and
//! resolution times, reopen rate, replies per ticket. Medians and p90s are
//! computed here from the per-ticket facts of the requested range.

use std::collections::BTreeMap;

use command_api::db::{Db, from_micros, to_micros};
use command_api::on_pool;
use domain::values::JST;
use projections::tickets::table;
use serde_json::{Value, json};
use time::{Duration, Time};
use tracing::instrument;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Agent,
    Category,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Fact {
    category_id: i64,
    received_at: i64,
    first_response_at: Option<i64>,
    first_responder_id: Option<i64>,
    resolved_at: Option<i64>,
    resolver_id: Option<i64>,
    reopen_count: i64,
    reply_count: i64,
}

/// One group's figures for one week. Times are in minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub week: String,
    pub key: Option<i64>,
    pub name: String,
    pub tickets: usize,
    pub first_response_median: Option<f64>,
    pub first_response_p90: Option<f64>,
    pub resolution_median: Option<f64>,
    pub reopen_rate: Option<f64>,
    pub replies_per_ticket: f64,
}

impl Figures {
    pub fn to_json(&self) -> Value {
        json!({
            "week": self.week, "key": self.key, "name": self.name, "tickets": self.tickets,
            "first_response_median_minutes": self.first_response_median,
            "first_response_p90_minutes": self.first_response_p90,
            "resolution_median_minutes": self.resolution_median,
            "reopen_rate": self.reopen_rate,
            "replies_per_ticket": self.replies_per_ticket,
        })
    }
}

/// The nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Monday 00:00 JST of the week `micros` falls in, as a date string.
fn week_of(micros: i64) -> String {
    let local = from_micros(micros).to_offset(JST);
    let monday =
        local.date() - Duration::days(i64::from(local.weekday().number_days_from_monday()));
    monday.to_string()
}

fn minutes(from: i64, to: i64) -> f64 {
    ((to - from) as f64 / 60_000_000.0 * 10.0).round() / 10.0
}

#[instrument(skip(db, names))]
pub async fn figures(
    db: &Db,
    generation: i64,
    from: time::Date,
    to_inclusive: time::Date,
    group: Group,
    names: &(dyn Fn(Option<i64>) -> String + Sync),
) -> Result<Vec<Figures>, sqlx::Error> {
    let start = to_micros(time::PrimitiveDateTime::new(from, Time::MIDNIGHT).assume_offset(JST));
    let end = to_micros(
        time::PrimitiveDateTime::new(
            to_inclusive.next_day().unwrap_or(to_inclusive),
            Time::MIDNIGHT,
        )
        .assume_offset(JST),
    );
    let sql = format!(
        "SELECT category_id, received_at, first_response_at, first_responder_id, resolved_at, resolver_id, \
         CAST(reopen_count AS SIGNED) AS reopen_count, CAST(reply_count AS SIGNED) AS reply_count \
         FROM {} WHERE received_at >= ? AND received_at < ?",
        table("rm_ticket_facts", generation)
    );
    let facts: Vec<Fact> =
        on_pool!(db, pool => sqlx::query_as(&sql).bind(start).bind(end).fetch_all(pool).await)?;
    let mut groups: BTreeMap<(String, Option<i64>), Vec<Fact>> = BTreeMap::new();
    for fact in facts {
        let key = match group {
            Group::Agent => fact.first_responder_id.or(fact.resolver_id),
            Group::Category => Some(fact.category_id),
        };
        groups
            .entry((week_of(fact.received_at), key))
            .or_default()
            .push(fact);
    }
    Ok(groups
        .into_iter()
        .map(|((week, key), facts)| {
            let mut response: Vec<f64> = facts
                .iter()
                .filter_map(|f| f.first_response_at.map(|at| minutes(f.received_at, at)))
                .collect();
            let mut resolution: Vec<f64> = facts
                .iter()
                .filter_map(|f| f.resolved_at.map(|at| minutes(f.received_at, at)))
                .collect();
            response.sort_by(f64::total_cmp);
            resolution.sort_by(f64::total_cmp);
            let resolved = facts.iter().filter(|f| f.resolved_at.is_some()).count();
            let reopened = facts
                .iter()
                .filter(|f| f.resolved_at.is_some() && f.reopen_count > 0)
                .count();
            let replies: i64 = facts.iter().map(|f| f.reply_count).sum();
            Figures {
                week,
                key,
                name: names(key),
                tickets: facts.len(),
                first_response_median: percentile(&response, 0.5),
                first_response_p90: percentile(&response, 0.9),
                resolution_median: percentile(&resolution, 0.5),
                reopen_rate: (resolved > 0).then(|| reopened as f64 / resolved as f64),
                replies_per_ticket: replies as f64 / facts.len() as f64,
            }
        })
        .collect())
}

/// The figures as CSV, with Japanese headers, for spreadsheets. Cells that a
/// spreadsheet would run as a formula are prefixed with a quote.
pub fn csv(rows: &[Figures], group: Group) -> String {
    let cell = |text: &str| {
        let guarded = if text.starts_with(['=', '+', '-', '@']) {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        format!("\"{}\"", guarded.replace('"', "\"\""))
    };
    let number = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    let mut out = String::from("\u{feff}");
    let label = if group == Group::Agent {
        "担当者"
    } else {
        "カテゴリ"
    };
    out.push_str(&format!("週,{label},件数,初回応答(中央値・分),初回応答(p90・分),解決時間(中央値・分),再オープン率,返信数/件\r\n"));
    for row in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{:.2}\r\n",
            row.week,
            cell(&row.name),
            row.tickets,
            number(row.first_response_median),
            number(row.first_response_p90),
            number(row.resolution_median),
            row.reopen_rate
                .map(|r| format!("{r:.3}"))
                .unwrap_or_default(),
            row.replies_per_ticket
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&values, 0.5), Some(5.0));
        assert_eq!(percentile(&values, 0.9), Some(9.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn weeks_start_on_monday_in_tokyo() {
        // Sunday 2026-11-29 15:30 UTC is Monday 00:30 JST.
        let monday = to_micros(time::macros::datetime!(2026-11-29 15:30 UTC));
        assert_eq!(week_of(monday), "2026-11-30");
        let sunday = to_micros(time::macros::datetime!(2026-11-29 14:30 UTC));
        assert_eq!(week_of(sunday), "2026-11-23");
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let row = Figures {
            week: "2026-11-23".into(),
            key: Some(1),
            name: "=HYPERLINK(\"x\")".into(),
            tickets: 2,
            first_response_median: Some(12.0),
            first_response_p90: None,
            resolution_median: None,
            reopen_rate: None,
            replies_per_ticket: 1.5,
        };
        let text = csv(&[row], Group::Agent);
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
    }
}
