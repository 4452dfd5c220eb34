//! Retention: a customer whose every ticket has been closed for longer than
//! the retention period is erased automatically, by `system:retention`,
//! through the same [`Eraser`] as a request (so the same
//! `CustomerDataErased` event, the same redaction, the same file deletion).
//!
//! A customer with any ticket still open, or closed recently, keeps their
//! data: the period runs from the last closing.

use std::time::Duration;

use command_api::on_pool;
use domain::Actor;
use domain::ticket::ErasureReason;
use time::OffsetDateTime;
use tokio::sync::watch;
use uuid::Uuid;

use crate::erasure::Eraser;
use crate::tickets::table;

/// How many customers one pass erases at most, so a first run over years of
/// history does not hold the worker for long.
const PER_PASS: i64 = 200;

pub struct Retention {
    eraser: Eraser,
    period: time::Duration,
}

impl Retention {
    pub fn new(eraser: Eraser, period: time::Duration) -> Self {
        Self { eraser, period }
    }

    /// Customers due for erasure at `now`.
    pub async fn due(&self, now: OffsetDateTime) -> anyhow::Result<Vec<Uuid>> {
        let db = self.eraser.tickets().store().db();
        let generation = crate::checkpoint::load(db, crate::tickets::NAME)
            .await?
            .generation;
        let tickets = table("rm_tickets", generation);
        // The claims list each customer's tickets; the list read model says
        // whether each is closed and when it last changed (its closing).
        let sql = format!(
            "SELECT k.customer_ref FROM customer_keys k \
             JOIN stream_claims c ON c.claim_kind = 'customer_ticket' AND SUBSTR(c.claim_value, 1, 36) = k.customer_ref \
             JOIN {tickets} t ON t.ticket_id = c.aggregate_id \
             WHERE k.wrapped_key IS NOT NULL \
             GROUP BY k.customer_ref \
             HAVING SUM(CASE WHEN t.status = 'closed' THEN 0 ELSE 1 END) = 0 AND MAX(t.updated_at) < ? \
             ORDER BY k.customer_ref LIMIT ?"
        );
        let cutoff = command_api::db::to_micros(now - self.period);
        let ids: Vec<String> = on_pool!(db, pool => {
            sqlx::query_scalar(&sql).bind(cutoff).bind(PER_PASS).fetch_all(pool).await
        })?;
        Ok(ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect())
    }

    /// Erases every customer due at `now`; returns how many were erased.
    /// One customer that fails does not hold back the others: it is logged
    /// and tried again on the next pass.
    pub async fn run_once(&self, now: OffsetDateTime) -> anyhow::Result<usize> {
        let due = self.due(now).await?;
        let mut erased = 0;
        for &customer in &due {
            let actor = Actor::System("retention".into());
            match self
                .eraser
                .erase(customer, ErasureReason::Retention, actor)
                .await
            {
                Ok(_) => erased += 1,
                Err(error) => tracing::warn!(
                    %customer,
                    error = %format!("{error:#}"),
                    "retention erasure failed; retrying next pass"
                ),
            }
        }
        if erased > 0 {
            tracing::info!(
                customers = erased,
                "retention period passed: customer data erased"
            );
        }
        Ok(erased)
    }

    /// Runs a pass every hour until shut down.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        crate::periodic::every(
            Duration::from_secs(3600),
            shutdown,
            "retention pass",
            || self.run_once(OffsetDateTime::now_utc()),
        )
        .await;
    }
}
