//! The triage rules with their hit counts, for supervisors.

mod list;

use axum::Router;
use axum::routing::get;
use command_api::http::AppState;

pub use list::__path_list;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/triage-rules", get(list::list))
}
