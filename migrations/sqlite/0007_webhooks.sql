-- Merchant webhooks (SQLite). Keep in step with postgres/0007.

-- Per order, the number of the last webhook event recorded (the payload's "sequence").
ALTER TABLE orders ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    secret_sealed TEXT NOT NULL,      -- signing secret, encrypted (server::secrets); shown once
    event_types TEXT NOT NULL,        -- comma list of event codes: order.created,order.shipped
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints(merchant_id, id);

-- The outbox: one row per event, written in the transaction of the change it reports.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,              -- uuid, the payload's "id" (receivers de-duplicate on it)
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    order_id INTEGER REFERENCES orders(id),  -- NULL for a test event
    event_type TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    payload TEXT NOT NULL,            -- the exact JSON body every attempt sends
    created_at INTEGER NOT NULL
);

-- One event on its way to one endpoint.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES webhook_events(id),
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    -- Copied from the event: deliveries of one order to one endpoint go out in sequence order.
    order_id INTEGER,
    sequence INTEGER NOT NULL,
    status TEXT NOT NULL,             -- queued | delivering | succeeded | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- NULL: the event's time plus the configured retry window; a re-send sets it.
    give_up_at INTEGER,
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    last_response_snippet TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries(endpoint_id, order_id, sequence);
CREATE INDEX webhook_deliveries_merchant ON webhook_deliveries(merchant_id, id);

-- Every POST, for the delivery log.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT NOT NULL DEFAULT '',
    response_snippet TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);
