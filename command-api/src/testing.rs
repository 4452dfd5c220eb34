//! Helpers for tests in every crate: a fresh, migrated database per test on
//! each backend. Enabled by the `testing` feature, never in release builds.
//!
//! MariaDB tests read `MADOGUCHI_TEST_MYSQL_URL` (default
//! `mysql://root@127.0.0.1:3306`) and create a database named `mdgt_…` per
//! test; `scripts/test.sh` drops them all after the run. A MariaDB that cannot
//! be reached fails the test: it is never skipped.

use std::path::PathBuf;

use sqlx::Executor;
use uuid::Uuid;

use crate::db::{Db, PoolSize};

/// Prefix of every throwaway test database, so a run can clean up after itself.
pub const TEST_DATABASE_PREFIX: &str = "mdgt_";

pub fn mysql_server_url() -> String {
    std::env::var("MADOGUCHI_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_owned())
}

/// A database that exists for one test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    sqlite_dir: Option<PathBuf>,
}

impl TestDb {
    /// A fresh MariaDB database with every migration applied.
    pub async fn mysql() -> Self {
        let server = mysql_server_url();
        let name = format!("{TEST_DATABASE_PREFIX}{}", Uuid::new_v4().simple());
        let admin = Db::connect(&server, PoolSize { max_connections: 1 })
            .await
            .unwrap_or_else(|e| panic!("MariaDB at {server} is required for this test: {e:#}"));
        if let Db::MySql(pool) = &admin {
            pool.execute(
                format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
                    .as_str(),
            )
            .await
            .unwrap_or_else(|e| panic!("cannot create test database: {e}"));
        }
        admin.close().await;
        let url = format!("{}/{name}", server.trim_end_matches('/'));
        Self::migrated(url, None).await
    }

    /// A fresh SQLite file in its own temporary folder.
    pub async fn sqlite() -> Self {
        let dir =
            std::env::temp_dir().join(format!("{TEST_DATABASE_PREFIX}{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let url = format!("sqlite://{}/madoguchi.db", dir.display());
        Self::migrated(url, Some(dir)).await
    }

    async fn migrated(url: String, sqlite_dir: Option<PathBuf>) -> Self {
        let db = Db::connect(
            &url,
            PoolSize {
                max_connections: 40,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("cannot connect: {e:#}"));
        db.migrate()
            .await
            .unwrap_or_else(|e| panic!("migrations failed: {e:#}"));
        Self {
            db,
            url,
            sqlite_dir,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.sqlite_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// An event store that seals personal data, as every deployment's does,
/// with a master key of its own.
pub fn sealed_store(db: &Db) -> crate::event_store::EventStore {
    let master = crate::vault::MasterKey::from_base64(&crate::vault::MasterKey::generate())
        .unwrap_or_else(|e| panic!("a generated master key is valid: {e}"));
    crate::event_store::EventStore::new(db.clone())
        .with_vault(crate::vault::Vault::new(db.clone(), master))
}

/// Declares one async contract test per backend from a function `fn(Db)`.
#[macro_export]
macro_rules! contract_tests {
    ($($name:ident),* $(,)?) => {
        mod mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let test_db = $crate::testing::TestDb::mysql().await;
                    super::$name(test_db.db.clone()).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let test_db = $crate::testing::TestDb::sqlite().await;
                    super::$name(test_db.db.clone()).await;
                }
            )*
        }
    };
}
