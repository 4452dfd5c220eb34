//! `/console/admin/categories`: list, create, edit, display order, enable and
//! disable (disabled ones leave the contact form), delete while unused.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::categories::{self, CategoryError, CategoryRow};
use command_api::employees::Role;
use command_api::http::AppState;
use maud::html;

use super::referenced;
use crate::console::auth::{ConsoleForm, Staff};
use crate::console::edits::sorted;
use crate::console::error::ConsoleError;
use crate::console::layout::{self, csrf_field};

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, ConsoleError> {
    staff.require(Role::Admin)?;
    let rows = categories::list_all(&state.db).await?;
    Ok(page(&staff, &rows, None, StatusCode::OK))
}

fn page(staff: &Staff, rows: &[CategoryRow], error: Option<&str>, status: StatusCode) -> Response {
    let next_order = rows.iter().map(|r| r.display_order).max().unwrap_or(0) + 1;
    let body = html! {
        h1 { "カテゴリ管理" }
        @if let Some(error) = error { div.flash.flash-error role="alert" { (error) } }
        p.muted { "無効にしたカテゴリはお問い合わせフォームに表示されません。表示順の小さいものから並びます。" }
        table #categories {
            thead { tr { th scope="col" { "表示順" } th scope="col" { "カテゴリ名" } th scope="col" { "状態" } th scope="col" { "操作" } } }
            tbody {
                @for row in rows {
                    tr data-category=(row.name) class=[(!row.active).then_some("inactive")] {
                        td colspan="2" data-label="名前と表示順" {
                            form.inline-edit method="post" action={ "/console/admin/categories/" (row.id) } {
                                (csrf_field(staff))
                                label.visually-hidden for={ "order-" (row.id) } { "表示順" }
                                input.order id={ "order-" (row.id) } name="display_order" type="number" min="0" max="9999" value=(row.display_order);
                                label.visually-hidden for={ "name-" (row.id) } { "カテゴリ名" }
                                input id={ "name-" (row.id) } name="name" type="text" value=(row.name) required maxlength="50";
                                button.small type="submit" { "保存" }
                            }
                        }
                        td data-label="状態" { @if row.active { "有効" } @else { span.muted { "無効" } } }
                        td.row-actions data-label="操作" {
                            form.toggle-active method="post" action={ "/console/admin/categories/" (row.id) "/active" } {
                                (csrf_field(staff))
                                input type="hidden" name="active" value=(if row.active { "false" } else { "true" });
                                button.small type="submit" { (if row.active { "無効にする" } else { "有効にする" }) }
                            }
                            form.delete-category method="post" action={ "/console/admin/categories/" (row.id) "/delete" } {
                                (csrf_field(staff))
                                button.small type="submit" { "削除" }
                            }
                        }
                    }
                }
            }
        }
        h2 { "カテゴリを追加" }
        form #category-form.stack method="post" action="/console/admin/categories" {
            (csrf_field(staff))
            div.row {
                div.field { label for="name" { "カテゴリ名" } input #name name="name" type="text" required maxlength="50"; }
                div.field { label for="display_order" { "表示順" } input #display_order name="display_order" type="number" min="0" max="9999" value=(next_order); }
            }
            button type="submit" { "追加する" }
        }
    };
    (status, layout::page(staff, "カテゴリ管理", body)).into_response()
}

async fn outcome(
    state: &AppState,
    staff: &Staff,
    result: Result<(), CategoryError>,
    ok: &str,
) -> Result<Response, ConsoleError> {
    match sorted(result)? {
        Ok(()) => {
            staff.flash(true, ok).await?;
            Ok(Redirect::to("/console/admin/categories").into_response())
        }
        Err(message) => {
            let rows = categories::list_all(&state.db).await?;
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
    // Out of range on purpose when unreadable, so validation names it.
    form.text("display_order").trim().parse().unwrap_or(-1)
}

pub async fn create(
    State(state): State<AppState>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let result = categories::create(&state.db, form.text("name"), order(&form)).await;
    outcome(&state, &form.staff, result, "カテゴリを追加しました。").await
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let result = categories::update(&state.db, id, form.text("name"), order(&form)).await;
    outcome(&state, &form.staff, result, "カテゴリを保存しました。").await
}

pub async fn set_active(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let active = form.text("active") == "true";
    let result = categories::set_active(&state.db, id, active).await;
    outcome(
        &state,
        &form.staff,
        result,
        if active {
            "有効にしました。"
        } else {
            "無効にしました。"
        },
    )
    .await
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let in_use = referenced(&state, "category_id", id).await?;
    let result = categories::delete(&state.db, id, in_use).await;
    outcome(&state, &form.staff, result, "カテゴリを削除しました。").await
}
