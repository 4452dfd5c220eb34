//! The console's one error type. Every failure becomes a Japanese HTML page
//! (or a redirect to the login page); details of internal errors are logged
//! once and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::commands::CommandError;
use command_api::http::error::ApiError;

use super::layout;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// Not signed in (or the session ended): go to the login page.
    #[error("sign-in required")]
    SignIn { next: Option<String> },
    /// Signed in with a temporary password: change it first.
    #[error("password change required")]
    PasswordChange,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A state-changing request that did not come from our own page.
    #[error("cross-site request refused")]
    CrossSite,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ConsoleError {
    fn from(e: sqlx::Error) -> Self {
        ConsoleError::Internal(e.into())
    }
}

impl From<tower_sessions::session::Error> for ConsoleError {
    fn from(e: tower_sessions::session::Error) -> Self {
        ConsoleError::Internal(anyhow::anyhow!("session store: {e}"))
    }
}

impl From<ApiError> for ConsoleError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::NotFound => ConsoleError::NotFound,
            ApiError::Forbidden => ConsoleError::Forbidden,
            ApiError::Unauthorized => ConsoleError::SignIn { next: None },
            other => ConsoleError::Internal(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<CommandError> for ConsoleError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::NotFound => ConsoleError::NotFound,
            other => ConsoleError::Internal(other.into()),
        }
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            ConsoleError::SignIn { next } => {
                let target = match next {
                    Some(next) => format!("/login?next={}", super::login::encode_next(next)),
                    None => "/login".to_owned(),
                };
                return Redirect::to(&target).into_response();
            }
            ConsoleError::PasswordChange => {
                return Redirect::to("/console/password").into_response();
            }
            ConsoleError::Forbidden => (
                StatusCode::FORBIDDEN,
                "権限がありません",
                "このページを表示する権限がありません。必要な場合は管理者にお問い合わせください。",
            ),
            ConsoleError::NotFound => (
                StatusCode::NOT_FOUND,
                "見つかりません",
                "お探しのページまたはお問い合わせは見つかりませんでした。",
            ),
            ConsoleError::CrossSite => (
                StatusCode::FORBIDDEN,
                "送信を受け付けられません",
                "このフォームは別のサイトから送信されたか、有効期限が切れています。ページを開き直してから、もう一度操作してください。",
            ),
            ConsoleError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "入力を読み取れません", *message)
            }
            ConsoleError::Internal(error) => {
                tracing::error!(error = %format!("{error:#}"), "console request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "エラーが発生しました",
                    "一時的な問題が発生しました。時間をおいてもう一度お試しください。",
                )
            }
        };
        (status, layout::bare(title, message)).into_response()
    }
}
