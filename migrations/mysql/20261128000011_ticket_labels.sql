-- Triage rules may also label a ticket: a tag (what it is about) and an
-- assignee group (which team should take it).
ALTER TABLE triage_rules ADD COLUMN assignee_group VARCHAR(50) NULL;

-- The labels of each ticket, for the list's filters and badges. A database
-- already rebuilt past generation 1 gets this table with
-- `madoguchi projections rebuild tickets`, which clones missing tables from
-- this first-generation template.
CREATE TABLE IF NOT EXISTS rm_ticket_labels_g1 (
    ticket_id CHAR(36) NOT NULL,
    kind VARCHAR(8) NOT NULL,
    label VARCHAR(50) NOT NULL,
    rule_id BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, kind, label)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
CREATE INDEX rm_ticket_labels_g1_label ON rm_ticket_labels_g1 (kind, label, ticket_id);
