//! Text normalization shared by indexing and querying, so both sides agree:
//! NFKC (full-width Latin and half-width kana become their ordinary forms)
//! then lower case. `ＲＥＦＵＮＤ` finds `refund`, `ﾍﾝｷﾝ` finds `ヘンキン`.

use unicode_normalization::UnicodeNormalization;

pub fn normalize(text: &str) -> String {
    text.nfkc().collect::<String>().to_lowercase()
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
    }
}
