//! Triage rules as supervisors edit them. The triage reactor reads them
//! afresh for every batch, so an edit applies without a restart.

use tracing::instrument;

use crate::db::{Db, now_micros};

/// A rule after validation, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleInput {
    pub name: String,
    pub keywords: Vec<String>,
    pub priority: &'static str,
    pub tag: String,
    pub active: bool,
    pub category_id: Option<i64>,
    pub channel: Option<&'static str>,
    /// Matches only a customer's repeat contact within this many days.
    pub repeat_within_days: Option<i64>,
    /// The team a matching ticket is labelled for.
    pub assignee_group: Option<String>,
}

#[instrument(skip(db, rule))]
pub async fn create(db: &Db, rule: &RuleInput) -> Result<i64, sqlx::Error> {
    let now = now_micros();
    let keywords = rule.keywords.join("\n");
    crate::on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO triage_rules (name, keywords, priority, tag, active, category_id, channel, repeat_within_days, assignee_group, hit_count, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        )
        .bind(&rule.name).bind(&keywords).bind(rule.priority).bind(&rule.tag).bind(rule.active)
        .bind(rule.category_id).bind(rule.channel).bind(rule.repeat_within_days).bind(rule.assignee_group.as_deref()).bind(now).bind(now)
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM triage_rules WHERE name = ?").bind(&rule.name).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    })
}

/// Replaces a rule's definition; its hit count stays. False when no such rule.
#[instrument(skip(db, rule))]
pub async fn update(db: &Db, id: i64, rule: &RuleInput) -> Result<bool, sqlx::Error> {
    let keywords = rule.keywords.join("\n");
    let affected = crate::on_pool!(db, pool => sqlx::query(
        "UPDATE triage_rules SET name = ?, keywords = ?, priority = ?, tag = ?, active = ?, category_id = ?, channel = ?, repeat_within_days = ?, assignee_group = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&rule.name).bind(&keywords).bind(rule.priority).bind(&rule.tag).bind(rule.active)
    .bind(rule.category_id).bind(rule.channel).bind(rule.repeat_within_days).bind(rule.assignee_group.as_deref()).bind(now_micros()).bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(affected == 1)
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct StoredRule {
    pub id: i64,
    pub name: String,
    pub keywords: String,
    pub priority: String,
    pub tag: String,
    pub active: bool,
    pub category_id: Option<i64>,
    pub channel: Option<String>,
    pub repeat_within_days: Option<i64>,
    pub assignee_group: Option<String>,
    pub hit_count: i64,
}

#[instrument(skip(db))]
pub async fn list(db: &Db) -> Result<Vec<StoredRule>, sqlx::Error> {
    crate::on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, keywords, priority, tag, active, category_id, channel, CAST(repeat_within_days AS SIGNED) AS repeat_within_days, assignee_group, hit_count FROM triage_rules ORDER BY id",
    )
    .fetch_all(pool)
    .await)
}

/// The assignee groups rules name, for the list's filter.
#[instrument(skip(db))]
pub async fn assignee_groups(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    crate::on_pool!(db, pool => sqlx::query_scalar(
        "SELECT DISTINCT assignee_group FROM triage_rules WHERE assignee_group IS NOT NULL ORDER BY assignee_group",
    )
    .fetch_all(pool)
    .await)
}
