//! The one error type of the JSON API, and its single response shape:
//! `{"message": "…", "errors": {"field": ["…"]}}` with Japanese texts.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::commands::CommandError;

/// Japanese messages per request field, in a stable order.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON at all (syntax, encoding).
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// 401: no valid credentials.
    #[error("authentication required")]
    Unauthorized,
    /// 403: signed in, but the role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// 404: the ticket (or other resource) does not exist.
    #[error("not found")]
    NotFound,
    /// 409: the ticket changed since the caller read it.
    #[error("version conflict")]
    Conflict { current_version: i64 },
    /// 409: the Idempotency-Key was already used for a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// 413: the body is larger than the limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415: the body is not declared as JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 422: values that fail validation, per field.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// 422: a business rule refused the command (an illegal transition, …).
    #[error("rule violated: {0}")]
    Rule(String),
    /// 428: the command needs the version the caller saw, as If-Match.
    #[error("If-Match required")]
    PreconditionRequired,
    /// 500: anything unexpected. Logged once here; the client sees no detail.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(BTreeMap::from([(field.to_owned(), vec![message.into()])]))
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } | ApiError::IdempotencyMismatch => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) | ApiError::Rule(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::BadRequest(detail) => {
                format!("リクエストの形式が正しくありません({detail})。")
            }
            ApiError::Unauthorized => "ログインが必要です。".into(),
            ApiError::Forbidden => "この操作を行う権限がありません。".into(),
            ApiError::NotFound => "お問い合わせが見つかりません。".into(),
            ApiError::Conflict { .. } => {
                "他の担当者がこのお問い合わせを更新しました。最新の内容を確認してください。".into()
            }
            ApiError::IdempotencyMismatch => {
                "この Idempotency-Key は別の内容のリクエストで使用済みです。".into()
            }
            ApiError::PayloadTooLarge => "送信内容が大きすぎます。".into(),
            ApiError::UnsupportedMediaType => {
                "Content-Type は application/json を指定してください。".into()
            }
            ApiError::Validation(_) => "入力内容に誤りがあります。".into(),
            ApiError::Rule(reason) => reason.clone(),
            ApiError::PreconditionRequired => {
                "If-Match ヘッダーに表示中のバージョンを指定してください。".into()
            }
            ApiError::Internal(_) => {
                "サーバーで問題が発生しました。時間をおいて再度お試しください。".into()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(error) = &self {
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let status = self.status();
        let mut body = json!({ "message": self.message() });
        match &self {
            ApiError::Validation(errors) => body["errors"] = json!(errors),
            ApiError::Rule(reason) => body["errors"] = json!({ "_": [reason] }),
            ApiError::Conflict { current_version } => {
                body["current_version"] = json!(current_version)
            }
            _ => {}
        }
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::NotFound => ApiError::NotFound,
            CommandError::Conflict { current_version } => ApiError::Conflict { current_version },
            CommandError::Rejected(rule) => ApiError::Rule(rule.to_string()),
            // The customer was erased between the load and the append.
            CommandError::Append(crate::event_store::AppendError::Erased) => {
                ApiError::Rule(domain::TicketError::Erased.to_string())
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.into())
    }
}
