-- Paced import: one schedule per approved submission, its batches, the
-- tenant's contact store (upserted, never deleted) and rows that failed.
CREATE TABLE schedules (
    submission_id TEXT PRIMARY KEY REFERENCES submissions(id),
    paused BIGINT NOT NULL,
    interval_ms BIGINT NOT NULL,
    cap BIGINT NOT NULL,
    completed_at TEXT
);

CREATE TABLE batches (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    number BIGINT NOT NULL,
    first_row BIGINT NOT NULL,
    contacts BIGINT NOT NULL,
    status TEXT NOT NULL,
    due_at_ms BIGINT NOT NULL,
    claimed_at_ms BIGINT,
    imported BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (submission_id, number)
);

CREATE TABLE contacts (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    contact_key TEXT NOT NULL,
    data TEXT NOT NULL,
    submission_id TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, contact_key)
);

CREATE TABLE import_failures (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    row_number BIGINT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (submission_id, row_number)
);
