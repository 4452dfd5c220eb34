-- The list's n-gram search index (projections/src/search/grams.rs): RDS
-- MariaDB has no n-gram parser, and LIKE over every row the filters leave
-- does not scale to a million tickets.
--
-- Each ticket gets a dense number ("doc") in the order it opened.
CREATE TABLE IF NOT EXISTS rm_search_docs_g1 (
    doc BIGINT NOT NULL PRIMARY KEY,
    ticket_id CHAR(36) NOT NULL,
    UNIQUE KEY rm_search_docs_g1_by_ticket (ticket_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- For each gram (a character or two adjacent characters of the normalized
-- search text), which of 63 consecutive docs hold it, as bits. The primary
-- key follows the order tickets open, so indexing appends; searches read
-- the covering index by gram.
CREATE TABLE IF NOT EXISTS rm_search_grams_g1 (
    block BIGINT NOT NULL,
    gram BIGINT NOT NULL,
    bits BIGINT NOT NULL,
    PRIMARY KEY (block, gram),
    KEY rm_search_grams_g1_gram (gram, block, bits)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- What each projection's current generation was built with. A tickets
-- projection that has applied events already has no index for them: search
-- keeps scanning with LIKE until `madoguchi projections rebuild tickets`
-- builds a generation of shape 2. A fresh database starts at shape 2.
ALTER TABLE projection_checkpoints ADD COLUMN shape BIGINT NOT NULL DEFAULT 1;
UPDATE projection_checkpoints SET shape = 2 WHERE name = 'tickets' AND position = 0;
