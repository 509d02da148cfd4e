-- When a reviewer was removed (`listgate reviewer remove`); NULL: active.
-- The row stays because their review decisions refer to it.
ALTER TABLE reviewers ADD COLUMN removed_at TEXT;
