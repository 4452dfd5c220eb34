//! Queues the mails that events call for. Queuing is idempotent (the outbox
//! id is the causing event's id), so the reactor's at-least-once delivery
//! never queues a mail twice.

use std::sync::Arc;

use async_trait::async_trait;
use command_api::commands::TicketService;
use domain::TicketEvent;
use uuid::Uuid;

use super::MailSettings;
use super::message::{self, Acknowledgement, Reply};
use super::outbox::{self, Kind};
use crate::engine::{Envelope, Reactor};

pub const NAME: &str = "mailer";

pub struct MailReactor {
    tickets: Arc<TicketService>,
    settings: MailSettings,
}

impl MailReactor {
    pub fn new(tickets: TicketService, settings: MailSettings) -> Self {
        Self {
            tickets: Arc::new(tickets),
            settings,
        }
    }
}

#[async_trait]
impl Reactor for MailReactor {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn react(&self, batch: &[Envelope]) -> anyhow::Result<()> {
        let db = self.tickets.store().db();
        for envelope in batch {
            let ticket_id = Uuid::parse_str(&envelope.ticket_id)?;
            let outbox_id = envelope.metadata.event_id;
            match &envelope.event {
                TicketEvent::TicketOpened {
                    inquiry_number,
                    channel,
                    customer,
                    subject,
                    body,
                    received_at,
                    ..
                } if channel.acknowledges() => {
                    let Some(email) = &customer.email else {
                        continue;
                    };
                    let number = inquiry_number.to_string();
                    let mail = message::acknowledgement(
                        &self.settings,
                        &Acknowledgement {
                            ticket_id,
                            outbox_id,
                            inquiry_number: &number,
                            customer_name: customer.name.as_str(),
                            customer_email: email.as_str(),
                            subject: subject.as_str(),
                            body: body.as_str(),
                            received_at: *received_at,
                        },
                    )?;
                    outbox::enqueue(db, outbox_id, ticket_id, Kind::Acknowledgement, &mail).await?;
                }
                TicketEvent::ReplyQueued {
                    reply_id,
                    to,
                    subject,
                    body,
                    in_reply_to,
                } => {
                    let ticket = self.tickets.load(ticket_id).await?.ticket;
                    // Erased since: the address now reads as 削除済み.
                    if ticket.is_erased() {
                        continue;
                    }
                    let number = ticket
                        .inquiry_number()
                        .map(|n| n.to_string())
                        .unwrap_or_default();
                    let mail = message::reply(
                        &self.settings,
                        &Reply {
                            ticket_id,
                            outbox_id,
                            inquiry_number: &number,
                            to: to.as_str(),
                            subject: subject.as_str(),
                            body: body.as_str(),
                            in_reply_to: in_reply_to.as_deref(),
                            sent_at: envelope.metadata.occurred_at,
                        },
                    )?;
                    outbox::enqueue(db, outbox_id, ticket_id, Kind::Reply(*reply_id), &mail)
                        .await?;
                }
                // The eraser purges too; doing it again here, in log order,
                // removes a mail this reactor queued while the erasure ran.
                TicketEvent::CustomerDataErased { .. } => {
                    outbox::purge_ticket(db, ticket_id).await?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}
