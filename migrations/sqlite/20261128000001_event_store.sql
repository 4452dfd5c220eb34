-- The event store: the only source of truth. See the MariaDB migration of the
-- same name for the reasoning; SQLite serializes writers anyway, and the head
-- row keeps the position logic identical on both backends.

CREATE TABLE event_log_head (
    id INTEGER NOT NULL PRIMARY KEY,
    last_position INTEGER NOT NULL
);

INSERT INTO event_log_head (id, last_position) VALUES (1, 0);

CREATE TABLE events (
    global_position INTEGER NOT NULL PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    event_version TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    metadata TEXT NOT NULL CHECK (json_valid(metadata)),
    recorded_at INTEGER NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, sequence)
);

CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response TEXT NOT NULL CHECK (json_valid(response)),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);

CREATE TABLE stream_claims (
    claim_kind TEXT NOT NULL,
    claim_value TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (claim_kind, claim_value)
);

CREATE TABLE inquiry_sequences (
    day TEXT NOT NULL PRIMARY KEY,
    last_sequence INTEGER NOT NULL
);
