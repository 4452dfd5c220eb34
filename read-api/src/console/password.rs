//! `GET/POST /console/password` (S-2): change one's own password. After an
//! admin reset, this is the only page a temporary password opens.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::accounts::{self, PasswordChangeError};
use command_api::employees::MIN_PASSWORD_CHARS;
use command_api::http::AppState;
use maud::{Markup, html};

use super::auth::{self, ConsoleForm, SignedIn, Staff};
use super::error::ConsoleError;
use super::layout::{self, csrf_field};

pub async fn show(staff: Staff) -> Result<Response, ConsoleError> {
    Ok(page(&staff, None, staff.must_change_password).into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    let result = accounts::change_password(
        &state.db,
        form.staff.id(),
        form.text("current_password"),
        form.text("new_password"),
        form.text("new_password_confirm"),
    )
    .await;
    match result {
        Ok(()) => {
            // Keep this session (with the new password's stamp); every other
            // session of this employee ends on its next request.
            let account = accounts::account(&state.db, form.staff.id())
                .await?
                .ok_or(ConsoleError::SignIn { next: None })?;
            let signed_in = SignedIn {
                employee_id: account.id,
                password_stamp: account.password_stamp(),
                csrf: form.staff.csrf.clone(),
            };
            auth::sign_in(&form.staff.session, &signed_in).await?;
            form.staff.flash(true, "パスワードを変更しました。").await?;
            Ok(Redirect::to("/console/tickets").into_response())
        }
        Err(PasswordChangeError::Database(e)) => Err(e.into()),
        Err(PasswordChangeError::Invalid(command_api::employees::EmployeeError::Hash(e))) => {
            Err(ConsoleError::Internal(anyhow::anyhow!(e)))
        }
        Err(refused) => {
            let message = refused.to_string();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&form.staff, Some(&message), form.staff.must_change_password),
            )
                .into_response())
        }
    }
}

fn page(staff: &Staff, error: Option<&str>, must: bool) -> Markup {
    let body = html! {
        h1 { "パスワード変更" }
        @if must {
            p.flash.flash-error role="alert" { "仮パスワードでログインしています。新しいパスワードを設定してください。" }
        }
        @if let Some(error) = error { div.flash.flash-error role="alert" { (error) } }
        form #password-form.stack method="post" action="/console/password" {
            (csrf_field(staff))
            div.field {
                label for="current_password" { "現在のパスワード" }
                input #current_password name="current_password" type="password" autocomplete="current-password" required;
            }
            div.field {
                label for="new_password" { "新しいパスワード (" (MIN_PASSWORD_CHARS) "文字以上)" }
                input #new_password name="new_password" type="password" autocomplete="new-password" minlength=(MIN_PASSWORD_CHARS) required;
            }
            div.field {
                label for="new_password_confirm" { "新しいパスワード (確認)" }
                input #new_password_confirm name="new_password_confirm" type="password" autocomplete="new-password" required;
            }
            button type="submit" { "変更する" }
        }
    };
    layout::page(staff, "パスワード変更", body)
}
