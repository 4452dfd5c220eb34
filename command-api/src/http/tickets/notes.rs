//! `POST /api/v1/tickets/{number}/notes`: add an internal note (社内メモ), never sent to the customer.

use axum::extract::State;
use axum::response::Response;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};
use crate::http::ticket_fields;

#[utoipa::path(
    post, path = "/api/v1/tickets/{number}/notes", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number, e.g. INQ-20261128-0001"),
        ("If-Match" = i64, Header, description = "The ticket version the agent saw"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key"),
    ),
    request_body(content = serde_json::Value, description = "{\"body\": \"…\"}"),
    responses(CommandResponses),
    security(("bearer" = []))
)]
pub async fn add_note(
    State(state): State<AppState>,
    request: TicketRequest,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&request.body.fields);
    let command = ticket_fields::note(&mut fields);
    fields.finish()?;
    execute(&state, &request, present(command)?).await
}
