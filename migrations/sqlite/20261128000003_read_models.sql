-- Read models: see the MariaDB migration of the same name for the reasoning.

CREATE TABLE projection_checkpoints (
    name TEXT NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    halted_position INTEGER NULL,
    halted_reason TEXT NULL,
    lease_holder TEXT NULL,
    lease_expires_at INTEGER NULL
);

INSERT INTO projection_checkpoints (name, position, generation, updated_at) VALUES ('tickets', 0, 1, 0);

CREATE TABLE rm_tickets_g1 (
    ticket_id TEXT NOT NULL PRIMARY KEY,
    inquiry_number TEXT NOT NULL,
    subject TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    customer_email TEXT NULL,
    order_number TEXT NULL,
    category_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    priority_rank INTEGER NOT NULL,
    assignee_id INTEGER NULL,
    received_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_customer_message_at INTEGER NULL,
    first_response_at INTEGER NULL,
    awaiting_reply BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    -- NFKC-normalized, lower-cased text of everything searchable.
    search_text TEXT NOT NULL
);
CREATE UNIQUE INDEX rm_tickets_g1_number ON rm_tickets_g1 (inquiry_number);
CREATE INDEX rm_tickets_g1_status_priority ON rm_tickets_g1 (status, priority_rank, received_at, ticket_id);
CREATE INDEX rm_tickets_g1_received ON rm_tickets_g1 (received_at, ticket_id);
CREATE INDEX rm_tickets_g1_updated ON rm_tickets_g1 (updated_at, ticket_id);
CREATE INDEX rm_tickets_g1_priority ON rm_tickets_g1 (priority_rank, received_at, ticket_id);
CREATE INDEX rm_tickets_g1_assignee ON rm_tickets_g1 (assignee_id, status, received_at);
CREATE INDEX rm_tickets_g1_first_response ON rm_tickets_g1 (first_response_at, status, received_at);

CREATE TABLE rm_timeline_g1 (
    ticket_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    body TEXT NULL,
    data TEXT NOT NULL,
    ref_id TEXT NULL,
    delivery TEXT NULL,
    PRIMARY KEY (ticket_id, sequence)
);
CREATE INDEX rm_timeline_g1_ref ON rm_timeline_g1 (ticket_id, ref_id);

-- Dashboard counters, kept incrementally: GROUP BY over a million tickets
-- costs ~120 ms, these rows cost nothing.
CREATE TABLE rm_counts_g1 (
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    assigned BOOLEAN NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (status, priority, assigned)
);

CREATE TABLE rm_workload_g1 (
    assignee_id INTEGER NOT NULL PRIMARY KEY,
    open_count INTEGER NOT NULL
);

-- Tickets received per JST hour; the key is the hour's start, in microseconds UTC.
CREATE TABLE rm_received_hourly_g1 (
    hour_start INTEGER NOT NULL PRIMARY KEY,
    count INTEGER NOT NULL
);

-- One row of facts per ticket for quality analytics.
CREATE TABLE rm_ticket_facts_g1 (
    ticket_id TEXT NOT NULL PRIMARY KEY,
    category_id INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    first_response_at INTEGER NULL,
    first_responder_id INTEGER NULL,
    resolved_at INTEGER NULL,
    resolver_id INTEGER NULL,
    reopen_count INTEGER NOT NULL,
    reply_count INTEGER NOT NULL
);
CREATE INDEX rm_ticket_facts_g1_received ON rm_ticket_facts_g1 (received_at);
