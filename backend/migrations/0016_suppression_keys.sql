-- The key each tenant's opt-outs are hashed under (HMAC-SHA-256, hex) when
-- the browser app fetches them, so numbers and addresses never reach a
-- browser as themselves. Made at the first fetch.
ALTER TABLE tenants ADD COLUMN suppression_key TEXT;
