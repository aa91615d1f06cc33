-- Carrier labels for Non-Self-Pickup orders (SQLite). Keep in step with postgres/0002.

-- Ship-from address for carrier requests.
ALTER TABLE warehouses ADD COLUMN address1 TEXT NOT NULL DEFAULT '';
ALTER TABLE warehouses ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE warehouses ADD COLUMN state TEXT NOT NULL DEFAULT '';
ALTER TABLE warehouses ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';

-- none | pending | ready | failed | voided
ALTER TABLE orders ADD COLUMN label_status TEXT NOT NULL DEFAULT 'none';
ALTER TABLE orders ADD COLUMN label_error TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN carrier_label_id TEXT;
-- storage keys of the carrier's PDF and ZPL documents
ALTER TABLE orders ADD COLUMN carrier_label_key TEXT;
ALTER TABLE orders ADD COLUMN carrier_zpl_key TEXT;
ALTER TABLE orders ADD COLUMN shipping_cost_minor INTEGER;
ALTER TABLE orders ADD COLUMN shipping_currency TEXT;

-- One label purchase per order submission. `generation` goes up on every (re)submit and is part
-- of the idempotency key, so a retry never buys twice but a resubmitted order gets a new label.
CREATE TABLE label_jobs (
    order_id INTEGER PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    status TEXT NOT NULL,            -- pending | running | done | failed | cancelled
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX label_jobs_due ON label_jobs(status, next_attempt_at);

-- Live updates: "what changed since" per merchant.
CREATE INDEX orders_merchant_updated ON orders(merchant_id, updated_at);
