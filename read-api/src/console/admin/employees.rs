//! `/console/admin/employees`: list, create, edit (the login ID stays),
//! enable and disable, delete, and password resets. Admins only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::accounts;
use command_api::db::from_micros;
use command_api::employee_admin::{self, EmployeeRow};
use command_api::employees::{self, EmployeeError, MIN_PASSWORD_CHARS, Role};
use command_api::http::AppState;
use maud::{Markup, html};

use super::referenced;
use crate::console::auth::{ConsoleForm, Staff};
use crate::console::edits::sorted;
use crate::console::error::ConsoleError;
use crate::console::layout::{self, csrf_field};
use crate::queries::jst;

const ROLES: [Role; 3] = [Role::Agent, Role::Supervisor, Role::Admin];

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, ConsoleError> {
    staff.require(Role::Admin)?;
    let rows = employee_admin::list(&state.db).await?;
    Ok(page(&staff, &rows, None, "", StatusCode::OK))
}

fn page(
    staff: &Staff,
    rows: &[EmployeeRow],
    error: Option<&str>,
    notice: &str,
    status: StatusCode,
) -> Response {
    let me = staff.id();
    let body = html! {
        h1 { "社員管理" }
        @if let Some(error) = error { div.flash.flash-error role="alert" { (error) } }
        @if !notice.is_empty() { div.flash.flash-ok role="status" { (notice) } }
        table #employees {
            thead { tr {
                th scope="col" { "ログインID" } th scope="col" { "表示名" } th scope="col" { "権限" }
                th scope="col" { "状態" } th scope="col" { "登録日" } th scope="col" { "操作" }
            } }
            tbody {
                @for row in rows {
                    tr data-login=(row.login_id) class=[(!row.active).then_some("inactive")] {
                        td data-label="ログインID" { code { (row.login_id) } }
                        td data-label="表示名" { a href={ "/console/admin/employees/" (row.id) } { (row.display_name) } }
                        td data-label="権限" { (row.role.parse::<Role>().map_or("?", |r| r.label_ja())) }
                        td data-label="状態" {
                            @if row.active { "有効" } @else { span.muted { "無効" } }
                            @if row.must_change_password { " " span.tag { "仮パスワード" } }
                        }
                        td data-label="登録日" { (jst(from_micros(row.created_at))) }
                        td.row-actions data-label="操作" {
                            @if row.id == me {
                                span.muted { "(ご自身)" }
                            } @else {
                                (post_button(staff, row.id, "active", "toggle-active", if row.active { "無効にする" } else { "有効にする" }, Some(("active", if row.active { "false" } else { "true" }))))
                                (post_button(staff, row.id, "reset-password", "reset-password", "パスワードを再発行", None))
                                (post_button(staff, row.id, "delete", "delete-employee", "削除", None))
                            }
                        }
                    }
                }
            }
        }
        h2 { "社員を追加" }
        form #employee-form.stack method="post" action="/console/admin/employees" {
            (csrf_field(staff))
            div.row {
                div.field { label for="login_id" { "ログインID (英数字と . _ -)" } input #login_id name="login_id" type="text" required pattern="[A-Za-z0-9._-]{3,64}" autocomplete="off"; }
                div.field { label for="display_name" { "表示名" } input #display_name name="display_name" type="text" required; }
                div.field { label for="role" { "権限" } (role_select(Role::Agent)) }
                div.field { label for="password" { "初期パスワード (" (MIN_PASSWORD_CHARS) "文字以上)" } input #password name="password" type="password" minlength=(MIN_PASSWORD_CHARS) required autocomplete="new-password"; }
            }
            p.muted { "初回ログイン時にパスワードの変更が求められます。" }
            button type="submit" { "追加する" }
        }
    };
    (status, layout::page(staff, "社員管理", body)).into_response()
}

fn role_select(current: Role) -> Markup {
    html! {
        select #role name="role" {
            @for role in ROLES { option value=(role.as_str()) selected[role == current] { (role.label_ja()) } }
        }
    }
}

fn post_button(
    staff: &Staff,
    id: i64,
    action: &str,
    class: &str,
    label: &str,
    field: Option<(&str, &str)>,
) -> Markup {
    html! {
        form class=(class) method="post" action={ "/console/admin/employees/" (id) "/" (action) } {
            (csrf_field(staff))
            @if let Some((name, value)) = field { input type="hidden" name=(name) value=(value); }
            button.small type="submit" { (label) }
        }
    }
}

async fn refused(state: &AppState, staff: &Staff, message: &str) -> Result<Response, ConsoleError> {
    let rows = employee_admin::list(&state.db).await?;
    Ok(page(
        staff,
        &rows,
        Some(message),
        "",
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn done(staff: &Staff, message: &str) -> Result<Response, ConsoleError> {
    staff.flash(true, message).await?;
    Ok(Redirect::to("/console/admin/employees").into_response())
}

pub async fn create(
    State(state): State<AppState>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let Ok(role) = form.text("role").parse::<Role>() else {
        return refused(&state, &form.staff, "権限を選択してください。").await;
    };
    match employees::create(
        &state.db,
        form.text("login_id").trim(),
        form.text("display_name"),
        role,
        form.text("password"),
        true,
    )
    .await
    {
        Ok(_) => done(&form.staff, "社員を追加しました。").await,
        Err(EmployeeError::Database(e)) => Err(e.into()),
        Err(EmployeeError::Hash(e)) => Err(ConsoleError::Internal(anyhow::anyhow!(e))),
        Err(refusal) => refused(&state, &form.staff, &refusal.to_string()).await,
    }
}

pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, ConsoleError> {
    staff.require(Role::Admin)?;
    let rows = employee_admin::list(&state.db).await?;
    let row = rows
        .iter()
        .find(|r| r.id == id)
        .ok_or(ConsoleError::NotFound)?;
    let role = row.role.parse::<Role>().unwrap_or(Role::Agent);
    let body = html! {
        h1 { "社員の編集" }
        form #employee-edit-form.stack method="post" action={ "/console/admin/employees/" (id) } {
            (csrf_field(&staff))
            div.field { span.label-text { "ログインID (変更できません)" } p { code { (row.login_id) } } }
            div.field { label for="display_name" { "表示名" } input #display_name name="display_name" type="text" value=(row.display_name) required; }
            div.field { label for="role" { "権限" } (role_select(role)) }
            button type="submit" { "保存する" }
        }
        p { a href="/console/admin/employees" { "← 社員一覧へ戻る" } }
    };
    Ok(layout::page(&staff, "社員の編集", body).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let Ok(role) = form.text("role").parse::<Role>() else {
        return refused(&state, &form.staff, "権限を選択してください。").await;
    };
    let result = employee_admin::update(
        &state.db,
        form.staff.id(),
        id,
        form.text("display_name"),
        role,
    )
    .await;
    match sorted(result)? {
        Ok(()) => done(&form.staff, "社員情報を保存しました。").await,
        Err(message) => refused(&state, &form.staff, &message).await,
    }
}

pub async fn set_active(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let active = form.text("active") == "true";
    let result = employee_admin::set_active(&state.db, form.staff.id(), id, active).await;
    match sorted(result)? {
        Ok(()) => {
            done(
                &form.staff,
                if active {
                    "有効にしました。"
                } else {
                    "無効にしました。この社員はログインできなくなりました。"
                },
            )
            .await
        }
        Err(message) => refused(&state, &form.staff, &message).await,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let touched = referenced(&state, "assignee_id", id).await?;
    let result = employee_admin::delete(&state.db, form.staff.id(), id, touched).await;
    match sorted(result)? {
        Ok(()) => done(&form.staff, "社員を削除しました。").await,
        Err(message) => refused(&state, &form.staff, &message).await,
    }
}

/// Shows the temporary password once, on this response only: it is never
/// stored in the session or logged.
pub async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    if let Err(refusal) = employee_admin::check_not_self(form.staff.id(), id) {
        return refused(&state, &form.staff, &refusal.to_string()).await;
    }
    let rows = employee_admin::list(&state.db).await?;
    let Some(row) = rows.iter().find(|r| r.id == id) else {
        return Err(ConsoleError::NotFound);
    };
    let password = accounts::reset_password(&state.db, id)
        .await
        .map_err(|e| ConsoleError::Internal(e.into()))?;
    let notice = format!(
        "{} さんの仮パスワード: {password} (7日間有効。次回ログイン時に変更が必要です。この表示は一度だけです。)",
        row.display_name
    );
    let rows = employee_admin::list(&state.db).await?;
    Ok(page(&form.staff, &rows, None, &notice, StatusCode::OK))
}
