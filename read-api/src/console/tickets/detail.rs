//! `GET /console/tickets/{number}` (S-4): the thread oldest first, the facts,
//! and every action, each form carrying the version the agent is looking at.
//! The same rendering serves a refused action, with the agent's typed text
//! kept and, after a conflict, what changed meanwhile.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use command_api::canned_replies::{self, CannedReply, Fill};
use command_api::db::from_micros;
use command_api::employee_admin;
use command_api::employees::Role;
use command_api::http::AppState;
use command_api::http::error::FieldErrors;
use domain::Status;
use maud::{Markup, html};
use projections::tickets::NAME;

use super::thread;
use crate::consistency::wait_for;
use crate::console::auth::Staff;
use crate::console::error::ConsoleError;
use crate::console::layout::{
    self, channel_label, csrf_field, field_errors, priority_badge, status_badge,
};
use crate::console::presence;
use crate::queries::detail::{self, employee_names};
use crate::queries::jst;
use crate::queries::list::Row;

/// What the agent typed into one form, shown again after a refusal.
#[derive(Default)]
pub struct Draft {
    /// The form's id: `note-form`, `reply-form`, …
    pub form: &'static str,
    pub fields: HashMap<String, String>,
    pub errors: FieldErrors,
}

impl Draft {
    fn value<'a>(&'a self, form: &str, field: &str) -> &'a str {
        if self.form == form {
            self.fields.get(field).map_or("", String::as_str)
        } else {
            ""
        }
    }

    fn errors(&self, form: &str, field: &str) -> Markup {
        if self.form == form {
            field_errors(&self.errors, field)
        } else {
            html! {}
        }
    }
}

/// How the page is being shown.
#[derive(Default)]
pub struct View {
    pub draft: Draft,
    /// After a version conflict: what others changed, in words.
    pub conflict: Option<Vec<String>>,
    /// Wait until the read model has this log position (read-your-writes).
    pub after: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ConsoleError> {
    let mut view = View {
        after: query.get("after").and_then(|a| a.parse().ok()),
        ..View::default()
    };
    if let Some(id) = query.get("canned").and_then(|c| c.parse::<i64>().ok()) {
        view.draft.form = "reply-form";
        view.draft.fields.insert("canned".into(), id.to_string());
    }
    render(&state, &staff, &number, view, StatusCode::OK).await
}

pub async fn render(
    state: &AppState,
    staff: &Staff,
    number: &str,
    mut view: View,
    status: StatusCode,
) -> Result<Response, ConsoleError> {
    let consistent = wait_for(&state.db, NAME, view.after).await?;
    let generation = consistent.checkpoint.generation;
    let row = detail::ticket(&state.db, generation, number)
        .await?
        .ok_or(ConsoleError::NotFound)?;
    let entries = detail::timeline(&state.db, generation, &row.ticket_id).await?;
    let names = employee_names(&state.db).await?;
    let employees = employee_admin::active_names(&state.db).await?;
    let canned = canned_replies::list(&state.db).await?;
    let fill = Fill {
        customer_name: &row.customer_name,
        inquiry_number: &row.inquiry_number,
        agent_name: &staff.employee.display_name,
        subject: &row.subject,
    };
    // A canned reply chosen without script: fill the reply box server-side.
    if let Some(chosen) = view
        .draft
        .fields
        .get("canned")
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| canned.iter().find(|c| c.id == id))
        && view.draft.value("reply-form", "body").is_empty()
    {
        view.draft
            .fields
            .insert("body".into(), chosen.filled(&fill));
    }
    presence::touch(&state.db, &row.inquiry_number, staff.id(), false).await?;
    let others = presence::others(&state.db, &row.inquiry_number, staff.id()).await?;
    let title = format!("{} {}", row.inquiry_number, row.subject);
    let body = html! {
        div.ticket-page data-number=(row.inquiry_number) data-version=(row.version) #ticket {
            div.page-head {
                h1 { span.number { (row.inquiry_number) } " " (row.subject) }
                div.badges { (status_badge(&row.status)) " " (priority_badge(&row.priority)) }
            }
            @if let Some(changes) = &view.conflict {
                div.flash.flash-error role="alert" {
                    p { strong { "他の担当者がこのお問い合わせを更新しました。" } "最新の内容を確認してから、もう一度操作してください。入力した内容は残っています。" }
                    ul #changes { @for change in changes { li { (change) } } }
                }
            }
            @if !consistent.fresh {
                div.flash.flash-error role="alert" { "表示が最新の状態に追いついていません。数秒後に再読み込みしてください。" }
            }
            div #presence.presence aria-live="polite" {
                @for viewer in &others {
                    span.viewer { (viewer.name) @if viewer.replying { "さんが返信を作成中" } @else { "さんが閲覧中" } }
                }
            }
            div.columns {
                section #thread aria-label="やりとり" {
                    h2 { "やりとり" }
                    (thread::render(&entries, &names))
                    (reply_form(staff, &row, &canned, &fill, &view.draft))
                    (message_form(staff, &row, &view.draft))
                }
                aside.side {
                    (facts(&row))
                    (action_forms(staff, &row, &employees, &view.draft))
                    @if staff.employee.role >= Role::Supervisor {
                        p { a href={ "/console/tickets/" (row.inquiry_number) "/history" } { "変更履歴を見る" } }
                    }
                }
            }
        }
    };
    Ok((status, layout::page(staff, &title, body)).into_response())
}

fn facts(row: &Row) -> Markup {
    html! {
        section #facts aria-labelledby="facts-title" {
            h2 #facts-title { "お問い合わせ情報" }
            dl {
                dt { "ステータス" } dd { (status_badge(&row.status)) }
                dt { "優先度" } dd { (priority_badge(&row.priority)) }
                dt { "担当者" } dd { @match &row.assignee_name { Some(n) => (n), None => "未割当" } }
                dt { "カテゴリ" } dd { (row.category_name.as_deref().unwrap_or("—")) }
                dt { "受付経路" } dd { (channel_label(&row.channel)) }
                dt { "受付日時" } dd { (jst(from_micros(row.received_at))) }
                dt { "お客様" } dd { (row.customer_name) }
                dt { "メール" } dd { (row.customer_email.as_deref().unwrap_or("—")) }
                dt { "注文番号" } dd { (row.order_number.as_deref().unwrap_or("—")) }
                @if let Some(due) = row.first_response_due {
                    dt { "初回回答期限" } dd { (jst(due)) }
                }
            }
        }
    }
}

fn hidden(staff: &Staff, row: &Row) -> Markup {
    html! {
        (csrf_field(staff))
        input type="hidden" name="version" value=(row.version);
        input type="hidden" name="form_token" value=(uuid::Uuid::new_v4());
    }
}

fn action(row: &Row, name: &str) -> String {
    format!("/console/tickets/{}/{name}", row.inquiry_number)
}

fn action_forms(staff: &Staff, row: &Row, employees: &[(i64, String)], draft: &Draft) -> Markup {
    let current: Option<Status> = row.status.parse().ok();
    let next: Vec<Status> = current.map(|s| s.next().collect()).unwrap_or_default();
    html! {
        section.actions aria-labelledby="actions-title" {
            h2 #actions-title { "操作" }
            @if !next.is_empty() {
                form #status-form method="post" action=(action(row, "status")) {
                    (hidden(staff, row))
                    label for="status" { "ステータス" }
                    select #status name="status" {
                        @for status in &next {
                            option value=(status.as_str()) { (status.label_ja()) }
                        }
                    }
                    (draft.errors("status-form", "status"))
                    button type="submit" { "ステータスを変更" }
                }
            }
            form #priority-form method="post" action=(action(row, "priority")) {
                (hidden(staff, row))
                label for="priority" { "優先度" }
                select #priority name="priority" {
                    @for p in domain::Priority::ALL {
                        option value=(p.as_str()) selected[p.as_str() == row.priority] { (p.label_ja()) }
                    }
                }
                (draft.errors("priority-form", "priority"))
                button type="submit" { "優先度を変更" }
            }
            form #assign-form method="post" action=(action(row, "assignee")) {
                (hidden(staff, row))
                label for="assignee_id" { "担当者" }
                select #assignee_id name="assignee_id" {
                    option value="" selected[row.assignee_id.is_none()] { "未割当" }
                    @for (id, name) in employees {
                        option value=(id) selected[row.assignee_id == Some(*id)] { (name) }
                    }
                }
                (draft.errors("assign-form", "assignee_id"))
                button type="submit" { "担当者を変更" }
            }
            @if row.assignee_id != Some(staff.id()) {
                form #assign-me-form method="post" action=(action(row, "assignee")) {
                    (hidden(staff, row))
                    input type="hidden" name="assignee_id" value="me";
                    button type="submit" { "自分に割り当て" }
                }
            }
            form #note-form method="post" action=(action(row, "notes")) {
                (hidden(staff, row))
                label for="note-body" { "社内メモ " span.muted { "(お客様には表示されません)" } }
                textarea #note-body name="body" rows="4" { (draft.value("note-form", "body")) }
                (draft.errors("note-form", "body"))
                button type="submit" { "社内メモを追加" }
            }
        }
    }
}

fn reply_form(
    staff: &Staff,
    row: &Row,
    canned: &[CannedReply],
    fill: &Fill<'_>,
    draft: &Draft,
) -> Markup {
    let href = format!("/console/tickets/{}", row.inquiry_number);
    html! {
        section.compose aria-labelledby="reply-title" {
            h2 #reply-title { "返信を作成" }
            @if row.customer_email.is_none() {
                p.muted { "このお問い合わせにはメールアドレスがないため、返信メールは送れません。" }
            }
            @if !canned.is_empty() {
                form #canned-form method="get" action=(href) {
                    label for="canned-select" { "定型文" }
                    select #canned-select name="canned" {
                        option value="" { "定型文を選択…" }
                        @for reply in canned {
                            option value=(reply.id) data-body=(reply.filled(fill))
                                selected[draft.value("reply-form", "canned") == reply.id.to_string()] { (reply.title) }
                        }
                    }
                    button type="submit" { "定型文を挿入" }
                }
            }
            form #reply-form method="post" action=(action(row, "replies")) {
                (hidden(staff, row))
                label for="reply-subject" { "件名 " span.muted { "(空欄なら「【ご回答】" (row.inquiry_number) "」)" } }
                input #reply-subject name="subject" type="text" value=(draft.value("reply-form", "subject"));
                (draft.errors("reply-form", "subject"))
                label for="reply-body" { "本文" }
                textarea #reply-body name="body" rows="10" { (draft.value("reply-form", "body")) }
                (draft.errors("reply-form", "body"))
                button type="submit" disabled[row.customer_email.is_none()] { "返信を送信" }
            }
        }
    }
}

fn message_form(staff: &Staff, row: &Row, draft: &Draft) -> Markup {
    html! {
        details.compose open[draft.form == "message-form"] {
            summary { "お客様からのメールを手動で登録" }
            form #message-form method="post" action=(action(row, "messages")) {
                (hidden(staff, row))
                label for="message-subject" { "件名 " span.muted { "(任意)" } }
                input #message-subject name="subject" type="text" value=(draft.value("message-form", "subject"));
                (draft.errors("message-form", "subject"))
                label for="message-body" { "本文" }
                textarea #message-body name="body" rows="6" { (draft.value("message-form", "body")) }
                (draft.errors("message-form", "body"))
                button type="submit" { "お客様メールを登録" }
            }
        }
    }
}
