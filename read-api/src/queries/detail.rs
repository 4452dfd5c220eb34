//! One ticket with its timeline.

use std::collections::HashMap;

use command_api::db::Db;
use command_api::on_pool;
use projections::tickets::table;
use serde_json::{Value, json};
use tracing::instrument;

use super::list::{COLUMNS, Row, from_clause};
use super::rfc3339;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub sequence: i64,
    pub kind: String,
    pub actor: String,
    pub occurred_at: i64,
    pub body: Option<String>,
    pub data: String,
    pub delivery: Option<String>,
}

impl Entry {
    pub fn to_json(&self, names: &HashMap<i64, String>) -> Value {
        json!({
            "sequence": self.sequence,
            "kind": self.kind,
            "actor": self.actor,
            "actor_name": actor_name(&self.actor, names),
            "occurred_at": rfc3339(self.occurred_at),
            "body": self.body,
            "data": serde_json::from_str::<Value>(&self.data).unwrap_or(Value::Null),
            "delivery": self.delivery,
        })
    }
}

/// Who an actor was, as people read it.
pub fn actor_name(actor: &str, names: &HashMap<i64, String>) -> String {
    match actor.parse::<domain::Actor>() {
        Ok(domain::Actor::Customer) => "お客様".to_owned(),
        Ok(domain::Actor::Agent(id)) => names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("担当者 #{id}")),
        Ok(domain::Actor::System(component)) => format!("システム ({component})"),
        Err(_) => actor.to_owned(),
    }
}

#[instrument(skip(db))]
pub async fn ticket(db: &Db, generation: i64, number: &str) -> Result<Option<Row>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {} WHERE t.inquiry_number = ?",
        from_clause(generation)
    );
    let mut row: Option<Row> =
        on_pool!(db, pool => sqlx::query_as(&sql).bind(number).fetch_optional(pool).await)?;
    super::list::complete(db, generation, row.as_mut_slice()).await?;
    Ok(row)
}

#[instrument(skip(db))]
pub async fn timeline(
    db: &Db,
    generation: i64,
    ticket_id: &str,
) -> Result<Vec<Entry>, sqlx::Error> {
    let sql = format!(
        "SELECT sequence, kind, actor, occurred_at, body, data, delivery FROM {} WHERE ticket_id = ? ORDER BY sequence",
        table("rm_timeline", generation)
    );
    on_pool!(db, pool => sqlx::query_as(&sql).bind(ticket_id).fetch_all(pool).await)
}

/// Every employee's display name, for actor names (a handful of rows).
#[instrument(skip(db))]
pub async fn employee_names(db: &Db) -> Result<HashMap<i64, String>, sqlx::Error> {
    let rows: Vec<(i64, String)> = on_pool!(db, pool => sqlx::query_as("SELECT id, display_name FROM employees").fetch_all(pool).await)?;
    Ok(rows.into_iter().collect())
}
