//! The public intake used by the web shop.

mod post;

use axum::Router;
use axum::routing::post;

use super::AppState;

pub use post::__path_post;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/inquiries", post(post::post))
}
