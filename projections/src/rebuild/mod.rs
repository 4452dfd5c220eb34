//! Rebuilding a projection from position 0 without interrupting readers.
//!
//! The replay fills the next generation of tables (`…_g{n+1}`) while the
//! current generation keeps serving and its worker keeps running. When the
//! replay has caught up, one transaction claims the checkpoint row (which
//! blocks the live worker's next batch), applies the last few events, and
//! switches `generation` and `position` together. Readers and the worker pick
//! up the new generation from the checkpoint row; the old tables stay until
//! the next rebuild so in-flight reads never hit a dropped table.
//!
//! The new tables are filled without their secondary indexes, which are
//! built once at the end ([`indexes`]), and the next batch is read while the
//! current one is written.

mod indexes;

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
    /// The replay has caught up and the indexes are being built.
    pub indexing: bool,
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

    let tables: Vec<String> = projection
        .tables()
        .iter()
        .map(|base| table(base, next))
        .collect();
    let deferred = indexes::defer(db, &tables, projection.replay_indexes()).await?;
    let mut replay = Replay {
        started: Instant::now(),
        position: 0,
        events: 0,
    };
    replay
        .until_caught_up(store, projection.as_ref(), next, &mut progress)
        .await?;
    progress(replay.progress(store.head_position().await?, true));
    indexes::restore(db, deferred).await?;
    // Events that arrived while the indexes were built.
    replay
        .until_caught_up(store, projection.as_ref(), next, &mut progress)
        .await?;
    let Replay {
        mut position,
        mut events,
        ..
    } = replay;

    let mut tx = Tx::begin(db).await?;
    let claimed = crate::on_tx!(&mut tx, t => sqlx::query(
        "UPDATE projection_checkpoints SET generation = ?, position = ?, shape = ?, updated_at = ?, halted_position = NULL, halted_reason = NULL \
         WHERE name = ? AND generation = ?",
    )
    .bind(next)
    .bind(position)
    .bind(projection.shape())
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
        let applied = apply_after(store, projection.as_ref(), &mut tx, next, &mut position).await?;
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

/// The replay before the switch: where it is and how fast it went.
struct Replay {
    started: Instant,
    position: i64,
    events: i64,
}

impl Replay {
    fn progress(&self, head: i64, indexing: bool) -> Progress {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        Progress {
            position: self.position,
            head,
            events_per_second: self.events as f64 / seconds,
            indexing,
        }
    }

    /// Applies batches, each in its own transaction, until the head; the
    /// next batch is read and decoded while the current one is written.
    async fn until_caught_up(
        &mut self,
        store: &EventStore,
        projection: &dyn Projection,
        generation: i64,
        progress: &mut impl FnMut(Progress),
    ) -> anyhow::Result<()> {
        let mut last_report = Instant::now();
        let mut batch = read_after(store, self.position).await?;
        while let Some(last) = batch.last().map(|e| e.position) {
            let write = async {
                let mut tx = Tx::begin(store.db()).await?;
                projection.apply_batch(&mut tx, &batch, generation).await?;
                tx.commit().await?;
                anyhow::Ok(())
            };
            let (written, following) = tokio::join!(write, read_after(store, last));
            written?;
            self.position = last;
            self.events += i64::try_from(batch.len())?;
            batch = following?;
            if last_report.elapsed().as_millis() >= 500 || batch.is_empty() {
                progress(self.progress(store.head_position().await?, false));
                last_report = Instant::now();
            }
        }
        Ok(())
    }
}

/// The decoded batch after `position` (empty at the head).
async fn read_after(store: &EventStore, position: i64) -> anyhow::Result<Vec<Envelope>> {
    let stored = store.read_all(position, BATCH).await?;
    stored
        .iter()
        .map(|row| {
            let (event, metadata) =
                codec::decode(row).map_err(|e| anyhow::anyhow!("rebuild stopped: {e}"))?;
            Ok(Envelope {
                position: row.position,
                ticket_id: row.aggregate_id.clone(),
                sequence: row.sequence,
                event,
                metadata,
            })
        })
        .collect()
}

/// Applies the batch after `position` inside the switch's transaction.
async fn apply_after(
    store: &EventStore,
    projection: &dyn Projection,
    tx: &mut Tx,
    generation: i64,
    position: &mut i64,
) -> anyhow::Result<i64> {
    let batch = read_after(store, *position).await?;
    projection.apply_batch(tx, &batch, generation).await?;
    *position = batch.last().map_or(*position, |e| e.position);
    Ok(i64::try_from(batch.len())?)
}

/// Creates any table of `generation` that a later migration added only as
/// its first-generation template, so the live worker can go on writing.
pub async fn ensure_tables(
    db: &Db,
    projection: &dyn Projection,
    generation: i64,
) -> Result<(), sqlx::Error> {
    for base in projection.tables() {
        if !table_exists(db, &table(base, generation)).await? {
            clone_schema(db, base, generation, generation).await?;
        }
    }
    Ok(())
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
