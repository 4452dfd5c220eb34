//! Console sessions, kept in the database with tower-sessions' sqlx store so
//! any replica can serve any request and a restart signs nobody out.
//!
//! The table is created by our migrations (the store's own `migrate` would
//! need the right to create schemas), in the layout the store expects.

use async_trait::async_trait;
use command_api::db::Db;
use time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{MySqlStore, SqliteStore};

/// Signed-in employees are signed out after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
pub const COOKIE_NAME: &str = "madoguchi_session";
const TABLE: &str = "console_sessions";

/// The store for whichever database the service runs on.
#[derive(Debug, Clone)]
pub enum Store {
    MySql(MySqlStore),
    Sqlite(SqliteStore),
}

impl Store {
    pub async fn new(db: &Db) -> anyhow::Result<Self> {
        Ok(match db {
            Db::MySql(pool) => {
                // The store names its table `schema`.`table`; ours lives in
                // the service's own database.
                let schema: String = sqlx::query_scalar("SELECT DATABASE()")
                    .fetch_one(pool)
                    .await?;
                Store::MySql(
                    MySqlStore::new(pool.clone())
                        .with_schema_name(schema)
                        .map_err(anyhow::Error::msg)?
                        .with_table_name(TABLE)
                        .map_err(anyhow::Error::msg)?,
                )
            }
            Db::Sqlite(pool) => Store::Sqlite(
                SqliteStore::new(pool.clone())
                    .with_table_name(TABLE)
                    .map_err(anyhow::Error::msg)?,
            ),
        })
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Store::MySql(s) => s.create(record).await,
            Store::Sqlite(s) => s.create(record).await,
        }
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Store::MySql(s) => s.save(record).await,
            Store::Sqlite(s) => s.save(record).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Store::MySql(s) => s.load(id).await,
            Store::Sqlite(s) => s.load(id).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Store::MySql(s) => s.delete(id).await,
            Store::Sqlite(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Store::MySql(s) => s.delete_expired().await,
            Store::Sqlite(s) => s.delete_expired().await,
        }
    }
}

/// The session layer: HttpOnly, SameSite=Lax, Secure when served over TLS
/// (behind the load balancer, which terminates it), and an idle timeout that
/// every request renews.
pub fn layer(store: Store, secure: bool) -> SessionManagerLayer<Store> {
    SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(IDLE_TIMEOUT))
        // Saving on every request is what makes the timeout an idle one.
        .with_always_save(true)
}
