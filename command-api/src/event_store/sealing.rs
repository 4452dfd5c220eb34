//! The store's encryption layer: personal fields are sealed on the way in
//! and opened on the way out, below upcasters and codecs, so no event type
//! and no reader needs to know about it (see `crate::vault`).

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use super::{AppendError, EventStore, NewEvent, ReadError, StoredEvent};
use crate::vault::{CustomerKey, seal};

impl EventStore {
    /// Seals the personal fields of events that name a customer. Only
    /// events that carry personal data need the key, so facts recorded about
    /// an erased customer's ticket (the erasure itself) still append.
    pub(super) async fn seal(
        &self,
        events: &mut [NewEvent],
        known: Option<&CustomerKey>,
    ) -> Result<(), AppendError> {
        let mut customers: BTreeSet<Uuid> = events
            .iter()
            .filter(|e| seal::has_personal_fields(&e.event_type, &e.payload))
            .filter_map(|e| e.seal_for)
            .collect();
        if customers.is_empty() {
            return Ok(());
        }
        let mut keys = HashMap::new();
        if let Some(known) = known
            && customers.remove(&known.customer)
        {
            keys.insert(known.customer, known.key.clone());
        }
        if !customers.is_empty() {
            let vault = self.vault.as_ref().ok_or(AppendError::NoVault)?;
            let customers: Vec<Uuid> = customers.into_iter().collect();
            keys.extend(vault.data_keys(&customers).await?);
        }
        for event in events.iter_mut() {
            let Some(customer) = event.seal_for else {
                continue;
            };
            if !seal::has_personal_fields(&event.event_type, &event.payload) {
                continue;
            }
            let key = keys.get(&customer).ok_or(AppendError::Erased)?;
            seal::seal(
                &event.event_type,
                &mut event.payload,
                event.event_id,
                customer,
                key,
            );
        }
        Ok(())
    }

    /// Opens sealed payloads: one key lookup for the whole batch. A customer
    /// whose key is gone was erased, and their fields read as stand-ins.
    pub(super) async fn open(&self, events: &mut [StoredEvent]) -> Result<(), ReadError> {
        let customers: BTreeSet<Uuid> = events
            .iter()
            .filter_map(|e| seal::sealed_by(&e.payload))
            .collect();
        if customers.is_empty() {
            return Ok(());
        }
        let Some(vault) = self.vault.as_ref() else {
            let position = events
                .iter()
                .find(|e| seal::sealed_by(&e.payload).is_some())
                .map_or(0, |e| e.position);
            return Err(ReadError::Corrupt {
                position,
                reason: "personal fields are sealed and no master key is configured".into(),
            });
        };
        let customers: Vec<Uuid> = customers.into_iter().collect();
        let keys = vault.data_keys(&customers).await?;
        for event in events.iter_mut() {
            let Some(customer) = seal::sealed_by(&event.payload) else {
                continue;
            };
            seal::open(
                &event.event_type,
                &mut event.payload,
                event.event_id,
                keys.get(&customer),
            )
            .map_err(|e| ReadError::Corrupt {
                position: event.position,
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }
}
