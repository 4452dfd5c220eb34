//! Rebuilding a projection from position 0 without interrupting readers.
//!
//! The replay fills the next generation of tables (`…_g{n+1}`) while the
//! current generation keeps serving and its worker keeps running. When the
//! replay has caught up, one transaction claims the checkpoint row (which
//! blocks the live worker's next batch), applies the last few events, and
//! switches `generation` and `position` together. Readers and the worker pick
//! up the new generation from the checkpoint row; the old tables stay until
//! the next rebuild so in-flight reads never hit a dropped table.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use command_api::codec;
use command_api::db::{Db, now_micros};
use command_api::event_store::EventStore;
use command_api::on_pool;
use sqlx::Executor;

use crate::checkpoint;
use crate::engine::{Envelope, Projection};
use crate::tickets::table;
use crate::tx::Tx;

const BATCH: i64 = 2_000;

/// How far a rebuild has come, for progress output.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub position: i64,
    pub head: i64,
    pub events_per_second: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    pub generation: i64,
    pub position: i64,
    pub events: i64,
}

pub async fn rebuild(
    store: &EventStore,
    projection: Arc<dyn Projection>,
    mut progress: impl FnMut(Progress),
) -> anyhow::Result<Rebuilt> {
    let db = store.db();
    let name = projection.name();
    let current = checkpoint::load(db, name)
        .await
        .with_context(|| format!("no projection named {name}"))?;
    let next = current.generation + 1;
    for base in projection.tables() {
        drop_table(db, &table(base, next)).await?;
        clone_schema(db, base, current.generation, next).await?;
        // The generation before the current one is no longer read by anyone
        // (dropped after cloning: it may be the template clone_schema used).
        drop_table(db, &table(base, current.generation - 1)).await?;
    }

    let started = Instant::now();
    let mut position = 0;
    let mut events = 0;
    let mut last_report = Instant::now();
    loop {
        let applied = apply_after(store, projection.as_ref(), None, next, &mut position).await?;
        events += applied;
        let head = store.head_position().await?;
        if last_report.elapsed().as_millis() >= 500 || applied == 0 || position >= head {
            let seconds = started.elapsed().as_secs_f64().max(0.001);
            progress(Progress {
                position,
                head,
                events_per_second: events as f64 / seconds,
            });
            last_report = Instant::now();
        }
        if applied == 0 || position >= head {
            break;
        }
    }

    let mut tx = Tx::begin(db).await?;
    let claimed = crate::on_tx!(&mut tx, t => sqlx::query(
        "UPDATE projection_checkpoints SET generation = ?, position = ?, updated_at = ?, halted_position = NULL, halted_reason = NULL \
         WHERE name = ? AND generation = ?",
    )
    .bind(next)
    .bind(position)
    .bind(now_micros())
    .bind(name)
    .bind(current.generation)
    .execute(&mut **t)
    .await
    .map(|r| r.rows_affected()))?;
    if claimed != 1 {
        bail!("another rebuild of {name} switched generations first");
    }
    // The live worker is now blocked on this row; bring the new tables level.
    loop {
        let applied = apply_after(
            store,
            projection.as_ref(),
            Some(&mut tx),
            next,
            &mut position,
        )
        .await?;
        events += applied;
        if applied == 0 {
            break;
        }
    }
    crate::on_tx!(&mut tx, t => sqlx::query("UPDATE projection_checkpoints SET position = ? WHERE name = ?")
        .bind(position)
        .bind(name)
        .execute(&mut **t)
        .await
        .map(|_| ()))?;
    tx.commit().await?;
    Ok(Rebuilt {
        generation: next,
        position,
        events,
    })
}

/// Applies the next batch after `position` into `generation`, in `tx` when
/// given (the final switch) or in a transaction of its own.
async fn apply_after(
    store: &EventStore,
    projection: &dyn Projection,
    tx: Option<&mut Tx>,
    generation: i64,
    position: &mut i64,
) -> anyhow::Result<i64> {
    let stored = store.read_all(*position, BATCH).await?;
    if stored.is_empty() {
        return Ok(0);
    }
    let mut own = None;
    let tx = match tx {
        Some(tx) => tx,
        None => own.insert(Tx::begin(store.db()).await?),
    };
    let mut batch = Vec::with_capacity(stored.len());
    for row in &stored {
        let (event, metadata) =
            codec::decode(row).map_err(|e| anyhow::anyhow!("rebuild stopped: {e}"))?;
        batch.push(Envelope {
            position: row.position,
            ticket_id: row.aggregate_id.clone(),
            sequence: row.sequence,
            event,
            metadata,
        });
    }
    projection.apply_batch(tx, &batch, generation).await?;
    *position = batch.last().map_or(*position, |e| e.position);
    if let Some(tx) = own {
        tx.commit().await?;
    }
    Ok(i64::try_from(stored.len())?)
}

async fn drop_table(db: &Db, name: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => pool.execute(format!("DROP TABLE IF EXISTS {name}").as_str()).await.map(|_| ()))
}

/// Creates the next generation's empty tables with the current one's schema.
/// A table added by a later migration exists only as its first-generation
/// template; the rebuild is what brings it to a later generation.
async fn clone_schema(db: &Db, base: &str, from: i64, to: i64) -> Result<(), sqlx::Error> {
    let from = if table_exists(db, &table(base, from)).await? {
        from
    } else {
        1
    };
    let (source, target) = (table(base, from), table(base, to));
    match db {
        Db::MySql(pool) => pool
            .execute(format!("CREATE TABLE {target} LIKE {source}").as_str())
            .await
            .map(|_| ()),
        Db::Sqlite(pool) => {
            // Tables first, then their indexes; every name carries the suffix.
            let statements: Vec<String> = sqlx::query_scalar(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END",
            )
            .bind(&source)
            .fetch_all(pool)
            .await?;
            for statement in statements {
                pool.execute(statement.replace(&source, &target).as_str())
                    .await?;
            }
            Ok(())
        }
    }
}

async fn table_exists(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    let found: i64 = match db {
        Db::MySql(pool) => {
            sqlx::query_scalar(
                "SELECT CAST(COUNT(*) AS SIGNED) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
            )
            .bind(name)
            .fetch_one(pool)
            .await?
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
                .bind(name)
                .fetch_one(pool)
                .await?
        }
    };
    Ok(found > 0)
}
