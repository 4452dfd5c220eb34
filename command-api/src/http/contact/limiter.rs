//! A per-client limit on form submissions (20 an hour and 240 a day by
//! default), kept in memory. Each task counts on its own, so the effective
//! limit is per task; the WAF's rate rule in front is the shared backstop.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::http::AppState;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_hour: u32,
    pub per_day: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_hour: 20,
            per_day: 240,
        }
    }
}

#[derive(Debug, Default)]
struct Counts {
    hour_start: i64,
    hour: u32,
    day_start: i64,
    day: u32,
}

#[derive(Debug, Clone, Default)]
pub struct RateLimit {
    limits: Limits,
    counts: Arc<Mutex<HashMap<IpAddr, Counts>>>,
}

impl RateLimit {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            counts: Arc::default(),
        }
    }

    /// Counts one attempt at `now` (seconds); false when over a limit.
    pub fn allow(&self, client: IpAddr, now: i64) -> bool {
        let Ok(mut counts) = self.counts.lock() else {
            return true;
        };
        if counts.len() > 100_000 {
            // Forget clients whose day has passed, so memory stays bounded.
            counts.retain(|_, c| now - c.day_start < DAY);
        }
        let entry = counts.entry(client).or_default();
        if now - entry.hour_start >= HOUR {
            entry.hour_start = now;
            entry.hour = 0;
        }
        if now - entry.day_start >= DAY {
            entry.day_start = now;
            entry.day = 0;
        }
        if entry.hour >= self.limits.per_hour || entry.day >= self.limits.per_day {
            return false;
        }
        entry.hour += 1;
        entry.day += 1;
        true
    }
}

/// The client's address: the socket peer, or behind the load balancer (when
/// `trust_forwarded` is set) the address it appended to X-Forwarded-For.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.contact.trust_forwarded
            && let Some(forwarded) = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
            // The ALB appends the peer it saw; earlier entries are the client's claim.
            && let Some(last) = forwarded.rsplit(',').next().and_then(|ip| ip.trim().parse().ok())
        {
            return Ok(ClientAddress(Some(last)));
        }
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_an_hour_then_refused_until_the_hour_has_passed() {
        let limit = RateLimit::new(Limits {
            per_hour: 20,
            per_day: 240,
        });
        let client: IpAddr = "203.0.113.9".parse().expect("ip");
        assert!((0..20).all(|i| limit.allow(client, 1_000 + i)));
        assert!(!limit.allow(client, 1_100));
        assert!(
            limit.allow("203.0.113.10".parse().expect("ip"), 1_100),
            "other clients are unaffected"
        );
        assert!(limit.allow(client, 1_000 + HOUR));
    }

    #[test]
    fn the_daily_limit_holds_across_hours() {
        let limit = RateLimit::new(Limits {
            per_hour: 20,
            per_day: 30,
        });
        let client: IpAddr = "198.51.100.1".parse().expect("ip");
        let allowed = (0..50)
            .filter(|i| limit.allow(client, i * HOUR / 10))
            .count();
        assert_eq!(allowed, 30);
    }
}
