//! Shared pieces of the benchmarks: latency statistics and a fixed-duration
//! load loop with per-second progress.

pub mod load;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Throughput and latency of one measured run.
#[derive(Debug, Clone)]
pub struct Measured {
    pub operations: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl Measured {
    pub fn per_second(&self) -> f64 {
        self.operations as f64 / self.elapsed.as_secs_f64()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Runs `clients` loops of `operation` for `duration`, printing progress each
/// second, and returns what they achieved.
pub async fn run_for<F, Fut>(
    label: &str,
    clients: usize,
    duration: Duration,
    operation: F,
) -> Measured
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let operation = Arc::new(operation);
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let progress = {
        let (done, label) = (done.clone(), label.to_owned());
        tokio::spawn(async move {
            let mut last = 0;
            while Instant::now() < deadline {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let now = done.load(Ordering::Relaxed);
                eprintln!("  {label}: {:>6} ops  {:>7} ops/s", now, now - last);
                last = now;
            }
        })
    };
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (operation, done) = (operation.clone(), done.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut i = 0u64;
                while Instant::now() < deadline {
                    let began = Instant::now();
                    match operation(client, i).await {
                        Ok(()) => latencies.push(began.elapsed()),
                        Err(e) => {
                            errors += 1;
                            if errors <= 3 {
                                eprintln!("  {client}: {e:#}");
                            }
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((mut l, e)) = task.await {
            latencies.append(&mut l);
            errors += e;
        }
    }
    let elapsed = start.elapsed();
    progress.abort();
    latencies.sort_unstable();
    Measured {
        operations: latencies.len(),
        errors,
        elapsed,
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
    }
}
