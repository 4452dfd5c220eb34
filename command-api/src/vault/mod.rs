//! Per-customer data keys: the crypto-shredding half of erasure.
//!
//! Every customer gets a random AES-256 data key on first contact. The key
//! is stored wrapped (encrypted) by the master key from configuration, in
//! `customer_keys`; the event store seals each event's personal fields with
//! it (see [`seal`]). Erasing a customer deletes the wrapped key: from then
//! on every sealed field of theirs reads as 削除済み, in every event ever
//! written, while the log itself stays append-only.
//!
//! Customers are found by a keyed hash (HMAC-SHA-256) of their normalized
//! address, never by the address itself, so the lookup table holds no plain
//! personal data either.

pub mod seal;

use std::collections::HashMap;
use std::sync::Arc;

use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::values::CustomerEmail;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::db::{Db, now_micros};

const NONCE_BYTES: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the master key must be 32 bytes in base64 (for example `openssl rand -base64 32`)")]
    BadMasterKey,
    /// A wrapped key that the master key cannot open: the wrong master key is
    /// configured, or the row was tampered with. Never treated as erased.
    #[error("the data key of customer {customer} cannot be unwrapped with this master key")]
    Unwrap { customer: Uuid },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The key that wraps every data key, and from which the address-lookup
/// key is derived.
pub struct MasterKey {
    wrap: Aes256Gcm,
    lookup: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VaultError> {
        let wrap = Aes256Gcm::new_from_slice(bytes).map_err(|_| VaultError::BadMasterKey)?;
        // A separate key for lookups, so the hashes reveal nothing about the
        // wrapping key and the two uses cannot be confused.
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(bytes).map_err(|_| VaultError::BadMasterKey)?;
        mac.update(b"madoguchi/customer-email-lookup/v1");
        Ok(Self {
            wrap,
            lookup: mac.finalize().into_bytes().into(),
        })
    }

    pub fn from_base64(text: &str) -> Result<Self, VaultError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| VaultError::BadMasterKey)?;
        if bytes.len() != 32 {
            return Err(VaultError::BadMasterKey);
        }
        Self::from_bytes(&bytes)
    }

    /// A new random master key, as the base64 text to keep.
    pub fn generate() -> String {
        STANDARD.encode(rand::random::<[u8; 32]>())
    }

    fn wrap(&self, customer: Uuid, key: &[u8; 32]) -> String {
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let sealed = self
            .wrap
            .encrypt(
                GenericArray::from_slice(&nonce),
                Payload {
                    msg: key,
                    aad: customer.as_bytes(),
                },
            )
            // AES-GCM only fails on inputs of gigabytes.
            .unwrap_or_default();
        STANDARD.encode([nonce.as_slice(), &sealed].concat())
    }

    fn unwrap(&self, customer: Uuid, wrapped: &str) -> Result<DataKey, VaultError> {
        let fail = || VaultError::Unwrap { customer };
        let bytes = STANDARD.decode(wrapped).map_err(|_| fail())?;
        if bytes.len() <= NONCE_BYTES {
            return Err(fail());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let key = self
            .wrap
            .decrypt(
                GenericArray::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: customer.as_bytes(),
                },
            )
            .map_err(|_| fail())?;
        DataKey::new(&key).ok_or_else(fail)
    }
}

/// A customer and their key, ready to seal a new ticket with; `new` is the
/// row to store when the customer is new.
#[derive(Debug, Clone)]
pub struct CustomerKey {
    pub customer: Uuid,
    pub key: DataKey,
    pub new: Option<NewKeyRow>,
}

/// A new customer's `customer_keys` row: the address hash and the wrapped key.
#[derive(Debug, Clone)]
pub struct NewKeyRow {
    pub email_hmac: Option<String>,
    pub wrapped_key: String,
}

/// One customer's AES-256-GCM key, unwrapped. Lives only in memory.
#[derive(Clone)]
pub struct DataKey(Aes256Gcm);

impl DataKey {
    fn new(bytes: &[u8]) -> Option<Self> {
        Aes256Gcm::new_from_slice(bytes).ok().map(Self)
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

#[derive(Clone, Debug)]
pub struct Vault {
    db: Db,
    master: Arc<MasterKey>,
}

impl Vault {
    pub fn new(db: Db, master: MasterKey) -> Self {
        Self {
            db,
            master: Arc::new(master),
        }
    }

    /// The keyed hash an address is looked up by (hex).
    pub fn email_lookup(&self, email: &CustomerEmail) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.master.lookup)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(email.normalized().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The customer an address belongs to, if they have a key.
    pub async fn find_customer(&self, email: &CustomerEmail) -> Result<Option<Uuid>, sqlx::Error> {
        Ok(self
            .by_address(&self.email_lookup(email))
            .await?
            .map(|(customer, _)| customer))
    }

    /// The customer and wrapped key an address hash belongs to. Erasure
    /// clears the hash, so an erased customer is never found.
    async fn by_address(&self, lookup: &str) -> Result<Option<(Uuid, String)>, sqlx::Error> {
        let found: Option<(String, String)> = crate::on_pool!(&self.db, pool => {
            sqlx::query_as("SELECT customer_ref, wrapped_key FROM customer_keys WHERE email_hmac = ? AND wrapped_key IS NOT NULL")
                .bind(lookup)
                .fetch_optional(pool)
                .await
        })?;
        Ok(found.and_then(|(id, wrapped)| Some((Uuid::parse_str(&id).ok()?, wrapped))))
    }

    /// The customer to seal a new ticket for, with their key: the one this
    /// address already belongs to, or a new customer whose key row the
    /// caller stores in the same transaction as the ticket's first events
    /// (see `event_store::Append::customer_key`). A caller without an
    /// address (a phone call) is a customer of their own. One query, no write.
    pub async fn key_for(&self, email: Option<&CustomerEmail>) -> Result<CustomerKey, VaultError> {
        let lookup = email.map(|e| self.email_lookup(e));
        if let Some(lookup) = &lookup
            && let Some((customer, wrapped)) = self.by_address(lookup).await?
        {
            return Ok(CustomerKey {
                customer,
                key: self.master.unwrap(customer, &wrapped)?,
                new: None,
            });
        }
        let customer = Uuid::now_v7();
        let bytes: [u8; 32] = rand::random();
        let key = DataKey::new(&bytes).ok_or(VaultError::Unwrap { customer })?;
        Ok(CustomerKey {
            customer,
            key,
            new: Some(NewKeyRow {
                email_hmac: lookup,
                wrapped_key: self.master.wrap(customer, &bytes),
            }),
        })
    }

    /// The data keys of these customers that still exist. A customer missing
    /// from the answer has been erased.
    pub async fn data_keys(
        &self,
        customers: &[Uuid],
    ) -> Result<HashMap<Uuid, DataKey>, VaultError> {
        let mut keys = HashMap::with_capacity(customers.len());
        for chunk in customers.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!(
                "SELECT customer_ref, wrapped_key FROM customer_keys WHERE wrapped_key IS NOT NULL AND customer_ref IN ({marks})"
            );
            let rows: Vec<(String, String)> = crate::on_pool!(&self.db, pool => {
                let mut query = sqlx::query_as(&sql);
                for customer in chunk {
                    query = query.bind(customer.to_string());
                }
                query.fetch_all(pool).await
            })?;
            for (id, wrapped) in rows {
                let Ok(customer) = Uuid::parse_str(&id) else {
                    continue;
                };
                keys.insert(customer, self.master.unwrap(customer, &wrapped)?);
            }
        }
        Ok(keys)
    }

    /// Deletes a customer's data key and address hash, keeping the row as a
    /// tombstone so an interrupted erasure can be finished. Returns whether
    /// a key was deleted (false: already erased, or unknown).
    pub async fn destroy(&self, customer: Uuid) -> Result<bool, sqlx::Error> {
        let done = crate::on_pool!(&self.db, pool => {
            sqlx::query("UPDATE customer_keys SET wrapped_key = NULL, email_hmac = NULL, erased_at = ? WHERE customer_ref = ? AND wrapped_key IS NOT NULL")
                .bind(now_micros())
                .bind(customer.to_string())
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(done > 0)
    }
}
