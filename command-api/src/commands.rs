//! Executing Ticket commands: load, decide, append.
//!
//! The aggregate decides; this service supplies what it cannot do itself:
//! loading the stream, checking the version the caller saw, allocating the
//! inquiry number, and appending with the idempotency key in one transaction.

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use domain::metadata::{CommandContext, EventMetadata};
use domain::ticket::OpenTicket;
use domain::values::InquiryNumber;
use domain::{Ticket, TicketCommand, TicketError, TicketEvent};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use crate::codec::{self, DecodeError};
use crate::event_store::{
    Append, AppendError, Claim, EventStore, IdempotencyRecord, ReadError, StoredEvent,
};
use crate::vault::CustomerKey;

/// The claim kind that makes inquiry numbers unique and findable.
pub const INQUIRY_NUMBER_CLAIM: &str = "inquiry_number";

/// The claim kind that lists a customer's tickets, as `<customer>/<ticket>`:
/// written with the ticket's first events, so erasure finds every ticket
/// without waiting for a projection.
pub const CUSTOMER_TICKET_CLAIM: &str = "customer_ticket";

/// How often a command without an expected version is retried on a race.
const RETRIES_WITHOUT_EXPECTATION: usize = 5;

/// The Idempotency-Key of a request and the fingerprint of its body.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

/// A command's result: the ticket's new version and the last position written.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub ticket_id: Uuid,
    pub inquiry_number: InquiryNumber,
    pub version: i64,
    /// `None` when the command changed nothing (a repeated click).
    pub position: Option<i64>,
    pub events: Vec<TicketEvent>,
}

impl Outcome {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "ticket_id": self.ticket_id,
            "inquiry_number": self.inquiry_number.to_string(),
            "version": self.version,
            "position": self.position,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("ticket not found")]
    NotFound,
    #[error("the ticket has changed: now at version {current_version}")]
    Conflict { current_version: i64 },
    #[error(transparent)]
    Rejected(#[from] TicketError),
    #[error("the idempotency key was used concurrently")]
    IdempotencyRace,
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Append(AppendError),
    #[error("event serialization failed: {0}")]
    Encode(#[from] serde_json::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

impl From<AppendError> for CommandError {
    fn from(error: AppendError) -> Self {
        match error {
            AppendError::IdempotencyKeyTaken => CommandError::IdempotencyRace,
            other => CommandError::Append(other),
        }
    }
}

/// A ticket as loaded: its state and its version (event count).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub ticket: Ticket,
    pub version: i64,
}

/// One stored event with its decoded event and metadata.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub row: StoredEvent,
    pub event: TicketEvent,
    pub metadata: EventMetadata,
}

#[derive(Clone, Debug)]
pub struct TicketService {
    store: EventStore,
}

impl TicketService {
    pub fn new(store: EventStore) -> Self {
        Self { store }
    }

    pub fn store(&self) -> &EventStore {
        &self.store
    }

    /// A ticket's events as recorded, decoded, oldest first: what history
    /// views and conflict messages are written from.
    #[instrument(skip(self))]
    pub async fn history(&self, ticket_id: Uuid) -> Result<Vec<Recorded>, CommandError> {
        let stored = self
            .store
            .read_stream(Ticket::TYPE, &ticket_id.to_string())
            .await?;
        stored
            .into_iter()
            .map(|row| {
                let (event, metadata) = codec::decode(&row)?;
                Ok(Recorded {
                    row,
                    event,
                    metadata,
                })
            })
            .collect()
    }

    /// Folds a ticket's stream into its current state.
    #[instrument(skip(self))]
    pub async fn load(&self, ticket_id: Uuid) -> Result<Loaded, CommandError> {
        let stored = self
            .store
            .read_stream(Ticket::TYPE, &ticket_id.to_string())
            .await?;
        let mut ticket = Ticket::default();
        for row in &stored {
            let (event, _) = codec::decode(row)?;
            ticket.apply(event);
        }
        let version = stored.last().map_or(0, |row| row.sequence);
        Ok(Loaded { ticket, version })
    }

    /// The tickets of a customer, from the claims written when each was opened.
    #[instrument(skip(self))]
    pub async fn tickets_of(&self, customer: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
        let ids = self
            .store
            .find_claims_with_prefix(CUSTOMER_TICKET_CLAIM, &format!("{customer}/"))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect())
    }

    /// The ticket an inquiry number belongs to.
    #[instrument(skip(self))]
    pub async fn find_by_number(
        &self,
        number: &InquiryNumber,
    ) -> Result<Option<Uuid>, sqlx::Error> {
        let id = self
            .store
            .find_claim(INQUIRY_NUMBER_CLAIM, &number.to_string())
            .await?;
        Ok(id.and_then(|id| Uuid::parse_str(&id).ok()))
    }

    /// Opens a ticket, claiming its inquiry number in the same transaction.
    #[instrument(skip_all, fields(channel = open.channel.as_str()))]
    pub async fn open(
        &self,
        open: OpenTicket,
        ctx: &CommandContext,
        idempotency: Option<IdempotencyKey>,
    ) -> Result<Outcome, CommandError> {
        self.open_with_claims(open, ctx, idempotency, Vec::new())
            .await
    }

    /// Opens a ticket with further unique claims (an inbound mail's
    /// Message-ID), all in the same transaction. With a vault, the ticket
    /// belongs to the customer its address belongs to, and is sealed with
    /// that customer's key.
    pub async fn open_with_claims(
        &self,
        open: OpenTicket,
        ctx: &CommandContext,
        idempotency: Option<IdempotencyKey>,
        mut claims: Vec<Claim>,
    ) -> Result<Outcome, CommandError> {
        claims.push(Claim {
            kind: INQUIRY_NUMBER_CLAIM,
            value: open.inquiry_number.to_string(),
        });
        let Some(vault) = self.store.vault() else {
            return self.open_sealed(open, ctx, idempotency, claims, None).await;
        };
        // A second try only when another first mail from the same address
        // stored its customer in between: the lookup then finds theirs.
        let mut attempts = 0;
        loop {
            let key = vault.key_for(open.customer.email.as_ref()).await?;
            let mut open = open.clone();
            let mut claims = claims.clone();
            open.customer_ref = Some(key.customer);
            claims.push(Claim {
                kind: CUSTOMER_TICKET_CLAIM,
                value: format!("{}/{}", key.customer, open.ticket_id),
            });
            match self
                .open_sealed(open, ctx, idempotency.clone(), claims, Some(key))
                .await
            {
                Err(CommandError::Append(AppendError::CustomerTaken)) if attempts == 0 => {
                    attempts += 1;
                }
                other => return other,
            }
        }
    }

    async fn open_sealed(
        &self,
        open: OpenTicket,
        ctx: &CommandContext,
        idempotency: Option<IdempotencyKey>,
        claims: Vec<Claim>,
        customer_key: Option<CustomerKey>,
    ) -> Result<Outcome, CommandError> {
        self.decide_and_append(
            open.ticket_id,
            Loaded {
                ticket: Ticket::default(),
                version: 0,
            },
            TicketCommand::Open(Box::new(open)),
            ctx,
            (claims, customer_key),
            idempotency,
        )
        .await
    }

    /// Runs a command against an existing ticket.
    ///
    /// With `expected_version`, a ticket that has moved on is a conflict the
    /// caller must see. Without it (system reactors), a lost race is retried
    /// against the fresh state, since the rules are re-checked each time.
    #[instrument(skip(self, command, ctx, idempotency))]
    pub async fn execute(
        &self,
        ticket_id: Uuid,
        expected_version: Option<i64>,
        command: TicketCommand,
        ctx: &CommandContext,
        idempotency: Option<IdempotencyKey>,
    ) -> Result<Outcome, CommandError> {
        self.execute_with_claims(
            ticket_id,
            expected_version,
            command,
            ctx,
            idempotency,
            Vec::new(),
        )
        .await
    }

    /// [`Self::execute`] with unique claims appended in the same transaction.
    pub async fn execute_with_claims(
        &self,
        ticket_id: Uuid,
        expected_version: Option<i64>,
        command: TicketCommand,
        ctx: &CommandContext,
        idempotency: Option<IdempotencyKey>,
        claims: Vec<Claim>,
    ) -> Result<Outcome, CommandError> {
        let mut attempts = 0;
        loop {
            let loaded = self.load(ticket_id).await?;
            if !loaded.ticket.is_opened() {
                return Err(CommandError::NotFound);
            }
            if let Some(expected) = expected_version
                && expected != loaded.version
            {
                return Err(CommandError::Conflict {
                    current_version: loaded.version,
                });
            }
            match self
                .decide_and_append(
                    ticket_id,
                    loaded,
                    command.clone(),
                    ctx,
                    (claims.clone(), None),
                    idempotency.clone(),
                )
                .await
            {
                Err(CommandError::Conflict { .. })
                    if expected_version.is_none() && attempts < RETRIES_WITHOUT_EXPECTATION =>
                {
                    attempts += 1;
                }
                other => return other,
            }
        }
    }

    async fn decide_and_append(
        &self,
        ticket_id: Uuid,
        loaded: Loaded,
        command: TicketCommand,
        ctx: &CommandContext,
        (claims, customer_key): (Vec<Claim>, Option<CustomerKey>),
        idempotency: Option<IdempotencyKey>,
    ) -> Result<Outcome, CommandError> {
        let Loaded {
            mut ticket,
            version,
        } = loaded;
        let sink = EventSink::default();
        ticket.handle(command, &(), &sink).await?;
        let events = sink.collect().await;
        let inquiry_number = ticket.inquiry_number().ok_or(CommandError::NotFound)?;
        let mut outcome = Outcome {
            ticket_id,
            inquiry_number,
            version,
            position: None,
            events,
        };
        if outcome.events.is_empty() {
            return Ok(outcome);
        }
        let seal_for = ticket.customer_ref();
        let rows = outcome
            .events
            .iter()
            .map(|event| codec::encode(event, &ctx.metadata(), seal_for))
            .collect::<Result<Vec<_>, _>>()?;
        let id = ticket_id.to_string();
        let idempotency = idempotency.map(|key| IdempotencyRecord {
            scope: key.scope,
            key: key.key,
            request_hash: key.request_hash,
            response: outcome.to_json(),
        });
        let committed = match self
            .store
            .append(Append {
                aggregate_type: Ticket::TYPE,
                aggregate_id: &id,
                expected_version: version,
                events: rows,
                claims,
                idempotency,
                customer_key,
            })
            .await
        {
            Err(AppendError::Conflict) => {
                let current_version = self
                    .load(ticket_id)
                    .await
                    .map(|l| l.version)
                    .unwrap_or(version);
                return Err(CommandError::Conflict { current_version });
            }
            other => other?,
        };
        outcome.version = committed.version;
        outcome.position = Some(committed.last_position);
        Ok(outcome)
    }
}
