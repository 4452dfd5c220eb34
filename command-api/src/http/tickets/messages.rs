//! `POST /api/v1/tickets/{number}/messages`: record a customer message typed in by hand
//! (a mail forwarded from elsewhere, a letter, a follow-up call).

use axum::extract::State;
use axum::response::Response;
use domain::TicketCommand;
use domain::ticket::{CustomerMessage, MessageSource};
use domain::values::{Body, CustomerEmail, CustomerName, Subject};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};

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
    let optional = |raw: &str| raw.trim().is_empty();
    let from = fields.parse("from", |raw| {
        if optional(raw) {
            Ok(None)
        } else {
            CustomerEmail::parse(raw).map(Some)
        }
    });
    let from_name = fields.parse("from_name", |raw| {
        if optional(raw) {
            Ok(None)
        } else {
            CustomerName::parse(raw).map(Some)
        }
    });
    let subject = fields.parse("subject", |raw| {
        if optional(raw) {
            Ok(None)
        } else {
            Subject::parse(raw).map(Some)
        }
    });
    let message = fields.parse("body", Body::parse);
    let received_at = match fields.text("received_at").map(str::trim) {
        None | Some("") => Some(OffsetDateTime::now_utc()),
        Some(raw) => OffsetDateTime::parse(raw, &Rfc3339).ok().or_else(|| {
            fields.error(
                "received_at",
                "日時は RFC 3339 形式(例: 2026-11-28T14:05:00+09:00)で入力してください。",
            );
            None
        }),
    };
    fields.finish()?;
    let message = CustomerMessage {
        message_id: Uuid::now_v7(),
        source: MessageSource::Manual,
        from: present(from)?,
        from_name: present(from_name)?,
        subject: present(subject)?,
        body: present(message)?,
        mail_message_id: None,
        attachments: Vec::new(),
        received_at: present(received_at)?,
    };
    execute(
        &state,
        &request,
        TicketCommand::ReceiveCustomerMessage(Box::new(message)),
    )
    .await
}
