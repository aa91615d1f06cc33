-- Foundation schema (PostgreSQL). Keep in step with migrations/sqlite/0001_foundation.sql.
-- Timestamps are BIGINT milliseconds since the Unix epoch (UTC).

CREATE TABLE merchants (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE warehouses (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    country TEXT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('merchant', 'warehouse')),
    merchant_id BIGINT REFERENCES merchants(id),
    warehouse_id BIGINT REFERENCES warehouses(id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE business_types (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('B2C', 'B2B'))
);

CREATE TABLE channels (
    id BIGSERIAL PRIMARY KEY,
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    business_type_id BIGINT NOT NULL REFERENCES business_types(id),
    code TEXT NOT NULL,
    carrier TEXT NOT NULL,
    service_type TEXT NOT NULL,
    signature_options TEXT NOT NULL DEFAULT '',
    UNIQUE (warehouse_id, business_type_id, code)
);

-- Which merchants may use which warehouses.
CREATE TABLE merchant_warehouses (
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    PRIMARY KEY (merchant_id, warehouse_id)
);

CREATE TABLE skus (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    barcode TEXT NOT NULL,
    weight_grams BIGINT NOT NULL,
    UNIQUE (merchant_id, warehouse_id, code)
);

CREATE TABLE labels (
    id TEXT PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    business_type_id BIGINT NOT NULL REFERENCES business_types(id),
    channel_id BIGINT NOT NULL REFERENCES channels(id),
    status TEXT NOT NULL,
    platform_order_no TEXT COLLATE "C" NOT NULL DEFAULT '',
    signature_option TEXT,
    tracking_no TEXT COLLATE "C" NOT NULL DEFAULT '',
    label_id TEXT REFERENCES labels(id),
    recipient_name TEXT NOT NULL,
    -- lower-cased name for prefix search
    recipient_name_lc TEXT COLLATE "C" NOT NULL,
    recipient_phone TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    recipient_country TEXT NOT NULL,
    recipient_state TEXT NOT NULL,
    recipient_city TEXT NOT NULL,
    recipient_address1 TEXT NOT NULL,
    recipient_address2 TEXT NOT NULL,
    recipient_postal_code TEXT NOT NULL,
    total_units BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orders_merchant_id ON orders(merchant_id, id);
CREATE INDEX orders_merchant_status_id ON orders(merchant_id, status, id);
CREATE INDEX orders_merchant_platform_no ON orders(merchant_id, platform_order_no);
CREATE INDEX orders_merchant_tracking_no ON orders(merchant_id, tracking_no);
CREATE INDEX orders_merchant_recipient ON orders(merchant_id, recipient_name_lc);
CREATE INDEX orders_warehouse_status_id ON orders(warehouse_id, status, id);

CREATE TABLE order_lines (
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    line_no BIGINT NOT NULL,
    sku_id BIGINT NOT NULL REFERENCES skus(id),
    quantity BIGINT NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_events (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor_user_id BIGINT NOT NULL REFERENCES users(id),
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL
);
CREATE INDEX order_events_order ON order_events(order_id, id);
