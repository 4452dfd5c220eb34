-- One data key per customer, wrapped by the master key (crypto-shredding).
-- Erasure sets wrapped_key and email_hmac to NULL and keeps the row as a
-- tombstone, so an interrupted erasure can be finished. email_hmac is a
-- keyed hash of the normalized address, never the address itself.
CREATE TABLE customer_keys (
    customer_ref TEXT NOT NULL PRIMARY KEY,
    email_hmac TEXT NULL UNIQUE,
    wrapped_key TEXT NULL,
    created_at INTEGER NOT NULL,
    erased_at INTEGER NULL
);
