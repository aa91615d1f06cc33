-- REST API (SQLite): personal API tokens and idempotency keys. Keep in step with postgres/0006.

-- A token acts as its owner (a merchant user) limited to its scopes. Only the SHA-256 of the
-- token is kept; token_hint (last 4 characters) tells tokens apart on the management page.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_hint TEXT NOT NULL,
    scopes TEXT NOT NULL,            -- comma list: orders:read,orders:write,...
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_merchant ON api_tokens(merchant_id, id);

-- One row per (merchant, Idempotency-Key): claimed before the work (completed_at NULL = in
-- progress), then holds the answer that replays return. Rows older than 24 h are expired.
CREATE TABLE idempotency_keys (
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    response_body TEXT,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    PRIMARY KEY (merchant_id, idempotency_key)
);
CREATE INDEX idempotency_keys_merchant_created ON idempotency_keys(merchant_id, created_at);
