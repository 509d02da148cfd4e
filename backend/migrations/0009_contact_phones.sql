-- Each contact's phone in E.164 ('' when it has none), indexed so that the
-- import finds the contact holding a number without reading every contact
-- (Mongoose: a number moves to an existing contact only while no other
-- contact has it). NULL until the server derives it from `data`, which it
-- does for older contacts when it connects; `phone` leads the index so
-- that it finds those too.
ALTER TABLE contacts ADD COLUMN phone TEXT;
CREATE INDEX contacts_phone ON contacts (phone, tenant_id);
