-- Delivery signals: what the messaging platform reports of each imported
-- batch (in contacts), and why they paused the import when they did. A
-- tenant chooses whether the next batch waits for the last one's signals,
-- and its own thresholds (JSON; '{}' keeps the documented defaults).
CREATE TABLE batch_signals (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    batch BIGINT NOT NULL,
    sent BIGINT NOT NULL,
    delivered BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    blocked BIGINT NOT NULL,
    reported_spam BIGINT NOT NULL,
    opted_out BIGINT NOT NULL,
    breach TEXT,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (submission_id, batch)
);
ALTER TABLE tenants ADD COLUMN signals_expected BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN signal_thresholds TEXT NOT NULL DEFAULT '{}';
-- The batch whose signals the next batch waits for (NULL: none awaited).
ALTER TABLE schedules ADD COLUMN awaiting_signals BIGINT;
