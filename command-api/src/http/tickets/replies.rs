//! `POST /api/v1/tickets/{number}/replies`: queue an email reply; the mailer sends it.

use axum::extract::State;
use axum::response::Response;
use domain::TicketCommand;
use domain::values::{Body, Subject};
use uuid::Uuid;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};

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
    let subject = match fields.text("subject").map(str::trim) {
        None | Some("") => Subject::parse(&format!("【ご回答】{}", request.number)).ok(),
        Some(_) => fields.parse("subject", Subject::parse),
    };
    let reply = fields.parse("body", Body::parse);
    fields.finish()?;
    execute(
        &state,
        &request,
        TicketCommand::QueueReply {
            reply_id: Uuid::now_v7(),
            subject: present(subject)?,
            body: present(reply)?,
        },
    )
    .await
}
