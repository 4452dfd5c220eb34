//! Service-level targets per priority as admins set them, and the open
//! breach counts the SLA watcher leaves for the dashboard.

use domain::Priority;
use domain::sla::{Policy, Targets};
use tracing::instrument;

use crate::db::{Db, now_micros};

/// The longest target that can be set: 100 business days of 9 hours.
pub const MAX_MINUTES: i64 = 100 * 9 * 60;

/// The stored policy. A priority without a row keeps its default.
#[instrument(skip(db))]
pub async fn load(db: &Db) -> Result<Policy, sqlx::Error> {
    let rows: Vec<(String, i64, i64)> = crate::on_pool!(db, pool => sqlx::query_as(
        "SELECT priority, CAST(first_response_minutes AS SIGNED), CAST(resolution_minutes AS SIGNED) FROM sla_policies",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows.into_iter().fold(
        Policy::default(),
        |policy, (priority, first_response, resolution)| match priority.parse::<Priority>() {
            Ok(priority) => policy.with(
                priority,
                Targets {
                    first_response,
                    resolution,
                },
            ),
            Err(_) => policy,
        },
    ))
}

/// Replaces the targets of every priority at once, in one transaction
/// (each 1..=[`MAX_MINUTES`], checked by the caller).
#[instrument(skip(db))]
pub async fn save(db: &Db, policy: &Policy) -> Result<(), sqlx::Error> {
    let now = now_micros();
    crate::on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM sla_policies").execute(&mut *tx).await?;
        for priority in Priority::ALL {
            let targets = policy.targets(priority);
            sqlx::query("INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes, updated_at) VALUES (?, ?, ?, ?)")
                .bind(priority.as_str())
                .bind(targets.first_response)
                .bind(targets.resolution)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    })
}

/// Open tickets past a target, as last counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenBreaches {
    pub first_response: i64,
    pub resolution: i64,
    /// When they were counted (µs UTC); `None` before the first count.
    pub counted_at: Option<i64>,
}

#[instrument(skip(db))]
pub async fn record_open_breaches(
    db: &Db,
    first_response: u64,
    resolution: u64,
) -> Result<(), sqlx::Error> {
    let now = now_micros();
    let first_response = i64::try_from(first_response).unwrap_or(i64::MAX);
    let resolution = i64::try_from(resolution).unwrap_or(i64::MAX);
    crate::on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM sla_open_breaches").execute(&mut *tx).await?;
        sqlx::query("INSERT INTO sla_open_breaches (kind, open_count, counted_at) VALUES ('first_response', ?, ?), ('resolution', ?, ?)")
            .bind(first_response)
            .bind(now)
            .bind(resolution)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

#[instrument(skip(db))]
pub async fn open_breaches(db: &Db) -> Result<OpenBreaches, sqlx::Error> {
    let rows: Vec<(String, i64, i64)> = crate::on_pool!(db, pool => sqlx::query_as(
        "SELECT kind, open_count, counted_at FROM sla_open_breaches",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .fold(OpenBreaches::default(), |mut found, (kind, count, at)| {
            match kind.as_str() {
                "first_response" => found.first_response = count,
                _ => found.resolution = count,
            }
            found.counted_at = Some(at);
            found
        }))
}
