//! The read side of Madoguchi: public reference data and, as the read models
//! grow, ticket queries and the agent console.
//!
//! Layout: one module per resource, one file per action, each exporting
//! `router()`; [`openapi`] documents the JSON routes.

mod categories;
pub mod openapi;

use axum::Router;
use command_api::http::AppState;

/// Every read route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(categories::router())
        .merge(openapi::router())
}
