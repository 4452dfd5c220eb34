//! Turning an inbound mail into a ticket message: keep the raw copy, drop
//! duplicates and machine mail, find the ticket, record the message.
//!
//! Threading, most trustworthy first:
//! 1. one of our signed Message-IDs in In-Reply-To or References;
//! 2. another Message-ID the ticket already has (an earlier customer mail);
//! 3. our signed marker in the body;
//! 4. the inquiry number in the subject, only when the sender is that
//!    ticket's customer, so a stranger cannot write into someone's ticket;
//! 5. otherwise a new ticket.
//!
//! A reply to a closed ticket opens a new ticket that names the old one. A
//! reply from another address in the thread (a CC) is recorded with its real
//! sender and never changes the ticket's customer.

use command_api::commands::{CommandError, TicketService};
use command_api::event_store::{AppendError, Claim};
use command_api::{categories, numbers};
use domain::metadata::CommandContext;
use domain::ticket::{Attachment, Customer, CustomerMessage, MessageSource, OpenTicket};
use domain::values::{Body, CustomerEmail, CustomerName, InquiryNumber, Subject};
use domain::{Actor, Channel, Priority, Status, TicketCommand};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Signer;
use super::inbound::{self, Inbound};
use super::store::{self, MailStore};

/// The claim that makes each inbound mail count once.
pub const MAIL_CLAIM: &str = "mail_message_id";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// Recorded on an existing ticket.
    Threaded { ticket_id: Uuid },
    /// Opened a new ticket (no match, a stranger, or a closed ticket).
    Opened { ticket_id: Uuid },
    /// Seen before (same Message-ID, or same bytes without one).
    Duplicate,
    /// Sent by a machine; kept, but opens nothing.
    Ignored { reason: &'static str },
    /// A bounce of one of our replies: the reply is marked failed.
    Bounced { ticket_id: Uuid },
    /// Not a mail we can read; the raw copy is kept for another try.
    Rejected { reason: String },
}

impl Ingested {
    /// The outcome's name, without any of the mail's content.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Threaded { .. } => "threaded",
            Self::Opened { .. } => "opened",
            Self::Duplicate => "duplicate",
            Self::Ignored { .. } => "ignored",
            Self::Bounced { .. } => "bounced",
            Self::Rejected { .. } => "rejected",
        }
    }
}

/// Attachments beyond this count, or larger than this, are not stored on
/// their own; they stay in the kept raw mail, and the ticket says so.
pub const MAX_ATTACHMENTS: usize = 20;
pub const MAX_ATTACHMENT_BYTES: u64 = 5 * 1024 * 1024;

pub struct Ingestor {
    tickets: TicketService,
    signer: Signer,
    store: MailStore,
}

impl Ingestor {
    pub fn new(tickets: TicketService, signer: Signer, store: MailStore) -> Self {
        Self {
            tickets,
            signer,
            store,
        }
    }

    /// Ingests a mail read from a file: its raw copy is kept first, whatever
    /// happens next, so it can always be decoded again.
    pub async fn ingest(&self, raw: &[u8]) -> anyhow::Result<Ingested> {
        let digest = hex::encode(Sha256::digest(raw));
        let key = store::raw_key(&digest);
        self.store.put(&key, raw).await?;
        self.ingest_kept(raw, &digest, &key).await
    }

    /// Ingests a mail that is already kept under `raw_key` (SES stored it in
    /// the bucket before notifying us).
    pub async fn ingest_stored(&self, raw: &[u8], raw_key: &str) -> anyhow::Result<Ingested> {
        let digest = hex::encode(Sha256::digest(raw));
        self.ingest_kept(raw, &digest, raw_key).await
    }

    #[tracing::instrument(name = "mail.ingest", skip_all, fields(bytes = raw.len(), outcome))]
    async fn ingest_kept(
        &self,
        raw: &[u8],
        digest: &str,
        raw_key: &str,
    ) -> anyhow::Result<Ingested> {
        let outcome = match inbound::parse(raw) {
            Err(e) => Ingested::Rejected {
                reason: e.to_string(),
            },
            Ok(mail) => self.route(mail, raw, &Kept { digest, raw_key }).await?,
        };
        tracing::Span::current().record("outcome", outcome.kind());
        command_api::instruments::record_inbound(outcome.kind());
        Ok(outcome)
    }

    async fn route(&self, mail: Inbound, raw: &[u8], kept: &Kept<'_>) -> anyhow::Result<Ingested> {
        let digest = kept.digest;
        let key = mail
            .message_id
            .clone()
            .unwrap_or_else(|| format!("sha256:{digest}"));
        let store = self.tickets.store();
        if store.find_claim(MAIL_CLAIM, &key).await?.is_some() {
            return Ok(Ingested::Duplicate);
        }
        if mail.bounce {
            return self.bounce(raw).await;
        }
        if mail.auto {
            return Ok(Ingested::Ignored {
                reason: "auto-submitted",
            });
        }
        let Some(from) = mail
            .from
            .as_deref()
            .and_then(|f| CustomerEmail::parse(f).ok())
        else {
            return Ok(Ingested::Rejected {
                reason: "no usable sender address".into(),
            });
        };
        let claim = Claim {
            kind: MAIL_CLAIM,
            value: key,
        };
        let attachments = self.keep_attachments(&mail, kept).await?;
        let found = self.thread(&mail, &from).await?;
        let ctx = CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None);
        if let Some(ticket_id) = found {
            let loaded = self.tickets.load(ticket_id).await?.ticket;
            // A closed ticket, or one whose customer data was erased, takes
            // no new message: the mail opens a new inquiry instead.
            if loaded.status() != Status::Closed && !loaded.is_erased() {
                let command = TicketCommand::ReceiveCustomerMessage(Box::new(self.message(
                    &mail,
                    &from,
                    attachments,
                    kept.raw_key,
                )?));
                return match self
                    .tickets
                    .execute_with_claims(ticket_id, None, command, &ctx, None, vec![claim])
                    .await
                {
                    Ok(_) => Ok(Ingested::Threaded { ticket_id }),
                    Err(CommandError::Append(AppendError::ClaimTaken { .. })) => {
                        Ok(Ingested::Duplicate)
                    }
                    Err(e) => Err(e.into()),
                };
            }
            let previous = loaded
                .inquiry_number()
                .map(|n| n.to_string())
                .unwrap_or_default();
            return self
                .open(&mail, &from, claim, attachments, kept, Some(previous))
                .await;
        }
        self.open(&mail, &from, claim, attachments, kept, None)
            .await
    }

    /// Steps 1–4 of the threading order.
    async fn thread(&self, mail: &Inbound, from: &CustomerEmail) -> anyhow::Result<Option<Uuid>> {
        let store = self.tickets.store();
        let ids: Vec<&String> = mail
            .in_reply_to
            .iter()
            .chain(mail.references.iter().rev())
            .collect();
        if let Some(ticket) = ids.iter().find_map(|id| self.signer.verify(id)) {
            return Ok(Some(ticket));
        }
        for id in &ids {
            if let Some(ticket) = store.find_claim(MAIL_CLAIM, id).await? {
                return Ok(Uuid::parse_str(&ticket).ok());
            }
        }
        if let Some(ticket) = self.signer.find_marker(&mail.text) {
            return Ok(Some(ticket));
        }
        let subject = mail.subject.as_deref().unwrap_or_default();
        for number in inquiry_numbers(subject) {
            let Some(ticket) = self.tickets.find_by_number(&number).await? else {
                continue;
            };
            let customer = self
                .tickets
                .load(ticket)
                .await?
                .ticket
                .customer_email()
                .map(CustomerEmail::normalized);
            if customer.as_deref() == Some(from.normalized().as_str()) {
                return Ok(Some(ticket));
            }
        }
        Ok(None)
    }

    /// Stores each attachment on its own, within the limits; one over a
    /// limit is listed with the raw mail's key, where its bytes still are.
    async fn keep_attachments(
        &self,
        mail: &Inbound,
        kept: &Kept<'_>,
    ) -> anyhow::Result<Vec<Attachment>> {
        let mut stored = Vec::with_capacity(mail.attachments.len());
        for (index, file) in mail.attachments.iter().enumerate() {
            let storage_key = if index < MAX_ATTACHMENTS && file.size <= MAX_ATTACHMENT_BYTES {
                let key = store::attachment_key(kept.digest, index);
                self.store.put(&key, &file.content).await?;
                key
            } else {
                tracing::info!(
                    index,
                    bytes = file.size,
                    "attachment over the limits: kept in the raw mail only"
                );
                kept.raw_key.to_owned()
            };
            stored.push(Attachment {
                name: file.name.clone(),
                content_type: file.content_type.clone(),
                size: file.size,
                storage_key,
            });
        }
        Ok(stored)
    }

    fn message(
        &self,
        mail: &Inbound,
        from: &CustomerEmail,
        attachments: Vec<Attachment>,
        raw_key: &str,
    ) -> Result<CustomerMessage, domain::values::ValueError> {
        Ok(CustomerMessage {
            message_id: Uuid::now_v7(),
            source: MessageSource::Email,
            from: Some(from.clone()),
            from_name: mail
                .from_name
                .as_deref()
                .and_then(|n| CustomerName::parse(n).ok()),
            subject: mail
                .subject
                .as_deref()
                .and_then(|s| Subject::parse(&clip(s, Subject::MAX_CHARS)).ok()),
            body: body_of(mail)?,
            mail_message_id: mail.message_id.clone(),
            attachments,
            received_at: mail.date.unwrap_or_else(OffsetDateTime::now_utc),
            raw_mail: Some(raw_key.to_owned()),
        })
    }

    async fn open(
        &self,
        mail: &Inbound,
        from: &CustomerEmail,
        claim: Claim,
        attachments: Vec<Attachment>,
        kept: &Kept<'_>,
        previous: Option<String>,
    ) -> anyhow::Result<Ingested> {
        let db = self.tickets.store().db();
        let received_at = OffsetDateTime::now_utc();
        let category_id = categories::list_active(db)
            .await?
            .last()
            .map_or(1, |c| c.id);
        let mut body = body_of(mail)?.as_str().to_owned();
        if let Some(previous) = previous {
            body = format!("(クローズ済みのお問い合わせ {previous} への返信です)\n\n{body}");
        }
        let name = mail.from_name.clone().unwrap_or_else(|| {
            from.as_str()
                .split('@')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
        let open = OpenTicket {
            ticket_id: Uuid::now_v7(),
            inquiry_number: numbers::allocate(db, received_at).await?,
            channel: Channel::Email,
            category_id,
            customer: Customer {
                name: CustomerName::parse(&clip(&name, 100))
                    .unwrap_or(CustomerName::parse("(お名前なし)")?),
                email: Some(from.clone()),
            },
            order_number: None,
            subject: Subject::parse(&clip(
                mail.subject.as_deref().unwrap_or("(件名なし)"),
                Subject::MAX_CHARS,
            ))
            .unwrap_or(Subject::parse("(件名なし)")?),
            body: Body::parse(&clip(&body, Body::MAX_CHARS)).unwrap_or(Body::parse("(本文なし)")?),
            priority: Priority::Medium,
            status: Status::New,
            assignee: None,
            attachments,
            received_at,
            raw_mail: Some(kept.raw_key.to_owned()),
            customer_ref: None,
        };
        let ticket_id = open.ticket_id;
        let ctx = CommandContext::new(Actor::Customer, received_at, None);
        match self
            .tickets
            .open_with_claims(open, &ctx, None, vec![claim])
            .await
        {
            Ok(_) => Ok(Ingested::Opened { ticket_id }),
            Err(CommandError::Append(AppendError::ClaimTaken { kind: MAIL_CLAIM })) => {
                Ok(Ingested::Duplicate)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Marks the reply a bounce reports as permanently failed, when the
    /// returned original carries one of our signed Message-IDs.
    async fn bounce(&self, raw: &[u8]) -> anyhow::Result<Ingested> {
        let text = String::from_utf8_lossy(raw);
        let ours = text.match_indices('<').find_map(|(start, _)| {
            let candidate = &text[start..start + text[start..].find('>')? + 1];
            let ticket = self.signer.verify(candidate)?;
            let outbox = candidate
                .trim_matches(['<', '>'])
                .split('.')
                .nth(1)
                .and_then(|o| Uuid::parse_str(o).ok())?;
            Some((ticket, outbox))
        });
        let Some((ticket_id, outbox_id)) = ours else {
            return Ok(Ingested::Ignored {
                reason: "delivery report for no mail of ours",
            });
        };
        let db = self.tickets.store().db();
        let reply: Option<Option<String>> = command_api::on_pool!(db, pool => sqlx::query_scalar("SELECT reply_id FROM mail_outbox WHERE outbox_id = ?")
            .bind(outbox_id.to_string())
            .fetch_optional(pool)
            .await)?;
        if let Some(reply_id) = reply.flatten().and_then(|r| Uuid::parse_str(&r).ok()) {
            let ctx = CommandContext::new(
                Actor::System("mailer".into()),
                OffsetDateTime::now_utc(),
                None,
            );
            let command = TicketCommand::RecordDeliveryFailure {
                reply_id,
                reason: "bounced: the address rejected the mail".into(),
                attempt: 1,
                permanent: true,
            };
            self.tickets
                .execute(ticket_id, None, command, &ctx, None)
                .await?;
        }
        Ok(Ingested::Bounced { ticket_id })
    }
}

/// Where the mail being ingested is kept.
struct Kept<'a> {
    digest: &'a str,
    raw_key: &'a str,
}

/// Every `INQ-YYYYMMDD-NNNN` in a subject.
fn inquiry_numbers(subject: &str) -> Vec<InquiryNumber> {
    subject
        .match_indices("INQ-")
        .filter_map(|(start, _)| {
            let candidate: String = subject[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            candidate.parse().ok()
        })
        .collect()
}

fn clip(text: &str, max: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .take(max)
        .collect()
}

/// The mail's text as a message body; an empty mail (attachments only)
/// gets a visible placeholder rather than being refused.
fn body_of(mail: &Inbound) -> Result<Body, domain::values::ValueError> {
    Body::parse(&clip(&mail.text, Body::MAX_CHARS)).or_else(|_| Body::parse("(本文なし)"))
}
