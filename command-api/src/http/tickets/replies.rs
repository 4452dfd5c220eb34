//! `POST /api/v1/tickets/{number}/replies`: queue an email reply; the mailer sends it.

use axum::extract::State;
use axum::response::Response;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};
use crate::http::ticket_fields;

#[utoipa::path(
    post, path = "/api/v1/tickets/{number}/replies", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number, e.g. INQ-20261128-0001"),
        ("If-Match" = i64, Header, description = "The ticket version the agent saw"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key"),
    ),
    request_body(content = serde_json::Value, description = "{\"subject\": \"optional, defaults to 【ご回答】INQ-…\", \"body\": \"…\"}"),
    responses(CommandResponses),
    security(("bearer" = []))
)]
pub async fn queue_reply(
    State(state): State<AppState>,
    request: TicketRequest,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&request.body.fields);
    let command = ticket_fields::reply(&mut fields, &request.number);
    fields.finish()?;
    execute(&state, &request, present(command)?).await
}
