//! `GET /api/v1/openapi.json`: one document for every JSON route of both sides.

use axum::routing::get;
use axum::{Json, Router};
use command_api::http::AppState;
use command_api::http::openapi::CommandApiDoc;
use utoipa::OpenApi;

use crate::{analytics, categories, dashboard, tickets, triage_rules};

#[derive(OpenApi)]
#[openapi(paths(
    categories::list,
    tickets::list,
    tickets::detail,
    tickets::history,
    dashboard::dashboard,
    analytics::analytics,
    triage_rules::list
))]
struct ReadApiDoc;

/// The merged document of the command and read APIs.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = CommandApiDoc::openapi();
    doc.merge(ReadApiDoc::openapi());
    doc
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(|| async { Json(document()) }))
}
