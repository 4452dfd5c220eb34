//! The SLA watcher: once a minute, checks every open ticket against its
//! targets in business time and records each passed target once, as
//! `system:sla`. Time-driven, not event-driven, so it runs on a clock that
//! tests inject.

use std::time::Duration;

use command_api::commands::TicketService;
use command_api::{codec, on_pool};
use cqrs_es::Aggregate;
use domain::metadata::CommandContext;
use domain::sla::{self, BusinessCalendar, SlaKind};
use domain::{Actor, Ticket, TicketCommand};
use time::OffsetDateTime;
use tokio::sync::watch;
use uuid::Uuid;

use crate::checkpoint;
use crate::tickets::{self, table};

pub struct SlaWatcher {
    tickets: TicketService,
    calendar: BusinessCalendar,
}

impl SlaWatcher {
    pub fn new(tickets: TicketService) -> Self {
        Self {
            tickets,
            calendar: BusinessCalendar::japan(),
        }
    }

    /// Records the targets that have passed by `now`; returns how many.
    #[tracing::instrument(name = "sla.check", skip(self), fields(breaches))]
    pub async fn run_once(&self, now: OffsetDateTime) -> anyhow::Result<usize> {
        let db = self.tickets.store().db();
        let generation = checkpoint::load(db, tickets::NAME).await?.generation;
        let sql = format!(
            "SELECT ticket_id FROM {} WHERE status IN ('new', 'in_progress')",
            table("rm_tickets", generation)
        );
        let open: Vec<String> =
            on_pool!(db, pool => sqlx::query_scalar(&sql).fetch_all(pool).await)?;
        // Read afresh each pass, so an admin's edit applies within a minute.
        let policy = command_api::sla_policies::load(db).await?;
        let mut recorded = 0;
        let (mut first_response, mut resolution) = (0, 0);
        for id in open {
            let stored = self.tickets.store().read_stream(Ticket::TYPE, &id).await?;
            let history = stored
                .iter()
                .map(|row| {
                    codec::decode(row).map(|(event, metadata)| (event, metadata.occurred_at))
                })
                .collect::<Result<Vec<_>, _>>()?;
            for passed in sla::passed(&history, &self.calendar, &policy, now) {
                match passed.kind {
                    SlaKind::FirstResponse => first_response += 1,
                    SlaKind::Resolution => resolution += 1,
                }
            }
            for breach in sla::breaches(&history, &self.calendar, &policy, now) {
                let ctx = CommandContext::new(Actor::System("sla".into()), now, None);
                let command = TicketCommand::RecordSlaBreach {
                    kind: breach.kind,
                    cycle: breach.cycle,
                    target_minutes: breach.target_minutes,
                    due_at: breach.due_at,
                };
                let outcome = self
                    .tickets
                    .execute(Uuid::parse_str(&id)?, None, command, &ctx, None)
                    .await?;
                if !outcome.events.is_empty() {
                    recorded += 1;
                    tracing::warn!(kind = ?breach.kind, cycle = breach.cycle, "SLA breached");
                }
            }
        }
        command_api::sla_policies::record_open_breaches(db, first_response, resolution).await?;
        tracing::Span::current().record("breaches", recorded);
        Ok(recorded)
    }

    /// Checks once a minute until shut down.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        crate::periodic::every(Duration::from_secs(60), shutdown, "SLA check", || {
            self.run_once(OffsetDateTime::now_utc())
        })
        .await;
    }
}
