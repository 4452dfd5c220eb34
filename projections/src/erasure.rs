//! Erasing a customer's personal data (APPI 第35条, and retention).
//!
//! The order makes an interrupted erasure safe to run again:
//! 1. collect the mail files of every ticket of the customer (their keys are
//!    in the events, readable while the data key exists);
//! 2. append `CustomerDataErased` to every ticket (a ticket already erased
//!    appends nothing), so no new personal data can be added;
//! 3. delete the raw mails and attachments, the ticket's outgoing mails and
//!    the Message-ID claims (mail Message-IDs often name the sender);
//! 4. delete the data key: every sealed field now reads as 削除済み.
//!
//! Projections redact their own rows when they reach the event (list,
//! search text, timeline); a rebuild reads the stand-ins and arrives at the
//! same rows.

use std::collections::BTreeSet;

use anyhow::Context;
use command_api::commands::TicketService;
use command_api::on_pool;
use domain::metadata::CommandContext;
use domain::ticket::{Attachment, ErasureReason};
use domain::values::CustomerEmail;
use domain::{Actor, TicketCommand, TicketEvent};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::mail::ingest::MAIL_CLAIM;
use crate::mail::outbox;
use crate::mail::store::MailStore;

/// What one erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub customer: Uuid,
    pub tickets: usize,
    /// Raw mails and attachments removed (one already gone counts too).
    pub files: usize,
}

pub struct Eraser {
    tickets: TicketService,
    files: MailStore,
}

impl Eraser {
    pub fn new(tickets: TicketService, files: MailStore) -> Self {
        Self { tickets, files }
    }

    pub fn tickets(&self) -> &TicketService {
        &self.tickets
    }

    /// Erases the customer with this address. `None` when there is nothing
    /// to erase: an address never seen, or one already erased.
    pub async fn erase_email(
        &self,
        email: &CustomerEmail,
        reason: ErasureReason,
        actor: Actor,
    ) -> anyhow::Result<Option<Erasure>> {
        let vault = self
            .tickets
            .store()
            .vault()
            .context("no master key is configured, so nothing is sealed to erase")?;
        match vault.find_customer(email).await? {
            Some(customer) => self.erase(customer, reason, actor).await.map(Some),
            None => Ok(None),
        }
    }

    /// Erases one customer by reference (retention, or finishing an
    /// interrupted erasure).
    #[tracing::instrument(name = "erasure.erase", skip(self, actor), fields(tickets, files))]
    pub async fn erase(
        &self,
        customer: Uuid,
        reason: ErasureReason,
        actor: Actor,
    ) -> anyhow::Result<Erasure> {
        let vault = self
            .tickets
            .store()
            .vault()
            .context("no master key is configured")?;
        let tickets = self.tickets.tickets_of(customer).await?;
        let mut files = BTreeSet::new();
        for &ticket in &tickets {
            for recorded in self.tickets.history(ticket).await? {
                files.extend(mail_files(&recorded.event));
            }
        }
        let ctx = CommandContext::new(actor, OffsetDateTime::now_utc(), None);
        for &ticket in &tickets {
            self.tickets
                .execute(
                    ticket,
                    None,
                    TicketCommand::RecordErasure { reason },
                    &ctx,
                    None,
                )
                .await
                .with_context(|| format!("recording the erasure on ticket {ticket}"))?;
        }
        for key in &files {
            self.files.delete(key).await?;
        }
        let db = self.tickets.store().db();
        for &ticket in &tickets {
            outbox::purge_ticket(db, ticket).await?;
            on_pool!(db, pool => sqlx::query("DELETE FROM stream_claims WHERE claim_kind = ? AND aggregate_id = ?")
                .bind(MAIL_CLAIM)
                .bind(ticket.to_string())
                .execute(pool)
                .await
                .map(|_| ()))?;
        }
        vault.destroy(customer).await?;
        let span = tracing::Span::current();
        span.record("tickets", tickets.len());
        span.record("files", files.len());
        Ok(Erasure {
            customer,
            tickets: tickets.len(),
            files: files.len(),
        })
    }
}

/// The stored files an event refers to: its raw mail and attachments.
fn mail_files(event: &TicketEvent) -> Vec<String> {
    let (raw_mail, attachments): (&Option<String>, &[Attachment]) = match event {
        TicketEvent::TicketOpened {
            raw_mail,
            attachments,
            ..
        }
        | TicketEvent::CustomerMessageReceived {
            raw_mail,
            attachments,
            ..
        } => (raw_mail, attachments),
        _ => return Vec::new(),
    };
    raw_mail
        .iter()
        .cloned()
        .chain(attachments.iter().map(|a| a.storage_key.clone()))
        .collect()
}
