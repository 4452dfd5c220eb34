//! Liveness and readiness, for the load balancer and container health checks.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(super::metrics::metrics))
}

/// The process is up. Deliberately touches nothing else, so a database outage
/// does not make the orchestrator kill healthy tasks.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process is up")))]
pub async fn healthz() -> axum::Json<Value> {
    axum::Json(json!({ "status": "ok" }))
}

/// The database answers and every migration this build expects is applied.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, description = "Ready to serve"),
    (status = 503, description = "Database unreachable or migrations pending"),
))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, axum::Json<Value>) {
    let database = state.db.ping().await.is_ok();
    let migrations = database && state.db.migrations_current().await.unwrap_or(false);
    let status = if migrations {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(json!({ "database": database, "migrations": migrations })),
    )
}
