//! `GET /api/v1/tickets`: filter, search, sort, page.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use command_api::db::to_micros;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use command_api::http::extract::Agent;
use domain::values::JST;
use projections::tickets::NAME;
use serde_json::json;
use time::{Date, PrimitiveDateTime, Time};

use super::with_consistency;
use crate::consistency::{requested, wait_for};
use crate::params::{Params, rejected};
use crate::queries::list::{self, Assignee, Cursor, Filter, Page, Sort};

const STATUSES: [&str; 4] = ["new", "in_progress", "resolved", "closed"];

#[utoipa::path(
    get, path = "/api/v1/tickets", tag = "tickets",
    params(
        ("status" = Option<String>, Query, description = "Comma-separated: new, in_progress, resolved, closed"),
        ("priority" = Option<String>, Query, description = "low | medium | high | urgent"),
        ("category" = Option<i64>, Query, description = "Category id"),
        ("assignee" = Option<String>, Query, description = "Employee id, `me` or `none`"),
        ("channel" = Option<String>, Query, description = "form | email | phone"),
        ("received_from" = Option<String>, Query, description = "First JST date, YYYY-MM-DD"),
        ("received_to" = Option<String>, Query, description = "Last JST date, YYYY-MM-DD"),
        ("q" = Option<String>, Query, description = "Keywords (Japanese substrings), all must match"),
        ("tag" = Option<String>, Query, description = "A tag triage gave the ticket"),
        ("group" = Option<String>, Query, description = "An assignee group triage gave the ticket"),
        ("sort" = Option<String>, Query, description = "received | updated | priority (then received)"),
        ("order" = Option<String>, Query, description = "desc (default) | asc"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, description = "1–100, default 50"),
        ("after" = Option<i64>, Query, description = "Wait (≤ 2 s) until this log position is visible"),
    ),
    responses(
        (status = 200, description = "`{items: [...], next_cursor}`"),
        (status = 401, description = "No valid credentials"),
        (status = 422, description = "Bad parameters, in Japanese"),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    agent: Agent,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(map) = query.map_err(rejected)?;
    let ListQuery { filter, page, wait } = ListQuery::parse(map, agent.0.id)?;
    let consistent = wait_for(&state.db, NAME, requested(wait, &headers)).await?;
    let (rows, next) = list::list(&state.db, &consistent.checkpoint, &filter, &page).await?;
    let body = json!({
        "items": rows.iter().map(list::Row::to_json).collect::<Vec<_>>(),
        "next_cursor": next.map(|c| c.encode()),
    });
    Ok(with_consistency(body, consistent.fresh))
}

/// The list's query string, checked: shared by the JSON API and the console.
pub(crate) struct ListQuery {
    pub filter: Filter,
    pub page: Page,
    /// `?after=`: the log position the reader must see.
    pub wait: Option<i64>,
}

impl ListQuery {
    pub(crate) fn parse(map: HashMap<String, String>, me: i64) -> Result<Self, ApiError> {
        let mut params = Params::new(map);
        let mut filter = Filter::default();
        if let Some(raw) = params.text("status").map(str::to_owned) {
            for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match STATUSES.iter().find(|s| **s == part) {
                    Some(status) => filter.statuses.push(status),
                    None => params.error("status", "選択できない値です。"),
                }
            }
        }
        filter.priority = params.one_of("priority", &["low", "medium", "high", "urgent"]);
        filter.channel = params.one_of("channel", &["form", "email", "phone"]);
        filter.category = params.parse("category", "カテゴリは数値で指定してください。");
        filter.assignee = match params.text("assignee") {
            None => None,
            Some("me") => Some(Assignee::Employee(me)),
            Some("none") => Some(Assignee::Nobody),
            Some(_) => params
                .parse(
                    "assignee",
                    "担当者は番号、me、none のいずれかで指定してください。",
                )
                .map(Assignee::Employee),
        };
        filter.received_from = params.date("received_from").map(day_start);
        filter.received_before = params
            .date("received_to")
            .map(|d| day_start(d.next_day().unwrap_or(d)));
        filter.q = params
            .text("q")
            .map(|q| q.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        if filter.q.iter().any(|t| t.chars().count() > 100) {
            params.error("q", "検索語は100文字以内で入力してください。");
        }
        for (name, slot) in [("tag", &mut filter.tag), ("group", &mut filter.group)] {
            match params.text(name).map(str::trim).filter(|l| !l.is_empty()) {
                Some(label) if label.chars().count() > 50 => {
                    params.error(name, "50文字以内で指定してください。");
                }
                label => *slot = label.map(str::to_owned),
            }
        }
        let sort = match params.one_of("sort", &["received", "updated", "priority"]) {
            Some("updated") => Sort::Updated,
            Some("priority") => Sort::Priority,
            _ => Sort::Received,
        };
        let descending = params.one_of("order", &["asc", "desc"]) != Some("asc");
        let limit = params
            .parse::<i64>("limit", "件数は1〜100の数値で指定してください。")
            .unwrap_or(50);
        if !(1..=100).contains(&limit) {
            params.error("limit", "件数は1〜100の数値で指定してください。");
        }
        let after = params.text("cursor").map(|c| Cursor::decode(c, sort));
        if after == Some(None) {
            params.error(
                "cursor",
                "ページ位置が正しくありません。最初のページから表示し直してください。",
            );
        }
        let wait = params.parse::<i64>("after", "after はログ位置(整数)で指定してください。");
        params.finish()?;
        Ok(ListQuery {
            filter,
            page: Page {
                sort,
                descending,
                after: after.flatten(),
                limit,
            },
            wait,
        })
    }
}

fn day_start(date: Date) -> i64 {
    to_micros(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_offset(JST))
}
