//! `POST /api/v1/tickets/{number}/assignee`: assign to a teammate or oneself, or unassign.

use axum::extract::State;
use axum::response::Response;
use domain::TicketCommand;
use serde_json::Value;

use crate::employees;

use super::{CommandResponses, TicketRequest, execute};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::fields::{Fields, present};

#[utoipa::path(
    post, path = "/api/v1/tickets/{number}/assignee", tag = "tickets",
    params(
        ("number" = String, Path, description = "Inquiry number, e.g. INQ-20261128-0001"),
        ("If-Match" = i64, Header, description = "The ticket version the agent saw"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key"),
    ),
    request_body(content = serde_json::Value, description = "{\"assignee_id\": 3 | \"me\" | null}"),
    responses(CommandResponses),
    security(("bearer" = []))
)]
pub async fn assign(
    State(state): State<AppState>,
    request: TicketRequest,
) -> Result<Response, ApiError> {
    let mut fields = Fields::new(&request.body.fields);
    let command = match request.body.fields.get("assignee_id") {
        None => {
            fields.error("assignee_id", "担当者を選択してください。");
            None
        }
        Some(Value::Null) => Some(TicketCommand::Unassign),
        Some(Value::String(me)) if me == "me" => Some(TicketCommand::Assign {
            to: request.agent.0.id,
        }),
        Some(Value::String(empty)) if empty.is_empty() => Some(TicketCommand::Unassign),
        Some(_) => match fields.id("assignee_id") {
            Some(id)
                if employees::find(&state.db, id)
                    .await?
                    .is_some_and(|e| e.active) =>
            {
                Some(TicketCommand::Assign { to: id })
            }
            Some(_) => {
                fields.error(
                    "assignee_id",
                    "選択された担当者は存在しないか、無効になっています。",
                );
                None
            }
            None => None,
        },
    };
    fields.finish()?;
    execute(&state, &request, present(command)?).await
}
