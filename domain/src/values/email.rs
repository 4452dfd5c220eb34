//! Customer email addresses.

use serde::{Deserialize, Serialize};

use super::ValueError;

/// A syntactically valid address of at most 100 characters.
///
/// The domain is lower-cased (it is case-insensitive); the local part is kept as
/// typed, since some mail systems treat it case-sensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerEmail(String);

impl CustomerEmail {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValueError::Required);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        let (local, domain) = text.rsplit_once('@').ok_or(ValueError::InvalidEmail)?;
        if !valid_local(local) || !valid_domain(domain) {
            return Err(ValueError::InvalidEmail);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for matching: the whole address lower-cased.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// The dot-atom form of RFC 5322, which is what real customers type. Quoted
/// local parts are refused: they are legal but in practice only seen in abuse.
fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-.";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "taro@example.jp",
            "taro.yamada+sale@mail.example.co.jp",
            "a_b-c@x-y.example",
        ] {
            assert!(CustomerEmail::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lowercases_the_domain_only() {
        let email = CustomerEmail::parse(" Taro@Example.JP ").expect("valid");
        assert_eq!(email.as_str(), "Taro@example.jp");
        assert_eq!(email.normalized(), "taro@example.jp");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "taro",
            "@example.jp",
            "taro@",
            "taro@localhost",
            "taro@@example.jp",
            "ta ro@example.jp",
            ".taro@example.jp",
            "taro.@example.jp",
            "ta..ro@example.jp",
            "taro@-example.jp",
            "taro@example..jp",
            "たろう@example.jp",
            "taro@例え.jp",
            "a@b.c\r\nBcc: x@y.z",
        ] {
            assert_eq!(
                CustomerEmail::parse(bad),
                Err(ValueError::InvalidEmail),
                "{bad}"
            );
        }
    }

    #[test]
    fn limits_length_to_100_characters() {
        let long = format!("{}@example.jp", "a".repeat(89));
        assert_eq!(long.len(), 100);
        let too_long = format!("{}@example.jp", "a".repeat(90));
        assert!(CustomerEmail::parse(&long).is_err()); // local part over 64
        assert_eq!(
            CustomerEmail::parse(&too_long),
            Err(ValueError::TooLong { max: 100 })
        );
    }
}
