//! The database handle: MariaDB in production, SQLite when embedded.
//!
//! Both backends run the same SQL text wherever the dialects agree, through
//! [`on_pool!`], which type-checks one body once per backend. sqlx's `Any`
//! driver was not used because on MySQL it cannot decode `TEXT` or `BOOLEAN`
//! columns; this keeps native types and a single source of each query.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::Executor;
use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/mysql");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");

/// A pool on one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    MySql(MySqlPool),
    Sqlite(SqlitePool),
}

/// Which SQL dialect a statement must be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    MySql,
    Sqlite,
}

/// Runs one body against whichever pool `db` holds. The body is compiled twice,
/// once per backend, so it must only use SQL and types both understand.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::MySql($pool) => $body,
            $crate::db::Db::Sqlite($pool) => $body,
        }
    };
}

/// Pool sizing. MariaDB connections are cheap for the server at this scale;
/// SQLite serializes writers, so a large pool only adds lock waiting.
#[derive(Debug, Clone, Copy)]
pub struct PoolSize {
    pub max_connections: u32,
}

impl Default for PoolSize {
    fn default() -> Self {
        Self {
            max_connections: 16,
        }
    }
}

impl Db {
    /// Connects to `url`: `mysql://…`/`mariadb://…` or `sqlite://…`. A missing
    /// SQLite file (and its folder) is created, for the embedded default.
    pub async fn connect(url: &str, size: PoolSize) -> anyhow::Result<Self> {
        if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            let url = url.replacen("mariadb://", "mysql://", 1);
            let options = MySqlConnectOptions::from_str(&url)
                .context("DATABASE_URL is not a valid MariaDB URL")?
                .charset("utf8mb4")
                .timezone(Some(String::from("+00:00")));
            let pool = MySqlPoolOptions::new()
                .max_connections(size.max_connections)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await
                .context("could not connect to MariaDB")?;
            Ok(Db::MySql(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .context("DATABASE_URL is not a valid SQLite URL")?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: a committed event survives a power cut, not only a crash.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            if let Some(parent) = Path::new(options.get_filename()).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("could not create {}", parent.display()))?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(size.max_connections.min(8))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .context("could not open the SQLite database")?;
            Ok(Db::Sqlite(pool))
        } else {
            anyhow::bail!("DATABASE_URL must start with mysql://, mariadb:// or sqlite:")
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::MySql(_) => Backend::MySql,
            Db::Sqlite(_) => Backend::Sqlite,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::MySql(_) => &MYSQL_MIGRATIONS,
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
        }
    }

    /// Applies pending migrations. Run as its own step (`madoguchi migrate`),
    /// never implicitly by a production service.
    #[tracing::instrument(skip(self))]
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = self.migrator();
        on_pool!(self, pool => migrator.run(pool).await).context("applying migrations failed")
    }

    /// True when every migration this binary knows has been applied.
    #[tracing::instrument(skip(self))]
    pub async fn migrations_current(&self) -> Result<bool, sqlx::Error> {
        let applied: Vec<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE").fetch_all(pool).await
        })
        .or_else(|e| match &e {
            // No migration table yet means nothing was applied.
            sqlx::Error::Database(db) if db.message().contains("_sqlx_migrations") => Ok(Vec::new()),
            _ => Err(e),
        })?;
        Ok(self.migrator().iter().all(|m| applied.contains(&m.version)))
    }

    /// A cheap round trip, for readiness checks.
    #[tracing::instrument(skip(self))]
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_pool!(self, pool => pool.execute("SELECT 1").await.map(|_| ()))
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// The current time as stored: microseconds since the Unix epoch, UTC.
pub fn now_micros() -> i64 {
    to_micros(time::OffsetDateTime::now_utc())
}

pub fn to_micros(at: time::OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

pub fn from_micros(micros: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Whether an error is a unique-key violation, and nothing broader: SQLSTATE
/// 23000 also covers foreign-key and NOT NULL failures, which are not conflicts.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
