//! Ticket queries: the list, one ticket, and its full history.

mod detail;
mod history;
pub(crate) mod list;

use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use command_api::http::AppState;

pub use detail::__path_detail;
pub use history::__path_history;
pub use list::__path_list;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tickets", get(list::list))
        .route("/api/v1/tickets/{number}", get(detail::detail))
        .route("/api/v1/tickets/{number}/events", get(history::history))
}

/// Marks a response whose read-your-writes wait ran out.
pub fn with_consistency(body: serde_json::Value, fresh: bool) -> Response {
    let mut response = axum::Json(body).into_response();
    let value = if fresh { "fresh" } else { "stale" };
    response.headers_mut().insert(
        HeaderName::from_static("x-madoguchi-consistency"),
        HeaderValue::from_static(value),
    );
    response
}
