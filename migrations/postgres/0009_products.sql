-- Products (PostgreSQL). Keep in step with sqlite/0009.
-- A product is a merchant's SKU code; it keeps one `skus` row per warehouse it is in, the
-- same rows orders, SKU mappings and the floor use. Product fields are the same on every row
-- of (merchant_id, code); measured fields belong to the warehouse that measured.

-- Declared by the merchant (weight_grams, which exists, is the declared weight).
ALTER TABLE skus ADD COLUMN length_mm BIGINT NOT NULL DEFAULT 0;
ALTER TABLE skus ADD COLUMN width_mm BIGINT NOT NULL DEFAULT 0;
ALTER TABLE skus ADD COLUMN height_mm BIGINT NOT NULL DEFAULT 0;
ALTER TABLE skus ADD COLUMN declared_value_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE skus ADD COLUMN declared_value_currency TEXT NOT NULL DEFAULT 'USD';
ALTER TABLE skus ADD COLUMN hs_code TEXT NOT NULL DEFAULT '';
ALTER TABLE skus ADD COLUMN origin_country TEXT NOT NULL DEFAULT '';
-- Key of an uploaded product image in the document store; empty when there is none.
ALTER TABLE skus ADD COLUMN image_key TEXT NOT NULL DEFAULT '';
-- Measured by the warehouse at receiving (NULL until measured); wins for billing and quotes.
ALTER TABLE skus ADD COLUMN measured_length_mm BIGINT;
ALTER TABLE skus ADD COLUMN measured_width_mm BIGINT;
ALTER TABLE skus ADD COLUMN measured_height_mm BIGINT;
ALTER TABLE skus ADD COLUMN measured_weight_grams BIGINT;
ALTER TABLE skus ADD COLUMN measured_at BIGINT;
ALTER TABLE skus ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX skus_merchant_code ON skus(merchant_id, code);
CREATE INDEX skus_barcode ON skus(barcode);

-- The installation's ST-UPC sequence (one row): each generated code takes the next number.
CREATE TABLE st_upc_sequence (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_value BIGINT NOT NULL
);
INSERT INTO st_upc_sequence (id, next_value) VALUES (1, 1);

-- Units found damaged (at receiving or later) are kept apart from on hand: never sellable.
ALTER TABLE inventory ADD COLUMN damaged BIGINT NOT NULL DEFAULT 0 CHECK (damaged >= 0);

-- Inbound reservations (ASNs): the core every part reads. The inbound feature adds boxes,
-- scans and damage/gain slips in its own migration.
CREATE TABLE inbounds (
    id BIGSERIAL PRIMARY KEY,
    merchant_id BIGINT NOT NULL REFERENCES merchants(id),
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    status TEXT NOT NULL,            -- app::domain::InboundStatus::code
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX inbounds_merchant ON inbounds(merchant_id, id);
CREATE INDEX inbounds_warehouse_status ON inbounds(warehouse_id, status, id);

-- Expected and counted units per SKU of an inbound.
CREATE TABLE inbound_lines (
    inbound_id BIGINT NOT NULL REFERENCES inbounds(id) ON DELETE CASCADE,
    sku_id BIGINT NOT NULL REFERENCES skus(id),
    expected BIGINT NOT NULL CHECK (expected >= 1),
    received BIGINT NOT NULL DEFAULT 0 CHECK (received >= 0),
    damaged BIGINT NOT NULL DEFAULT 0 CHECK (damaged >= 0),
    PRIMARY KEY (inbound_id, sku_id)
);
CREATE INDEX inbound_lines_sku ON inbound_lines(sku_id);
