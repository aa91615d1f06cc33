-- REST API (PostgreSQL): personal API tokens and idempotency keys. Keep in step with sqlite/0006.

-- A token acts as its owner (a merchant user) limited to its scopes. Only the SHA-256 of the
-- token is kept; token_hint (last 4 characters) tells tokens apart on the management page.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_hint TEXT NOT NULL,
    scopes TEXT NOT NULL,            -- comma list: orders:read,orders:write,...
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_merchant ON api_tokens(merchant_id, id);

-- One row per (merchant, Idempotency-Key): claimed before the work (completed_at NULL = in
-- progress), then holds the answer that replays return. Rows older than 24 h are expired.
CREATE TABLE idempotency_keys (
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    idempotency_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code BIGINT,
    response_body TEXT,
    created_at BIGINT NOT NULL,
    completed_at BIGINT,
    PRIMARY KEY (merchant_id, idempotency_key)
);
CREATE INDEX idempotency_keys_merchant_created ON idempotency_keys(merchant_id, created_at);
