-- Open tickets still waiting for their first response, per JST hour of
-- receipt: the dashboard's overdue count sums these rows instead of counting
-- a backlog that can reach hundreds of thousands of index entries.
--
-- Read-model tables carry their generation; a fresh database is at
-- generation 1. A database already rebuilt to a later generation gets this
-- table (and its history) with `madoguchi projections rebuild tickets`,
-- which clones missing tables from this first-generation template.
CREATE TABLE IF NOT EXISTS rm_unanswered_hourly_g1 (
    hour_start BIGINT NOT NULL PRIMARY KEY,
    count BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
