//! `POST /console/tickets/{number}/assignee` (S-7): a teammate, oneself, or nobody.

use axum::extract::{Path, State};
use axum::response::Response;
use command_api::http::AppState;
use command_api::http::fields::Fields;
use command_api::http::ticket_fields;

use super::act::{act, finish};
use crate::console::auth::ConsoleForm;
use crate::console::error::ConsoleError;

pub async fn change(
    State(state): State<AppState>,
    Path(number): Path<String>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    let map = form.json();
    let mut fields = Fields::new(&map);
    let value = map.get("assignee_id");
    let command = ticket_fields::assignee(&state.db, &mut fields, value, form.staff.id()).await?;
    act(
        &state,
        form,
        &number,
        "assign-form",
        finish(fields, command),
    )
    .await
}
