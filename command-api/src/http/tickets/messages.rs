//! `POST /api/v1/tickets/{number}/messages`: record a customer message typed in by hand
//! (a mail forwarded from elsewhere, a letter, a follow-up call).

use axum::extract::State;
use axum::response::Response;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};
use crate::http::ticket_fields;

#[utoipa::path(
    post, path = "/api/v1/tickets/{number}/messages", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number, e.g. INQ-20261128-0001"),
        ("If-Match" = i64, Header, description = "The ticket version the agent saw"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key"),
    ),
    request_body(content = serde_json::Value, description = "{\"from\": \"optional address\", \"from_name\": \"optional\", \"subject\": \"optional\", \"body\": \"…\", \"received_at\": \"optional RFC 3339\"}"),
    responses(CommandResponses),
    security(("bearer" = []))
)]
pub async fn record_message(
    State(state): State<AppState>,
    request: TicketRequest,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&request.body.fields);
    let command = ticket_fields::message(&mut fields);
    fields.finish()?;
    execute(&state, &request, present(command)?).await
}
