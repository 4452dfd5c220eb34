//! Request extractors that turn every kind of bad input into an [`ApiError`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde_json::{Map, Value};

use super::AppState;
use super::error::ApiError;
use crate::employees::{self, Employee, Role};

/// A JSON object body, with its raw bytes kept for idempotency fingerprints.
///
/// Parsing is done here rather than by `axum::Json` so that a missing or
/// mistyped field becomes a per-field Japanese message (see [`super::fields`])
/// instead of serde's English text.
pub struct JsonObject {
    pub raw: Bytes,
    pub fields: Map<String, Value>,
}

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let raw = Bytes::from_request(req, state).await.map_err(|rejection| {
            match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest("本文を読み取れません".into()),
            }
        })?;
        let text = std::str::from_utf8(&raw)
            .map_err(|_| ApiError::BadRequest("UTF-8 ではありません".into()))?;
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(fields)) => Ok(Self { raw, fields }),
            Ok(_) => Err(ApiError::BadRequest(
                "JSON オブジェクトを送信してください".into(),
            )),
            Err(e) => Err(ApiError::BadRequest(format!(
                "JSON の構文エラー: {} 行 {} 列",
                e.line(),
                e.column()
            ))),
        }
    }
}

/// The version the caller saw, from `If-Match: "7"` or `If-Match: 7`.
pub struct IfMatch(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(header::IF_MATCH)
            .ok_or(ApiError::PreconditionRequired)?;
        value
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|v| *v >= 0)
            .map(IfMatch)
            .ok_or_else(|| {
                ApiError::field("If-Match", "バージョンは0以上の整数で指定してください。")
            })
    }
}

/// An optional `Idempotency-Key` header (1–255 visible ASCII characters).
pub struct IdempotencyKeyHeader(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKeyHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        let key =
            value.to_str().ok().map(str::trim).filter(|k| {
                (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())
            });
        key.map(|k| Self(Some(k.to_owned()))).ok_or_else(|| {
            ApiError::field(
                "Idempotency-Key",
                "Idempotency-Key は255文字以内の英数字記号で指定してください。",
            )
        })
    }
}

/// An employee authenticated by an API token (`Authorization: Bearer …`).
pub struct Agent(pub Employee);

impl FromRequestParts<AppState> for Agent {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(employee) = parts.extensions.get::<Employee>() {
            return Ok(Agent(employee.clone()));
        }
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        let employee = employees::authenticate_token(&state.db, token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Agent(employee))
    }
}

impl Agent {
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.0.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}
