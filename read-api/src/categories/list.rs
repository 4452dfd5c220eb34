//! `GET /api/v1/categories`: the active categories, in display order.

use axum::Json;
use axum::extract::State;
use command_api::categories::{self, Category};
use command_api::http::AppState;
use command_api::http::error::ApiError;

#[utoipa::path(get, path = "/api/v1/categories", tag = "intake", responses(
    (status = 200, description = "Active categories in display order", body = Vec<Category>),
))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(categories::list_active(&state.db).await?))
}
