//! Quality analytics for supervisors.

pub(crate) mod get;

use axum::Router;
use axum::routing::get;
use command_api::http::AppState;

pub use get::__path_analytics;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/analytics", get(get::analytics))
}
