-- Inventory and the warehouse floor (SQLite). Keep in step with postgres/0003.

-- Warehouses a warehouse user may work in; the session remembers the one picked.
CREATE TABLE user_warehouses (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    PRIMARY KEY (user_id, warehouse_id)
);
INSERT INTO user_warehouses (user_id, warehouse_id) SELECT id, warehouse_id FROM users WHERE warehouse_id IS NOT NULL;
ALTER TABLE sessions ADD COLUMN warehouse_id INTEGER REFERENCES warehouses(id);

-- Stock level per SKU (a SKU belongs to one warehouse). allocated = promised to open orders.
CREATE TABLE inventory (
    sku_id INTEGER PRIMARY KEY REFERENCES skus(id),
    bin TEXT NOT NULL,
    on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    allocated INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= on_hand),
    updated_at INTEGER NOT NULL
);

-- Every change of a stock level, with the levels after it (no silent overwrite).
CREATE TABLE inventory_movements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku_id INTEGER NOT NULL REFERENCES skus(id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,              -- receive | count | damage | allocate | release | ship
    on_hand_delta INTEGER NOT NULL,
    allocated_delta INTEGER NOT NULL,
    on_hand_after INTEGER NOT NULL,
    allocated_after INTEGER NOT NULL,
    order_id INTEGER REFERENCES orders(id),
    reason TEXT NOT NULL DEFAULT '',
    actor_user_id INTEGER NOT NULL REFERENCES users(id),
    actor_name TEXT NOT NULL
);
CREATE INDEX inventory_movements_sku ON inventory_movements(sku_id, id);

CREATE TABLE waves (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    warehouse_id INTEGER NOT NULL REFERENCES warehouses(id),
    status TEXT NOT NULL,            -- picking | picked
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    completed_at INTEGER
);
CREATE INDEX waves_warehouse ON waves(warehouse_id, status, id);

-- What a wave needs per SKU and how much has been picked / reported short.
CREATE TABLE wave_picks (
    wave_id INTEGER NOT NULL REFERENCES waves(id),
    sku_id INTEGER NOT NULL REFERENCES skus(id),
    needed INTEGER NOT NULL,
    picked INTEGER NOT NULL DEFAULT 0,
    short INTEGER NOT NULL DEFAULT 0,
    short_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (wave_id, sku_id),
    CHECK (picked + short <= needed)
);

ALTER TABLE orders ADD COLUMN wave_id INTEGER REFERENCES waves(id);
-- Why the order is held (allocation failed, short pick); empty when it is not.
ALTER TABLE orders ADD COLUMN exception TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN weight_grams INTEGER;
ALTER TABLE orders ADD COLUMN shipped_at INTEGER;
ALTER TABLE orders ADD COLUMN submitted_at INTEGER;
-- 1 while the order holds stock (orders submitted before inventory existed hold none).
ALTER TABLE orders ADD COLUMN stock_allocated INTEGER NOT NULL DEFAULT 0;
CREATE INDEX orders_wave ON orders(wave_id);
CREATE INDEX orders_warehouse_tracking ON orders(warehouse_id, tracking_no);
CREATE INDEX orders_warehouse_shipped ON orders(warehouse_id, shipped_at);

-- Scan commands already applied, so a replayed offline queue never applies one twice.
CREATE TABLE floor_commands (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    at INTEGER NOT NULL,
    message TEXT NOT NULL
);
