//! Read-your-writes: a read that names the position its command produced
//! waits, at most two seconds, until the projection has passed it. An agent
//! who clicks "assign" therefore never sees the old assignee.

use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use command_api::db::Db;
use projections::checkpoint::{self, Checkpoint};

pub const MAX_WAIT: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(10);

/// The projection's state once it has reached `after`, or when the wait ran
/// out (`fresh` is then false and the response says so).
pub struct Consistent {
    pub checkpoint: Checkpoint,
    pub fresh: bool,
}

/// The position to wait for: `?after=` or the `X-Madoguchi-After` header.
pub fn requested(query_after: Option<i64>, headers: &HeaderMap) -> Option<i64> {
    query_after.or_else(|| {
        headers
            .get("x-madoguchi-after")?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    })
}

pub async fn wait_for(
    db: &Db,
    projection: &str,
    after: Option<i64>,
) -> Result<Consistent, sqlx::Error> {
    let started = Instant::now();
    loop {
        let checkpoint = checkpoint::load(db, projection).await?;
        let reached = after.is_none_or(|after| checkpoint.position >= after);
        if reached || started.elapsed() >= MAX_WAIT {
            return Ok(Consistent {
                checkpoint,
                fresh: reached,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}
