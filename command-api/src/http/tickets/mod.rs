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
use axum::extract::{FromRequest, FromRequestParts, Path, Request};

use super::extract::{Agent, IdempotencyKeyHeader, IfMatch, JsonObject};
use super::respond::{replay, settle};
use super::{AppState, request_id};
use crate::commands::IdempotencyKey;
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

/// The answers every command on an existing ticket can give, documented once.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // only read by the OpenAPI derive
pub(super) enum CommandResponses {
    /// Applied: `{ticket_id, inquiry_number, version, position}`
    #[response(status = 200)]
    Applied,
    /// No valid credentials
    #[response(status = 401)]
    Unauthorized,
    /// No such ticket
    #[response(status = 404)]
    NotFound,
    /// The ticket changed since: `{current_version}`
    #[response(status = 409)]
    Conflict,
    /// Invalid value or a rule refused it, in Japanese
    #[response(status = 422)]
    Refused,
    /// If-Match missing
    #[response(status = 428)]
    PreconditionRequired,
}

/// Everything an agent command on one ticket carries, extracted once for
/// every action: who asks, which ticket, the version they saw, the optional
/// Idempotency-Key, and the JSON body. Authentication is checked first, so an
/// anonymous caller gets 401 before any other complaint.
pub(super) struct TicketRequest {
    pub agent: Agent,
    pub number: String,
    pub expected: IfMatch,
    pub key: Option<String>,
    pub headers: HeaderMap,
    pub body: JsonObject,
    /// The route's last segment (`status`, `notes`, …), for idempotency scopes.
    pub action: String,
}

impl FromRequest<AppState> for TicketRequest {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let agent = Agent::from_request_parts(&mut parts, state).await?;
        let Path(number) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        let expected = IfMatch::from_request_parts(&mut parts, state).await?;
        let IdempotencyKeyHeader(key) =
            IdempotencyKeyHeader::from_request_parts(&mut parts, state).await?;
        let action = parts
            .uri
            .path()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let headers = parts.headers.clone();
        let body = JsonObject::from_request(Request::from_parts(parts, body), state).await?;
        Ok(Self {
            agent,
            number,
            expected,
            key,
            headers,
            body,
            action,
        })
    }
}

/// Resolves the inquiry number, checks the Idempotency-Key, and executes.
pub(super) async fn execute(
    state: &AppState,
    request: &TicketRequest,
    command: TicketCommand,
) -> Result<Response, ApiError> {
    let number: InquiryNumber = request.number.parse().map_err(|_| ApiError::NotFound)?;
    let ticket_id = state
        .tickets
        .find_by_number(&number)
        .await?
        .ok_or(ApiError::NotFound)?;
    let employee = &request.agent.0;
    let idempotency = request.key.clone().map(|key| IdempotencyKey {
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
        request_id(&request.headers),
    );
    let result = state
        .tickets
        .execute(
            ticket_id,
            Some(request.expected.0),
            command,
            &ctx,
            idempotency.clone(),
        )
        .await;
    settle(state, result, idempotency.as_ref(), StatusCode::OK).await
}
