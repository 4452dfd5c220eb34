//! Agent commands on tickets. Each takes the version the agent saw as If-Match.

mod assignee;
mod create;
mod messages;
mod notes;
mod priority;
mod replies;
mod status;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use domain::metadata::CommandContext;
use domain::values::InquiryNumber;
use domain::{Actor, TicketCommand};
use time::OffsetDateTime;

use super::error::ApiError;
use super::extract::{Agent, IfMatch, JsonObject};
use super::respond::{command_response, replay};
use super::{AppState, request_id};
use crate::commands::{CommandError, IdempotencyKey};
use crate::idempotency;

pub use assignee::__path_assign;
pub use create::__path_create;
pub use messages::__path_record_message;
pub use notes::__path_add_note;
pub use priority::__path_change_priority;
pub use replies::__path_queue_reply;
pub use status::__path_change_status;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tickets", post(create::create))
        .route(
            "/api/v1/tickets/{number}/status",
            post(status::change_status),
        )
        .route(
            "/api/v1/tickets/{number}/priority",
            post(priority::change_priority),
        )
        .route("/api/v1/tickets/{number}/assignee", post(assignee::assign))
        .route("/api/v1/tickets/{number}/notes", post(notes::add_note))
        .route(
            "/api/v1/tickets/{number}/replies",
            post(replies::queue_reply),
        )
        .route(
            "/api/v1/tickets/{number}/messages",
            post(messages::record_message),
        )
}

/// One agent command on one ticket, as every action file sends it.
pub(super) struct TicketRequest<'a> {
    pub agent: &'a Agent,
    pub number: &'a str,
    pub expected: IfMatch,
    pub key: Option<String>,
    pub body: &'a JsonObject,
    pub headers: &'a HeaderMap,
    pub action: &'static str,
}

/// Resolves the inquiry number, checks the Idempotency-Key, and executes.
pub(super) async fn execute(
    state: &AppState,
    request: TicketRequest<'_>,
    command: TicketCommand,
) -> Result<Response, ApiError> {
    let number: InquiryNumber = request.number.parse().map_err(|_| ApiError::NotFound)?;
    let ticket_id = state
        .tickets
        .find_by_number(&number)
        .await?
        .ok_or(ApiError::NotFound)?;
    let employee = &request.agent.0;
    let idempotency = request.key.map(|key| IdempotencyKey {
        // Scoped per ticket, action and employee: the same key on another
        // ticket is another request, not a replay.
        scope: format!("{}:{}:{}", request.action, number, employee.id),
        key,
        request_hash: idempotency::request_hash(&request.body.raw),
    });
    if let Some(previous) = replay(state, idempotency.as_ref(), StatusCode::OK).await? {
        return Ok(previous);
    }
    let ctx = CommandContext::new(
        Actor::Agent(employee.id),
        OffsetDateTime::now_utc(),
        request_id(request.headers),
    );
    match state
        .tickets
        .execute(
            ticket_id,
            Some(request.expected.0),
            command,
            &ctx,
            idempotency.clone(),
        )
        .await
    {
        Ok(outcome) => Ok(command_response(StatusCode::OK, outcome.to_json())),
        Err(CommandError::IdempotencyRace) => replay(state, idempotency.as_ref(), StatusCode::OK)
            .await?
            .ok_or(ApiError::Internal(anyhow::anyhow!(
                "idempotency record vanished"
            ))),
        Err(e) => Err(e.into()),
    }
}
