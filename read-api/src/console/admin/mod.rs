//! Admin pages: employees (A-1…A-6), categories (A-7…A-11), and erasing a
//! customer's personal data. Employees and categories are
//! plain reference tables edited in place (docs/event-store.md says why), so
//! these handlers call the small table modules of the write side directly.

mod categories;
mod customers;
mod employees;
mod sla;

use axum::Router;
use axum::routing::{get, post};
use command_api::http::AppState;
use command_api::on_pool;
use projections::tickets::table;

use crate::consistency::wait_for;
use crate::console::error::ConsoleError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/console/admin/employees",
            get(employees::list).post(employees::create),
        )
        .route(
            "/console/admin/employees/{id}",
            get(employees::edit).post(employees::update),
        )
        .route(
            "/console/admin/employees/{id}/active",
            post(employees::set_active),
        )
        .route(
            "/console/admin/employees/{id}/delete",
            post(employees::delete),
        )
        .route(
            "/console/admin/employees/{id}/reset-password",
            post(employees::reset_password),
        )
        .route(
            "/console/admin/categories",
            get(categories::list).post(categories::create),
        )
        .route("/console/admin/categories/{id}", post(categories::update))
        .route(
            "/console/admin/categories/{id}/active",
            post(categories::set_active),
        )
        .route(
            "/console/admin/categories/{id}/delete",
            post(categories::delete),
        )
        .route(
            "/console/admin/customers/erase",
            get(customers::show).post(customers::submit),
        )
        .route("/console/admin/sla", get(sla::show).post(sla::save))
}

/// Whether any ticket names this row, by the current read model: `column`
/// of the ticket list, or (for employees) an action in a timeline.
async fn referenced(state: &AppState, column: &str, id: i64) -> Result<bool, ConsoleError> {
    let generation = wait_for(&state.db, projections::tickets::NAME, None)
        .await?
        .checkpoint
        .generation;
    let tickets = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {column} = ? LIMIT 1) t",
        table("rm_tickets", generation)
    );
    let found: i64 =
        on_pool!(&state.db, pool => sqlx::query_scalar(&tickets).bind(id).fetch_one(pool).await)?;
    if found > 0 || column != "assignee_id" {
        return Ok(found > 0);
    }
    let acted = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE actor = ? LIMIT 1) t",
        table("rm_timeline", generation)
    );
    let actor = domain::Actor::Agent(id).to_string();
    let found: i64 =
        on_pool!(&state.db, pool => sqlx::query_scalar(&acted).bind(&actor).fetch_one(pool).await)?;
    Ok(found > 0)
}
