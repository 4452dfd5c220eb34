//! `POST /api/v1/triage-rules` (create) and `POST /api/v1/triage-rules/{id}`
//! (replace): `{name, keywords: [..], priority: high|urgent, tag?, active?,
//! category_id?, channel?, repeat_within_days?, assignee_group?}`. Supervisors and admins
//! only. The console's rule form is read by the same [`read`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::categories;
use crate::db::Db;
use crate::employees::Role;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Agent, JsonObject};
use crate::http::fields::Fields;
use crate::triage_rules::{self, RuleInput};

const MAX_KEYWORD_CHARS: usize = 50;

/// Longest repeat-contact window a rule may have.
const MAX_REPEAT_DAYS: i64 = 365;

/// A rule from its fields, or 422 with a Japanese message per field.
pub async fn read(db: &Db, body: &Map<String, Value>) -> Result<RuleInput, ApiError> {
    let mut fields = Fields::new(body);
    let name = fields
        .text("name")
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        fields.error("name", "ルール名は1〜100文字で入力してください。");
    }
    let keywords: Vec<String> = match body.get("keywords") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect(),
        Some(Value::String(text)) => text
            .lines()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect(),
        Some(_) => {
            fields.error("keywords", "キーワードは文字列の配列で指定してください。");
            Vec::new()
        }
    };
    if keywords
        .iter()
        .any(|k| k.chars().count() > MAX_KEYWORD_CHARS || k.chars().any(char::is_control))
    {
        fields.error("keywords", "キーワードは1つ50文字以内で入力してください。");
    }
    let priority = match fields.text("priority") {
        Some("high") => Some("high"),
        Some("urgent") => Some("urgent"),
        _ => {
            fields.error(
                "priority",
                "優先度は「高」(high)か「緊急」(urgent)を選択してください。",
            );
            None
        }
    };
    let channel = match fields.text("channel").unwrap_or_default() {
        "" => None,
        "form" => Some("form"),
        "email" => Some("email"),
        "phone" => Some("phone"),
        _ => {
            fields.error("channel", "選択できない値です。");
            None
        }
    };
    let category_id = match body.get("category_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(_) => fields.id("category_id"),
    };
    if let Some(id) = category_id
        && !categories::is_active(db, id).await?
    {
        fields.error(
            "category_id",
            "選択されたカテゴリは存在しないか、無効になっています。",
        );
    }
    let repeat_within_days = match body.get("repeat_within_days") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(value) => match value
            .as_i64()
            .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        {
            Some(days) if (1..=MAX_REPEAT_DAYS).contains(&days) => Some(days),
            _ => {
                fields.error(
                    "repeat_within_days",
                    format!("再問い合わせの日数は1〜{MAX_REPEAT_DAYS}の整数で入力してください。"),
                );
                None
            }
        },
    };
    if keywords.is_empty()
        && category_id.is_none()
        && channel.is_none()
        && repeat_within_days.is_none()
    {
        fields.error(
            "keywords",
            "キーワード、カテゴリ、チャネル、再問い合わせのいずれかを指定してください。",
        );
    }
    let tag: String = fields
        .text("tag")
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if tag.chars().count() > 32 || tag.chars().any(char::is_control) {
        fields.error("tag", "タグは32文字以内で入力してください。");
    }
    let assignee_group = fields
        .text("assignee_group")
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned);
    if assignee_group
        .as_deref()
        .is_some_and(|g| g.chars().count() > 50 || g.chars().any(char::is_control))
    {
        fields.error(
            "assignee_group",
            "担当グループは50文字以内で入力してください。",
        );
    }
    let active = match body.get("active") {
        Some(Value::Bool(active)) => *active,
        // An HTML checkbox.
        Some(Value::String(s)) => s == "true",
        _ => true,
    };
    fields.finish()?;
    Ok(RuleInput {
        name,
        keywords,
        priority: priority.unwrap_or("high"),
        tag,
        active,
        category_id,
        channel,
        repeat_within_days,
        assignee_group,
    })
}

#[utoipa::path(post, path = "/api/v1/triage-rules", tag = "triage",
    request_body(content = serde_json::Value, description = "`{name, keywords, priority, tag?, active?, category_id?, channel?}`"),
    responses((status = 201, description = "`{id}`"), (status = 403, description = "Supervisors only"), (status = 422, description = "Invalid rule")),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    agent: Agent,
    body: JsonObject,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    agent.require(Role::Supervisor)?;
    let rule = read(&state.db, &body.fields).await?;
    let id = triage_rules::create(&state.db, &rule).await?;
    tracing::info!(rule_id = id, employee = agent.0.id, "triage rule created");
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[utoipa::path(post, path = "/api/v1/triage-rules/{id}", tag = "triage",
    params(("id" = i64, Path, description = "Rule id")),
    request_body(content = serde_json::Value, description = "The whole rule, as for create"),
    responses((status = 200, description = "`{id}`"), (status = 403, description = "Supervisors only"), (status = 404, description = "No such rule"), (status = 422, description = "Invalid rule")),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    agent: Agent,
    Path(id): Path<i64>,
    body: JsonObject,
) -> Result<Json<Value>, ApiError> {
    agent.require(Role::Supervisor)?;
    let rule = read(&state.db, &body.fields).await?;
    if !triage_rules::update(&state.db, id, &rule).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(rule_id = id, employee = agent.0.id, "triage rule updated");
    Ok(Json(json!({ "id": id })))
}
