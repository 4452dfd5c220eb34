//! `GET /console/tickets/{number}/history`: every event of a ticket, straight
//! from the event log, with who, when (JST) and the change from → to; `as_of`
//! shows the ticket as it was at a past moment. Supervisors and admins only.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use command_api::commands::Recorded;
use command_api::employees::Role;
use command_api::http::AppState;
use cqrs_es::Aggregate;
use domain::values::{InquiryNumber, JST};
use domain::{Ticket, TicketEvent};
use maud::html;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::console::auth::Staff;
use crate::console::describe::describe;
use crate::console::error::ConsoleError;
use crate::console::layout::{self, priority_badge, status_badge};
use crate::queries::detail::{actor_name, employee_names};
use crate::queries::jst;

struct Line {
    at: String,
    actor: String,
    action: &'static str,
    from: Option<String>,
    to: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ConsoleError> {
    staff.require(Role::Supervisor)?;
    let parsed: InquiryNumber = number.parse().map_err(|_| ConsoleError::NotFound)?;
    let ticket_id = state
        .tickets
        .find_by_number(&parsed)
        .await?
        .ok_or(ConsoleError::NotFound)?;
    let raw_as_of = query
        .get("as_of")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());
    let as_of = raw_as_of.and_then(parse_local);
    let recorded = state.tickets.history(ticket_id).await?;
    let names = employee_names(&state.db).await?;
    let mut lines = Vec::with_capacity(recorded.len());
    let mut then = Ticket::default();
    let mut subject = String::new();
    for Recorded {
        event, metadata, ..
    } in recorded
    {
        if let TicketEvent::TicketOpened { subject: s, .. } = &event {
            subject = s.as_str().to_owned();
        }
        let described = describe(&event, &names);
        lines.push(Line {
            at: jst(metadata.occurred_at),
            actor: actor_name(&metadata.actor.to_string(), &names),
            action: described.action,
            from: described.from,
            to: described.to,
        });
        if as_of.is_some_and(|t| metadata.occurred_at <= t) {
            then.apply(event);
        }
    }
    let body = html! {
        div.page-head {
            h1 { "変更履歴 " span.number { (parsed.to_string()) } }
            a href={ "/console/tickets/" (parsed.to_string()) } { "← お問い合わせに戻る" }
        }
        p.subject { (subject) }
        form #as-of-form.filters method="get" {
            div.field {
                label for="as_of" { "この日時 (日本時間) 時点の状態を表示" }
                input #as_of name="as_of" type="datetime-local" value=(raw_as_of.unwrap_or(""));
            }
            div.field.actions { button type="submit" { "表示" } }
        }
        @if raw_as_of.is_some() && as_of.is_none() {
            div.flash.flash-error role="alert" { "日時は 2026-11-28T14:05 の形式で指定してください。" }
        }
        @if let Some(at) = as_of {
            section #as-of.as-of {
                h2 { (jst(at)) " 時点" }
                @if then.is_opened() {
                    dl {
                        dt { "ステータス" } dd { (status_badge(then.status().as_str())) }
                        dt { "優先度" } dd { (priority_badge(then.priority().as_str())) }
                        dt { "担当者" } dd {
                            @match then.assignee() {
                                Some(id) => (names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))),
                                None => "未割当",
                            }
                        }
                    }
                } @else {
                    p { "この時点では、まだ受け付けていません。" }
                }
            }
        }
        table #history {
            caption.visually-hidden { "変更履歴" }
            thead { tr { th scope="col" { "日時" } th scope="col" { "操作者" } th scope="col" { "操作" } th scope="col" { "変更前" } th scope="col" { "変更後" } } }
            tbody {
                @for line in &lines {
                    tr {
                        td data-label="日時" { (line.at) }
                        td data-label="操作者" { (line.actor) }
                        td data-label="操作" { (line.action) }
                        td data-label="変更前" { (line.from.as_deref().unwrap_or("")) }
                        td data-label="変更後" { (line.to.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&staff, "変更履歴", body).into_response())
}

/// A `datetime-local` value, read as Japan time.
fn parse_local(raw: &str) -> Option<OffsetDateTime> {
    let formats = [
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ];
    formats
        .iter()
        .find_map(|f| PrimitiveDateTime::parse(raw, f).ok())
        .map(|t| t.assume_offset(JST))
}
