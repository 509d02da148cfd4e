-- Per-tenant webhook and its outbox: one delivery per imported batch,
-- written in the batch's transaction, sent and retried by the worker.
ALTER TABLE tenants ADD COLUMN webhook_url TEXT;
ALTER TABLE tenants ADD COLUMN webhook_secret TEXT;

CREATE TABLE webhook_deliveries (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    batch BIGINT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    last_error TEXT,
    PRIMARY KEY (submission_id, batch)
);
