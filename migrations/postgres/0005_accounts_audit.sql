-- Roles, sign-in throttling and the audit log (PostgreSQL). Keep in step with sqlite/0005.

ALTER TABLE users DROP CONSTRAINT users_role_check;
UPDATE users SET role = CASE role WHEN 'merchant' THEN 'merchant_admin' ELSE 'warehouse_lead' END;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('merchant_admin', 'merchant_user', 'warehouse_lead', 'warehouse_picker', 'platform_admin'));
-- Disabled users cannot sign in; their sessions are ended when disabled.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;
ALTER TABLE users ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX users_merchant ON users(merchant_id);

-- Every sign-in attempt, for throttling per account and per client address (kept in the
-- database so several app servers count together).
CREATE TABLE sign_in_attempts (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    succeeded BIGINT NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts(email, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts(address, at);

-- Who changed what, when, before → after (JSON), for platform orders, SKU mappings, stores,
-- users and catalog objects. Orders keep their own history in order_events and stock in
-- inventory_movements.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL,
    -- The tenant whose history this is (NULL: platform-level objects such as warehouses).
    merchant_id BIGINT REFERENCES merchants(id),
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, id);

-- Draft edits record what changed.
ALTER TABLE order_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
