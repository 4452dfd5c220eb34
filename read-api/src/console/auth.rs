//! Who is signed in, and proof that a form came from our own page.
//!
//! Every request re-reads the employee, so disabling an account or changing
//! its password ends its sessions at once. Forms carry a per-session token
//! (`csrf`), and a browser that says the request is cross-site is refused
//! before the token is even looked at.

use std::collections::HashMap;

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use command_api::accounts;
use command_api::employees::{Employee, Role};
use command_api::http::AppState;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use super::error::ConsoleError;

const SIGNED_IN: &str = "signed_in";
const FLASH: &str = "flash";

/// What a session remembers about its employee.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub employee_id: i64,
    /// The password the session was opened with, as a short fingerprint.
    pub password_stamp: String,
    pub csrf: String,
}

/// A one-time message for the next page ("更新しました。").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub ok: bool,
    pub message: String,
}

/// A signed-in employee, with the session's form token and any flash message.
pub struct Staff {
    pub employee: Employee,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub session: Session,
    /// Signed in with a temporary password that must be replaced first.
    pub must_change_password: bool,
}

impl Staff {
    pub fn require(&self, role: Role) -> Result<(), ConsoleError> {
        if self.employee.role >= role {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    pub fn id(&self) -> i64 {
        self.employee.id
    }

    pub async fn flash(&self, ok: bool, message: impl Into<String>) -> Result<(), ConsoleError> {
        let flash = Flash {
            ok,
            message: message.into(),
        };
        self.session.insert(FLASH, flash).await?;
        Ok(())
    }
}

pub async fn sign_in(session: &Session, signed_in: &SignedIn) -> Result<(), ConsoleError> {
    // A new id on sign-in, so an id planted before login is worth nothing.
    session.cycle_id().await?;
    session.insert(SIGNED_IN, signed_in).await?;
    Ok(())
}

pub fn new_csrf_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let next = (parts.method == Method::GET).then(|| {
            parts
                .uri
                .path_and_query()
                .map_or("/console", |p| p.as_str())
                .to_owned()
        });
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| ConsoleError::Internal(anyhow::anyhow!("session layer missing")))?;
        let Some(signed_in) = session.get::<SignedIn>(SIGNED_IN).await? else {
            return Err(ConsoleError::SignIn { next });
        };
        let account = accounts::account(&state.db, signed_in.employee_id).await?;
        let valid = account.as_ref().filter(|a| {
            a.active
                && a.password_stamp() == signed_in.password_stamp
                && a.password_expires_at
                    .is_none_or(|at| at > command_api::db::now_micros())
        });
        let Some(account) = valid else {
            session.flush().await?;
            return Err(ConsoleError::SignIn { next });
        };
        let employee = account
            .employee()
            .ok_or_else(|| ConsoleError::Internal(anyhow::anyhow!("unknown role in database")))?;
        // A temporary password must be replaced before anything else.
        let path = parts.uri.path();
        if account.must_change_password && path != "/console/password" && path != "/logout" {
            return Err(ConsoleError::PasswordChange);
        }
        let flash = if parts.method == Method::GET {
            session.remove::<Flash>(FLASH).await?
        } else {
            None
        };
        Ok(Staff {
            employee,
            csrf: signed_in.csrf,
            flash,
            session,
            must_change_password: account.must_change_password,
        })
    }
}

/// Refuses a state-changing request a browser marks as coming from another
/// site, or whose Origin is not this host.
pub fn check_same_origin(headers: &HeaderMap) -> Result<(), ConsoleError> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(site, Some("cross-site" | "same-site")) {
        return Err(ConsoleError::CrossSite);
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest);
        if origin.as_bytes() == b"null" || host.is_none() || origin_host != host {
            return Err(ConsoleError::CrossSite);
        }
    }
    Ok(())
}

fn same_token(a: &str, b: &str) -> bool {
    // Compared as digests so the time taken says nothing about the token.
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// A console form post: the signed-in employee and the form's fields, after
/// the origin and the form token have been checked.
pub struct ConsoleForm {
    pub staff: Staff,
    pub fields: HashMap<String, String>,
    /// The request's id, recorded in the metadata of the events it causes.
    pub request_id: Option<String>,
}

impl ConsoleForm {
    pub fn text(&self, field: &str) -> &str {
        self.fields.get(field).map_or("", String::as_str)
    }

    /// The fields as JSON strings, for the validators the JSON API uses.
    pub fn json(&self) -> Map<String, Value> {
        self.fields
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect()
    }
}

impl FromRequest<AppState> for ConsoleForm {
    type Rejection = ConsoleError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        check_same_origin(request.headers())?;
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let request_id = command_api::http::request_id(&parts.headers);
        let Form(fields) =
            Form::<HashMap<String, String>>::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|_| ConsoleError::BadRequest("フォームの内容を読み取れませんでした。"))?;
        let token = fields.get("csrf").map_or("", String::as_str);
        if !same_token(token, &staff.csrf) {
            return Err(ConsoleError::CrossSite);
        }
        Ok(ConsoleForm {
            staff,
            fields,
            request_id,
        })
    }
}
