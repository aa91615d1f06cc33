-- Roles, sign-in throttling and the audit log (SQLite). Keep in step with postgres/0005.

-- Five roles instead of two. SQLite cannot change a CHECK constraint in place, so the users
-- table is rebuilt. Migrations run inside a transaction, where foreign_keys cannot be turned
-- off; deferring them instead lets the table be dropped and recreated under the same name:
-- the children's references resolve again once the same ids are back, before COMMIT.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE users_before AS SELECT * FROM users;
-- Rows that would go with the old table (ON DELETE CASCADE) are put back afterwards.
CREATE TEMP TABLE sessions_before AS SELECT * FROM sessions;
CREATE TEMP TABLE user_warehouses_before AS SELECT * FROM user_warehouses;
DROP TABLE users;
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('merchant_admin', 'merchant_user', 'warehouse_lead', 'warehouse_picker', 'platform_admin')),
    merchant_id INTEGER REFERENCES merchants(id),
    warehouse_id INTEGER REFERENCES warehouses(id),
    -- Disabled users cannot sign in; their sessions are ended when disabled.
    disabled_at INTEGER,
    password_changed_at INTEGER,
    created_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO users (id, email, password_hash, display_name, role, merchant_id, warehouse_id)
SELECT id, email, password_hash, display_name,
       CASE role WHEN 'merchant' THEN 'merchant_admin' ELSE 'warehouse_lead' END,
       merchant_id, warehouse_id
FROM users_before;
INSERT INTO sessions SELECT * FROM sessions_before;
INSERT INTO user_warehouses SELECT * FROM user_warehouses_before;
DROP TABLE users_before;
DROP TABLE sessions_before;
DROP TABLE user_warehouses_before;
CREATE INDEX users_merchant ON users(merchant_id);

-- Every sign-in attempt, for throttling per account and per client address (kept in the
-- database so several app servers count together).
CREATE TABLE sign_in_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts(email, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts(address, at);

-- Who changed what, when, before → after (JSON), for platform orders, SKU mappings, stores,
-- users and catalog objects. Orders keep their own history in order_events and stock in
-- inventory_movements.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    actor_name TEXT NOT NULL,
    -- The tenant whose history this is (NULL: platform-level objects such as warehouses).
    merchant_id INTEGER REFERENCES merchants(id),
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, id);

-- Draft edits record what changed.
ALTER TABLE order_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
