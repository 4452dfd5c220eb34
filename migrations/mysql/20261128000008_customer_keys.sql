-- One data key per customer, wrapped by the master key (crypto-shredding).
-- Erasure sets wrapped_key and email_hmac to NULL and keeps the row as a
-- tombstone, so an interrupted erasure can be finished. email_hmac is a
-- keyed hash of the normalized address, never the address itself.
CREATE TABLE customer_keys (
    customer_ref CHAR(36) NOT NULL PRIMARY KEY,
    email_hmac CHAR(64) NULL,
    wrapped_key VARCHAR(128) NULL,
    created_at BIGINT NOT NULL,
    erased_at BIGINT NULL,
    UNIQUE KEY customer_keys_email (email_hmac)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
