-- Platform orders: stores, sync tasks, synced orders, SKU mappings, writeback jobs (PostgreSQL).
-- Keep in step with sqlite/0004.

CREATE TABLE stores (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    name TEXT NOT NULL,
    platform TEXT NOT NULL,           -- shopify
    shop_domain TEXT NOT NULL,
    token_sealed TEXT NOT NULL,       -- access token, encrypted (server::secrets)
    token_hint TEXT NOT NULL,
    auto_sync BIGINT NOT NULL DEFAULT 0,
    -- Auto sync resumes from here (platform updated_at of the newest order seen).
    sync_cursor_ms BIGINT NOT NULL DEFAULT 0,
    last_synced_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (merchant_id, shop_domain)
);

CREATE TABLE sync_tasks (
    id BIGSERIAL PRIMARY KEY,
    store_id BIGINT NOT NULL REFERENCES stores(id),
    mode TEXT NOT NULL,               -- auto | immediate | range | numbers
    params TEXT NOT NULL,             -- JSON of the mode (range, numbers)
    status TEXT NOT NULL,             -- queued | running | done | failed
    locked_until BIGINT NOT NULL DEFAULT 0,
    -- Resume point after a crash: the platform's next-page cursor.
    page_cursor TEXT NOT NULL DEFAULT '',
    fetched BIGINT NOT NULL DEFAULT 0,
    created BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX sync_tasks_due ON sync_tasks(status, id);
CREATE INDEX sync_tasks_store ON sync_tasks(store_id, id);

CREATE TABLE platform_orders (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    store_id BIGINT NOT NULL REFERENCES stores(id),
    platform_order_id BIGINT NOT NULL,
    order_no TEXT NOT NULL,
    source_channel TEXT NOT NULL,
    kind TEXT NOT NULL,               -- b2c | b2b
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    subtotal_minor BIGINT NOT NULL,
    tax_minor BIGINT NOT NULL,
    shipping_minor BIGINT NOT NULL,
    discount_minor BIGINT NOT NULL,
    financial_status TEXT NOT NULL,
    payment_gateway TEXT NOT NULL,
    fulfillment_status TEXT NOT NULL,
    ordered_at BIGINT NOT NULL,
    platform_updated_at BIGINT NOT NULL,
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
    dropship_order_id BIGINT REFERENCES orders(id),
    ack_warehouse_id BIGINT REFERENCES warehouses(id),
    exception TEXT NOT NULL DEFAULT '',
    writeback_failed BIGINT NOT NULL DEFAULT 0,
    shipped_tracking_no TEXT NOT NULL DEFAULT '',
    shipped_carrier TEXT NOT NULL DEFAULT '',
    shipped_service TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (store_id, platform_order_id)
);
CREATE INDEX platform_orders_list ON platform_orders(merchant_id, kind, id);
CREATE INDEX platform_orders_status ON platform_orders(merchant_id, kind, status, id);
CREATE INDEX platform_orders_no ON platform_orders(merchant_id, order_no);
CREATE INDEX platform_orders_recipient ON platform_orders(merchant_id, recipient_name_lc);
CREATE INDEX platform_orders_dropship ON platform_orders(dropship_order_id);

CREATE TABLE platform_order_lines (
    platform_order_id BIGINT NOT NULL REFERENCES platform_orders(id) ON DELETE CASCADE,
    line_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    platform_sku TEXT NOT NULL,
    title TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    fulfillable_quantity BIGINT NOT NULL,
    price_minor BIGINT NOT NULL,
    requires_shipping BIGINT NOT NULL,
    -- B2B acknowledgment (local work).
    accepted_quantity BIGINT,
    reject_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform_order_id, line_id)
);

CREATE TABLE sku_mappings (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    store_id BIGINT NOT NULL REFERENCES stores(id),
    platform_sku TEXT NOT NULL,
    warehouse_sku TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (store_id, platform_sku)
);
CREATE INDEX sku_mappings_merchant ON sku_mappings(merchant_id, platform_sku);

-- Shipments to write back to the platform; queued in the floor's Ship transaction.
CREATE TABLE platform_writebacks (
    platform_order_id BIGINT PRIMARY KEY REFERENCES platform_orders(id),
    status TEXT NOT NULL,             -- pending | running | done | failed
    tracking_no TEXT NOT NULL,
    carrier TEXT NOT NULL,
    service_type TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX platform_writebacks_due ON platform_writebacks(status, next_attempt_at);
