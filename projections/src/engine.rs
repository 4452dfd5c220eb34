//! The worker that follows the log for projections and reactors: one step
//! at a time, in global order.
//!
//! [`Worker::run_once`] is what tests call: take the lease, read a batch after
//! the checkpoint, apply it and move the checkpoint in one transaction. The
//! loop in [`Worker::run`] only adds waiting (woken in process after commits,
//! polling across processes) and backoff.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use command_api::codec;
use command_api::db::{Db, now_micros};
use command_api::event_store::EventStore;
use domain::{EventMetadata, TicketEvent};
use tokio::sync::watch;
use tracing::instrument;
use uuid::Uuid;

use crate::checkpoint;
use crate::tx::Tx;

/// A decoded event as projections see it.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub position: i64,
    pub ticket_id: String,
    pub sequence: i64,
    pub event: TicketEvent,
    pub metadata: EventMetadata,
}

#[async_trait]
pub trait Projection: Send + Sync {
    /// The checkpoint name.
    fn name(&self) -> &'static str;
    /// The base names of the tables it writes (`rm_tickets` for `rm_tickets_gN`).
    fn tables(&self) -> &'static [&'static str];
    /// The version of what its tables hold. A rebuild records it; a
    /// generation built by older code reports a lower shape, and readers
    /// avoid what it lacks until the next rebuild.
    fn shape(&self) -> i64 {
        1
    }
    /// Name endings of secondary indexes its batches read through, which a
    /// rebuild must keep while replaying instead of building them at the end.
    fn replay_indexes(&self) -> &'static [&'static str] {
        &[]
    }
    /// Applies one event to the tables of `generation`, inside `tx`.
    async fn apply(
        &self,
        tx: &mut Tx,
        event: &Envelope,
        generation: i64,
    ) -> Result<(), sqlx::Error>;

    /// Applies a batch in order; projections override it to share work.
    async fn apply_batch(
        &self,
        tx: &mut Tx,
        batch: &[Envelope],
        generation: i64,
    ) -> Result<(), sqlx::Error> {
        for envelope in batch {
            self.apply(tx, envelope, generation).await?;
        }
        Ok(())
    }
}

/// A worker whose effect is outside the read models: it issues commands or
/// calls other systems for each event. Its checkpoint moves only after
/// `react` succeeded, so it runs at least once per event; reactions must be
/// idempotent (a repeated command that changes nothing, a keyed send).
#[async_trait]
pub trait Reactor: Send + Sync {
    fn name(&self) -> &'static str;
    async fn react(&self, batch: &[Envelope]) -> anyhow::Result<()>;
}

/// A reactor's error when it finished only the start of a batch: the
/// checkpoint moves to `position`, the last event it finished, so the retry
/// resumes at the first event that failed instead of repeating the others.
#[derive(Debug, thiserror::Error)]
#[error("reacted up to position {position}: {reason}")]
pub struct ReactedUpTo {
    pub position: i64,
    pub reason: String,
}

/// What a worker drives: read models in the checkpoint's transaction, or
/// reactions before the checkpoint moves.
#[derive(Clone)]
enum Target {
    Projection(Arc<dyn Projection>),
    Reactor(Arc<dyn Reactor>),
}

impl Target {
    fn name(&self) -> &'static str {
        match self {
            Target::Projection(p) => p.name(),
            Target::Reactor(r) => r.name(),
        }
    }
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Processed(usize),
    CaughtUp,
    /// Another replica holds the lease.
    NotLeader,
    /// The checkpoint moved under us (another worker or a rebuild); retry.
    LostRace,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("projection {name} halted at position {position}: {reason}")]
    Halted {
        name: &'static str,
        position: i64,
        reason: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Read(#[from] command_api::event_store::ReadError),
    #[error("reaction failed: {0:#}")]
    Reaction(anyhow::Error),
}

/// A clock in microseconds since the epoch, injectable for tests.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct Worker {
    db: Db,
    store: EventStore,
    target: Target,
    holder: String,
    batch: i64,
    lease_ttl: Duration,
    clock: Clock,
    /// The generation whose tables were last found to all exist.
    tables_checked: AtomicI64,
}

impl Worker {
    pub fn new(store: EventStore, projection: Arc<dyn Projection>) -> Self {
        Self::for_target(store, Target::Projection(projection))
    }

    pub fn reactor(store: EventStore, reactor: Arc<dyn Reactor>) -> Self {
        Self::for_target(store, Target::Reactor(reactor))
    }

    fn for_target(store: EventStore, target: Target) -> Self {
        Self {
            db: store.db().clone(),
            store,
            target,
            holder: format!("{}-{}", std::process::id(), Uuid::new_v4().simple()),
            batch: 500,
            lease_ttl: Duration::from_secs(15),
            clock: Arc::new(now_micros),
            tables_checked: AtomicI64::new(0),
        }
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_batch(mut self, batch: i64) -> Self {
        self.batch = batch;
        self
    }

    pub fn name(&self) -> &'static str {
        self.target.name()
    }

    /// One step: lease, read, apply, advance.
    #[instrument(name = "projection.batch", skip(self), fields(projection = self.target.name(), events, position))]
    pub async fn run_once(&self) -> Result<Step, WorkerError> {
        let name = self.target.name();
        let now = (self.clock)();
        let ttl = i64::try_from(self.lease_ttl.as_micros()).unwrap_or(i64::MAX);
        if !checkpoint::try_lease(&self.db, name, &self.holder, now, ttl).await? {
            return Ok(Step::NotLeader);
        }
        let state = checkpoint::load(&self.db, name).await?;
        if let Target::Projection(projection) = &self.target
            && self.tables_checked.load(Ordering::Relaxed) != state.generation
        {
            // A migration may have added a table since this generation was
            // built; it starts empty, and the shape tells readers so.
            crate::rebuild::ensure_tables(&self.db, projection.as_ref(), state.generation).await?;
            self.tables_checked
                .store(state.generation, Ordering::Relaxed);
        }
        let stored = self.store.read_all(state.position, self.batch).await?;
        if stored.is_empty() {
            return Ok(Step::CaughtUp);
        }
        let mut batch = Vec::with_capacity(stored.len());
        for row in &stored {
            match codec::decode(row) {
                Ok((event, metadata)) => batch.push(Envelope {
                    position: row.position,
                    ticket_id: row.aggregate_id.clone(),
                    sequence: row.sequence,
                    event,
                    metadata,
                }),
                // Apply what decodes before it; the next step halts on it.
                Err(_) if !batch.is_empty() => break,
                Err(error) => {
                    let reason = error.to_string();
                    checkpoint::halt(&self.db, name, row.position, &reason).await?;
                    tracing::error!(projection = name, position = row.position, error = %reason, "projection halted");
                    return Err(WorkerError::Halted {
                        name,
                        position: row.position,
                        reason,
                    });
                }
            }
        }
        if state.halted_position.is_some() {
            checkpoint::clear_halt(&self.db, name).await?;
        }
        let last = batch.last().map_or(state.position, |e| e.position);
        if let Target::Reactor(reactor) = &self.target
            && let Err(error) = reactor.react(&batch).await
        {
            if let Some(done) = error.downcast_ref::<ReactedUpTo>()
                && done.position > state.position
                && done.position < last
            {
                let mut tx = Tx::begin(&self.db).await?;
                if checkpoint::advance(
                    &mut tx,
                    name,
                    state.generation,
                    state.position,
                    done.position,
                    now,
                )
                .await?
                {
                    tx.commit().await?;
                }
            }
            return Err(WorkerError::Reaction(error));
        }
        let mut tx = Tx::begin(&self.db).await?;
        // The fence first: it also takes the row lock that serializes appliers.
        if !checkpoint::advance(&mut tx, name, state.generation, state.position, last, now).await? {
            return Ok(Step::LostRace);
        }
        if let Target::Projection(projection) = &self.target {
            projection
                .apply_batch(&mut tx, &batch, state.generation)
                .await?;
        }
        tx.commit().await?;
        tracing::Span::current()
            .record("events", batch.len())
            .record("position", last);
        Ok(Step::Processed(batch.len()))
    }

    /// Runs until `shutdown` turns true: steps while there is work, then waits
    /// for a commit in this process or a short poll interval.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut appended = self.store.subscribe();
        let poll = Duration::from_millis(250);
        loop {
            if *shutdown.borrow() {
                break;
            }
            let wait = match self.run_once().await {
                Ok(Step::Processed(_) | Step::LostRace) => Duration::ZERO,
                Ok(Step::CaughtUp) => poll,
                Ok(Step::NotLeader) => self.lease_ttl / 3,
                Err(WorkerError::Halted { .. }) => Duration::from_secs(30),
                Err(error) => {
                    tracing::warn!(projection = self.name(), error = %error, "projection step failed; retrying");
                    Duration::from_secs(2)
                }
            };
            if wait.is_zero() {
                continue;
            }
            tokio::select! {
                _ = appended.changed() => {}
                _ = shutdown.changed() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
        let _ = checkpoint::release_lease(&self.db, self.name(), &self.holder).await;
    }
}
