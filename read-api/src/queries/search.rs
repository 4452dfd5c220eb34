//! The tickets a keyword search can match, found through the `tickets`
//! projection's n-gram index (`projections::search::grams`), so the list
//! confirms a few candidates with `LIKE` instead of reading every row its
//! filters leave.

use std::collections::{BTreeMap, HashMap};

use command_api::db::Db;
use command_api::on_pool;
use projections::search::grams::{docs_in, term_grams};
use projections::search::normalize;
use projections::tickets::table;
use tracing::instrument;

/// Above this many candidates the list scans in its own order instead: the
/// terms are common enough that a page of matches is only a few rows away,
/// while confirming every candidate would cost more than the scan.
pub const MAX_CANDIDATES: usize = 20_000;

/// Past this many blocks a gram's rows are read whole rather than by block.
const BLOCKS_BY_KEY: usize = 2_000;

/// Once this few docs hold every gram read so far, the rest of the grams are
/// left to `LIKE`: confirming a few hundred rows costs less than reading on.
const ENOUGH: usize = 256;

/// The most recent blocks (of 63 tickets each) read to estimate how common
/// each gram is and how many tickets hold them all.
const SAMPLE_BLOCKS: i64 = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidates {
    /// Only these docs can hold every term; none, when no ticket can.
    Docs(Vec<i64>),
    /// More than the limit: the index does not narrow the search enough.
    TooMany,
}

/// The docs holding every gram of every term, or [`Candidates::TooMany`].
///
/// A sample of the newest blocks first tells how common each gram is and
/// roughly how many tickets hold them all: a search the index cannot narrow
/// (a word in a tenth of all tickets) is known at once, and the others read
/// their rarest gram first, then the next ones only for the blocks still in
/// play, until few candidates are left.
#[instrument(skip(db, terms), fields(grams, estimate, candidates))]
pub async fn candidates(
    db: &Db,
    generation: i64,
    terms: &[String],
    limit: usize,
) -> Result<Candidates, sqlx::Error> {
    let mut grams: Vec<i64> = terms
        .iter()
        .flat_map(|term| term_grams(&normalize(term.trim())))
        .collect();
    grams.sort_unstable();
    grams.dedup();
    tracing::Span::current().record("grams", grams.len());
    if grams.is_empty() {
        return Ok(Candidates::TooMany);
    }
    let grams_table = table("rm_search_grams", generation);
    let top_sql = format!("SELECT CAST(COALESCE(MAX(block), -1) AS SIGNED) FROM {grams_table}");
    let top: i64 = on_pool!(db, pool => sqlx::query_scalar(&top_sql).fetch_one(pool).await)?;
    let from = (top - SAMPLE_BLOCKS + 1).max(0);
    let sample = Sample::read(db, &grams_table, &grams, from).await?;
    let estimate = sample.estimate(&grams, top + 1 - from, top + 1);
    tracing::Span::current().record("estimate", estimate);
    if estimate > limit.saturating_mul(2) {
        return Ok(Candidates::TooMany);
    }
    grams.sort_by_key(|gram| (sample.docs_with(*gram), *gram));
    // Block → the bits of the docs that held every gram so far.
    let mut held: Option<BTreeMap<i64, i64>> = None;
    for gram in grams {
        let rows = match &held {
            Some(blocks) if blocks.len() <= BLOCKS_BY_KEY => {
                rows_in_blocks(db, &grams_table, gram, blocks).await?
            }
            _ => rows_of(db, &grams_table, gram).await?,
        };
        let next: BTreeMap<i64, i64> = match held {
            None => rows.into_iter().collect(),
            Some(before) => rows
                .into_iter()
                .filter_map(|(block, bits)| {
                    let both = before.get(&block).copied().unwrap_or_default() & bits;
                    (both != 0).then_some((block, both))
                })
                .collect(),
        };
        let found = count(&next);
        held = Some(next);
        if found <= ENOUGH {
            break;
        }
    }
    let held = held.unwrap_or_default();
    let found = count(&held);
    tracing::Span::current().record("candidates", found);
    if found > limit {
        return Ok(Candidates::TooMany);
    }
    Ok(Candidates::Docs(
        held.into_iter()
            .flat_map(|(block, bits)| docs_in(block, bits))
            .collect(),
    ))
}

fn count(held: &BTreeMap<i64, i64>) -> usize {
    held.values().map(|bits| bits.count_ones() as usize).sum()
}

/// The grams' rows in the newest blocks.
struct Sample {
    /// Gram → block → bits.
    rows: HashMap<i64, HashMap<i64, i64>>,
}

impl Sample {
    async fn read(
        db: &Db,
        grams_table: &str,
        grams: &[i64],
        from: i64,
    ) -> Result<Self, sqlx::Error> {
        // Grams are integers of our own; inlined, they need no binds.
        let list: Vec<String> = grams.iter().map(i64::to_string).collect();
        let sql = format!(
            "SELECT gram, block, bits FROM {grams_table} WHERE gram IN ({}) AND block >= ?",
            list.join(", ")
        );
        let found: Vec<(i64, i64, i64)> = on_pool!(db, pool => sqlx::query_as(&sql).persistent(false).bind(from).fetch_all(pool).await)?;
        let mut rows: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
        for (gram, block, bits) in found {
            rows.entry(gram).or_default().insert(block, bits);
        }
        Ok(Self { rows })
    }

    /// How many sampled docs hold the gram.
    fn docs_with(&self, gram: i64) -> usize {
        self.rows.get(&gram).map_or(0, |blocks| {
            blocks.values().map(|b| b.count_ones() as usize).sum()
        })
    }

    /// The docs of the whole index expected to hold every gram, scaled up
    /// from those of the sample that do.
    fn estimate(&self, grams: &[i64], sampled_blocks: i64, all_blocks: i64) -> usize {
        let Some(first) = grams.first().and_then(|g| self.rows.get(g)) else {
            return 0;
        };
        let in_sample: u64 = first
            .iter()
            .map(|(block, bits)| {
                let all = grams[1..].iter().fold(*bits, |acc, gram| {
                    acc & self
                        .rows
                        .get(gram)
                        .and_then(|b| b.get(block))
                        .copied()
                        .unwrap_or_default()
                });
                u64::from(all.count_ones())
            })
            .sum();
        let scaled = in_sample * u64::try_from(all_blocks).unwrap_or_default()
            / u64::try_from(sampled_blocks.max(1)).unwrap_or(1);
        usize::try_from(scaled).unwrap_or(usize::MAX)
    }
}

async fn rows_of(db: &Db, grams_table: &str, gram: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let sql = format!("SELECT block, bits FROM {grams_table} WHERE gram = ?");
    on_pool!(db, pool => sqlx::query_as(&sql).bind(gram).fetch_all(pool).await)
}

async fn rows_in_blocks(
    db: &Db,
    grams_table: &str,
    gram: i64,
    blocks: &BTreeMap<i64, i64>,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    // Block numbers are integers of our own; inlined, they need no binds.
    let list: Vec<String> = blocks.keys().map(i64::to_string).collect();
    let sql = format!(
        "SELECT block, bits FROM {grams_table} WHERE gram = ? AND block IN ({})",
        list.join(", ")
    );
    on_pool!(db, pool => sqlx::query_as(&sql).persistent(false).bind(gram).fetch_all(pool).await)
}
