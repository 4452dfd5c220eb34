//! `GET /contact`: an empty form with a fresh one-time token.

use axum::extract::State;
use maud::Markup;
use uuid::Uuid;

use super::page::{self, Values};
use crate::categories;
use crate::http::AppState;
use crate::http::error::{ApiError, FieldErrors};

pub async fn show(State(state): State<AppState>) -> Result<Markup, ApiError> {
    let categories = categories::list_active(&state.db).await?;
    Ok(page::form(
        &categories,
        &Values::default(),
        &FieldErrors::new(),
        &Uuid::new_v4().to_string(),
    ))
}
