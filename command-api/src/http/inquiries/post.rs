//! `POST /api/v1/inquiries`: a customer's inquiry from the web shop.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::Actor;
use domain::metadata::CommandContext;
use time::OffsetDateTime;

use crate::commands::IdempotencyKey;
use crate::http::error::ApiError;
use crate::http::extract::{IdempotencyKeyHeader, JsonObject};
use crate::http::fields::Fields;
use crate::http::respond::{replay, settle};
use crate::http::{AppState, request_id};
use crate::idempotency;
use crate::intake::{self, Start};

pub(crate) const SCOPE: &str = "inquiries";

/// The request body, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct InquiryRequest {
    /// An active category id (`GET /api/v1/categories`).
    category_id: i64,
    /// At most 50 characters.
    order_number: Option<String>,
    /// At most 200 characters.
    subject: String,
    /// At most 20,000 characters.
    body: String,
    /// At most 100 characters.
    customer_name: String,
    /// A valid address, at most 100 characters.
    customer_email: String,
}

#[utoipa::path(
    post, path = "/api/v1/inquiries", tag = "intake",
    request_body = InquiryRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe submission key")),
    responses(
        (status = 201, description = "Received: `{inquiry_number, ticket_id, version, position}`"),
        (status = 400, description = "Malformed JSON"),
        (status = 409, description = "Idempotency-Key reused with a different body"),
        (status = 413, description = "Body too large"),
        (status = 415, description = "Not JSON"),
        (status = 422, description = "`{errors: {field: [message]}}` in Japanese"),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    IdempotencyKeyHeader(key): IdempotencyKeyHeader,
    body: JsonObject,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&body.fields);
    let inquiry = intake::read_inquiry(&state.db, &mut fields, false).await?;
    fields.finish()?;
    let Some(inquiry) = inquiry else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated inquiry missing"
        )));
    };
    let idempotency = key.map(|key| IdempotencyKey {
        scope: SCOPE.into(),
        key,
        request_hash: idempotency::request_hash(&body.raw),
    });
    if let Some(previous) = replay(&state, idempotency.as_ref(), StatusCode::CREATED).await? {
        return Ok(previous);
    }
    let ctx = CommandContext::new(
        Actor::Customer,
        OffsetDateTime::now_utc(),
        request_id(&headers),
    );
    let result = intake::open(
        &state.db,
        &state.tickets,
        inquiry,
        Start::form(),
        &ctx,
        idempotency.clone(),
    )
    .await;
    settle(&state, result, idempotency.as_ref(), StatusCode::CREATED).await
}
