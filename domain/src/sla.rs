//! Service levels in business time: Japanese business hours (JST, weekdays,
//! public holidays and the year-end closure), and per-priority targets.
//!
//! The calendar is data compiled in (`domain/data/`), versioned, and never
//! fetched: the same inputs always give the same due time.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

use crate::Priority;
use crate::values::JST;

const HOLIDAYS: &str = include_str!("../data/jp-holidays.json");
const HOURS: &str = include_str!("../data/business-hours.json");

/// Which promise a breach broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaKind {
    FirstResponse,
    Resolution,
}

/// Targets in business minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub first_response: i64,
    pub resolution: i64,
}

/// The targets of every priority: what admins configure (stored in
/// `sla_policies`); [`Policy::default`] is what a new desk starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Indexed by [`Priority::rank`] - 1: low, medium, high, urgent.
    by_rank: [Targets; 4],
}

impl Default for Policy {
    /// The more urgent, the sooner (a business day is 9 hours).
    fn default() -> Self {
        let t = |first_response, resolution| Targets {
            first_response,
            resolution,
        };
        Self {
            by_rank: [
                t(2 * 9 * 60, 10 * 9 * 60),
                t(9 * 60, 5 * 9 * 60),
                t(4 * 60, 2 * 9 * 60),
                t(60, 8 * 60),
            ],
        }
    }
}

impl Policy {
    pub fn targets(&self, priority: Priority) -> Targets {
        self.by_rank[Self::index(priority)]
    }

    /// The policy with `priority`'s targets replaced.
    pub fn with(mut self, priority: Priority, targets: Targets) -> Self {
        self.by_rank[Self::index(priority)] = targets;
        self
    }

    fn index(priority: Priority) -> usize {
        usize::try_from(priority.rank() - 1)
            .unwrap_or_default()
            .min(3)
    }
}

#[derive(Deserialize)]
struct HolidayFile {
    version: String,
    holidays: Vec<HolidayEntry>,
}

#[derive(Deserialize)]
struct HolidayEntry {
    date: String,
}

#[derive(Deserialize)]
struct HoursFile {
    open: String,
    close: String,
    year_end_closure: Closure,
}

#[derive(Deserialize)]
struct Closure {
    from: String,
    to: String,
}

/// When the support desk is open.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    pub version: String,
    holidays: HashSet<Date>,
    open: Time,
    close: Time,
    /// (month, day) of the closure's first and last day, inclusive.
    closure: ((u8, u8), (u8, u8)),
}

fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.split_once(':')?;
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

fn parse_month_day(text: &str) -> Option<(u8, u8)> {
    let (m, d) = text.split_once('-')?;
    Some((m.parse().ok()?, d.parse().ok()?))
}

static JAPAN: std::sync::LazyLock<BusinessCalendar> =
    std::sync::LazyLock::new(BusinessCalendar::japan);

impl BusinessCalendar {
    /// The compiled-in calendar, parsed once per process.
    pub fn shared() -> &'static BusinessCalendar {
        &JAPAN
    }

    /// The calendar compiled into this build.
    pub fn japan() -> Self {
        let holidays: HolidayFile = serde_json::from_str(HOLIDAYS).unwrap_or(HolidayFile {
            version: "missing".into(),
            holidays: Vec::new(),
        });
        let hours: Option<HoursFile> = serde_json::from_str(HOURS).ok();
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Self {
            version: holidays.version,
            holidays: holidays
                .holidays
                .iter()
                .filter_map(|h| Date::parse(&h.date, format).ok())
                .collect(),
            open: hours
                .as_ref()
                .and_then(|h| parse_time(&h.open))
                .unwrap_or(time::macros::time!(9:00)),
            close: hours
                .as_ref()
                .and_then(|h| parse_time(&h.close))
                .unwrap_or(time::macros::time!(18:00)),
            closure: hours
                .as_ref()
                .and_then(|h| {
                    Some((
                        parse_month_day(&h.year_end_closure.from)?,
                        parse_month_day(&h.year_end_closure.to)?,
                    ))
                })
                .unwrap_or(((12, 29), (1, 3))),
        }
    }

    pub fn is_business_day(&self, date: Date) -> bool {
        let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
        let md = (u8::from(date.month()), date.day());
        let ((from_m, from_d), (to_m, to_d)) = self.closure;
        // The closure wraps over New Year: on or after its start, or on or before its end.
        let closed = md >= (from_m, from_d) || md <= (to_m, to_d);
        !weekend && !closed && !self.holidays.contains(&date)
    }

    /// `start` plus `minutes` of business time, in UTC.
    pub fn add_business_minutes(&self, start: OffsetDateTime, minutes: i64) -> OffsetDateTime {
        let mut at = start.to_offset(JST);
        let mut left = minutes.max(0);
        // Bounded: a year of closed days cannot occur.
        for _ in 0..800 {
            let date = at.date();
            let open = PrimitiveDateTime::new(date, self.open).assume_offset(JST);
            let close = PrimitiveDateTime::new(date, self.close).assume_offset(JST);
            if self.is_business_day(date) && at < close {
                let from = at.max(open);
                let available = (close - from).whole_minutes();
                if left <= available {
                    return (from + Duration::minutes(left)).to_offset(time::UtcOffset::UTC);
                }
                left -= available;
            }
            let next = date.next_day().unwrap_or(date);
            at = PrimitiveDateTime::new(next, Time::MIDNIGHT).assume_offset(JST);
        }
        at.to_offset(time::UtcOffset::UTC)
    }
}

/// A target that has passed and is not yet recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub kind: SlaKind,
    pub cycle: u32,
    pub target_minutes: i64,
    pub due_at: OffsetDateTime,
}

/// The breaches a ticket's history shows at `now` that are not recorded yet.
pub fn breaches(
    history: &[(crate::TicketEvent, OffsetDateTime)],
    calendar: &BusinessCalendar,
    policy: &Policy,
    now: OffsetDateTime,
) -> Vec<Breach> {
    let (passed, recorded) = passed_and_recorded(history, calendar, policy, now);
    passed
        .into_iter()
        .filter(|b| !recorded.contains(&(b.kind, b.cycle)))
        .collect()
}

/// Every target of an open ticket that has passed at `now`, recorded or not:
/// what the "breached and still open" gauge counts.
pub fn passed(
    history: &[(crate::TicketEvent, OffsetDateTime)],
    calendar: &BusinessCalendar,
    policy: &Policy,
    now: OffsetDateTime,
) -> Vec<Breach> {
    passed_and_recorded(history, calendar, policy, now).0
}

/// The clock for the first answer starts at receipt; the resolution clock
/// restarts at each reopen (a new cycle). Targets follow the ticket's
/// current priority.
fn passed_and_recorded(
    history: &[(crate::TicketEvent, OffsetDateTime)],
    calendar: &BusinessCalendar,
    policy: &Policy,
    now: OffsetDateTime,
) -> (Vec<Breach>, Vec<(SlaKind, u32)>) {
    use crate::{Status, TicketEvent};
    let (mut received, mut priority, mut status) = (None, Priority::Medium, Status::New);
    let (mut answered, mut cycle, mut cycle_start) = (false, 0u32, None);
    let mut recorded: Vec<(SlaKind, u32)> = Vec::new();
    for (event, at) in history {
        match event {
            TicketEvent::TicketOpened {
                received_at,
                priority: p,
                ..
            } => {
                received = Some(*received_at);
                cycle_start = Some(*received_at);
                priority = *p;
            }
            TicketEvent::PriorityChanged { to, .. } | TicketEvent::PriorityRaised { to, .. } => {
                priority = *to
            }
            TicketEvent::ReplyQueued { .. } => answered = true,
            TicketEvent::StatusChanged { from, to } => {
                if matches!(from, Status::Resolved | Status::Closed) && *to == Status::InProgress {
                    cycle += 1;
                    cycle_start = Some(*at);
                }
                status = *to;
            }
            TicketEvent::SlaBreached { kind, cycle, .. } => recorded.push((*kind, *cycle)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    if !status.is_open() {
        return (found, recorded);
    }
    let targets = policy.targets(priority);
    let mut check = |kind, cycle, start: Option<OffsetDateTime>, minutes| {
        let Some(start) = start else { return };
        let due_at = calendar.add_business_minutes(start, minutes);
        if now > due_at {
            found.push(Breach {
                kind,
                cycle,
                target_minutes: minutes,
                due_at,
            });
        }
    };
    if !answered {
        check(SlaKind::FirstResponse, 0, received, targets.first_response);
    }
    check(SlaKind::Resolution, cycle, cycle_start, targets.resolution);
    (found, recorded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn cal() -> BusinessCalendar {
        BusinessCalendar::japan()
    }

    #[test]
    fn the_calendar_knows_weekends_holidays_and_the_year_end() {
        let c = cal();
        assert!(c.version.starts_with("2026"));
        assert!(c.is_business_day(time::macros::date!(2026 - 11 - 24)));
        assert!(
            !c.is_business_day(time::macros::date!(2026 - 11 - 23)),
            "勤労感謝の日"
        );
        assert!(
            !c.is_business_day(time::macros::date!(2026 - 11 - 28)),
            "Saturday"
        );
        assert!(
            !c.is_business_day(time::macros::date!(2026 - 12 - 30)),
            "year-end closure"
        );
        assert!(
            !c.is_business_day(time::macros::date!(2027 - 01 - 02)),
            "year-end closure"
        );
        assert!(c.is_business_day(time::macros::date!(2026 - 12 - 28)));
    }

    #[test]
    fn business_time_skips_the_night_the_weekend_and_a_holiday() {
        // Friday 2026-11-20 17:00 JST + 4 business hours: one hour on Friday,
        // then Saturday, Sunday and Monday (a holiday) are skipped.
        let start = datetime!(2026-11-20 17:00 +9);
        assert_eq!(
            cal().add_business_minutes(start, 240),
            datetime!(2026-11-24 12:00 +9)
        );
        // Received at night: the clock starts at opening time.
        assert_eq!(
            cal().add_business_minutes(datetime!(2026-11-24 22:30 +9), 30),
            datetime!(2026-11-25 09:30 +9)
        );
        // Before the year-end closure, resuming on 4 January.
        assert_eq!(
            cal().add_business_minutes(datetime!(2026-12-28 17:30 +9), 60),
            datetime!(2027-01-04 09:30 +9)
        );
    }
}
