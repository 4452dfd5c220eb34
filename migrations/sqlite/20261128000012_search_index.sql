-- The list's n-gram search index (projections/src/search/grams.rs): the
-- same tables as on MariaDB, so both backends answer searches alike.
--
-- Each ticket gets a dense number ("doc") in the order it opened.
CREATE TABLE IF NOT EXISTS rm_search_docs_g1 (
    doc INTEGER NOT NULL PRIMARY KEY,
    ticket_id TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS rm_search_docs_g1_by_ticket ON rm_search_docs_g1 (ticket_id);

-- For each gram (a character or two adjacent characters of the normalized
-- search text), which of 63 consecutive docs hold it, as bits.
CREATE TABLE IF NOT EXISTS rm_search_grams_g1 (
    block INTEGER NOT NULL,
    gram INTEGER NOT NULL,
    bits INTEGER NOT NULL,
    PRIMARY KEY (block, gram)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_search_grams_g1_gram ON rm_search_grams_g1 (gram, block, bits);

-- What each projection's current generation was built with. A tickets
-- projection that has applied events already has no index for them: search
-- keeps scanning with LIKE until `madoguchi projections rebuild tickets`
-- builds a generation of shape 2. A fresh database starts at shape 2.
ALTER TABLE projection_checkpoints ADD COLUMN shape BIGINT NOT NULL DEFAULT 1;
UPDATE projection_checkpoints SET shape = 2 WHERE name = 'tickets' AND position = 0;
