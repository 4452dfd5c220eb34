//! Automatic triage: a reactor that reads each new inquiry and customer
//! message and, when a rule matches (keywords, category, channel, or the
//! customer's repeat contact), raises the ticket's priority and adds the
//! rule's tag and assignee group, as `system:triage`. It never lowers a
//! priority and adds a label once (the domain sees to both), so a replay or
//! a retried batch changes nothing the second time.

pub mod rules;

use std::sync::Arc;

use async_trait::async_trait;
use command_api::commands::{CUSTOMER_TICKET_CLAIM, TicketService};
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

    /// Whole days between this ticket's opening and the same customer's
    /// previous one. The customer was found by the keyed hash of their
    /// address when the ticket was opened; their tickets are listed by the
    /// claims written with each, stamped when recorded.
    async fn days_since_previous(
        &self,
        customer: Uuid,
        ticket: Uuid,
        opened_at: i64,
    ) -> anyhow::Result<Option<i64>> {
        let db = self.tickets.store().db();
        let previous: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(
            "SELECT MAX(claimed_at) FROM stream_claims WHERE claim_kind = ? AND claim_value LIKE ? AND aggregate_id <> ? AND claimed_at <= ?",
        )
        .bind(CUSTOMER_TICKET_CLAIM)
        .bind(format!("{customer}/%"))
        .bind(ticket.to_string())
        .bind(opened_at)
        .fetch_one(pool)
        .await)?;
        const DAY_MICROS: i64 = 86_400_000_000;
        Ok(previous.map(|at| (opened_at - at) / DAY_MICROS))
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
            let (text, opened) = match &envelope.event {
                TicketEvent::TicketOpened { subject, body, .. } => {
                    (format!("{}\n{}", subject.as_str(), body.as_str()), true)
                }
                TicketEvent::CustomerMessageReceived { subject, body, .. } => (
                    format!(
                        "{}\n{}",
                        subject.as_ref().map_or("", |s| s.as_str()),
                        body.as_str()
                    ),
                    false,
                ),
                _ => continue,
            };
            let ticket_id = Uuid::parse_str(&envelope.ticket_id)?;
            let ticket = self.tickets.load(ticket_id).await?.ticket;
            let days_since_previous = match (opened, ticket.customer_ref()) {
                (true, Some(customer)) => {
                    let opened_at = command_api::db::to_micros(envelope.metadata.occurred_at);
                    self.days_since_previous(customer, ticket_id, opened_at)
                        .await?
                }
                _ => None,
            };
            let facts = rules::Facts {
                category_id: ticket.category_id(),
                channel: ticket.channel(),
                days_since_previous,
            };
            let Some(verdict) = rules::judge(&rules, &text, facts) else {
                continue;
            };
            let rule = verdict.rule;
            let ctx = CommandContext::caused_by(
                Actor::System(NAME.into()),
                OffsetDateTime::now_utc(),
                &envelope.metadata,
            );
            // Both commands change nothing the second time, so a replay
            // neither appends nor counts a hit again.
            let mut commands = Vec::with_capacity(2);
            if rule.priority > ticket.priority() {
                commands.push(TicketCommand::RaisePriority {
                    to: rule.priority,
                    rule_id: rule.id,
                    matched: verdict.matched.clone(),
                });
            }
            if !rule.tag.is_empty() || rule.assignee_group.is_some() {
                commands.push(TicketCommand::Label {
                    rule_id: rule.id,
                    tag: Some(rule.tag.clone()).filter(|t| !t.is_empty()),
                    assignee_group: rule.assignee_group.clone(),
                });
            }
            let mut applied = false;
            for command in commands {
                let outcome = self
                    .tickets
                    .execute(ticket_id, None, command, &ctx, None)
                    .await?;
                applied |= !outcome.events.is_empty();
            }
            if applied {
                on_pool!(&db, pool => sqlx::query("UPDATE triage_rules SET hit_count = hit_count + 1 WHERE id = ?")
                    .bind(rule.id)
                    .execute(pool)
                    .await
                    .map(|_| ()))?;
                tracing::info!(
                    rule_id = rule.id,
                    priority = rule.priority.as_str(),
                    position = envelope.position,
                    "triage rule applied"
                );
            }
        }
        Ok(())
    }
}
