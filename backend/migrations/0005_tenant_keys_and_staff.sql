-- A publishable key per tenant: public by design (it sits in partner web
-- pages), good only for creating submissions from an allowed origin, so it
-- is stored as is and can be shown again.
ALTER TABLE tenants ADD COLUMN publishable_key TEXT;
CREATE UNIQUE INDEX tenants_publishable_key ON tenants (publishable_key);

-- The tenant's staff ids (space-separated; empty: any StaffId is accepted).
-- The server re-checks Mongoose lists against these, not the merchant's own.
ALTER TABLE tenants ADD COLUMN staff_ids TEXT NOT NULL DEFAULT '';
