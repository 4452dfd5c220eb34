//! `GET /api/v1/dashboard`: counts, overdue and urgent tickets, workload,
//! and tickets received per hour and per day.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use command_api::http::extract::Agent;
use projections::tickets::NAME;
use time::{Duration, OffsetDateTime};

use crate::consistency::{requested, wait_for};
use crate::params::{Params, rejected};
use crate::queries::dashboard;
use crate::tickets::with_consistency;

/// A ticket waiting longer than this for its first reply counts as overdue,
/// until per-priority SLA policies replace this single target.
pub const DEFAULT_FIRST_RESPONSE_TARGET_HOURS: i64 = 24;

#[utoipa::path(
    get, path = "/api/v1/dashboard", tag = "dashboard",
    params(
        ("overdue_after_hours" = Option<i64>, Query, description = "First-response target in hours (default 24)"),
        ("after" = Option<i64>, Query, description = "Wait (≤ 2 s) until this log position is visible"),
    ),
    responses((status = 200, description = "Counts, overdue, urgent, workload, received per hour/day"), (status = 401, description = "No valid credentials")),
    security(("bearer" = []))
)]
pub async fn dashboard(
    State(state): State<AppState>,
    _agent: Agent,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(map) = query.map_err(rejected)?;
    let mut params = Params::new(map);
    let hours = params
        .parse::<i64>(
            "overdue_after_hours",
            "時間は1〜720の整数で指定してください。",
        )
        .unwrap_or(DEFAULT_FIRST_RESPONSE_TARGET_HOURS);
    if !(1..=720).contains(&hours) {
        params.error(
            "overdue_after_hours",
            "時間は1〜720の整数で指定してください。",
        );
    }
    let wait = params.parse::<i64>("after", "after はログ位置(整数)で指定してください。");
    params.finish()?;
    let consistent = wait_for(&state.db, NAME, requested(wait, &headers)).await?;
    let board = dashboard::load(
        &state.db,
        consistent.checkpoint.generation,
        OffsetDateTime::now_utc(),
        Duration::hours(hours),
    )
    .await?;
    Ok(with_consistency(board.to_json(), consistent.fresh))
}
