//! Running one agent action from a console form: the same validators and
//! command service as the JSON API, then either the updated page
//! (read-your-writes through `?after=`), the form again with its errors, or
//! the conflict view when someone else changed the ticket first.
//!
//! Each form carries a one-time `form_token`, used as the idempotency key, so
//! a double click queues one reply, not two.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::commands::{CommandError, IdempotencyKey};
use command_api::http::AppState;
use command_api::http::error::{ApiError, FieldErrors};
use command_api::http::fields::Fields;
use command_api::idempotency::{self, Previous};
use domain::metadata::CommandContext;
use domain::values::InquiryNumber;
use domain::{Actor, TicketCommand};
use time::OffsetDateTime;
use uuid::Uuid;

use super::detail::{self, Draft, View};
use crate::console::auth::ConsoleForm;
use crate::console::describe::{describe, one_line};
use crate::console::error::ConsoleError;
use crate::queries::detail::{actor_name, employee_names};
use crate::queries::jst;

/// A command read from a form, or the per-field errors that stopped it.
pub type Read = Result<TicketCommand, FieldErrors>;

pub async fn act(
    state: &AppState,
    form: ConsoleForm,
    number: &str,
    form_id: &'static str,
    command: Read,
) -> Result<Response, ConsoleError> {
    let version: i64 = form.text("version").parse().map_err(|_| {
        ConsoleError::BadRequest("ページが古い可能性があります。再読み込みしてください。")
    })?;
    let parsed: InquiryNumber = number.parse().map_err(|_| ConsoleError::NotFound)?;
    let ticket_id = state
        .tickets
        .find_by_number(&parsed)
        .await?
        .ok_or(ConsoleError::NotFound)?;
    let staff = &form.staff;
    let draft = |errors: FieldErrors| Draft {
        form: form_id,
        fields: form.fields.clone(),
        errors,
    };
    let command = match command {
        Ok(command) => command,
        Err(errors) => return again(state, &form, number, draft(errors), None).await,
    };
    let key = idempotency_key(&form, number, form_id);
    if let Some(key) = &key {
        match idempotency::lookup(&state.db, &key.scope, &key.key, &key.request_hash).await? {
            Previous::None => {}
            Previous::Replay(outcome) => return Ok(updated(number, outcome["position"].as_i64())),
            Previous::Mismatch => {
                let errors = one_error(
                    "form",
                    "このフォームはすでに送信済みです。内容を確認して、もう一度送信してください。",
                );
                return again(state, &form, number, draft(errors), None).await;
            }
        }
    }
    let ctx = CommandContext::new(
        Actor::Agent(staff.id()),
        OffsetDateTime::now_utc(),
        form.request_id.clone(),
    );
    match state
        .tickets
        .execute(ticket_id, Some(version), command, &ctx, key.clone())
        .await
    {
        Ok(outcome) => {
            let message = if outcome.position.is_some() {
                "更新しました。"
            } else {
                "変更はありませんでした。"
            };
            staff.flash(true, message).await?;
            Ok(updated(number, outcome.position))
        }
        Err(CommandError::Conflict { .. } | CommandError::IdempotencyRace) => {
            // A double click loses the race to its own first click: that
            // one's result is the answer.
            if let Some(key) = &key
                && let Previous::Replay(outcome) =
                    idempotency::lookup(&state.db, &key.scope, &key.key, &key.request_hash).await?
            {
                return Ok(updated(number, outcome["position"].as_i64()));
            }
            let changes = changes_since(state, ticket_id, version).await?;
            again(
                state,
                &form,
                number,
                draft(FieldErrors::new()),
                Some(changes),
            )
            .await
        }
        Err(CommandError::Rejected(rule)) => {
            let field = if form_id == "status-form" {
                "status"
            } else {
                "body"
            };
            again(
                state,
                &form,
                number,
                draft(one_error(field, rule.to_string())),
                None,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The outcome of reading a form: the command, or every field's complaint.
pub fn finish(fields: Fields<'_>, command: Option<TicketCommand>) -> Read {
    match (fields.finish(), command) {
        (Ok(()), Some(command)) => Ok(command),
        (Err(ApiError::Validation(errors)), _) => Err(errors),
        _ => Err(one_error("form", "入力内容を確認してください。")),
    }
}

fn one_error(field: &str, message: impl Into<String>) -> FieldErrors {
    BTreeMap::from([(field.to_owned(), vec![message.into()])])
}

/// The detail page after a change, waiting for the projection to show it.
fn updated(number: &str, position: Option<i64>) -> Response {
    let url = match position {
        Some(position) => format!("/console/tickets/{number}?after={position}"),
        None => format!("/console/tickets/{number}"),
    };
    Redirect::to(&url).into_response()
}

async fn again(
    state: &AppState,
    form: &ConsoleForm,
    number: &str,
    draft: Draft,
    conflict: Option<Vec<String>>,
) -> Result<Response, ConsoleError> {
    let status = if conflict.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = View {
        draft,
        conflict,
        after: None,
    };
    detail::render(state, &form.staff, number, view, status).await
}

fn idempotency_key(form: &ConsoleForm, number: &str, form_id: &str) -> Option<IdempotencyKey> {
    let token = form.text("form_token");
    Uuid::parse_str(token).ok()?;
    let mut fields: Vec<(&String, &String)> = form
        .fields
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "form_token"))
        .collect();
    fields.sort();
    let fingerprint = serde_json::to_vec(&fields).unwrap_or_default();
    Some(IdempotencyKey {
        scope: format!("console:{form_id}:{number}:{}", form.staff.id()),
        key: token.to_owned(),
        request_hash: idempotency::request_hash(&fingerprint),
    })
}

/// What happened after the version the agent saw, in words, for the
/// conflict message.
async fn changes_since(
    state: &AppState,
    ticket_id: Uuid,
    seen: i64,
) -> Result<Vec<String>, ConsoleError> {
    let recorded = state.tickets.history(ticket_id).await?;
    let names = employee_names(&state.db).await?;
    Ok(recorded
        .iter()
        .filter(|r| r.row.sequence > seen)
        .map(|r| {
            format!(
                "{} {}: {}",
                jst(r.metadata.occurred_at),
                actor_name(&r.metadata.actor.to_string(), &names),
                one_line(&describe(&r.event, &names))
            )
        })
        .collect())
}
