//! Where each projection stands: its position, the generation of tables it
//! writes, whether it is halted, and who holds its lease.
//!
//! The checkpoint row is also the fence between concurrent workers: a batch
//! moves it with a compare-and-set on (position, generation) inside the same
//! transaction as its read-model writes, so a worker that lost its lease, or
//! a rebuild that switched generations, makes the loser's batch roll back.

use command_api::db::Db;
use command_api::on_pool;
use tracing::instrument;

use crate::tx::Tx;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Checkpoint {
    pub name: String,
    pub position: i64,
    pub generation: i64,
    /// The projection shape its current generation was built with.
    pub shape: i64,
    pub updated_at: i64,
    pub halted_position: Option<i64>,
    pub halted_reason: Option<String>,
    pub lease_holder: Option<String>,
    pub lease_expires_at: Option<i64>,
}

const COLUMNS: &str = "name, position, generation, shape, updated_at, halted_position, halted_reason, lease_holder, lease_expires_at";

#[instrument(skip(db))]
pub async fn load(db: &Db, name: &str) -> Result<Checkpoint, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM projection_checkpoints WHERE name = ?");
    on_pool!(db, pool => sqlx::query_as(&sql).bind(name).fetch_one(pool).await)
}

/// Creates a checkpoint at the start of the log unless it exists: for
/// optional workers, whose checkpoint appears only once they are enabled.
#[instrument(skip(db))]
pub async fn ensure(db: &Db, name: &str) -> Result<(), sqlx::Error> {
    let sql = match db {
        Db::MySql(_) => {
            "INSERT IGNORE INTO projection_checkpoints (name, position, generation, updated_at) VALUES (?, 0, 1, 0)"
        }
        Db::Sqlite(_) => {
            "INSERT OR IGNORE INTO projection_checkpoints (name, position, generation, updated_at) VALUES (?, 0, 1, 0)"
        }
    };
    on_pool!(db, pool => sqlx::query(sql).bind(name).execute(pool).await.map(|_| ()))
}

#[instrument(skip(db))]
pub async fn load_all(db: &Db) -> Result<Vec<Checkpoint>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM projection_checkpoints ORDER BY name");
    on_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Moves the checkpoint from `from` to `to` if nobody else has; false means
/// this batch lost a race and must roll back.
pub async fn advance(
    tx: &mut Tx,
    name: &str,
    generation: i64,
    from: i64,
    to: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let result = crate::on_tx!(tx, t => sqlx::query(
        "UPDATE projection_checkpoints SET position = ?, updated_at = ? WHERE name = ? AND position = ? AND generation = ?",
    )
    .bind(to)
    .bind(now)
    .bind(name)
    .bind(from)
    .bind(generation)
    .execute(&mut **t)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(result == 1)
}

/// Records that the projection cannot pass `position`, and why.
#[instrument(skip(db, reason))]
pub async fn halt(db: &Db, name: &str, position: i64, reason: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("UPDATE projection_checkpoints SET halted_position = ?, halted_reason = ? WHERE name = ?")
        .bind(position)
        .bind(reason)
        .bind(name)
        .execute(pool)
        .await
        .map(|_| ()))
}

pub async fn clear_halt(db: &Db, name: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("UPDATE projection_checkpoints SET halted_position = NULL, halted_reason = NULL WHERE name = ? AND halted_position IS NOT NULL")
        .bind(name)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Takes or renews the lease when it is free, expired, or already ours.
#[instrument(skip(db))]
pub async fn try_lease(
    db: &Db,
    name: &str,
    holder: &str,
    now: i64,
    ttl_micros: i64,
) -> Result<bool, sqlx::Error> {
    let affected = on_pool!(db, pool => sqlx::query(
        "UPDATE projection_checkpoints SET lease_holder = ?, lease_expires_at = ? \
         WHERE name = ? AND (lease_holder IS NULL OR lease_holder = ? OR lease_expires_at < ?)",
    )
    .bind(holder)
    .bind(now + ttl_micros)
    .bind(name)
    .bind(holder)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(affected == 1)
}

/// Gives the lease up on shutdown, so a successor need not wait for expiry.
pub async fn release_lease(db: &Db, name: &str, holder: &str) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("UPDATE projection_checkpoints SET lease_holder = NULL, lease_expires_at = NULL WHERE name = ? AND lease_holder = ?")
        .bind(name)
        .bind(holder)
        .execute(pool)
        .await
        .map(|_| ()))
}
