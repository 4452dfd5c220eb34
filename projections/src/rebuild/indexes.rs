//! Secondary indexes are dropped from a rebuild's new tables while the log
//! is replayed into them and built again once, sorted, at the end: keeping
//! seven indexes of a million rows current row by row is most of what a
//! replay costs, and building them from sorted data is cheap.
//!
//! Only the new generation's tables are touched; nobody reads them until the
//! switch, and the switch happens only after [`restore`].

use command_api::db::Db;
use sqlx::Executor;

/// How to build one table's dropped indexes again.
#[derive(Debug)]
pub struct Deferred {
    table: String,
    /// MariaDB: `ADD [UNIQUE] INDEX name (columns)` clauses; SQLite: the
    /// `CREATE INDEX` statements.
    definitions: Vec<String>,
}

/// Drops the secondary indexes of `tables`, except those whose names end in
/// one of `keep` (the replay reads through them), returning what rebuilds
/// them.
pub async fn defer(
    db: &Db,
    tables: &[String],
    keep: &[&str],
) -> Result<Vec<Deferred>, sqlx::Error> {
    let dropped = |name: &str| !keep.iter().any(|ending| name.ends_with(ending));
    let mut deferred = Vec::with_capacity(tables.len());
    for table in tables {
        let (names, definitions): (Vec<String>, Vec<String>) = match db {
            Db::MySql(pool) => {
                let columns: Vec<(String, i64, String, Option<i64>)> = sqlx::query_as(
                    "SELECT index_name, CAST(non_unique AS SIGNED), column_name, CAST(sub_part AS SIGNED) \
                     FROM information_schema.statistics \
                     WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY' \
                     ORDER BY index_name, seq_in_index",
                )
                .bind(table)
                .fetch_all(pool)
                .await?;
                let mut indexes: Vec<(String, bool, Vec<String>)> = Vec::new();
                for (name, non_unique, column, prefix) in columns {
                    let column = match prefix {
                        Some(length) => format!("{column}({length})"),
                        None => column,
                    };
                    match indexes.last_mut() {
                        Some((last, _, columns)) if *last == name => columns.push(column),
                        _ => indexes.push((name, non_unique == 0, vec![column])),
                    }
                }
                indexes.retain(|(name, ..)| dropped(name));
                let names: Vec<String> = indexes.iter().map(|(n, ..)| n.clone()).collect();
                let definitions = indexes
                    .into_iter()
                    .map(|(name, unique, columns)| {
                        format!(
                            "ADD {}INDEX {name} ({})",
                            if unique { "UNIQUE " } else { "" },
                            columns.join(", ")
                        )
                    })
                    .collect();
                (names, definitions)
            }
            Db::Sqlite(pool) => {
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                )
                .bind(table)
                .fetch_all(pool)
                .await?;
                rows.into_iter().filter(|(name, _)| dropped(name)).unzip()
            }
        };
        if names.is_empty() {
            continue;
        }
        match db {
            Db::MySql(pool) => {
                let drops: Vec<String> = names.iter().map(|n| format!("DROP INDEX {n}")).collect();
                pool.execute(format!("ALTER TABLE {table} {}", drops.join(", ")).as_str())
                    .await?;
            }
            Db::Sqlite(pool) => {
                for name in &names {
                    pool.execute(format!("DROP INDEX {name}").as_str()).await?;
                }
            }
        }
        deferred.push(Deferred {
            table: table.clone(),
            definitions,
        });
    }
    Ok(deferred)
}

/// Builds the dropped indexes again, all of a table's in one pass.
pub async fn restore(db: &Db, deferred: Vec<Deferred>) -> Result<(), sqlx::Error> {
    for Deferred { table, definitions } in deferred {
        match db {
            Db::MySql(pool) => {
                pool.execute(format!("ALTER TABLE {table} {}", definitions.join(", ")).as_str())
                    .await?;
            }
            Db::Sqlite(pool) => {
                for statement in definitions {
                    pool.execute(statement.as_str()).await?;
                }
            }
        }
    }
    Ok(())
}
