-- The review workflow: typed statuses (each status column takes only the
-- values the code's enums name), a history of decisions (approve with
-- exclusions, request changes, reject) and of the merchant's amendments,
-- a plan a reviewer confirms before import, and evidence kept longer than
-- the list. Portable SQL: SQLite (3.35+) and PostgreSQL both add a checked
-- column, copy, drop the old one and rename.
ALTER TABLE submissions ADD COLUMN state TEXT NOT NULL DEFAULT 'pending_review'
    CHECK (state IN ('pending_review', 'changes_requested', 'approved', 'importing', 'imported', 'rejected'));
UPDATE submissions SET state = CASE
    WHEN status = 'approved' AND id IN (SELECT submission_id FROM schedules) THEN 'importing'
    ELSE status END;
ALTER TABLE submissions DROP COLUMN status;
ALTER TABLE submissions RENAME COLUMN state TO status;
-- The clean file, evidence and declaration together: the same ones sent
-- again are refused (NULL for submissions made before).
ALTER TABLE submissions ADD COLUMN fingerprint TEXT;
CREATE INDEX submissions_fingerprint ON submissions (tenant_id, fingerprint);
-- What the approval left out (JSON) and how many contacts that is.
ALTER TABLE submissions ADD COLUMN exclusions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE submissions ADD COLUMN excluded BIGINT NOT NULL DEFAULT 0;
-- When the evidence and consent answers were deleted (kept longer than the list).
ALTER TABLE submissions ADD COLUMN evidence_purged_at TEXT;

ALTER TABLE batches ADD COLUMN state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'done', 'failed'));
UPDATE batches SET state = status;
ALTER TABLE batches DROP COLUMN status;
ALTER TABLE batches RENAME COLUMN state TO status;
-- A batch starts at a position in the import sequence (the clean file's
-- rows less the excluded ones), not at a file row.
ALTER TABLE batches ADD COLUMN start BIGINT NOT NULL DEFAULT 0;
UPDATE batches SET start = first_row - 2;
ALTER TABLE batches DROP COLUMN first_row;

ALTER TABLE webhook_deliveries ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'delivered', 'failed'));
UPDATE webhook_deliveries SET state = status;
ALTER TABLE webhook_deliveries DROP COLUMN status;
ALTER TABLE webhook_deliveries RENAME COLUMN state TO status;

CREATE TABLE decisions (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    number BIGINT NOT NULL,
    reviewer_id TEXT NOT NULL REFERENCES reviewers(id),
    verdict TEXT NOT NULL CHECK (verdict IN ('approved', 'changes_requested', 'rejected')),
    reasons TEXT NOT NULL,
    note TEXT NOT NULL,
    exclusions TEXT NOT NULL,
    excluded BIGINT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (submission_id, number)
);
INSERT INTO decisions (submission_id, number, reviewer_id, verdict, reasons, note, exclusions, excluded, decided_at)
    SELECT submission_id, 1, reviewer_id, decision, reasons, note, '{}', 0, decided_at FROM reviews;
DROP TABLE reviews;

CREATE TABLE amendments (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    number BIGINT NOT NULL,
    evidence_added BIGINT NOT NULL,
    consent_replaced BIGINT NOT NULL,
    clean_replaced BIGINT NOT NULL,
    note TEXT NOT NULL,
    amended_at TEXT NOT NULL,
    PRIMARY KEY (submission_id, number)
);

-- The confirmed plan: the first batch, growth and a daily cap join the
-- interval and cap; why the import is paused, when it is.
ALTER TABLE schedules ADD COLUMN first_batch BIGINT NOT NULL DEFAULT 100;
ALTER TABLE schedules ADD COLUMN growth BIGINT NOT NULL DEFAULT 2;
ALTER TABLE schedules ADD COLUMN daily_cap BIGINT;
ALTER TABLE schedules ADD COLUMN paused_reason TEXT;
