-- The consent ledger: per tenant and contact key, every event of the
-- contact's consent, numbered 1, 2, ... in the order they happened (`seq`):
-- an import wrote the contact (`imported`) or refused its row (`refused`),
-- the contact opted out (`opted_out`: added through the API or carried by
-- an imported row), or an opt-out came off the list (`opt_out_removed`:
-- the tenant removed it, or newer consent replaced it). Events are only
-- ever added. Import events keep what the row gave (channels as
-- `whatsapp;sms`, opt-in time, source, capture method, double opt-in
-- time, the row number) and the approval the import ran under; the exact
-- wording is kept once in `consent_wordings`, by the SHA-256 (hex) of its
-- UTF-8 bytes, and referred to by that hash. Opt-out events keep the
-- address (E.164 phone or lower-cased e-mail), when it opted out, why and
-- from where. Times are RFC 3339 in UTC. Portable SQL: the same file
-- migrates SQLite and PostgreSQL.
CREATE TABLE consent_wordings (
    sha256 TEXT PRIMARY KEY,
    wording TEXT NOT NULL
);

CREATE TABLE consent_events (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    contact_key TEXT NOT NULL,
    seq BIGINT NOT NULL CHECK (seq >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('imported', 'opted_out', 'refused', 'opt_out_removed')),
    recorded_at TEXT NOT NULL,
    submission_id TEXT REFERENCES submissions(id),
    row_number BIGINT,
    channels TEXT,
    opt_in_at TEXT,
    opt_in_source TEXT,
    wording_sha256 TEXT REFERENCES consent_wordings(sha256),
    capture_method TEXT,
    double_opt_in_at TEXT,
    approved_by TEXT REFERENCES reviewers(id),
    approved_at TEXT,
    address_kind TEXT CHECK (address_kind IN ('phone', 'email')),
    address TEXT,
    suppressed_at TEXT,
    origin TEXT CHECK (origin IN ('api', 'import')),
    reason TEXT,
    PRIMARY KEY (tenant_id, contact_key, seq),
    -- What an import did comes from a submission.
    CHECK (kind NOT IN ('imported', 'refused') OR submission_id IS NOT NULL),
    -- An opt-out names its address, its date and where it came from.
    CHECK (kind NOT IN ('opted_out', 'opt_out_removed')
        OR (address_kind IS NOT NULL AND address IS NOT NULL AND suppressed_at IS NOT NULL AND origin IS NOT NULL))
);
-- The ledger of one submission, by contact key and seq (the export's pages).
CREATE INDEX consent_events_submission ON consent_events (submission_id, contact_key, seq);
