//! `POST /api/v1/tickets/{number}/assignee`: assign to a teammate or oneself, or unassign.

use axum::extract::State;
use axum::response::Response;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};
use crate::http::ticket_fields;

#[utoipa::path(
    post, path = "/api/v1/tickets/{number}/assignee", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number, e.g. INQ-20261128-0001"),
        ("If-Match" = i64, Header, description = "The ticket version the agent saw"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key"),
    ),
    request_body(content = serde_json::Value, description = "{\"assignee_id\": 3 | \"me\" | null}"),
    responses(CommandResponses),
    security(("bearer" = []))
)]
pub async fn assign(
    State(state): State<AppState>,
    request: TicketRequest,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&request.body.fields);
    let value = request.body.fields.get("assignee_id");
    let command =
        ticket_fields::assignee(&state.db, &mut fields, value, request.agent.0.id).await?;
    fields.finish()?;
    execute(&state, &request, present(command)?).await
}
