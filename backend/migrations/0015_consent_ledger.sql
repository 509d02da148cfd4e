-- The consent ledger: per tenant and contact key, every event of the
-- contact's consent in the order they were written: an import wrote the
-- contact (`imported`) or refused its row (`refused`), the contact opted
-- out (`opted_out`: added through the API or carried by an imported row),
-- an opt-out came off the list (`opt_out_removed`: the tenant removed it,
-- or newer consent replaced it), or the messaging platform reported that
-- the contact completed its opt-in (`confirmed`) or opted out there
-- (`opted_out_on_platform`). Events are only ever added. Import events
-- keep what the row gave (channels as `whatsapp;sms`, opt-in time,
-- source, capture method, double opt-in time, the row number) and the
-- approval the import ran under; the exact wording is kept once in
-- `consent_wordings`, by the SHA-256 (hex) of its UTF-8 bytes, and
-- referred to by that hash. Opt-out events keep the address (E.164 phone
-- or lower-cased e-mail), when it opted out, why and from where. Events
-- that set the contact's consent state keep it (`state`); the platform's
-- reports keep when it says the change happened (`reported_at`). Times are
-- RFC 3339 in UTC. Portable SQL: the same file migrates SQLite and
-- PostgreSQL.
--
-- Events are ordered by `id`, which the database hands out, never by a
-- number read from the chain and written back: two transactions writing
-- one contact's chain at once (an import and an opt-out) must both
-- commit. On PostgreSQL `BIGSERIAL` draws it from a sequence, outside any
-- transaction's locks; SQLite knows no such type (the column is a plain
-- number there) and the server writes the table's highest id plus one in
-- the INSERT itself, which is race-free because SQLite runs one write at a
-- time. A contact's `seq` (1, 2, ...) is its events' rank by id.
CREATE TABLE consent_wordings (
    sha256 TEXT PRIMARY KEY,
    wording TEXT NOT NULL
);

CREATE TABLE consent_events (
    id BIGSERIAL NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    contact_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('imported', 'opted_out', 'refused', 'opt_out_removed',
        'confirmed', 'opted_out_on_platform')),
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
    state TEXT CHECK (state IN ('confirmed', 'awaiting_confirmation', 'opted_out')),
    reported_at TEXT,
    -- What an import did comes from a submission.
    CHECK (kind NOT IN ('imported', 'refused') OR submission_id IS NOT NULL),
    -- An opt-out names its address, its date and where it came from.
    CHECK (kind NOT IN ('opted_out', 'opt_out_removed')
        OR (address_kind IS NOT NULL AND address IS NOT NULL AND suppressed_at IS NOT NULL AND origin IS NOT NULL)),
    -- The platform's reports say what the contact's state became, and when.
    CHECK (kind NOT IN ('confirmed', 'opted_out_on_platform') OR (state IS NOT NULL AND reported_at IS NOT NULL))
);
-- A contact's chain in order (and the seq of each event).
CREATE INDEX consent_events_chain ON consent_events (tenant_id, contact_key, id);
-- The ledger of one submission, by contact key and order (the export's pages).
CREATE INDEX consent_events_submission ON consent_events (submission_id, contact_key, id);

-- Where each contact's consent stands: `confirmed` (may be messaged),
-- `awaiting_confirmation` (imported under `sms-us`: Community sends the
-- number a one-time welcome message with an opt-in link, and it joins only
-- once its owner completes the opt-in) or `opted_out`. Contacts stored
-- before the ledger were imported as confirmed.
ALTER TABLE contacts ADD COLUMN consent_state TEXT NOT NULL DEFAULT 'confirmed'
    CHECK (consent_state IN ('confirmed', 'awaiting_confirmation', 'opted_out'));
