//! Text normalization shared by indexing and querying, so both sides agree:
//! NFKC (full-width Latin and half-width kana become their ordinary forms)
//! then lower case. `ＲＥＦＵＮＤ` finds `refund`, `ﾍﾝｷﾝ` finds `ヘンキン`.

pub mod grams;

use unicode_normalization::UnicodeNormalization;

pub fn normalize(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
}

/// The form triage rules match in: [`normalize`], then katakana folded to
/// hiragana, so `ヘンキン`, `ﾍﾝｷﾝ` and `へんきん` are one word.
pub fn fold_for_matching(text: &str) -> String {
    normalize(text)
        .chars()
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// A LIKE pattern matching `term` anywhere, with LIKE's wildcards escaped.
pub fn contains_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in normalize(term.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_case_fold_together() {
        assert_eq!(normalize("ＲＥＦＵＮＤ ﾍﾝｷﾝ"), "refund ヘンキン");
        assert_eq!(contains_pattern(" 返金 "), "%返金%");
        assert_eq!(contains_pattern("100%_off"), "%100\\%\\_off%");
        assert_eq!(
            fold_for_matching("ﾍﾝｷﾝ ヘンキン へんきん"),
            "へんきん へんきん へんきん"
        );
    }
}
