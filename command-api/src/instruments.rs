//! What this process has done since it started, for `GET /metrics`:
//! requests by route and status with their latency, events appended, and
//! inbound mail by outcome.
//!
//! Kept in memory per process, as Prometheus counters are: each task's
//! Datadog agent scrapes its own process, and a restart starts from zero
//! (Prometheus and the OpenMetrics check treat that as a counter reset).
//! Labels are route templates and fixed words only, never a path, an
//! address or anything a customer typed, so cardinality stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};

/// Upper bounds of the latency buckets, in seconds: fine below the 10 ms
/// and 30 ms targets, coarse up to the 1 s and 3 s SLOs.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    /// Observations at or below each bound (cumulative when rendered).
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.counts[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

#[derive(Default)]
struct Registry {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    events_appended: AtomicU64,
    inbound: Mutex<BTreeMap<&'static str, u64>>,
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::default);

/// A poisoned lock only means a panic elsewhere mid-update of a counter;
/// the counts are still the best we have.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One finished HTTP request. `route` is the matched route template.
pub fn record_request(route: &str, method: &str, status: u16, seconds: f64) {
    *lock(&REGISTRY.requests)
        .entry((route.to_owned(), method.to_owned(), status))
        .or_default() += 1;
    lock(&REGISTRY.latency)
        .entry((route.to_owned(), method.to_owned()))
        .or_default()
        .observe(seconds);
}

/// Events committed to the log by this process.
pub fn record_appended(events: usize) {
    REGISTRY
        .events_appended
        .fetch_add(events as u64, Ordering::Relaxed);
}

/// One inbound mail, by what became of it (`threaded`, `rejected`, …).
pub fn record_inbound(outcome: &'static str) {
    *lock(&REGISTRY.inbound).entry(outcome).or_default() += 1;
}

/// Appends every counter and histogram in the Prometheus text format.
pub fn render(out: &mut String) {
    let _ = writeln!(
        out,
        "# HELP madoguchi_http_requests_total HTTP requests by route template, method and status.\n\
         # TYPE madoguchi_http_requests_total counter"
    );
    for ((route, method, status), count) in lock(&REGISTRY.requests).iter() {
        let _ = writeln!(
            out,
            "madoguchi_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {count}",
            escape(route),
            escape(method)
        );
    }
    let name = "madoguchi_http_request_duration_seconds";
    let _ = writeln!(
        out,
        "# HELP {name} Time to answer an HTTP request, by route template and method.\n# TYPE {name} histogram"
    );
    for ((route, method), histogram) in lock(&REGISTRY.latency).iter() {
        let labels = format!("route=\"{}\",method=\"{}\"", escape(route), escape(method));
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(histogram.counts) {
            cumulative += count;
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels},le=\"+Inf\"}} {}",
            histogram.count
        );
        let _ = writeln!(out, "{name}_sum{{{labels}}} {:.6}", histogram.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", histogram.count);
    }
    let _ = writeln!(
        out,
        "# HELP madoguchi_events_appended_total Events this process committed to the log.\n\
         # TYPE madoguchi_events_appended_total counter\n\
         madoguchi_events_appended_total {}",
        REGISTRY.events_appended.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        out,
        "# HELP madoguchi_mail_inbound_total Inbound mails by outcome.\n\
         # TYPE madoguchi_mail_inbound_total counter"
    );
    for (outcome, count) in lock(&REGISTRY.inbound).iter() {
        let _ = writeln!(
            out,
            "madoguchi_mail_inbound_total{{outcome=\"{outcome}\"}} {count}"
        );
    }
}

/// Label values escaped as the text format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_each_observation_in_its_first_bucket() {
        let mut histogram = Histogram::default();
        histogram.observe(0.004);
        histogram.observe(0.005);
        histogram.observe(42.0);
        assert_eq!(
            histogram.counts[2], 2,
            "0.004 and 0.005 fall at or below 5 ms"
        );
        assert_eq!(
            histogram.counts.iter().sum::<u64>(),
            2,
            "42 s is only in +Inf"
        );
        assert_eq!(histogram.count, 3);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
