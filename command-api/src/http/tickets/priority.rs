//! `POST /api/v1/tickets/{number}/priority`: set 低/中/高/緊急.

use axum::extract::State;
use axum::response::Response;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};
use crate::http::ticket_fields;

#[utoipa::path(
    post, path = "/api/v1/tickets/{number}/priority", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number, e.g. INQ-20261128-0001"),
        ("If-Match" = i64, Header, description = "The ticket version the agent saw"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key"),
    ),
    request_body(content = serde_json::Value, description = "{\"priority\": \"low|medium|high|urgent\"}"),
    responses(CommandResponses),
    security(("bearer" = []))
)]
pub async fn change_priority(
    State(state): State<AppState>,
    request: TicketRequest,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&request.body.fields);
    let command = ticket_fields::priority(&mut fields);
    fields.finish()?;
    execute(&state, &request, present(command)?).await
}
