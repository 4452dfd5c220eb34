//! `GET /login`, `POST /login`, `POST /logout` (S-1).
//!
//! Wrong passwords lock the account for a while after a few tries, and each
//! client address may only try so often, so guessing is slow either way.

use std::collections::HashMap;

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use command_api::accounts::{self, LoginOutcome};
use command_api::http::AppState;
use command_api::http::contact::ClientAddress;
use maud::html;
use time::OffsetDateTime;
use tower_sessions::Session;

use super::ConsoleConfig;
use super::auth::{self, ConsoleForm, SignedIn, check_same_origin};
use super::error::ConsoleError;
use super::layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(show).post(submit))
        .route("/logout", post(logout))
}

const REFUSED: &str = "ログインIDまたはパスワードが正しくありません。";
const LOCKED: &str =
    "ログインの失敗が続いたため、一時的にロックしています。15分ほどおいてからお試しください。";
const THROTTLED: &str = "ログインの試行回数が多すぎます。しばらくおいてからお試しください。";

async fn show(Query(query): Query<HashMap<String, String>>) -> Response {
    form(query.get("next").map(String::as_str), "", None).into_response()
}

fn form(next: Option<&str>, login_id: &str, error: Option<&str>) -> maud::Markup {
    layout::shell(
        "ログイン",
        html! {
            div.login {
                h1 { "窓口 ログイン" }
                p.note { "LifestyleMart カスタマーサポート" }
                @if let Some(error) = error {
                    p.error role="alert" { (error) }
                }
                form #login-form method="post" action="/login" {
                    @if let Some(next) = next.filter(|n| safe_next(n)) {
                        input type="hidden" name="next" value=(next);
                    }
                    label for="login_id" { "ログインID" }
                    input #login_id name="login_id" type="text" value=(login_id) autocomplete="username" required autofocus;
                    label for="password" { "パスワード" }
                    input #password name="password" type="password" autocomplete="current-password" required;
                    button type="submit" { "ログイン" }
                }
            }
        },
    )
}

/// Only our own console pages are places to return to after login.
fn safe_next(next: &str) -> bool {
    next.starts_with("/console") && !next.starts_with("//") && !next.contains(['\\', '\r', '\n'])
}

pub fn encode_next(next: &str) -> String {
    // Slashes stay readable; everything else is encoded.
    super::encode(next).replace("%2F", "/")
}

async fn submit(
    State(state): State<AppState>,
    Extension(config): Extension<ConsoleConfig>,
    client: ClientAddress,
    session: Session,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, ConsoleError> {
    check_same_origin(&headers)?;
    let login_id = fields.get("login_id").map_or("", |s| s.trim());
    let password = fields.get("password").map_or("", String::as_str);
    let next = fields.get("next").map(String::as_str);
    let refuse = |status: StatusCode, message: &str| {
        Ok((status, form(next, login_id, Some(message))).into_response())
    };
    if let Some(ip) = client.0
        && !config
            .login_limit
            .allow(ip, OffsetDateTime::now_utc().unix_timestamp())
    {
        return refuse(StatusCode::TOO_MANY_REQUESTS, THROTTLED);
    }
    if login_id.is_empty() || password.is_empty() || login_id.len() > 64 || password.len() > 1024 {
        return refuse(StatusCode::UNAUTHORIZED, REFUSED);
    }
    match accounts::login(&state.db, login_id, password).await? {
        LoginOutcome::Refused => refuse(StatusCode::UNAUTHORIZED, REFUSED),
        LoginOutcome::Locked => refuse(StatusCode::TOO_MANY_REQUESTS, LOCKED),
        LoginOutcome::SignedIn {
            account,
            must_change_password,
        } => {
            let signed_in = SignedIn {
                employee_id: account.id,
                password_stamp: account.password_stamp(),
                csrf: auth::new_csrf_token(),
            };
            auth::sign_in(&session, &signed_in).await?;
            tracing::info!(employee_id = account.id, "console login");
            let target = if must_change_password {
                "/console/password"
            } else {
                next.filter(|n| safe_next(n)).unwrap_or("/console/tickets")
            };
            Ok(Redirect::to(target).into_response())
        }
    }
}

async fn logout(form: ConsoleForm) -> Result<Response, ConsoleError> {
    tracing::info!(employee_id = form.staff.id(), "console logout");
    form.staff.session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_paths_are_followed_after_login() {
        assert!(safe_next("/console/tickets?status=new"));
        assert!(!safe_next("https://evil.example/"));
        assert!(!safe_next("//evil.example/console"));
        assert!(!safe_next("/console\\..\\x"));
        assert!(!safe_next("/api/v1/tickets"));
    }
}
