//! Supervisors' edits of the automatic triage rules.

mod save;

use axum::Router;
use axum::routing::post;

use super::AppState;

pub use save::{__path_create, __path_update, read as read_rule};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/triage-rules", post(save::create))
        .route("/api/v1/triage-rules/{id}", post(save::update))
}
