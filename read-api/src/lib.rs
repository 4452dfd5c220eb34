//! The read side of Madoguchi: ticket queries, the dashboard and history for
//! supervisors, public reference data, and (as it grows) the agent console.
//!
//! Layout: one module per resource, one file per action, each exporting
//! `router()`; [`queries`] holds the SQL; [`consistency`] makes reads wait
//! for the writes they follow; [`openapi`] documents the JSON routes.

pub(crate) mod analytics;
mod categories;
pub mod consistency;
pub mod console;
pub(crate) mod dashboard;
pub mod openapi;
mod params;
pub mod queries;
pub(crate) mod tickets;
mod triage_rules;

use axum::Router;
use command_api::http::AppState;

/// Every read route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(categories::router())
        .merge(tickets::router())
        .merge(dashboard::router())
        .merge(analytics::router())
        .merge(triage_rules::router())
        .merge(command_api::http::contact::page_router())
        .merge(openapi::router())
}
