-- When a finished submission's list and evidence were deleted under the
-- retention period (NULL: still held).
ALTER TABLE submissions ADD COLUMN purged_at TEXT;
