//! `GET /console/tickets` (S-3, S-12): the list, with every filter in the URL
//! so a view can be bookmarked and shared.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use command_api::categories;
use command_api::employee_admin;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use maud::{Markup, html};
use projections::tickets::NAME;
use time::OffsetDateTime;

use crate::consistency::wait_for;
use crate::console::auth::Staff;
use crate::console::error::ConsoleError;
use crate::console::layout::{self, channel_label, priority_badge, status_badge};
use crate::console::query_string;
use crate::queries::jst;
use crate::queries::list::{self, Row};
use crate::tickets::list::ListQuery;

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(map): Query<HashMap<String, String>>,
) -> Result<Response, ConsoleError> {
    // Without a status filter the list shows what still needs work.
    let mut effective = map.clone();
    effective
        .entry("status".to_owned())
        .or_insert_with(|| "new,in_progress".to_owned());
    if effective.get("status").is_some_and(|s| s == "all") {
        effective.remove("status");
    }
    let (query, errors) = match ListQuery::parse(effective, staff.id()) {
        Ok(query) => (query, Vec::new()),
        Err(ApiError::Validation(errors)) => (
            ListQuery::parse(HashMap::new(), staff.id())?,
            errors.into_values().flatten().collect(),
        ),
        Err(other) => return Err(other.into()),
    };
    let consistent = wait_for(&state.db, NAME, query.wait).await?;
    let (rows, next) = list::list(
        &state.db,
        &consistent.checkpoint,
        &query.filter,
        &query.page,
    )
    .await?;
    let categories = categories::list_all(&state.db).await?;
    let employees = employee_admin::active_names(&state.db).await?;
    let groups = command_api::triage_rules::assignee_groups(&state.db).await?;
    let value = |k: &str| map.get(k).map_or("", String::as_str);
    let next_url = next.map(|cursor| {
        let mut pairs: Vec<(&str, String)> = map
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "cursor" | "after"))
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        pairs.sort();
        pairs.push(("cursor", cursor.encode()));
        format!("/console/tickets?{}", query_string(&pairs))
    });
    let now = OffsetDateTime::now_utc();
    let body = html! {
        div.page-head {
            h1 { "お問い合わせ一覧" }
            a.button href="/console/phone" { "電話・メールを登録" }
        }
        @for error in &errors {
            div.flash.flash-error role="alert" { (error) }
        }
        form #filter-form.filters method="get" action="/console/tickets" role="search" {
            div.field.grow {
                label for="q" { "キーワード" }
                input #q name="q" type="search" value=(value("q")) placeholder="件名・本文・お名前・受付番号 (/)";
            }
            (select("status", "ステータス", value("status"), &[
                ("", "未完了 (未対応・対応中)"), ("new", "未対応"), ("in_progress", "対応中"),
                ("resolved", "対応完了"), ("closed", "クローズ"), ("all", "すべて"),
            ]))
            (select("priority", "優先度", value("priority"), &[
                ("", "すべて"), ("urgent", "緊急"), ("high", "高"), ("medium", "中"), ("low", "低"),
            ]))
            div.field {
                label for="category" { "カテゴリ" }
                select #category name="category" {
                    option value="" { "すべて" }
                    @for c in &categories {
                        option value=(c.id) selected[value("category") == c.id.to_string()] { (c.name) }
                    }
                }
            }
            div.field {
                label for="assignee" { "担当者" }
                select #assignee name="assignee" {
                    option value="" { "すべて" }
                    option value="me" selected[value("assignee") == "me"] { "自分" }
                    option value="none" selected[value("assignee") == "none"] { "未割当" }
                    @for (id, name) in &employees {
                        option value=(id) selected[value("assignee") == id.to_string()] { (name) }
                    }
                }
            }
            div.field {
                label for="group" { "担当グループ" }
                select #group name="group" {
                    option value="" { "すべて" }
                    @for g in &groups {
                        option value=(g) selected[value("group") == g.as_str()] { (g) }
                    }
                }
            }
            (select("channel", "受付経路", value("channel"), &[
                ("", "すべて"), ("form", "フォーム"), ("email", "メール"), ("phone", "電話"),
            ]))
            (select("sort", "並び順", value("sort"), &[
                ("received", "受付日時"), ("updated", "更新日時"), ("priority", "優先度"),
            ]))
            div.field.actions {
                button type="submit" { "絞り込む" }
                a href="/console/tickets" { "条件をクリア" }
            }
        }
        @if rows.is_empty() {
            p.empty { "条件に合うお問い合わせはありません。" }
        } @else {
            table #ticket-list.tickets {
                caption.visually-hidden { "お問い合わせ一覧" }
                thead {
                    tr {
                        th scope="col" { "受付番号" }
                        th scope="col" { "件名" }
                        th scope="col" { "お客様" }
                        th scope="col" { "ステータス" }
                        th scope="col" { "優先度" }
                        th scope="col" { "担当者" }
                        th scope="col" { "受付" }
                        th scope="col" { "初回回答期限" }
                    }
                }
                tbody {
                    @for row in &rows { (ticket_row(row, now)) }
                }
            }
        }
        @if let Some(url) = next_url {
            nav.pager aria-label="ページ送り" {
                a #next-page href=(url) { "次のページ →" }
            }
        }
    };
    Ok(layout::page(&staff, "お問い合わせ一覧", body).into_response())
}

fn select(name: &str, label: &str, current: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[current == *value] { (text) }
                }
            }
        }
    }
}

fn ticket_row(row: &Row, now: OffsetDateTime) -> Markup {
    let due = row.first_response_due;
    let overdue = due.is_some_and(|due| due < now);
    let urgent = row.priority == "urgent";
    let class = match (urgent, overdue) {
        (true, true) => "ticket-row urgent overdue",
        (true, false) => "ticket-row urgent",
        (false, true) => "ticket-row overdue",
        (false, false) => "ticket-row",
    };
    let href = format!("/console/tickets/{}", row.inquiry_number);
    html! {
        tr class=(class) data-number=(row.inquiry_number) {
            td data-label="受付番号" { a.ticket-link href=(href) { (row.inquiry_number) } }
            td.subject data-label="件名" {
                (row.subject)
                @if row.awaiting_reply && row.last_customer_message_at.is_some_and(|at| at > row.received_at) {
                    " " span.tag { "お客様返信あり" }
                }
                @for tag in &row.tags { " " span.tag.label-tag { "#" (tag) } }
                @for group in &row.assignee_groups { " " span.tag.label-group { "→ " (group) } }
            }
            td data-label="お客様" { (row.customer_name) }
            td data-label="ステータス" { (status_badge(&row.status)) }
            td data-label="優先度" { (priority_badge(&row.priority)) }
            td data-label="担当者" {
                @match &row.assignee_name { Some(name) => (name), None => span.muted { "未割当" } }
            }
            td data-label="受付" {
                (jst(command_api::db::from_micros(row.received_at)))
                " " span.muted { (channel_label(&row.channel)) }
            }
            td data-label="初回回答期限" {
                @match due {
                    Some(due) if overdue => strong.overdue-label { (jst(due)) " 超過" },
                    Some(due) => { (jst(due)) " " span.remaining { "(あと" (remaining(due - now)) ")" } },
                    None => span.muted { "—" },
                }
            }
        }
    }
}

/// Time left until a due time, as agents read it: 「2日3時間」「1時間5分」「12分」.
fn remaining(left: time::Duration) -> String {
    let minutes = left.whole_minutes().max(0);
    let (days, hours, minutes) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes}分"),
        (0, _) => format!("{hours}時間{minutes}分"),
        _ => format!("{days}日{hours}時間"),
    }
}

#[cfg(test)]
mod tests {
    use super::remaining;
    use time::Duration;

    #[test]
    fn time_left_reads_naturally() {
        assert_eq!(remaining(Duration::minutes(12)), "12分");
        assert_eq!(remaining(Duration::minutes(65)), "1時間5分");
        assert_eq!(remaining(Duration::minutes(3 * 1440 + 125)), "3日2時間");
        assert_eq!(remaining(Duration::seconds(-5)), "0分");
    }
}
