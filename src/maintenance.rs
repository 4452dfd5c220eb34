//! `madoguchi projections status|rebuild`: the operator's view of the workers.

use std::io::Write;
use std::sync::Arc;

use anyhow::bail;
use command_api::db::{Db, now_micros};
use command_api::event_store::EventStore;
use projections::checkpoint;
use projections::engine::Projection;
use projections::rebuild::rebuild as rebuild_projection;
use projections::tickets::TicketsProjection;

/// Every projection this build knows.
fn all() -> Vec<Arc<dyn Projection>> {
    vec![Arc::new(TicketsProjection)]
}

/// A projection is unhealthy when halted or more than this far behind.
const HEALTHY_LAG_SECONDS: i64 = 60;

pub async fn status(db: &Db, store: &EventStore) -> anyhow::Result<()> {
    let head = store.head_position().await?;
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>9} {:>4}  state",
        "projection", "position", "head", "lag", "lag (s)", "gen"
    );
    let mut unhealthy = false;
    for checkpoint in checkpoint::load_all(db).await? {
        let lag = head - checkpoint.position;
        // Lag in time: how long the oldest unapplied event has waited.
        let lag_seconds = match store.recorded_after(checkpoint.position).await? {
            Some(recorded_at) if lag > 0 => (now_micros() - recorded_at) / 1_000_000,
            _ => 0,
        };
        let state = match (&checkpoint.halted_position, &checkpoint.halted_reason) {
            (Some(position), reason) => {
                format!("HALTED at {position}: {}", reason.as_deref().unwrap_or("?"))
            }
            _ if lag_seconds > HEALTHY_LAG_SECONDS => "LAGGING".to_owned(),
            _ => "healthy".to_owned(),
        };
        unhealthy |= state != "healthy";
        // Older tables still serve; what the new shape adds waits for a rebuild.
        let shape = all()
            .iter()
            .find(|p| p.name() == checkpoint.name)
            .map_or(checkpoint.shape, |p| p.shape());
        let state = if checkpoint.shape < shape {
            format!(
                "{state}; rebuild due: tables of shape {}, this version writes {shape}",
                checkpoint.shape
            )
        } else {
            state
        };
        println!(
            "{:<12} {:>10} {:>10} {:>10} {:>9} {:>4}  {state}",
            checkpoint.name, checkpoint.position, head, lag, lag_seconds, checkpoint.generation
        );
    }
    if unhealthy {
        bail!("a projection is not healthy");
    }
    Ok(())
}

pub async fn rebuild(
    store: &EventStore,
    name: Option<&str>,
    all_of_them: bool,
) -> anyhow::Result<()> {
    let chosen: Vec<Arc<dyn Projection>> = match (name, all_of_them) {
        (_, true) => all(),
        (Some(name), false) => all().into_iter().filter(|p| p.name() == name).collect(),
        (None, false) => bail!("name a projection or pass --all"),
    };
    if chosen.is_empty() {
        bail!("no projection named {}", name.unwrap_or_default());
    }
    for projection in chosen {
        let name = projection.name();
        let rebuilt = rebuild_projection(store, projection, |p| {
            if p.indexing {
                eprint!(
                    "\r{name:<10} replayed {} events at {:.0} events/s; building indexes…   ",
                    p.position, p.events_per_second
                );
                let _ = std::io::stderr().flush();
                return;
            }
            let percent = if p.head > 0 {
                p.position * 100 / p.head
            } else {
                100
            };
            let filled = usize::try_from(percent / 5).unwrap_or(0);
            eprint!(
                "\r{name:<10} [{:<20}] {percent:>3}%  {}/{} events  {:.0} events/s   ",
                "#".repeat(filled),
                p.position,
                p.head,
                p.events_per_second
            );
            let _ = std::io::stderr().flush();
        })
        .await?;
        eprintln!();
        println!(
            "{name}: generation {} at position {} ({} events replayed)",
            rebuilt.generation, rebuilt.position, rebuilt.events
        );
    }
    Ok(())
}
