-- Read models: derived data, always rebuildable from `events`.
--
-- Every read-model table carries its generation as a suffix (`_g1`, `_g2` …).
-- A rebuild fills the next generation while the current one keeps serving,
-- then switches `projection_checkpoints.generation` in the same transaction
-- that moves the checkpoint, so readers and workers move over atomically.

CREATE TABLE projection_checkpoints (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    position BIGINT NOT NULL,
    generation BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    halted_position BIGINT NULL,
    halted_reason TEXT NULL,
    lease_holder VARCHAR(64) NULL,
    lease_expires_at BIGINT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO projection_checkpoints (name, position, generation, updated_at) VALUES ('tickets', 0, 1, 0);

CREATE TABLE rm_tickets_g1 (
    ticket_id CHAR(36) NOT NULL PRIMARY KEY,
    inquiry_number VARCHAR(24) NOT NULL,
    subject VARCHAR(200) NOT NULL,
    customer_name VARCHAR(100) NOT NULL,
    customer_email VARCHAR(100) NULL,
    order_number VARCHAR(50) NULL,
    category_id BIGINT NOT NULL,
    channel VARCHAR(8) NOT NULL,
    status VARCHAR(16) NOT NULL,
    priority VARCHAR(8) NOT NULL,
    priority_rank INT NOT NULL,
    assignee_id BIGINT NULL,
    received_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_customer_message_at BIGINT NULL,
    first_response_at BIGINT NULL,
    awaiting_reply BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    -- NFKC-normalized, lower-cased text of everything searchable. Binary
    -- collation: normalization is done by the application, identically on
    -- both backends.
    search_text LONGTEXT COLLATE utf8mb4_bin NOT NULL,
    UNIQUE KEY rm_tickets_g1_number (inquiry_number),
    KEY rm_tickets_g1_status_priority (status, priority_rank, received_at, ticket_id),
    KEY rm_tickets_g1_received (received_at, ticket_id),
    KEY rm_tickets_g1_updated (updated_at, ticket_id),
    KEY rm_tickets_g1_priority (priority_rank, received_at, ticket_id),
    KEY rm_tickets_g1_assignee (assignee_id, status, received_at),
    KEY rm_tickets_g1_first_response (first_response_at, status, received_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE rm_timeline_g1 (
    ticket_id CHAR(36) NOT NULL,
    sequence BIGINT NOT NULL,
    kind VARCHAR(32) NOT NULL,
    actor VARCHAR(64) NOT NULL,
    occurred_at BIGINT NOT NULL,
    body LONGTEXT NULL,
    data LONGTEXT NOT NULL,
    ref_id CHAR(36) NULL,
    delivery VARCHAR(16) NULL,
    PRIMARY KEY (ticket_id, sequence),
    KEY rm_timeline_g1_ref (ticket_id, ref_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Dashboard counters, kept incrementally: GROUP BY over a million tickets
-- costs ~120 ms, these rows cost nothing.
CREATE TABLE rm_counts_g1 (
    status VARCHAR(16) NOT NULL,
    priority VARCHAR(8) NOT NULL,
    assigned BOOLEAN NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (status, priority, assigned)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE rm_workload_g1 (
    assignee_id BIGINT NOT NULL PRIMARY KEY,
    open_count BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Tickets received per JST hour; the key is the hour's start, in microseconds UTC.
CREATE TABLE rm_received_hourly_g1 (
    hour_start BIGINT NOT NULL PRIMARY KEY,
    count BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row of facts per ticket for quality analytics (first response,
-- resolution, reopens, replies), grouped by week, agent or category on read.
CREATE TABLE rm_ticket_facts_g1 (
    ticket_id CHAR(36) NOT NULL PRIMARY KEY,
    category_id BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    first_response_at BIGINT NULL,
    first_responder_id BIGINT NULL,
    resolved_at BIGINT NULL,
    resolver_id BIGINT NULL,
    reopen_count INT NOT NULL,
    reply_count INT NOT NULL,
    KEY rm_ticket_facts_g1_received (received_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
