//! `/console/canned-replies`: supervisors curate the 定型文 every agent can
//! start a reply from.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use command_api::canned_replies::{self, CannedError, CannedReply, PLACEHOLDERS};
use command_api::employees::Role;
use command_api::http::AppState;
use maud::html;

use super::auth::{ConsoleForm, Staff};
use super::edits::sorted;
use super::error::ConsoleError;
use super::layout::{self, csrf_field};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/canned-replies", get(list).post(create))
        .route("/console/canned-replies/{id}", post(update))
        .route("/console/canned-replies/{id}/delete", post(delete))
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, ConsoleError> {
    staff.require(Role::Supervisor)?;
    let rows = canned_replies::list(&state.db).await?;
    Ok(page(&staff, &rows, None, StatusCode::OK))
}

fn page(staff: &Staff, rows: &[CannedReply], error: Option<&str>, status: StatusCode) -> Response {
    let next_order = rows.iter().map(|r| r.display_order).max().unwrap_or(0) + 1;
    let body = html! {
        h1 { "定型文" }
        @if let Some(error) = error { div.flash.flash-error role="alert" { (error) } }
        p.muted { "使える差し込み項目: " @for p in PLACEHOLDERS { code { (p) } " " } }
        @for row in rows {
            details.canned {
                summary { (row.display_order) ". " (row.title) }
                form.stack method="post" action={ "/console/canned-replies/" (row.id) } {
                    (csrf_field(staff))
                    div.row {
                        div.field { label for={ "title-" (row.id) } { "題名" } input id={ "title-" (row.id) } name="title" type="text" value=(row.title) required maxlength="100"; }
                        div.field { label for={ "order-" (row.id) } { "表示順" } input id={ "order-" (row.id) } name="display_order" type="number" value=(row.display_order) min="0" max="9999"; }
                    }
                    div.field { label for={ "body-" (row.id) } { "本文" } textarea id={ "body-" (row.id) } name="body" rows="10" required { (row.body) } }
                    button type="submit" { "保存する" }
                }
                form.delete-canned method="post" action={ "/console/canned-replies/" (row.id) "/delete" } {
                    (csrf_field(staff))
                    button.small type="submit" { "削除" }
                }
            }
        }
        h2 { "定型文を追加" }
        form #canned-form-new.stack method="post" action="/console/canned-replies" {
            (csrf_field(staff))
            div.row {
                div.field { label for="title" { "題名" } input #title name="title" type="text" required maxlength="100"; }
                div.field { label for="display_order" { "表示順" } input #display_order name="display_order" type="number" value=(next_order) min="0" max="9999"; }
            }
            div.field { label for="body" { "本文" } textarea #body name="body" rows="10" required {} }
            button type="submit" { "追加する" }
        }
    };
    (status, layout::page(staff, "定型文", body)).into_response()
}

async fn outcome(
    state: &AppState,
    staff: &Staff,
    result: Result<(), CannedError>,
    ok: &str,
) -> Result<Response, ConsoleError> {
    match sorted(result)? {
        Ok(()) => {
            staff.flash(true, ok).await?;
            Ok(Redirect::to("/console/canned-replies").into_response())
        }
        Err(message) => {
            let rows = canned_replies::list(&state.db).await?;
            Ok(page(
                staff,
                &rows,
                Some(&message),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

fn order(form: &ConsoleForm) -> i64 {
    form.text("display_order")
        .trim()
        .parse::<i64>()
        .unwrap_or(0)
        .clamp(0, 9999)
}

async fn create(
    State(state): State<AppState>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Supervisor)?;
    let result = canned_replies::save(
        &state.db,
        None,
        form.text("title"),
        form.text("body"),
        order(&form),
    )
    .await;
    outcome(&state, &form.staff, result, "定型文を追加しました。").await
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Supervisor)?;
    let result = canned_replies::save(
        &state.db,
        Some(id),
        form.text("title"),
        form.text("body"),
        order(&form),
    )
    .await;
    outcome(&state, &form.staff, result, "定型文を保存しました。").await
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Supervisor)?;
    let result = canned_replies::delete(&state.db, id).await;
    outcome(&state, &form.staff, result, "定型文を削除しました。").await
}
