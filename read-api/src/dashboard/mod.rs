//! The backlog dashboard.

mod get;

use axum::Router;
use axum::routing::get;
use command_api::http::AppState;

pub use get::__path_dashboard;

/// When a ticket still waiting for its first answer counts as overdue.
pub const DEFAULT_OVERDUE_AFTER: time::Duration =
    time::Duration::hours(get::DEFAULT_FIRST_RESPONSE_TARGET_HOURS);

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/dashboard", get(get::dashboard))
}
