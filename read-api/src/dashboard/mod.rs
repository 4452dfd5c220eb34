//! The backlog dashboard.

mod get;

use axum::Router;
use axum::routing::get;
use command_api::http::AppState;

pub use get::__path_dashboard;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/dashboard", get(get::dashboard))
}
