-- The event store: the only source of truth. Read models are rebuilt from it.
--
-- Global order: every append moves the single row of `event_log_head` inside
-- its own transaction and takes the positions `last-n+1 .. last`. Appends are
-- therefore serialized on that row, which makes positions gapless in commit
-- order: a reader following `global_position > checkpoint` never skips an
-- event. docs/event-store.md records the choice and its measured cost.

CREATE TABLE event_log_head (
    id TINYINT NOT NULL PRIMARY KEY,
    last_position BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO event_log_head (id, last_position) VALUES (1, 0);

CREATE TABLE events (
    global_position BIGINT NOT NULL PRIMARY KEY,
    event_id CHAR(36) NOT NULL,
    aggregate_type VARCHAR(64) NOT NULL,
    aggregate_id VARCHAR(64) NOT NULL,
    sequence BIGINT NOT NULL,
    event_type VARCHAR(128) NOT NULL,
    event_version VARCHAR(16) NOT NULL,
    payload LONGTEXT NOT NULL CHECK (JSON_VALID(payload)),
    metadata LONGTEXT NOT NULL CHECK (JSON_VALID(metadata)),
    -- Microseconds since the Unix epoch, UTC.
    recorded_at BIGINT NOT NULL,
    UNIQUE KEY events_stream (aggregate_type, aggregate_id, sequence),
    UNIQUE KEY events_event_id (event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Append-only, even for a user that holds UPDATE or DELETE by mistake. In
-- production the application user also lacks those grants on this table.
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'events are append-only';

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'events are append-only';

-- A command's Idempotency-Key, stored in the same transaction as its events.
CREATE TABLE idempotency_keys (
    scope VARCHAR(64) NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    response LONGTEXT NOT NULL CHECK (JSON_VALID(response)),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Values that must be unique across streams (an inquiry number, an inbound
-- mail's Message-ID), claimed in the same transaction as the events.
CREATE TABLE stream_claims (
    claim_kind VARCHAR(32) NOT NULL,
    claim_value VARCHAR(255) NOT NULL,
    aggregate_type VARCHAR(64) NOT NULL,
    aggregate_id VARCHAR(64) NOT NULL,
    claimed_at BIGINT NOT NULL,
    PRIMARY KEY (claim_kind, claim_value)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The per-day sequence of inquiry numbers (JST day, YYYYMMDD).
CREATE TABLE inquiry_sequences (
    day CHAR(8) NOT NULL PRIMARY KEY,
    last_sequence BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
