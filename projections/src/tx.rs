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
}

/// One bound value of a multi-row statement.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Bool(bool),
}

impl Cell<'_> {
    /// Roughly how many bytes the value adds to a statement.
    fn size(&self) -> usize {
        match self {
            Cell::Text(s) | Cell::OptText(Some(s)) => s.len() + 4,
            _ => 8,
        }
    }
}

/// What an insert does with a row whose key already exists.
#[derive(Debug, Clone, Copy)]
pub enum OnConflict<'a> {
    /// Nothing may exist: a duplicate is an error.
    Fail,
    /// Replace the other columns: an upsert on this key.
    Replace(&'a [&'a str]),
    /// Add the new row's value of a counter column to the stored one.
    Add(&'a [&'a str], &'a str),
    /// OR the new row's bits of a column into the stored ones.
    BitOr(&'a [&'a str], &'a str),
}

/// Bound values per statement, and bytes per statement, kept well under
/// both backends' limits on bound parameters (MariaDB 65,535, SQLite
/// 32,766) and packet size: narrow rows go many to a statement, since each
/// statement is a round trip.
const VALUES_PER_STATEMENT: usize = 6_000;
const BYTES_PER_STATEMENT: usize = 4 << 20;

impl Tx {
    /// The rows of `table` whose `key` is one of `ids`, as `columns`, in one
    /// query per 500 ids.
    pub async fn rows_by_key<T>(
        &mut self,
        columns: &str,
        table: &str,
        key: &str,
        ids: &[&str],
    ) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::mysql::MySqlRow>
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + Send
            + Unpin,
    {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {columns} FROM {table} WHERE {key} IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let found: Vec<T> = on_tx!(self, t => {
                let mut query = sqlx::query_as(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(&mut **t).await
            })?;
            rows.extend(found);
        }
        Ok(rows)
    }

    /// Inserts `rows` with as few statements as the limits allow, treating
    /// existing keys as `conflict` says.
    pub async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        conflict: OnConflict<'_>,
        rows: &[Vec<Cell<'_>>],
    ) -> Result<(), sqlx::Error> {
        let mut start = 0;
        while start < rows.len() {
            let mut end = start;
            let mut bytes = 0;
            let most = (VALUES_PER_STATEMENT / columns.len().max(1)).max(1);
            while end < rows.len() && end - start < most {
                bytes += rows[end].iter().map(Cell::size).sum::<usize>();
                end += 1;
                if bytes > BYTES_PER_STATEMENT {
                    break;
                }
            }
            self.insert_chunk(table, columns, conflict, &rows[start..end])
                .await?;
            start = end;
        }
        Ok(())
    }

    async fn insert_chunk(
        &mut self,
        table: &str,
        columns: &[&str],
        conflict: OnConflict<'_>,
        rows: &[Vec<Cell<'_>>],
    ) -> Result<(), sqlx::Error> {
        let row = format!("({})", vec!["?"; columns.len()].join(", "));
        let mut sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            vec![row.as_str(); rows.len()].join(", ")
        );
        let mysql = matches!(self, Tx::MySql(_));
        // MariaDB names the incoming row VALUES(c), SQLite excluded.c.
        let incoming = |c: &str| {
            if mysql {
                format!("VALUES({c})")
            } else {
                format!("excluded.{c}")
            }
        };
        let (key, sets): (&[&str], Vec<String>) = match conflict {
            OnConflict::Fail => (&[], Vec::new()),
            OnConflict::Replace(key) => (
                key,
                columns
                    .iter()
                    .filter(|c| !key.contains(c))
                    .map(|c| format!("{c} = {}", incoming(c)))
                    .collect(),
            ),
            OnConflict::Add(key, column) => (
                key,
                vec![format!("{column} = {column} + {}", incoming(column))],
            ),
            OnConflict::BitOr(key, column) => (
                key,
                vec![format!("{column} = {column} | {}", incoming(column))],
            ),
        };
        if !sets.is_empty() {
            if mysql {
                sql.push_str(&format!(" ON DUPLICATE KEY UPDATE {}", sets.join(", ")));
            } else {
                sql.push_str(&format!(
                    " ON CONFLICT ({}) DO UPDATE SET {}",
                    key.join(", "),
                    sets.join(", ")
                ));
            }
        }
        on_tx!(self, t => {
            let mut query = sqlx::query(&sql);
            for cell in rows.iter().flatten() {
                query = match *cell {
                    Cell::Int(i) => query.bind(i),
                    Cell::OptInt(i) => query.bind(i),
                    Cell::Text(s) => query.bind(s),
                    Cell::OptText(s) => query.bind(s),
                    Cell::Bool(b) => query.bind(b),
                };
            }
            query.execute(&mut **t).await.map(|_| ())
        })
    }
}
