//! Collision detection: who else has a ticket open, and who is writing a
//! reply. The detail page reports in every few seconds; a report older than
//! [`FRESH_MICROS`] means the colleague has left.

use axum::Json;
use axum::extract::{Path, State};
use command_api::db::{Db, now_micros};
use command_api::http::AppState;
use projections::tickets::NAME;
use serde_json::{Value, json};

use super::auth::ConsoleForm;
use super::error::ConsoleError;
use crate::consistency::wait_for;
use crate::queries::detail;

/// Twice the page's reporting interval, so one late report is not a departure.
pub const FRESH_MICROS: i64 = 25 * 1_000_000;

pub struct Viewer {
    pub name: String,
    pub replying: bool,
}

pub async fn touch(
    db: &Db,
    number: &str,
    employee_id: i64,
    replying: bool,
) -> Result<(), sqlx::Error> {
    let now = now_micros();
    match db {
        Db::MySql(pool) => {
            sqlx::query(
                "INSERT INTO console_presence (inquiry_number, employee_id, replying, seen_at) VALUES (?, ?, ?, ?) \
                 ON DUPLICATE KEY UPDATE replying = VALUES(replying), seen_at = VALUES(seen_at)",
            )
            .bind(number)
            .bind(employee_id)
            .bind(replying)
            .bind(now)
            .execute(pool)
            .await?;
        }
        Db::Sqlite(pool) => {
            sqlx::query(
                "INSERT INTO console_presence (inquiry_number, employee_id, replying, seen_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (inquiry_number, employee_id) DO UPDATE SET replying = excluded.replying, seen_at = excluded.seen_at",
            )
            .bind(number)
            .bind(employee_id)
            .bind(replying)
            .bind(now)
            .execute(pool)
            .await?;
        }
    }
    // Old rows are swept as we go: the table stays as small as the team.
    command_api::on_pool!(db, pool => {
        sqlx::query("DELETE FROM console_presence WHERE seen_at < ?")
            .bind(now - 3600 * 1_000_000)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Colleagues (not `me`) who reported in on this ticket recently.
pub async fn others(db: &Db, number: &str, me: i64) -> Result<Vec<Viewer>, sqlx::Error> {
    let rows: Vec<(String, bool)> = command_api::on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT e.display_name, p.replying FROM console_presence p JOIN employees e ON e.id = p.employee_id \
             WHERE p.inquiry_number = ? AND p.employee_id <> ? AND p.seen_at >= ? ORDER BY e.display_name",
        )
        .bind(number)
        .bind(me)
        .bind(now_micros() - FRESH_MICROS)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(name, replying)| Viewer { name, replying })
        .collect())
}

/// `POST /console/tickets/{number}/presence`: report in, learn who else is
/// here and the ticket's current version (so the page can say it is stale).
pub async fn report(
    State(state): State<AppState>,
    Path(number): Path<String>,
    form: ConsoleForm,
) -> Result<Json<Value>, ConsoleError> {
    let consistent = wait_for(&state.db, NAME, None).await?;
    let row = detail::ticket(&state.db, consistent.checkpoint.generation, &number)
        .await?
        .ok_or(ConsoleError::NotFound)?;
    let replying = form.text("replying") == "true";
    touch(&state.db, &row.inquiry_number, form.staff.id(), replying).await?;
    let others = others(&state.db, &row.inquiry_number, form.staff.id()).await?;
    Ok(Json(json!({
        "others": others.iter().map(|v| json!({ "name": v.name, "replying": v.replying })).collect::<Vec<_>>(),
        "version": row.version,
    })))
}
