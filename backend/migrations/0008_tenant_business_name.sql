-- The business the tenant's consent wording must name. The server re-checks
-- every list against it, whatever the submission form says; when it is not
-- set, the tenant's name is used.
ALTER TABLE tenants ADD COLUMN business_name TEXT;
