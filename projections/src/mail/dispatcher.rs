//! Sends queued mail and records what happened, with capped exponential
//! backoff for temporary failures, so an outage causes no hot retry loop and
//! loses nothing.

use std::sync::Arc;
use std::time::Duration;

use command_api::commands::TicketService;
use command_api::db::now_micros;
use domain::metadata::CommandContext;
use domain::{Actor, TicketCommand};
use time::OffsetDateTime;
use tokio::sync::watch;
use uuid::Uuid;

use super::outbox;
use super::transport::{SendError, Transport};

/// After this many attempts a temporary failure counts as permanent.
pub const MAX_ATTEMPTS: i32 = 12;
const FIRST_BACKOFF_SECONDS: i64 = 30;
const MAX_BACKOFF_SECONDS: i64 = 3600;
/// How long a claimed mail is held by its sender before another may retry it.
const SEND_LEASE_MICROS: i64 = 5 * 60 * 1_000_000;

/// Seconds to wait after the `attempt`-th failure: 30 s, 60 s, … capped at an hour.
pub fn backoff_seconds(attempt: i32) -> i64 {
    let doubling = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
    (FIRST_BACKOFF_SECONDS << doubling).min(MAX_BACKOFF_SECONDS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dispatched {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

pub struct Dispatcher {
    tickets: TicketService,
    transport: Arc<dyn Transport>,
}

impl Dispatcher {
    pub fn new(tickets: TicketService, transport: Arc<dyn Transport>) -> Self {
        Self { tickets, transport }
    }

    /// Sends every mail due at `now` (microseconds), in one pass.
    #[tracing::instrument(name = "mail.dispatch", skip(self), fields(sent, retrying, failed))]
    pub async fn run_once(&self, now: i64) -> anyhow::Result<Dispatched> {
        let db = self.tickets.store().db().clone();
        let mut done = Dispatched::default();
        for mail in outbox::due(&db, now, 50).await? {
            let outbox_id = Uuid::parse_str(&mail.outbox_id)?;
            let ticket_id = Uuid::parse_str(&mail.ticket_id)?;
            let reply_id = mail.reply_id.as_deref().map(Uuid::parse_str).transpose()?;
            if !outbox::claim(&db, &mail.outbox_id, now, now + SEND_LEASE_MICROS).await? {
                continue; // another dispatcher took it
            }
            let attempt = mail.attempts + 1;
            let ctx = CommandContext::new(
                Actor::System("mailer".into()),
                OffsetDateTime::now_utc(),
                None,
            );
            match self
                .transport
                .send(outbox_id, &mail.recipient, mail.raw.as_bytes())
                .await
            {
                Ok(provider_message_id) => {
                    // Marked first: a crash after this line re-records the
                    // outcome (a no-op), never re-sends.
                    outbox::mark_sent(&db, &mail.outbox_id, &provider_message_id).await?;
                    let command = match reply_id {
                        Some(reply_id) => TicketCommand::RecordDelivery {
                            reply_id,
                            provider_message_id,
                        },
                        None => TicketCommand::RecordAcknowledgement {
                            provider_message_id,
                        },
                    };
                    self.tickets
                        .execute(ticket_id, None, command, &ctx, None)
                        .await?;
                    done.sent += 1;
                }
                Err(error) => {
                    let permanent =
                        matches!(error, SendError::Permanent(_)) || attempt >= MAX_ATTEMPTS;
                    let retry_at = (!permanent).then(|| now + backoff_seconds(attempt) * 1_000_000);
                    outbox::mark_failed(&db, &mail.outbox_id, &error.to_string(), retry_at).await?;
                    tracing::warn!(outbox_id = %outbox_id, attempt, permanent, error = %error, "mail not sent");
                    if let Some(reply_id) = reply_id {
                        let command = TicketCommand::RecordDeliveryFailure {
                            reply_id,
                            reason: error.to_string(),
                            attempt: attempt.unsigned_abs(),
                            permanent,
                        };
                        self.tickets
                            .execute(ticket_id, None, command, &ctx, None)
                            .await?;
                    }
                    if permanent {
                        done.failed += 1;
                    } else {
                        done.retrying += 1;
                    }
                }
            }
        }
        tracing::Span::current()
            .record("sent", done.sent)
            .record("retrying", done.retrying)
            .record("failed", done.failed);
        Ok(done)
    }

    /// Sends as mail becomes due: woken by commits in this process, and
    /// checking at least every second for retries and other processes' mail.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut appended = self.tickets.store().subscribe();
        loop {
            if *shutdown.borrow() {
                break;
            }
            if let Err(error) = self.run_once(now_micros()).await {
                tracing::warn!(error = %format!("{error:#}"), "mail dispatch failed; retrying");
            }
            tokio::select! {
                _ = appended.changed() => {}
                _ = shutdown.changed() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(5), 480);
        assert_eq!(backoff_seconds(12), 3600);
    }
}
