//! Inquiry numbers (受付番号): `INQ-YYYYMMDD-NNNN`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Japan has had no daylight saving time since 1951, so a fixed offset is exact.
pub const JST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("+09:00 is a valid offset"),
};

/// The number a customer quotes: the JST date of receipt and that day's sequence.
///
/// The sequence has at least four digits and widens past 9,999 (a recall day can
/// exceed it) instead of failing: `INQ-20261128-10000` follows `INQ-20261128-9999`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InquiryNumber {
    date: Date,
    sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InquiryNumberError {
    #[error("受付番号の形式が正しくありません(例: INQ-20261128-0001)。")]
    Malformed,
    #[error("受付番号の連番は1以上です。")]
    ZeroSequence,
}

impl InquiryNumber {
    pub fn new(date: Date, sequence: u32) -> Result<Self, InquiryNumberError> {
        if sequence == 0 {
            return Err(InquiryNumberError::ZeroSequence);
        }
        Ok(Self { date, sequence })
    }

    /// The JST calendar day an instant falls on: the day part of a new number.
    pub fn day_of(instant: OffsetDateTime) -> Date {
        instant.to_offset(JST).date()
    }

    /// The day key used by the per-day sequence, `YYYYMMDD`.
    pub fn day_key(date: Date) -> String {
        format!(
            "{:04}{:02}{:02}",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    }

    pub fn date(&self) -> Date {
        self.date
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for InquiryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INQ-{}-{:04}", Self::day_key(self.date), self.sequence)
    }
}

impl FromStr for InquiryNumber {
    type Err = InquiryNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s
            .trim()
            .strip_prefix("INQ-")
            .ok_or(InquiryNumberError::Malformed)?;
        let (day, seq) = rest.split_once('-').ok_or(InquiryNumberError::Malformed)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        // Four digits at least, and no leading zeros beyond the padding, so
        // every number has exactly one spelling.
        if day.len() != 8
            || !digits(day)
            || seq.len() < 4
            || !digits(seq)
            || (seq.len() > 4 && seq.starts_with('0'))
        {
            return Err(InquiryNumberError::Malformed);
        }
        let num = |range: std::ops::Range<usize>| {
            day[range]
                .parse::<u32>()
                .map_err(|_| InquiryNumberError::Malformed)
        };
        let year = i32::try_from(num(0..4)?).map_err(|_| InquiryNumberError::Malformed)?;
        let month =
            Month::try_from(u8::try_from(num(4..6)?).map_err(|_| InquiryNumberError::Malformed)?)
                .map_err(|_| InquiryNumberError::Malformed)?;
        let day_of_month = u8::try_from(num(6..8)?).map_err(|_| InquiryNumberError::Malformed)?;
        let date = Date::from_calendar_date(year, month, day_of_month)
            .map_err(|_| InquiryNumberError::Malformed)?;
        let sequence = seq
            .parse::<u32>()
            .map_err(|_| InquiryNumberError::Malformed)?;
        Self::new(date, sequence)
    }
}

impl Serialize for InquiryNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for InquiryNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    #[test]
    fn formats_with_four_digits_and_widens_past_9999() {
        let day = date!(2026 - 11 - 28);
        assert_eq!(
            InquiryNumber::new(day, 1).map(|n| n.to_string()),
            Ok("INQ-20261128-0001".into())
        );
        assert_eq!(
            InquiryNumber::new(day, 9999).map(|n| n.to_string()),
            Ok("INQ-20261128-9999".into())
        );
        assert_eq!(
            InquiryNumber::new(day, 10_000).map(|n| n.to_string()),
            Ok("INQ-20261128-10000".into())
        );
    }

    #[test]
    fn the_day_is_the_tokyo_day() {
        // 15:30 UTC on the 27th is 00:30 on the 28th in Tokyo.
        assert_eq!(
            InquiryNumber::day_of(datetime!(2026-11-27 15:30 UTC)),
            date!(2026 - 11 - 28)
        );
        assert_eq!(
            InquiryNumber::day_of(datetime!(2026-11-27 14:59 UTC)),
            date!(2026 - 11 - 27)
        );
    }

    #[test]
    fn refuses_malformed_numbers() {
        for bad in [
            "",
            "INQ-20261128",
            "INQ-2026112-0001",
            "INQ-20261128-001",
            "INQ-20261128-0000",
            "INQ-20261332-0001",
            "INQ-20260230-0001",
            "inq-20261128-0001",
            "INQ-20261128-00001",
            "INQ-20261128-12a4",
            "INQ-+0261128-0001",
        ] {
            assert!(bad.parse::<InquiryNumber>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn display_and_parse_round_trip(days in 0i32..40_000, sequence in 1u32..2_000_000) {
            let date = date!(2000 - 01 - 01) + time::Duration::days(i64::from(days));
            let number = InquiryNumber::new(date, sequence).expect("valid");
            let text = number.to_string();
            prop_assert_eq!(text.parse::<InquiryNumber>(), Ok(number));
            prop_assert!(text.len() >= "INQ-20000101-0001".len());
        }

        #[test]
        fn order_of_text_matches_order_of_numbers_within_a_width(a in 1u32..9999, b in 1u32..9999) {
            let day = date!(2026 - 11 - 28);
            let (x, y) = (InquiryNumber::new(day, a).expect("valid"), InquiryNumber::new(day, b).expect("valid"));
            prop_assert_eq!(x.to_string().cmp(&y.to_string()), x.cmp(&y));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<InquiryNumber>();
        }
    }
}
