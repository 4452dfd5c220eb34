-- Service-level targets per priority, in business minutes, as admins set
-- them in the console. The SLA watcher and the list read them afresh, so an
-- edit applies without a restart. The rows start at the shipped defaults.
CREATE TABLE sla_policies (
    priority VARCHAR(8) NOT NULL PRIMARY KEY CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    first_response_minutes INTEGER NOT NULL CHECK (first_response_minutes BETWEEN 1 AND 54000),
    resolution_minutes INTEGER NOT NULL CHECK (resolution_minutes BETWEEN 1 AND 54000),
    updated_at INTEGER NOT NULL
);

INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes, updated_at) VALUES
    ('low', 1080, 5400, 0),
    ('medium', 540, 2700, 0),
    ('high', 240, 1080, 0),
    ('urgent', 60, 480, 0);

-- Open tickets past a target, as the SLA watcher last counted them (once a
-- minute): what the dashboard shows, without recounting on every view.
CREATE TABLE sla_open_breaches (
    kind VARCHAR(16) NOT NULL PRIMARY KEY CHECK (kind IN ('first_response', 'resolution')),
    open_count INTEGER NOT NULL,
    counted_at INTEGER NOT NULL
);
