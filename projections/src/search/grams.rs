//! The vocabulary of the list's n-gram index: which grams a text holds, and
//! how tickets are packed into index rows.
//!
//! MariaDB on RDS has no n-gram parser and no Mroonga, and `LIKE '%…%'`
//! reads every row the filters leave: a word no ticket contains cost seconds
//! at a million tickets. So the `tickets` projection keeps its own index:
//! for every character and every pair of adjacent characters of a ticket's
//! normalized text, which tickets hold it. A one-character term is looked up
//! as itself, a longer one as all of its pairs; the tickets found are then
//! confirmed with `LIKE`, because pairs found apart do not prove the term.
//!
//! Tickets are numbered densely in the order they opened (their "doc"), and
//! one row holds the membership of [`DOCS_PER_BLOCK`] consecutive docs as
//! the bits of a BIGINT: a pair found in every ticket costs one row per 63
//! tickets, not one per ticket, and adding a ticket is an `OR`, never a read.

use std::collections::BTreeSet;

/// Docs per row. 63, not 64: MariaDB's bit operators return unsigned values,
/// and with the sign bit never set `bits | …` stays a valid signed BIGINT on
/// both backends.
pub const DOCS_PER_BLOCK: i64 = 63;

/// The row and the bit that hold `doc`.
pub fn slot(doc: i64) -> (i64, i64) {
    (doc / DOCS_PER_BLOCK, 1 << (doc % DOCS_PER_BLOCK))
}

/// The docs a row's bits stand for.
pub fn docs_in(block: i64, bits: i64) -> impl Iterator<Item = i64> {
    (0..DOCS_PER_BLOCK)
        .filter(move |bit| bits & (1 << bit) != 0)
        .map(move |bit| block * DOCS_PER_BLOCK + bit)
}

/// Whitespace and control characters never take part in a gram: terms are
/// split on whitespace, so no term could ask for them.
fn indexed(c: char) -> bool {
    !c.is_whitespace() && !c.is_control()
}

/// The key of one character.
fn single(c: char) -> i64 {
    // Code points fit in 21 bits. A pair's second character is never U+0000
    // (a control character), so a single character cannot collide with one.
    i64::from(u32::from(c)) << 21
}

/// The key of two adjacent characters.
fn pair(a: char, b: char) -> i64 {
    single(a) | i64::from(u32::from(b))
}

/// Every gram of an already normalized text, sorted and without repeats:
/// each indexed character and each pair of adjacent indexed characters. (A
/// sorted vector, not a set: a rebuild computes this for every ticket.)
pub fn grams(text: &str) -> Vec<i64> {
    let mut found = Vec::with_capacity(text.len());
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if !indexed(c) {
            previous = None;
            continue;
        }
        found.push(single(c));
        if let Some(p) = previous {
            found.push(pair(p, c));
        }
        previous = Some(c);
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The grams of sorted `from` missing from sorted `other`.
pub fn missing_from(from: &[i64], other: &[i64]) -> Vec<i64> {
    let mut rest = other.iter().peekable();
    from.iter()
        .copied()
        .filter(|gram| {
            while rest.next_if(|o| *o < gram).is_some() {}
            rest.peek() != Some(&gram)
        })
        .collect()
}

/// The grams every text containing the normalized `term` must hold: in each
/// run of indexed characters, its pairs, or the character itself when the
/// run is one character long.
pub fn term_grams(term: &str) -> BTreeSet<i64> {
    let mut needed = BTreeSet::new();
    for run in term.split(|c: char| !indexed(c)) {
        let chars: Vec<char> = run.chars().collect();
        match chars.as_slice() {
            [] => {}
            [only] => {
                needed.insert(single(*only));
            }
            _ => needed.extend(chars.windows(2).map(|w| pair(w[0], w[1]))),
        }
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_holds_its_characters_and_adjacent_pairs_within_words() {
        let grams: BTreeSet<i64> = grams("返金 ok").into_iter().collect();
        let expected: BTreeSet<i64> = [
            single('返'),
            single('金'),
            pair('返', '金'),
            single('o'),
            single('k'),
            pair('o', 'k'),
        ]
        .into();
        assert_eq!(grams, expected, "no pair spans the space");
    }

    #[test]
    fn every_term_found_in_a_text_has_its_grams_in_the_texts_grams() {
        let text = "先日注文した商品が届きません。\n返金してほしい taro@example.jp";
        let all: BTreeSet<i64> = grams(text).into_iter().collect();
        for term in [
            "返金",
            "金し",
            "届",
            "商品が届き",
            "taro@example",
            "p",
            "。",
        ] {
            assert!(text.contains(term));
            let needed = term_grams(term);
            assert!(!needed.is_empty());
            assert!(needed.is_subset(&all), "{term}");
        }
        assert!(!term_grams("返品").is_subset(&all));
        // Normalization can put a space inside a term (NFKC of U+00A8 is a
        // space and a combining mark): no pair may span it.
        let spaced: BTreeSet<i64> = grams("ok 返").into_iter().collect();
        assert!(term_grams("ok 返").is_subset(&spaced));
    }

    #[test]
    fn missing_from_is_a_sorted_difference() {
        assert_eq!(missing_from(&[1, 3, 5, 7], &[0, 3, 4, 7, 9]), [1, 5]);
        assert_eq!(missing_from(&[2], &[]), [2]);
        assert_eq!(missing_from(&[], &[2]), Vec::<i64>::new());
        let (old, new) = (grams("返金してほしい"), grams("返金してほしい\n削除済み"));
        let added: BTreeSet<i64> = missing_from(&new, &old).into_iter().collect();
        let expected: BTreeSet<i64> = new.iter().filter(|g| !old.contains(g)).copied().collect();
        assert_eq!(added, expected);
    }

    #[test]
    fn singles_and_pairs_never_share_a_key() {
        let singles: BTreeSet<i64> = ['a', '金', '\u{10FFFF}'].map(single).into();
        let pairs: BTreeSet<i64> = [('a', 'b'), ('金', 'a'), ('a', '\u{10FFFF}')]
            .map(|(a, b)| pair(a, b))
            .into();
        assert!(singles.is_disjoint(&pairs));
    }

    #[test]
    fn a_doc_round_trips_through_its_slot() {
        for doc in [0, 1, 62, 63, 64, 125, 126, 1_000_000] {
            let (block, bit) = slot(doc);
            assert!(bit > 0, "the sign bit stays clear");
            assert_eq!(docs_in(block, bit).collect::<Vec<_>>(), [doc]);
        }
    }
}
