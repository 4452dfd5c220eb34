//! `GET /api/v1/triage-rules`: every rule, active or not, with its hit count.

use axum::Json;
use axum::extract::State;
use command_api::employees::Role;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use command_api::http::extract::Agent;
use command_api::triage_rules;
use serde_json::{Value, json};

#[utoipa::path(get, path = "/api/v1/triage-rules", tag = "triage",
    responses((status = 200, description = "`{rules: [{id, name, keywords, priority, tag, active, category_id, channel, hit_count}]}`"), (status = 403, description = "Supervisors only")),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, agent: Agent) -> Result<Json<Value>, ApiError> {
    agent.require(Role::Supervisor)?;
    let rules = triage_rules::list(&state.db).await?;
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|rule| {
            let mut value = json!(rule);
            value["keywords"] = json!(rule.keywords.lines().collect::<Vec<_>>());
            value
        })
        .collect();
    Ok(Json(json!({ "rules": rules })))
}
