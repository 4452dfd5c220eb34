//! The public contact form (お問い合わせフォーム): `GET /contact` shows it,
//! `POST /contact` validates it with the intake's rules and opens a ticket.
//!
//! Abuse protection: a honeypot field, a per-client rate limit with a
//! friendly 429 page, a body size limit, cross-site posts refused, and a
//! one-time form token used as the Idempotency-Key, so pressing back and
//! sending again, or double-clicking, opens one ticket.

mod get;
mod limiter;
mod page;
mod post;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

pub use limiter::{ClientAddress, Limits, RateLimit};

/// The form's abuse settings.
#[derive(Debug, Clone, Default)]
pub struct ContactSettings {
    pub limit: RateLimit,
    /// Believe X-Forwarded-For (only behind our own load balancer).
    pub trust_forwarded: bool,
}

use super::AppState;

/// A form is small; this leaves room for a long inquiry in Japanese.
pub const FORM_BODY_LIMIT: usize = 96 * 1024;

/// `GET /contact`, served by the read side.
pub fn page_router() -> Router<AppState> {
    Router::new().route("/contact", get(get::show))
}

/// `POST /contact`, served by the command side.
pub fn submit_router() -> Router<AppState> {
    Router::new()
        .route("/contact", axum::routing::post(post::submit))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
}
