-- Outbound mail: one row per mail, keyed by the id of the event that caused
-- it, so a replayed or repeated reaction never queues a mail twice. The
-- dispatcher sends due rows and records the outcome as ticket events.

CREATE TABLE mail_outbox (
    outbox_id CHAR(36) NOT NULL PRIMARY KEY,
    ticket_id CHAR(36) NOT NULL,
    kind VARCHAR(16) NOT NULL CHECK (kind IN ('acknowledgement', 'reply')),
    reply_id CHAR(36) NULL,
    recipient VARCHAR(100) NOT NULL,
    message_id VARCHAR(255) NOT NULL,
    raw LONGTEXT NOT NULL,
    status VARCHAR(16) NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    provider_message_id VARCHAR(255) NULL,
    last_error TEXT NULL,
    created_at BIGINT NOT NULL,
    KEY mail_outbox_due (status, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO projection_checkpoints (name, position, generation, updated_at) VALUES ('mailer', 0, 1, 0);
