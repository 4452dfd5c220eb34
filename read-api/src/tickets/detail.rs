//! `GET /api/v1/tickets/{number}`: one ticket and its timeline, oldest first.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use command_api::http::extract::Agent;
use domain::Status;
use projections::tickets::NAME;
use serde_json::json;

use super::with_consistency;
use crate::consistency::{requested, wait_for};
use crate::params::{Params, rejected};
use crate::queries::detail;

#[utoipa::path(
    get, path = "/api/v1/tickets/{number}", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number"),
        ("after" = Option<i64>, Query, description = "Wait (≤ 2 s) until this log position is visible"),
    ),
    responses(
        (status = 200, description = "`{ticket, timeline, allowed_statuses}`"),
        (status = 401, description = "No valid credentials"),
        (status = 404, description = "No such ticket"),
    ),
    security(("bearer" = []))
)]
pub async fn detail(
    State(state): State<AppState>,
    _agent: Agent,
    Path(number): Path<String>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(map) = query.map_err(rejected)?;
    let mut params = Params::new(map);
    let wait = params.parse::<i64>("after", "after はログ位置(整数)で指定してください。");
    params.finish()?;
    let consistent = wait_for(&state.db, NAME, requested(wait, &headers)).await?;
    let generation = consistent.checkpoint.generation;
    let ticket = detail::ticket(&state.db, generation, &number)
        .await?
        .ok_or(ApiError::NotFound)?;
    let timeline = detail::timeline(&state.db, generation, &ticket.ticket_id).await?;
    let names = detail::employee_names(&state.db).await?;
    let allowed: Vec<&str> = ticket
        .status
        .parse::<Status>()
        .map(|s| s.next().map(Status::as_str).collect())
        .unwrap_or_default();
    let body = json!({
        "ticket": ticket.to_json(),
        "timeline": timeline.iter().map(|e| e.to_json(&names)).collect::<Vec<_>>(),
        "allowed_statuses": allowed,
    });
    Ok(with_consistency(body, consistent.fresh))
}
