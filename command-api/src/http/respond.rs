//! Command responses, and replays of them for repeated Idempotency-Keys.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::AppState;
use super::error::ApiError;
use crate::commands::{CommandError, IdempotencyKey, Outcome};
use crate::idempotency::{self, Previous};

/// `{ticket_id, inquiry_number, version, position}` with the ticket's location
/// and its version as ETag, for the next command's If-Match.
pub fn command_response(status: StatusCode, body: Value) -> Response {
    let location = body["inquiry_number"]
        .as_str()
        .map(|n| format!("/api/v1/tickets/{n}"));
    let etag = body["version"].as_i64().map(|v| format!("\"{v}\""));
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    if let Some(value) = etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// The first response of an earlier identical request, if there was one.
pub async fn replay(
    state: &AppState,
    key: Option<&IdempotencyKey>,
    status: StatusCode,
) -> Result<Option<Response>, ApiError> {
    let Some(key) = key else { return Ok(None) };
    match idempotency::lookup(&state.db, &key.scope, &key.key, &key.request_hash).await? {
        Previous::None => Ok(None),
        Previous::Replay(body) => Ok(Some(command_response(status, body))),
        Previous::Mismatch => Err(ApiError::IdempotencyMismatch),
    }
}

/// The response to a command that may have raced a twin carrying the same
/// Idempotency-Key: its own outcome, or the twin's stored response.
pub async fn settle(
    state: &AppState,
    result: Result<Outcome, CommandError>,
    key: Option<&IdempotencyKey>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    match result {
        Ok(outcome) => Ok(command_response(status, outcome.to_json())),
        Err(CommandError::IdempotencyRace) => replay(state, key, status)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("idempotency record vanished"))),
        Err(e) => Err(e.into()),
    }
}
