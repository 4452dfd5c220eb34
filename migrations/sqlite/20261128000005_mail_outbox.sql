-- Outbound mail: see the MariaDB migration of the same name.

CREATE TABLE mail_outbox (
    outbox_id TEXT NOT NULL PRIMARY KEY,
    ticket_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('acknowledgement', 'reply')),
    reply_id TEXT NULL,
    recipient TEXT NOT NULL,
    message_id TEXT NOT NULL,
    raw TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    provider_message_id TEXT NULL,
    last_error TEXT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

INSERT INTO projection_checkpoints (name, position, generation, updated_at) VALUES ('mailer', 0, 1, 0);
