//! A read-model transaction on either backend, and the few statements whose
//! dialects differ.

use command_api::db::Db;
use sqlx::{MySql, Sqlite, Transaction};

pub enum Tx {
    MySql(Transaction<'static, MySql>),
    Sqlite(Transaction<'static, Sqlite>),
}

/// Runs one body against whichever transaction `tx` holds (see `on_pool!`).
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $t:ident => $body:expr) => {
        match $tx {
            $crate::tx::Tx::MySql($t) => $body,
            $crate::tx::Tx::Sqlite($t) => $body,
        }
    };
}

impl Tx {
    pub async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        Ok(match db {
            Db::MySql(pool) => Tx::MySql(pool.begin().await?),
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
        })
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        on_tx!(self, t => t.commit().await)
    }

    /// `count = count + delta` on the row with this key, creating it at `delta`.
    pub async fn add_to_counter(
        &mut self,
        table: &str,
        key_columns: &[&str],
        key: &[CounterKey<'_>],
        column: &str,
        delta: i64,
    ) -> Result<(), sqlx::Error> {
        let columns = key_columns.join(", ");
        let marks = vec!["?"; key_columns.len() + 1].join(", ");
        let sql = match self {
            Tx::MySql(_) => format!(
                "INSERT INTO {table} ({columns}, {column}) VALUES ({marks}) ON DUPLICATE KEY UPDATE {column} = {column} + VALUES({column})"
            ),
            Tx::Sqlite(_) => format!(
                "INSERT INTO {table} ({columns}, {column}) VALUES ({marks}) ON CONFLICT ({columns}) DO UPDATE SET {column} = {column} + excluded.{column}"
            ),
        };
        on_tx!(self, t => {
            let mut query = sqlx::query(&sql);
            for part in key {
                query = match part {
                    CounterKey::Text(s) => query.bind(*s),
                    CounterKey::Int(i) => query.bind(*i),
                    CounterKey::Bool(b) => query.bind(*b),
                };
            }
            query.bind(delta).execute(&mut **t).await.map(|_| ())
        })
    }
}

/// One part of a counter row's key.
#[derive(Debug, Clone, Copy)]
pub enum CounterKey<'a> {
    Text(&'a str),
    Int(i64),
    Bool(bool),
}
