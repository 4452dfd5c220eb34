//! The ticket pages of the console: list, detail, history, and the actions
//! on one ticket. Actions whose fields need no lookups share one handler
//! shape ([`form_action`]); each reads its command with the same function as
//! the JSON API.

mod act;
mod assignee;
pub(crate) mod detail;
mod history;
mod list;
mod thread;

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{MethodRouter, get, post};
use command_api::http::AppState;
use command_api::http::fields::Fields;
use command_api::http::ticket_fields;
use domain::TicketCommand;

use self::act::{act, finish};
use super::auth::ConsoleForm;
use super::presence;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/tickets", get(list::show))
        .route("/console/tickets/{number}", get(detail::show))
        .route("/console/tickets/{number}/history", get(history::show))
        .route(
            "/console/tickets/{number}/status",
            form_action("status-form", |f, _| ticket_fields::status(f)),
        )
        .route(
            "/console/tickets/{number}/priority",
            form_action("priority-form", |f, _| ticket_fields::priority(f)),
        )
        .route(
            "/console/tickets/{number}/notes",
            form_action("note-form", |f, _| ticket_fields::note(f)),
        )
        .route(
            "/console/tickets/{number}/replies",
            form_action("reply-form", ticket_fields::reply),
        )
        .route(
            "/console/tickets/{number}/messages",
            form_action("message-form", |f, _| ticket_fields::message(f)),
        )
        .route("/console/tickets/{number}/assignee", post(assignee::change))
        .route("/console/tickets/{number}/presence", post(presence::report))
}

type ReadCommand = fn(&mut Fields<'_>, &str) -> Option<TicketCommand>;

/// `POST /console/tickets/{number}/<action>` for an action read by `read`.
fn form_action(form_id: &'static str, read: ReadCommand) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>, Path(number): Path<String>, form: ConsoleForm| async move {
            let map = form.json();
            let mut fields = Fields::new(&map);
            let command = read(&mut fields, &number);
            act(&state, form, &number, form_id, finish(fields, command)).await
        },
    )
}
