//! The list's n-gram index (`rm_search_docs`, `rm_search_grams`): which
//! tickets hold each gram of their search text ([`crate::search::grams`]).
//!
//! A batch numbers the tickets it opens in the order they opened, so a
//! rebuild numbers them exactly as the live worker did. Each changed
//! ticket's grams before and after the batch are compared: new ones are
//! OR-ed into their rows, lost ones (only an erasure loses text) cleared.

use std::collections::{BTreeMap, HashMap};

use super::table;
use crate::on_tx;
use crate::search::grams::{grams, missing_from, slot};
use crate::tx::{Cell, OnConflict, Tx};

/// The index changes of one batch.
pub struct Pending {
    /// The doc of each of the batch's tickets that has one.
    docs: HashMap<String, i64>,
    next_doc: i64,
    /// Tickets numbered by this batch.
    numbered: Vec<(i64, String)>,
    /// Bits to set, per (block, gram).
    added: HashMap<(i64, i64), i64>,
    /// Grams to clear, per (block, bit).
    cleared: BTreeMap<(i64, i64), Vec<i64>>,
}

impl Pending {
    /// The docs of the given tickets, and the next free one.
    pub async fn load(tx: &mut Tx, generation: i64, ids: &[&str]) -> Result<Self, sqlx::Error> {
        let docs_table = table("rm_search_docs", generation);
        let known: Vec<(String, i64)> = tx
            .rows_by_key("ticket_id, doc", &docs_table, "ticket_id", ids)
            .await?;
        let sql = format!("SELECT CAST(COALESCE(MAX(doc) + 1, 0) AS SIGNED) FROM {docs_table}");
        let next_doc: i64 = on_tx!(tx, t => sqlx::query_scalar(&sql).fetch_one(&mut **t).await)?;
        Ok(Self {
            docs: known.into_iter().collect(),
            next_doc,
            numbered: Vec::new(),
            added: HashMap::new(),
            cleared: BTreeMap::new(),
        })
    }

    /// Gives a ticket that just opened the next doc.
    pub fn opened(&mut self, ticket_id: &str) {
        if self.docs.contains_key(ticket_id) {
            return;
        }
        self.docs.insert(ticket_id.to_owned(), self.next_doc);
        self.numbered.push((self.next_doc, ticket_id.to_owned()));
        self.next_doc += 1;
    }

    /// Records how a ticket's search text changed over the batch.
    pub fn changed(&mut self, ticket_id: &str, before: &str, after: &str) {
        // A ticket opened before this index existed has no doc; the
        // projection's shape tells readers the index is incomplete.
        let Some(&doc) = self.docs.get(ticket_id) else {
            return;
        };
        if before == after {
            return;
        }
        let (block, bit) = slot(doc);
        let (old, new) = (grams(before), grams(after));
        for gram in missing_from(&new, &old) {
            *self.added.entry((block, gram)).or_default() |= bit;
        }
        let lost = missing_from(&old, &new);
        if !lost.is_empty() {
            self.cleared.entry((block, bit)).or_default().extend(lost);
        }
    }

    pub async fn write(self, tx: &mut Tx, generation: i64) -> Result<(), sqlx::Error> {
        let numbered: Vec<Vec<Cell<'_>>> = self
            .numbered
            .iter()
            .map(|(doc, ticket)| vec![Cell::Int(*doc), Cell::Text(ticket)])
            .collect();
        tx.insert_rows(
            &table("rm_search_docs", generation),
            &["doc", "ticket_id"],
            OnConflict::Fail,
            &numbered,
        )
        .await?;
        let grams_table = table("rm_search_grams", generation);
        for ((block, bit), lost) in &self.cleared {
            clear(tx, &grams_table, *block, *bit, lost).await?;
        }
        // In key order, so the writes walk the primary key instead of jumping.
        let mut added: Vec<((i64, i64), i64)> = self.added.into_iter().collect();
        added.sort_unstable();
        let added: Vec<Vec<Cell<'_>>> = added
            .iter()
            .map(|((block, gram), bits)| {
                vec![Cell::Int(*block), Cell::Int(*gram), Cell::Int(*bits)]
            })
            .collect();
        tx.insert_rows(
            &grams_table,
            &["block", "gram", "bits"],
            OnConflict::BitOr(&["block", "gram"], "bits"),
            &added,
        )
        .await
    }
}

/// Clears one doc's bit from the rows of the grams it lost, and drops rows
/// left empty, so the index holds exactly what a rebuild would.
async fn clear(
    tx: &mut Tx,
    grams_table: &str,
    block: i64,
    bit: i64,
    lost: &[i64],
) -> Result<(), sqlx::Error> {
    for chunk in lost.chunks(500) {
        let list = vec!["?"; chunk.len()].join(", ");
        let update = format!(
            "UPDATE {grams_table} SET bits = bits & ? WHERE block = ? AND gram IN ({list})"
        );
        on_tx!(tx, t => {
            let mut query = sqlx::query(&update).bind(!bit).bind(block);
            for gram in chunk {
                query = query.bind(*gram);
            }
            query.execute(&mut **t).await.map(|_| ())
        })?;
        let delete =
            format!("DELETE FROM {grams_table} WHERE bits = 0 AND block = ? AND gram IN ({list})");
        on_tx!(tx, t => {
            let mut query = sqlx::query(&delete).bind(block);
            for gram in chunk {
                query = query.bind(*gram);
            }
            query.execute(&mut **t).await.map(|_| ())
        })?;
    }
    Ok(())
}
