//! `GET /metrics`: operational gauges in the Prometheus text format, read
//! from the database at scrape time so every role reports the same truth:
//! projection positions, lag and halts, the log's head, the mail outbox and
//! the open SLA breaches;
//! then this process's own counters (requests, latency, appends, inbound).
//! (The Datadog agent scrapes it with its OpenMetrics check.)

use std::fmt::Write;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;
use crate::db::now_micros;
use crate::on_pool;

#[derive(sqlx::FromRow)]
struct Projection {
    name: String,
    position: i64,
    halted_position: Option<i64>,
}

pub async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let db = &state.db;
    let store = state.tickets.store();
    let head = store.head_position().await?;
    let projections: Vec<Projection> = on_pool!(db, pool => sqlx::query_as("SELECT name, position, halted_position FROM projection_checkpoints ORDER BY name").fetch_all(pool).await)?;
    let outbox: Vec<(String, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT status, CAST(COUNT(*) AS SIGNED) FROM mail_outbox GROUP BY status",
    ).fetch_all(pool).await)?;
    let retrying: i64 = on_pool!(db, pool => sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS SIGNED) FROM mail_outbox WHERE status = 'queued' AND attempts > 0",
    ).fetch_one(pool).await)?;

    let mut text = String::new();
    let mut gauge = |name: &str, help: &str| {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} gauge");
        name.to_owned()
    };
    let mut lines = Vec::new();
    let name = gauge(
        "madoguchi_event_log_head",
        "The last committed global position.",
    );
    lines.push(format!("{name} {head}"));
    let position = gauge(
        "madoguchi_projection_position",
        "Last position each projection or reactor applied.",
    );
    let lag_events = gauge(
        "madoguchi_projection_lag_events",
        "Events committed but not yet applied.",
    );
    let lag_seconds = gauge(
        "madoguchi_projection_lag_seconds",
        "How long the oldest unapplied event has waited.",
    );
    let halted = gauge(
        "madoguchi_projection_halted",
        "1 when a projection stopped at an event it cannot read.",
    );
    for projection in &projections {
        let label = format!("{{projection=\"{}\"}}", projection.name);
        let lag = head - projection.position;
        let waited = match store.recorded_after(projection.position).await? {
            Some(recorded_at) if lag > 0 => (now_micros() - recorded_at) as f64 / 1_000_000.0,
            _ => 0.0,
        };
        lines.push(format!("{position}{label} {}", projection.position));
        lines.push(format!("{lag_events}{label} {lag}"));
        lines.push(format!("{lag_seconds}{label} {waited:.3}"));
        lines.push(format!(
            "{halted}{label} {}",
            u8::from(projection.halted_position.is_some())
        ));
    }
    let mail = gauge("madoguchi_mail_outbox", "Outbound mails by state.");
    for status in ["queued", "sent", "failed"] {
        let count = outbox
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n);
        lines.push(format!("{mail}{{status=\"{status}\"}} {count}"));
    }
    let name = gauge(
        "madoguchi_mail_retrying",
        "Queued mails that have failed at least once.",
    );
    lines.push(format!("{name} {retrying}"));
    // As the SLA watcher last counted them; nothing before its first pass,
    // rather than a false zero.
    let sla = crate::sla_policies::open_breaches(db).await?;
    if sla.counted_at.is_some() {
        let name = gauge(
            "madoguchi_sla_breached_open",
            "Open tickets past their SLA target.",
        );
        lines.push(format!(
            "{name}{{kind=\"first_response\"}} {}",
            sla.first_response
        ));
        lines.push(format!("{name}{{kind=\"resolution\"}} {}", sla.resolution));
    }
    text.push_str(&lines.join("\n"));
    text.push('\n');
    crate::instruments::render(&mut text);
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}
