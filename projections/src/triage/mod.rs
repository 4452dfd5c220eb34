//! Automatic triage: a reactor that reads each new inquiry and customer
//! message, and raises the ticket's priority when a rule matches, as
//! `system:triage`. It never lowers a priority (the domain refuses to), so a
//! replay or a retried batch changes nothing the second time.

pub mod rules;

use std::sync::Arc;

use async_trait::async_trait;
use command_api::commands::TicketService;
use command_api::on_pool;
use domain::metadata::CommandContext;
use domain::{Actor, TicketCommand, TicketEvent};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::engine::{Envelope, Reactor};

pub const NAME: &str = "triage";

pub struct TriageReactor {
    tickets: Arc<TicketService>,
}

impl TriageReactor {
    pub fn new(tickets: TicketService) -> Self {
        Self {
            tickets: Arc::new(tickets),
        }
    }
}

#[async_trait]
impl Reactor for TriageReactor {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn react(&self, batch: &[Envelope]) -> anyhow::Result<()> {
        let db = self.tickets.store().db().clone();
        let rules = rules::load_active(&db).await?;
        if rules.is_empty() {
            return Ok(());
        }
        for envelope in batch {
            let text = match &envelope.event {
                TicketEvent::TicketOpened { subject, body, .. } => {
                    format!("{}\n{}", subject.as_str(), body.as_str())
                }
                TicketEvent::CustomerMessageReceived { subject, body, .. } => {
                    format!(
                        "{}\n{}",
                        subject.as_ref().map_or("", |s| s.as_str()),
                        body.as_str()
                    )
                }
                _ => continue,
            };
            let ticket_id = Uuid::parse_str(&envelope.ticket_id)?;
            let ticket = self.tickets.load(ticket_id).await?.ticket;
            let Some(verdict) = rules::judge(&rules, &text, ticket.category_id(), ticket.channel())
            else {
                continue;
            };
            if verdict.rule.priority <= ticket.priority() {
                continue;
            }
            let ctx = CommandContext::caused_by(
                Actor::System(NAME.into()),
                OffsetDateTime::now_utc(),
                &envelope.metadata,
            );
            let command = TicketCommand::RaisePriority {
                to: verdict.rule.priority,
                rule_id: verdict.rule.id,
                matched: verdict.matched.clone(),
            };
            let outcome = self
                .tickets
                .execute(ticket_id, None, command, &ctx, None)
                .await?;
            if !outcome.events.is_empty() {
                on_pool!(&db, pool => sqlx::query("UPDATE triage_rules SET hit_count = hit_count + 1 WHERE id = ?")
                    .bind(verdict.rule.id)
                    .execute(pool)
                    .await
                    .map(|_| ()))?;
                tracing::info!(
                    rule_id = verdict.rule.id,
                    priority = verdict.rule.priority.as_str(),
                    position = envelope.position,
                    "triage raised priority"
                );
            }
        }
        Ok(())
    }
}
