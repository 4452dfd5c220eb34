//! SQL for the read side, in small named functions over the current
//! generation of the read-model tables.

pub mod analytics;
pub mod dashboard;
pub mod detail;
pub mod list;
pub mod search;

use command_api::db::from_micros;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Times go out as RFC 3339 in UTC; pages convert them to JST for people.
pub fn rfc3339(micros: i64) -> String {
    from_micros(micros).format(&Rfc3339).unwrap_or_default()
}

/// `2026/11/28 14:05` in Asia/Tokyo, as the console shows times.
pub fn jst(at: OffsetDateTime) -> String {
    let local = at.to_offset(domain::values::JST);
    format!(
        "{:04}/{:02}/{:02} {:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}
