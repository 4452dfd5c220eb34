//! `POST /api/v1/tickets`: an inquiry registered by an agent (a phone call, or
//! a customer mail that arrived elsewhere). Phone inquiries get no
//! acknowledgement mail and may start already assigned or in progress.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::metadata::CommandContext;
use domain::{Actor, Channel, Priority, Status};
use time::OffsetDateTime;

use crate::commands::IdempotencyKey;
use crate::employees;
use crate::http::error::ApiError;
use crate::http::extract::{Agent, IdempotencyKeyHeader, JsonObject};
use crate::http::fields::{Fields, present};
use crate::http::respond::{replay, settle};
use crate::http::{AppState, request_id};
use crate::idempotency;
use crate::intake::{self, Start};

#[utoipa::path(
    post, path = "/api/v1/tickets", tag = "tickets",
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key")),
    request_body(content = serde_json::Value, description = "The intake fields plus `channel` (phone|email), and optional `priority`, `status`, `assignee_id`; `customer_email` is optional for phone"),
    responses(
        (status = 201, description = "Registered: `{ticket_id, inquiry_number, version, position}`"),
        (status = 401, description = "No valid credentials"),
        (status = 422, description = "Invalid fields, in Japanese"),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    agent: Agent,
    IdempotencyKeyHeader(key): IdempotencyKeyHeader,
    headers: HeaderMap,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&body.fields);
    let channel = fields
        .choice::<Channel>("channel")
        .filter(|c| *c != Channel::Form);
    if channel.is_none() && !body.fields.contains_key("channel") {
        // choice() already reported the missing value.
    } else if channel.is_none() {
        fields.error("channel", "電話(phone)かメール(email)を選択してください。");
    }
    let priority = fields
        .optional_choice::<Priority>("priority")
        .unwrap_or_default();
    let status = fields
        .optional_choice::<Status>("status")
        .unwrap_or_default();
    let assignee = match body.fields.get("assignee_id") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) if s.is_empty() => None,
        Some(_) => fields.id("assignee_id"),
    };
    if let Some(id) = assignee
        && !employees::find(&state.db, id)
            .await?
            .is_some_and(|e| e.active)
    {
        fields.error(
            "assignee_id",
            "選択された担当者は存在しないか、無効になっています。",
        );
    }
    let inquiry =
        intake::read_inquiry(&state.db, &mut fields, channel == Some(Channel::Phone)).await?;
    fields.finish()?;
    let start = Start {
        channel: present(channel)?,
        priority,
        status,
        assignee,
    };
    let idempotency = key.map(|key| IdempotencyKey {
        scope: format!("tickets:{}", agent.0.id),
        key,
        request_hash: idempotency::request_hash(&body.raw),
    });
    if let Some(previous) = replay(&state, idempotency.as_ref(), StatusCode::CREATED).await? {
        return Ok(previous);
    }
    let ctx = CommandContext::new(
        Actor::Agent(agent.0.id),
        OffsetDateTime::now_utc(),
        request_id(&headers),
    );
    let result = intake::open(
        &state.db,
        &state.tickets,
        present(inquiry)?,
        start,
        &ctx,
        idempotency.clone(),
    )
    .await;
    settle(&state, result, idempotency.as_ref(), StatusCode::CREATED).await
}
