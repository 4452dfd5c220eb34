//! Time-driven workers (the SLA watcher, retention): one pass now, then one
//! per period, until shut down. A failed pass is logged and simply retried
//! at the next period; the passes themselves are idempotent.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

/// Runs `pass` every `period` until `shutdown` turns true. `what` names the
/// pass in the warning a failure logs (`"<what> failed; retrying"`).
pub async fn every<F, Fut, T>(
    period: Duration,
    mut shutdown: watch::Receiver<bool>,
    what: &'static str,
    mut pass: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    loop {
        if *shutdown.borrow() {
            break;
        }
        if let Err(error) = pass().await {
            tracing::warn!(error = %format!("{error:#}"), "{what} failed; retrying");
        }
        tokio::select! {
            _ = shutdown.changed() => {}
            () = tokio::time::sleep(period) => {}
        }
    }
}
