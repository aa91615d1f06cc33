-- Inventory and the warehouse floor (PostgreSQL). Keep in step with sqlite/0003.

-- Warehouses a warehouse user may work in; the session remembers the one picked.
CREATE TABLE user_warehouses (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    PRIMARY KEY (user_id, warehouse_id)
);
INSERT INTO user_warehouses (user_id, warehouse_id) SELECT id, warehouse_id FROM users WHERE warehouse_id IS NOT NULL;
ALTER TABLE sessions ADD COLUMN warehouse_id BIGINT REFERENCES warehouses(id);

-- Stock level per SKU (a SKU belongs to one warehouse). allocated = promised to open orders.
CREATE TABLE inventory (
    sku_id BIGINT PRIMARY KEY REFERENCES skus(id),
    bin TEXT NOT NULL,
    on_hand BIGINT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    allocated BIGINT NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= on_hand),
    updated_at BIGINT NOT NULL
);

-- Every change of a stock level, with the levels after it (no silent overwrite).
CREATE TABLE inventory_movements (
    id BIGSERIAL PRIMARY KEY,
    sku_id BIGINT NOT NULL REFERENCES skus(id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,              -- receive | count | damage | allocate | release | ship
    on_hand_delta BIGINT NOT NULL,
    allocated_delta BIGINT NOT NULL,
    on_hand_after BIGINT NOT NULL,
    allocated_after BIGINT NOT NULL,
    order_id BIGINT REFERENCES orders(id),
    reason TEXT NOT NULL DEFAULT '',
    actor_user_id BIGINT NOT NULL REFERENCES users(id),
    actor_name TEXT NOT NULL
);
CREATE INDEX inventory_movements_sku ON inventory_movements(sku_id, id);

CREATE TABLE waves (
    id BIGSERIAL PRIMARY KEY,
    warehouse_id BIGINT NOT NULL REFERENCES warehouses(id),
    status TEXT NOT NULL,            -- picking | picked
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX waves_warehouse ON waves(warehouse_id, status, id);

-- What a wave needs per SKU and how much has been picked / reported short.
CREATE TABLE wave_picks (
    wave_id BIGINT NOT NULL REFERENCES waves(id),
    sku_id BIGINT NOT NULL REFERENCES skus(id),
    needed BIGINT NOT NULL,
    picked BIGINT NOT NULL DEFAULT 0,
    short BIGINT NOT NULL DEFAULT 0,
    short_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (wave_id, sku_id),
    CHECK (picked + short <= needed)
);

ALTER TABLE orders ADD COLUMN wave_id BIGINT REFERENCES waves(id);
-- Why the order is held (allocation failed, short pick); empty when it is not.
ALTER TABLE orders ADD COLUMN exception TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN weight_grams BIGINT;
ALTER TABLE orders ADD COLUMN shipped_at BIGINT;
ALTER TABLE orders ADD COLUMN submitted_at BIGINT;
-- 1 while the order holds stock (orders submitted before inventory existed hold none).
ALTER TABLE orders ADD COLUMN stock_allocated BIGINT NOT NULL DEFAULT 0;
CREATE INDEX orders_wave ON orders(wave_id);
CREATE INDEX orders_warehouse_tracking ON orders(warehouse_id, tracking_no);
CREATE INDEX orders_warehouse_shipped ON orders(warehouse_id, shipped_at);

-- Scan commands already applied, so a replayed offline queue never applies one twice.
CREATE TABLE floor_commands (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    message TEXT NOT NULL
);
