-- The merchant's change list: the `changes.csv` the app wrote of the cells
-- they edited (in the blob store, by SHA-256; deleted with the list under
-- the retention period) and what the server read of it, as JSON
-- `ChangeSummary` (the lines shown are dropped with the list). NULL: sent
-- without one. Portable SQL: the same file migrates SQLite and PostgreSQL.
ALTER TABLE submissions ADD COLUMN changes_sha256 TEXT;
ALTER TABLE submissions ADD COLUMN changes TEXT;
