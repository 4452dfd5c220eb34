//! `POST /contact`: the form's submission, validated with the intake's rules.

use std::collections::HashMap;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::Actor;
use domain::metadata::CommandContext;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::ClientAddress;
use super::page::{self, Values};
use crate::categories;
use crate::commands::{CommandError, IdempotencyKey};
use crate::http::error::{ApiError, FieldErrors};
use crate::http::fields::Fields;
use crate::http::{AppState, request_id};
use crate::idempotency::{self, Previous};
use crate::intake::{self, Start};

const SCOPE: &str = "contact";

pub async fn submit(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Response, ApiError> {
    // Browsers say where a post comes from; another site's page may not
    // submit this form on a visitor's behalf.
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    if cross_site {
        return Ok((StatusCode::FORBIDDEN, page::refused()).into_response());
    }
    let Ok(Form(form)) = form else {
        return Ok((StatusCode::BAD_REQUEST, page::refused()).into_response());
    };
    if let Some(ip) = client.0
        && !state
            .contact
            .limit
            .allow(ip, OffsetDateTime::now_utc().unix_timestamp())
    {
        return Ok((StatusCode::TOO_MANY_REQUESTS, page::too_many()).into_response());
    }
    // Bots fill every field; people never see this one. Answer as if all
    // went well, so the bot learns nothing.
    if form.get("website").is_some_and(|v| !v.trim().is_empty()) {
        tracing::info!("contact form honeypot filled; discarded");
        return Ok(page::done(None).into_response());
    }
    let value = |key: &str| form.get(key).cloned().unwrap_or_default();
    let values = Values {
        category_id: value("category_id"),
        order_number: value("order_number"),
        subject: value("subject"),
        body: value("body"),
        customer_name: value("customer_name"),
        customer_email: value("customer_email"),
    };
    let map: Map<String, Value> = form
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut fields = Fields::new(&map);
    let inquiry = intake::read_inquiry(&state.db, &mut fields, false).await?;
    let token = form
        .get("form_token")
        .map(|t| t.trim())
        .filter(|t| Uuid::parse_str(t).is_ok())
        .map(str::to_owned);
    if let Err(ApiError::Validation(errors)) = fields.finish() {
        return rerender(
            &state,
            &values,
            &errors,
            token.unwrap_or_else(|| Uuid::new_v4().to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let Some(inquiry) = inquiry else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated inquiry missing"
        )));
    };
    let fingerprint: Vec<String> = [
        "category_id",
        "order_number",
        "subject",
        "body",
        "customer_name",
        "customer_email",
    ]
    .iter()
    .map(|k| value(k))
    .collect();
    let key = token.map(|key| IdempotencyKey {
        scope: SCOPE.into(),
        key,
        request_hash: idempotency::request_hash(fingerprint.join("\u{1f}").as_bytes()),
    });
    if let Some(response) = earlier(&state, &values, key.as_ref()).await? {
        return Ok(response);
    }
    let ctx = CommandContext::new(
        Actor::Customer,
        OffsetDateTime::now_utc(),
        request_id(&headers),
    );
    match intake::open(
        &state.db,
        &state.tickets,
        inquiry,
        Start::form(),
        &ctx,
        key.clone(),
    )
    .await
    {
        Ok(outcome) => Ok(page::done(Some(&outcome.inquiry_number.to_string())).into_response()),
        Err(CommandError::IdempotencyRace) => {
            earlier(&state, &values, key.as_ref())
                .await?
                .ok_or(ApiError::Internal(anyhow::anyhow!(
                    "idempotency record vanished"
                )))
        }
        Err(e) => Err(e.into()),
    }
}

/// The page for a token used before: the same completion page for the same
/// form (a double click, or back and send again), or the form again for an
/// edited one.
async fn earlier(
    state: &AppState,
    values: &Values,
    key: Option<&IdempotencyKey>,
) -> Result<Option<Response>, ApiError> {
    let Some(key) = key else { return Ok(None) };
    match idempotency::lookup(&state.db, &key.scope, &key.key, &key.request_hash).await? {
        Previous::None => Ok(None),
        Previous::Replay(body) => Ok(Some(
            page::done(body["inquiry_number"].as_str()).into_response(),
        )),
        Previous::Mismatch => {
            let errors = FieldErrors::from([(
                "form_token".to_owned(),
                vec![
                    "このフォームはすでに送信済みです。内容を確認して、もう一度送信してください。"
                        .to_owned(),
                ],
            )]);
            rerender(
                state,
                values,
                &errors,
                Uuid::new_v4().to_string(),
                StatusCode::CONFLICT,
            )
            .await
            .map(Some)
        }
    }
}

async fn rerender(
    state: &AppState,
    values: &Values,
    errors: &FieldErrors,
    token: String,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let categories = categories::list_active(&state.db).await?;
    Ok((status, page::form(&categories, values, errors, &token)).into_response())
}
