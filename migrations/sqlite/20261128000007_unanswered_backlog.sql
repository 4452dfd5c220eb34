-- Open tickets still waiting for their first response, per JST hour of
-- receipt: the dashboard's overdue count sums these rows instead of counting
-- the whole backlog. (See the MariaDB migration on later generations.)
CREATE TABLE IF NOT EXISTS rm_unanswered_hourly_g1 (
    hour_start INTEGER NOT NULL PRIMARY KEY,
    count INTEGER NOT NULL
);
