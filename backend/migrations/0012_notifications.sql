-- Notifications: what happens to a submission (a decision, each imported
-- batch, a pause, a resume, the end) sent to the tenant's webhook and, when
-- the server has SMTP, by e-mail to the tenant's contact address. An
-- outbox written in the transaction of the change it tells, sent and
-- retried by the worker.
ALTER TABLE tenants ADD COLUMN contact_email TEXT;
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    event TEXT NOT NULL
        CHECK (event IN ('approved', 'changes_requested', 'rejected', 'batch_imported', 'paused', 'resumed', 'completed')),
    channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_ms);
