-- Platform orders: stores, sync tasks, synced orders, SKU mappings, writeback jobs (SQLite).
-- Keep in step with postgres/0004.

CREATE TABLE stores (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    name TEXT NOT NULL,
    platform TEXT NOT NULL,           -- shopify
    shop_domain TEXT NOT NULL,
    token_sealed TEXT NOT NULL,       -- access token, encrypted (server::secrets)
    token_hint TEXT NOT NULL,
    auto_sync INTEGER NOT NULL DEFAULT 0,
    -- Auto sync resumes from here (platform updated_at of the newest order seen).
    sync_cursor_ms INTEGER NOT NULL DEFAULT 0,
    last_synced_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (merchant_id, shop_domain)
);

CREATE TABLE sync_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id INTEGER NOT NULL REFERENCES stores(id),
    mode TEXT NOT NULL,               -- auto | immediate | range | numbers
    params TEXT NOT NULL,             -- JSON of the mode (range, numbers)
    status TEXT NOT NULL,             -- queued | running | done | failed
    locked_until INTEGER NOT NULL DEFAULT 0,
    -- Resume point after a crash: the platform's next-page cursor.
    page_cursor TEXT NOT NULL DEFAULT '',
    fetched INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX sync_tasks_due ON sync_tasks(status, id);
CREATE INDEX sync_tasks_store ON sync_tasks(store_id, id);

CREATE TABLE platform_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    store_id INTEGER NOT NULL REFERENCES stores(id),
    platform_order_id INTEGER NOT NULL,
    order_no TEXT NOT NULL,
    source_channel TEXT NOT NULL,
    kind TEXT NOT NULL,               -- b2c | b2b
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    subtotal_minor INTEGER NOT NULL,
    tax_minor INTEGER NOT NULL,
    shipping_minor INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    financial_status TEXT NOT NULL,
    payment_gateway TEXT NOT NULL,
    fulfillment_status TEXT NOT NULL,
    ordered_at INTEGER NOT NULL,
    platform_updated_at INTEGER NOT NULL,
    recipient_name TEXT NOT NULL,
    recipient_name_lc TEXT NOT NULL,
    recipient_phone TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    recipient_country TEXT NOT NULL,
    recipient_state TEXT NOT NULL,
    recipient_city TEXT NOT NULL,
    recipient_address1 TEXT NOT NULL,
    recipient_address2 TEXT NOT NULL,
    recipient_postal_code TEXT NOT NULL,
    -- Local work, never touched by a sync.
    dropship_order_id INTEGER REFERENCES orders(id),
    ack_warehouse_id INTEGER REFERENCES warehouses(id),
    exception TEXT NOT NULL DEFAULT '',
    writeback_failed INTEGER NOT NULL DEFAULT 0,
    shipped_tracking_no TEXT NOT NULL DEFAULT '',
    shipped_carrier TEXT NOT NULL DEFAULT '',
    shipped_service TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (store_id, platform_order_id)
);
CREATE INDEX platform_orders_list ON platform_orders(merchant_id, kind, id);
CREATE INDEX platform_orders_status ON platform_orders(merchant_id, kind, status, id);
CREATE INDEX platform_orders_no ON platform_orders(merchant_id, order_no);
CREATE INDEX platform_orders_recipient ON platform_orders(merchant_id, recipient_name_lc);
CREATE INDEX platform_orders_dropship ON platform_orders(dropship_order_id);

CREATE TABLE platform_order_lines (
    platform_order_id INTEGER NOT NULL REFERENCES platform_orders(id) ON DELETE CASCADE,
    line_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    platform_sku TEXT NOT NULL,
    title TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    fulfillable_quantity INTEGER NOT NULL,
    price_minor INTEGER NOT NULL,
    requires_shipping INTEGER NOT NULL,
    -- B2B acknowledgment (local work).
    accepted_quantity INTEGER,
    reject_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform_order_id, line_id)
);

CREATE TABLE sku_mappings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id INTEGER NOT NULL REFERENCES merchants(id),
    store_id INTEGER NOT NULL REFERENCES stores(id),
    platform_sku TEXT NOT NULL,
    warehouse_sku TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (store_id, platform_sku)
);
CREATE INDEX sku_mappings_merchant ON sku_mappings(merchant_id, platform_sku);

-- Shipments to write back to the platform; queued in the floor's Ship transaction.
CREATE TABLE platform_writebacks (
    platform_order_id INTEGER PRIMARY KEY REFERENCES platform_orders(id),
    status TEXT NOT NULL,             -- pending | running | done | failed
    tracking_no TEXT NOT NULL,
    carrier TEXT NOT NULL,
    service_type TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX platform_writebacks_due ON platform_writebacks(status, next_attempt_at);
