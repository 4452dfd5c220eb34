//! `/console/triage-rules`: the automatic triage rules (keywords, category,
//! channel and repeat-contact conditions; a priority, a tag and an assignee
//! group), with how often each has been applied. Supervisors add and edit them here; the triage
//! reactor reads them afresh for every batch, so an edit applies at once.
//! The form is validated by the same function as the JSON API.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use command_api::categories::{self, Category};
use command_api::employees::Role;
use command_api::http::AppState;
use command_api::http::error::{ApiError, FieldErrors};
use command_api::http::triage_rules::read_rule;
use command_api::triage_rules::{self, StoredRule};
use domain::{Channel, Priority};
use maud::{Markup, html};
use serde_json::Value;

use super::auth::{ConsoleForm, Staff};
use super::error::ConsoleError;
use super::layout::{self, csrf_field, field_errors};

const PATH: &str = "/console/triage-rules";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list).post(create))
        .route("/console/triage-rules/{id}", get(edit).post(update))
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, ConsoleError> {
    staff.require(Role::Supervisor)?;
    let rules = triage_rules::list(&state.db).await?;
    let categories = categories::list_active(&state.db).await?;
    let empty = |_: &str| String::new();
    Ok(list_page(
        &staff,
        &rules,
        &categories,
        &empty,
        &FieldErrors::new(),
        StatusCode::OK,
    ))
}

fn list_page(
    staff: &Staff,
    rules: &[StoredRule],
    categories: &[Category],
    value: &dyn Fn(&str) -> String,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let category_name = |id: i64| {
        categories
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("#{id}"), |c| c.name.clone())
    };
    let body = html! {
        h1 { "自動振り分けルール" }
        p.muted {
            "受付・お客様メッセージの件名と本文にキーワードが含まれると(カテゴリ・チャネル・再問い合わせの条件も指定できます)、"
            "優先度を引き上げ(下げることはありません)、タグと担当グループを付けます。"
            "全角・半角、カタカナ・ひらがなの違いは区別しません。"
        }
        table #triage-rules {
            thead { tr {
                th scope="col" { "ルール" } th scope="col" { "条件" } th scope="col" { "優先度" }
                th scope="col" { "タグ・担当グループ" } th scope="col" { "状態" } th scope="col" { "適用件数" }
            } }
            tbody {
                @for rule in rules {
                    tr data-rule=(rule.id) class=[(!rule.active).then_some("inactive")] {
                        td data-label="ルール" { a href={ (PATH) "/" (rule.id) } { (rule.name) } }
                        td data-label="条件" { (conditions(rule, &category_name)) }
                        td data-label="優先度" { (layout::priority_badge(&rule.priority)) }
                        td data-label="タグ・担当グループ" {
                            (rule.tag)
                            @if let Some(group) = &rule.assignee_group { " → " (group) }
                        }
                        td data-label="状態" { @if rule.active { "有効" } @else { span.muted { "無効" } } }
                        td.hits data-label="適用件数" { (rule.hit_count) }
                    }
                }
            }
        }
        h2 { "ルールを追加" }
        form #rule-form.stack method="post" action=(PATH) novalidate {
            (csrf_field(staff))
            (rule_fields(categories, value, errors))
            button type="submit" { "追加する" }
        }
    };
    (status, layout::page(staff, "自動振り分けルール", body)).into_response()
}

fn conditions(rule: &StoredRule, category_name: &dyn Fn(i64) -> String) -> Markup {
    let keywords: Vec<&str> = rule.keywords.lines().collect();
    html! {
        @if !keywords.is_empty() {
            span.keywords title=(keywords.join("、")) {
                "キーワード " (keywords.len()) "語: " (keywords.iter().take(4).copied().collect::<Vec<_>>().join("、"))
                @if keywords.len() > 4 { " …" }
            }
        }
        @if let Some(id) = rule.category_id { " カテゴリ: " (category_name(id)) }
        @if let Some(channel) = &rule.channel { " チャネル: " (layout::channel_label(channel)) }
        @if let Some(days) = rule.repeat_within_days { " " (days) "日以内の再問い合わせ" }
    }
}

/// The controls of a rule, filled from `value` (the stored rule, or what was typed).
fn rule_fields(
    categories: &[Category],
    value: &dyn Fn(&str) -> String,
    errors: &FieldErrors,
) -> Markup {
    let active = value("active") != "false";
    html! {
        div.field {
            label for="name" { "ルール名" }
            input #name name="name" type="text" required maxlength="100" value=(value("name"));
            (field_errors(errors, "name"))
        }
        div.field {
            label for="keywords" { "キーワード(1行に1つ)" }
            textarea #keywords name="keywords" rows="6" { (value("keywords")) }
            (field_errors(errors, "keywords"))
        }
        div.row {
            div.field {
                label for="priority" { "引き上げ先の優先度" }
                select #priority name="priority" {
                    @for p in [Priority::High, Priority::Urgent] {
                        option value=(p.as_str()) selected[value("priority") == p.as_str()] { (p.label_ja()) }
                    }
                }
                (field_errors(errors, "priority"))
            }
            div.field {
                label for="tag" { "タグ" }
                input #tag name="tag" type="text" maxlength="32" value=(value("tag"));
                (field_errors(errors, "tag"))
            }
            div.field {
                label for="assignee_group" { "担当グループ" }
                input #assignee_group name="assignee_group" type="text" maxlength="50" value=(value("assignee_group"));
                (field_errors(errors, "assignee_group"))
            }
        }
        div.row {
            div.field {
                label for="category_id" { "カテゴリ(任意)" }
                select #category_id name="category_id" {
                    option value="" { "指定しない" }
                    @for c in categories {
                        option value=(c.id) selected[value("category_id") == c.id.to_string()] { (c.name) }
                    }
                }
                (field_errors(errors, "category_id"))
            }
            div.field {
                label for="channel" { "チャネル(任意)" }
                select #channel name="channel" {
                    option value="" { "指定しない" }
                    @for c in [Channel::Form, Channel::Email, Channel::Phone] {
                        option value=(c.as_str()) selected[value("channel") == c.as_str()] { (c.label_ja()) }
                    }
                }
                (field_errors(errors, "channel"))
            }
            div.field {
                label for="repeat_within_days" { "再問い合わせ(日以内・任意)" }
                input #repeat_within_days name="repeat_within_days" type="number" min="1" max="365" value=(value("repeat_within_days"));
                (field_errors(errors, "repeat_within_days"))
            }
        }
        div.field {
            label { input name="active" type="checkbox" value="true" checked[active]; " 有効" }
        }
    }
}

/// The form's fields for the shared validator; an unticked box is "false".
fn fields(form: &ConsoleForm) -> serde_json::Map<String, Value> {
    let mut fields = form.json();
    fields.insert("active".into(), Value::Bool(form.text("active") == "true"));
    fields
}

pub async fn create(
    State(state): State<AppState>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Supervisor)?;
    match read_rule(&state.db, &fields(&form)).await {
        Ok(rule) => {
            let id = triage_rules::create(&state.db, &rule).await?;
            tracing::info!(
                rule_id = id,
                employee = form.staff.id(),
                "triage rule created"
            );
            form.staff.flash(true, "ルールを追加しました。").await?;
            Ok(Redirect::to(PATH).into_response())
        }
        Err(ApiError::Validation(errors)) => {
            let rules = triage_rules::list(&state.db).await?;
            let categories = categories::list_active(&state.db).await?;
            let value = |field: &str| form.text(field).to_owned();
            Ok(list_page(
                &form.staff,
                &rules,
                &categories,
                &value,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response, ConsoleError> {
    staff.require(Role::Supervisor)?;
    let rules = triage_rules::list(&state.db).await?;
    let rule = rules
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(ConsoleError::NotFound)?;
    let categories = categories::list_active(&state.db).await?;
    let value = |field: &str| match field {
        "name" => rule.name.clone(),
        "keywords" => rule.keywords.clone(),
        "priority" => rule.priority.clone(),
        "tag" => rule.tag.clone(),
        "category_id" => rule.category_id.map(|c| c.to_string()).unwrap_or_default(),
        "channel" => rule.channel.clone().unwrap_or_default(),
        "repeat_within_days" => rule
            .repeat_within_days
            .map(|d| d.to_string())
            .unwrap_or_default(),
        "assignee_group" => rule.assignee_group.clone().unwrap_or_default(),
        "active" => rule.active.to_string(),
        _ => String::new(),
    };
    Ok(edit_page(
        &staff,
        &rule,
        &categories,
        &value,
        &FieldErrors::new(),
        StatusCode::OK,
    ))
}

fn edit_page(
    staff: &Staff,
    rule: &StoredRule,
    categories: &[Category],
    value: &dyn Fn(&str) -> String,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let body = html! {
        p { a href=(PATH) { "← 自動振り分けルール" } }
        h1 { "ルールの編集" }
        p.muted { "これまでの適用件数: " (rule.hit_count) "件" }
        form #rule-form.stack method="post" action={ (PATH) "/" (rule.id) } novalidate {
            (csrf_field(staff))
            (rule_fields(categories, value, errors))
            button type="submit" { "保存する" }
        }
    };
    (status, layout::page(staff, "ルールの編集", body)).into_response()
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Supervisor)?;
    let rules = triage_rules::list(&state.db).await?;
    let stored = rules
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(ConsoleError::NotFound)?;
    match read_rule(&state.db, &fields(&form)).await {
        Ok(rule) => {
            if !triage_rules::update(&state.db, id, &rule).await? {
                return Err(ConsoleError::NotFound);
            }
            tracing::info!(
                rule_id = id,
                employee = form.staff.id(),
                "triage rule updated"
            );
            form.staff.flash(true, "ルールを保存しました。").await?;
            Ok(Redirect::to(PATH).into_response())
        }
        Err(ApiError::Validation(errors)) => {
            let categories = categories::list_active(&state.db).await?;
            let value = |field: &str| form.text(field).to_owned();
            Ok(edit_page(
                &form.staff,
                &stored,
                &categories,
                &value,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(other.into()),
    }
}
