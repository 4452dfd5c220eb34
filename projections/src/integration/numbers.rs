//! The inquiry number (受付番号) of a ticket, which every detail carries but
//! only `TicketOpened` holds. Read from the ticket's own stream, never from a
//! read model, which may lag behind the publisher or be mid-rebuild.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::Context;
use command_api::codec;
use command_api::event_store::EventStore;
use cqrs_es::Aggregate;
use domain::{Ticket, TicketEvent};

use crate::engine::Envelope;

/// Forgets everything past this many tickets: the publisher follows the
/// log's head, where the tickets of recent events are few.
const CAPACITY: usize = 50_000;

pub struct InquiryNumbers {
    store: EventStore,
    known: Mutex<HashMap<String, String>>,
}

impl InquiryNumbers {
    pub fn new(store: EventStore) -> Self {
        Self {
            store,
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Remembers the number of a ticket opened in this batch, saving a read.
    pub fn note(&self, envelope: &Envelope) {
        if let TicketEvent::TicketOpened { inquiry_number, .. } = &envelope.event {
            self.remember(&envelope.ticket_id, inquiry_number.to_string());
        }
    }

    pub async fn of(&self, ticket_id: &str) -> anyhow::Result<String> {
        if let Some(number) = self.lock().get(ticket_id) {
            return Ok(number.clone());
        }
        let stream = self.store.read_stream(Ticket::TYPE, ticket_id).await?;
        let first = stream
            .first()
            .with_context(|| format!("ticket {ticket_id} has no events"))?;
        let (event, _) = codec::decode(first)?;
        let TicketEvent::TicketOpened { inquiry_number, .. } = event else {
            anyhow::bail!("ticket {ticket_id} does not start with TicketOpened");
        };
        let number = inquiry_number.to_string();
        self.remember(ticket_id, number.clone());
        Ok(number)
    }

    fn remember(&self, ticket_id: &str, number: String) {
        let mut known = self.lock();
        if known.len() >= CAPACITY {
            known.clear();
        }
        known.insert(ticket_id.to_owned(), number);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // The map is a cache: a panic mid-insert cannot leave it wrong.
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
