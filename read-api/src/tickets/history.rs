//! `GET /api/v1/tickets/{number}/events`: every event of a ticket, with who,
//! when (JST) and what changed, straight from the event log; `?as_of=` folds
//! the events up to that time into the ticket as it was. Supervisors only.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use command_api::commands::Recorded;
use command_api::employees::Role;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use command_api::http::extract::Agent;
use cqrs_es::Aggregate;
use domain::values::InquiryNumber;
use domain::{Ticket, TicketEvent};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::params::{Params, rejected};
use crate::queries::detail::{actor_name, employee_names};
use crate::queries::{jst, rfc3339};

#[utoipa::path(
    get, path = "/api/v1/tickets/{number}/events", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number"),
        ("as_of" = Option<String>, Query, description = "RFC 3339 time: also return the ticket as it was then"),
    ),
    responses(
        (status = 200, description = "`{events: [...], as_of}`"),
        (status = 401, description = "No valid credentials"),
        (status = 403, description = "Supervisors and admins only"),
        (status = 404, description = "No such ticket"),
        (status = 422, description = "Bad `as_of`"),
    ),
    security(("bearer" = []))
)]
pub async fn history(
    State(state): State<AppState>,
    agent: Agent,
    Path(number): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    agent.require(Role::Supervisor)?;
    let Query(map) = query.map_err(rejected)?;
    let mut params = Params::new(map);
    let as_of = params.text("as_of").map(str::to_owned).and_then(|raw| {
        OffsetDateTime::parse(&raw, &Rfc3339).ok().or_else(|| {
            params.error(
                "as_of",
                "日時は RFC 3339 形式(例: 2026-11-28T14:05:00+09:00)で指定してください。",
            );
            None
        })
    });
    params.finish()?;
    let number: InquiryNumber = number.parse().map_err(|_| ApiError::NotFound)?;
    let ticket_id = state
        .tickets
        .find_by_number(&number)
        .await?
        .ok_or(ApiError::NotFound)?;
    let recorded = state.tickets.history(ticket_id).await?;
    let names = employee_names(&state.db).await?;
    let mut events = Vec::with_capacity(recorded.len());
    let mut then = Ticket::default();
    let mut then_version = 0;
    for Recorded {
        row,
        event,
        metadata,
    } in recorded
    {
        let actor = metadata.actor.to_string();
        events.push(json!({
            "position": row.position,
            "sequence": row.sequence,
            "type": row.event_type,
            "actor": actor,
            "actor_name": actor_name(&actor, &names),
            "occurred_at": metadata.occurred_at.format(&Rfc3339).unwrap_or_default(),
            "occurred_at_jst": jst(metadata.occurred_at),
            "recorded_at": rfc3339(row.recorded_at),
            "change": change(&event, &names),
            "correlation_id": metadata.correlation_id,
            "causation_id": metadata.causation_id,
            "request_id": metadata.request_id,
            "payload": row.payload,
        }));
        if as_of.is_some_and(|t| metadata.occurred_at <= t) {
            then.apply(event);
            then_version = row.sequence;
        }
    }
    let as_of = as_of.map(|t| {
        json!({
            "at": t.format(&Rfc3339).unwrap_or_default(),
            "exists": then.is_opened(),
            "version": then_version,
            "status": then.is_opened().then(|| then.status().as_str()),
            "priority": then.is_opened().then(|| then.priority().as_str()),
            "assignee_id": then.assignee(),
        })
    });
    Ok(Json(
        json!({ "inquiry_number": number.to_string(), "events": events, "as_of": as_of }),
    ))
}

/// From → to, in words, for the events that change something.
fn change(event: &TicketEvent, names: &HashMap<i64, String>) -> Value {
    let name =
        |id: &Option<i64>| id.map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")));
    match event {
        TicketEvent::StatusChanged { from, to } => {
            json!({ "field": "status", "from": from.label_ja(), "to": to.label_ja() })
        }
        TicketEvent::PriorityChanged { from, to } => {
            json!({ "field": "priority", "from": from.label_ja(), "to": to.label_ja() })
        }
        TicketEvent::PriorityRaised {
            from, to, matched, ..
        } => {
            json!({ "field": "priority", "from": from.label_ja(), "to": to.label_ja(), "reason": format!("自動判定: {matched}") })
        }
        TicketEvent::TicketAssigned { from, to } => {
            json!({ "field": "assignee", "from": name(from), "to": name(&Some(*to)) })
        }
        TicketEvent::TicketUnassigned { from } => {
            json!({ "field": "assignee", "from": name(&Some(*from)), "to": null })
        }
        _ => Value::Null,
    }
}
