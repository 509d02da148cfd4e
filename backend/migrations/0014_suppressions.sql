-- The tenant's suppression list: phones (E.164) and e-mail addresses
-- (trimmed, lower-cased) that opted out, with why (at most 200 characters),
-- when (RFC 3339, UTC) and where the opt-out came from (the API or an
-- imported row). An import never re-subscribes a contact whose opt-out is
-- later than the row's consent. Portable SQL: the same file migrates
-- SQLite and PostgreSQL.
CREATE TABLE suppressions (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (LENGTH(reason) <= 200),
    suppressed_at TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('api', 'import')),
    PRIMARY KEY (tenant_id, kind, value)
);
