//! The load scenarios of the brief's traffic table, as goose settings.
//!
//! Customers submit inquiries; the eight agents list, search, open, reply
//! and change status, through the API and the console. The brief's rates are
//! inquiry rates, so each scenario sets how many customers there are and how
//! long each waits between inquiries; the agents stay eight, as the company
//! has eight, except under `target` and `stress`, which need more to reach
//! their rates.

use std::time::Duration;

/// A customer waits this long between inquiries, so `n` customers make
/// `n / 12.5` inquiries a second: 1 customer is the normal 0.08 req/s.
pub const CUSTOMER_WAIT: Duration = Duration::from_millis(12_500);
/// An agent's pause between two actions.
pub const AGENT_WAIT: (Duration, Duration) = (Duration::from_secs(2), Duration::from_secs(4));
pub const AGENTS: usize = 8;

/// The requests the scenarios make, by the names goose reports them under.
pub const API: [&str; 6] = [
    "POST api-inquiry",
    "GET api-list",
    "GET api-search",
    "GET api-detail",
    "POST api-reply",
    "POST api-status",
];
pub const SCREENS: [&str; 3] = [
    "GET screen-list",
    "GET screen-detail",
    "GET screen-dashboard",
];

/// A p95 limit for every API request and every screen, and the error rate.
fn thresholds(api: &str, screens: &str) -> Vec<String> {
    API.iter()
        .map(|r| format!("p95<={api} for {r}"))
        .chain(SCREENS.iter().map(|r| format!("p95<={screens} for {r}")))
        .chain(["error-rate<=0.5%".to_owned()])
        .collect()
}

/// The SLO the original system promised: p95 ≤ 1 s for the API, ≤ 3 s for
/// screens, errors ≤ 0.5 %.
pub fn slo() -> Vec<String> {
    thresholds("1s", "3s")
}

/// Our own targets, judged at 80 req/s (`target`).
pub fn tight() -> Vec<String> {
    thresholds("10ms", "30ms")
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub name: &'static str,
    /// Customers and agents, as goose scenario weights (one user each).
    pub customers: usize,
    pub agents: usize,
    pub customer_wait: Duration,
    pub agent_wait: (Duration, Duration),
    /// goose's `--test-plan`: "users,ramp;users,hold;…".
    pub test_plan: String,
    pub thresholds: Vec<String>,
    /// Stop at the first failed threshold (`stress`, which looks for that
    /// moment); the others run to the end and are judged on the whole run.
    pub stop_at_failure: bool,
}

impl Shape {
    /// Inquiries a second once every customer runs.
    pub fn inquiry_rate(&self) -> f64 {
        self.customers as f64 / self.customer_wait.as_secs_f64()
    }

    pub fn users(&self) -> usize {
        self.customers + self.agents
    }
}

pub const NAMES: [&str; 7] = [
    "normal", "sale", "shipping", "recall", "spike", "target", "stress",
];

/// The scenario called `name`, or `None` for a name not in [`NAMES`].
pub fn shape(name: &str) -> Option<Shape> {
    let steady = |name, customers: usize| {
        let users = customers + AGENTS;
        Shape {
            name,
            customers,
            agents: AGENTS,
            customer_wait: CUSTOMER_WAIT,
            agent_wait: AGENT_WAIT,
            // Everyone starts within 10 s, then a minute at the rate.
            test_plan: format!("{users},10s;{users},1m;0,0s"),
            thresholds: slo(),
            stop_at_failure: false,
        }
    };
    Some(match name {
        "normal" => steady("normal", 1),
        "sale" => steady("sale", 2),
        "shipping" => steady("shipping", 5),
        "recall" => steady("recall", 10),
        // 0.08 → 8 req/s within 10 s, held for two minutes.
        "spike" => Shape {
            test_plan: format!("{u},10s;{u},2m;0,0s", u = 100 + AGENTS),
            ..steady("spike", 100)
        },
        // 80 req/s of mixed traffic, judged against our own targets: 40
        // customers and 40 agents, each acting once a second.
        "target" => Shape {
            name: "target",
            customers: 40,
            agents: 40,
            customer_wait: Duration::from_secs(1),
            agent_wait: (Duration::from_secs(1), Duration::from_secs(1)),
            test_plan: "80,10s;80,1m;0,0s".into(),
            thresholds: tight(),
            stop_at_failure: false,
        },
        // A staircase of 100 more users (≈ 100 req/s) every 30 s, until an
        // API request's p95 passes 1 s, where the run stops: the rate then
        // is the saturation. goose judges thresholds from the first hold on.
        "stress" => Shape {
            name: "stress",
            // Agents log in to the console, which allows 60 logins an hour
            // from one address, so the load rises through customers.
            customers: 960,
            agents: 40,
            customer_wait: Duration::from_secs(1),
            agent_wait: (Duration::from_secs(1), Duration::from_secs(1)),
            test_plan: (1..=10)
                .map(|step| format!("{u},10s;{u},20s", u = step * 100))
                .chain(["0,0s".to_owned()])
                .collect::<Vec<_>>()
                .join(";"),
            thresholds: API.iter().map(|r| format!("p95<=1s for {r}")).collect(),
            stop_at_failure: true,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steady_scenarios_make_the_briefs_inquiry_rates() {
        for (name, rate) in [
            ("normal", 0.08),
            ("sale", 0.16),
            ("shipping", 0.4),
            ("recall", 0.8),
            ("spike", 8.0),
        ] {
            let shape = shape(name).expect("known");
            assert!(
                (shape.inquiry_rate() - rate).abs() < 1e-9,
                "{name}: {}",
                shape.inquiry_rate()
            );
            assert_eq!(shape.agents, AGENTS);
        }
    }

    #[test]
    fn the_target_scenario_runs_eighty_requests_a_second() {
        let target = shape("target").expect("known");
        let per_second = target.customers as f64 / target.customer_wait.as_secs_f64()
            + target.agents as f64 / target.agent_wait.0.as_secs_f64();
        assert_eq!(per_second, 80.0);
        assert!(target.test_plan.starts_with("80,"));
    }

    #[test]
    fn every_name_has_a_shape_and_no_other_does() {
        for name in NAMES {
            assert_eq!(shape(name).map(|s| s.name), Some(name));
        }
        assert!(shape("black-friday").is_none());
    }
}
