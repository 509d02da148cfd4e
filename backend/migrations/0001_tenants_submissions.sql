-- Tenants, their API keys (hashed) and the submissions they send.
-- Portable SQL: the same file migrates SQLite and PostgreSQL.
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    origins TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    idempotency_key TEXT,
    status TEXT NOT NULL,
    profile TEXT NOT NULL,
    settings TEXT NOT NULL,
    report TEXT NOT NULL,
    consent TEXT NOT NULL,
    clean_sha256 TEXT NOT NULL,
    contacts BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, idempotency_key)
);

CREATE TABLE evidence (
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    opt_in_source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (submission_id, position)
);
