//! Free-text values with length limits counted in characters, not bytes,
//! because a Japanese subject of 200 characters is 600 bytes of UTF-8.

use serde::{Deserialize, Serialize};

use super::ValueError;

/// Trims, then checks presence, length and control characters.
///
/// Line breaks and tabs are allowed only where `multiline` says so; every other
/// control character is refused, since it is never typed by a person and can
/// break mail headers or terminals.
fn parse_text(raw: &str, max: usize, multiline: bool) -> Result<String, ValueError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValueError::Required);
    }
    if text.chars().count() > max {
        return Err(ValueError::TooLong { max });
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(ValueError::ControlCharacter);
    }
    Ok(text.to_owned())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, max = $max:expr, multiline = $multi:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                parse_text(raw, Self::MAX_CHARS, $multi).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_value!(
    /// A ticket or mail subject: one line, at most 200 characters.
    Subject, max = 200, multiline = false
);
text_value!(
    /// An inquiry or reply body. The limit stops abuse, not customers.
    Body, max = 20_000, multiline = true
);
text_value!(
    /// The customer's name as they gave it, at most 100 characters.
    CustomerName, max = 100, multiline = false
);
text_value!(
    /// An internal note. Never sent to a customer.
    NoteBody, max = 10_000, multiline = true
);
text_value!(
    /// The shop's order number, at most 50 characters. Optional on every form.
    OrderNumber, max = 50, multiline = false
);

impl OrderNumber {
    /// An empty field means "no order number", not an error.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, ValueError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => Self::parse(text).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_counts_characters_not_bytes() {
        let ok = "返".repeat(200);
        assert_eq!(
            Subject::parse(&ok).map(|s| s.as_str().chars().count()),
            Ok(200)
        );
        assert_eq!(
            Subject::parse(&"返".repeat(201)),
            Err(ValueError::TooLong { max: 200 })
        );
    }

    #[test]
    fn blank_text_is_required() {
        assert_eq!(Subject::parse("  \u{3000} "), Err(ValueError::Required));
    }

    #[test]
    fn control_characters_are_refused_but_body_keeps_line_breaks() {
        assert_eq!(
            Subject::parse("件名\n改行"),
            Err(ValueError::ControlCharacter)
        );
        assert_eq!(
            Subject::parse("bell\u{7}"),
            Err(ValueError::ControlCharacter)
        );
        assert!(Body::parse("一行目\r\n二行目\tタブ").is_ok());
        assert_eq!(Body::parse("nul\u{0}"), Err(ValueError::ControlCharacter));
    }

    #[test]
    fn empty_order_number_means_none() {
        assert_eq!(OrderNumber::parse_optional(Some("  ")), Ok(None));
        assert_eq!(OrderNumber::parse_optional(None), Ok(None));
        assert!(OrderNumber::parse_optional(Some(&"1".repeat(51))).is_err());
    }
}
