//! The agent console: server-rendered Japanese pages for the support team.
//!
//! Sessions live in the database ([`session`]); every page is behind
//! [`auth::Staff`], every form post behind [`auth::ConsoleForm`] (origin and
//! per-session token checked). Pages reuse the read side's queries; form
//! posts run commands through the same service and validators as the JSON
//! API, so the two can never disagree about what is allowed.

mod admin;
mod analytics;
mod assets;
pub mod auth;
mod canned;
mod dashboard;
mod describe;
mod edits;
pub mod error;
mod layout;
mod login;
mod password;
mod phone;
mod presence;
pub mod session;
mod tickets;
mod triage;

use axum::response::Redirect;
use axum::routing::get;
use axum::{Extension, Router};
use command_api::http::AppState;
use command_api::http::contact::{Limits, RateLimit};

/// What the console needs beyond the shared state.
#[derive(Clone, Debug)]
pub struct ConsoleConfig {
    /// Login attempts allowed per client address.
    pub login_limit: RateLimit,
    /// Where inbound mail is kept, so erasing a customer deletes their
    /// files. `None`: erasure from the console is refused.
    pub files: Option<projections::mail::store::MailStore>,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            login_limit: RateLimit::new(Limits {
                per_hour: 60,
                per_day: 300,
            }),
            files: None,
        }
    }
}

/// Every console route, with the session layer around them.
pub fn router(
    store: session::Store,
    secure_cookies: bool,
    config: ConsoleConfig,
) -> Router<AppState> {
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::to("/console/tickets") }),
        )
        .merge(login::router())
        .merge(tickets::router())
        .route("/console/dashboard", get(dashboard::show))
        .route("/console/phone", get(phone::show).post(phone::submit))
        .route(
            "/console/password",
            get(password::show).post(password::submit),
        )
        .route("/console/analytics", get(analytics::show))
        .route("/console/analytics.csv", get(analytics::csv))
        .merge(canned::router())
        .merge(triage::router())
        .merge(admin::router())
        .merge(assets::router())
        .layer(Extension(config))
        .layer(session::layer(store, secure_cookies))
}

/// `k=v&k=v` with both sides percent-encoded, for links that keep filters.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
