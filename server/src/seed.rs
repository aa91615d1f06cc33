//! Demo data: two merchants (the second proves tenant isolation), two warehouses, channels of
//! both kinds, SKUs and a few orders in different states. Runs only on an empty database.

use sqlx::Row;

use app::domain::*;
use app::ports::{Actor, FloorStore, OrderStore};

use crate::db::Db;
use crate::stores::{hash_password, SqlFloorStore, SqlOrderStore};

pub const DEMO_PASSWORD: &str = "demo1234";
pub const MERCHANT_EMAIL: &str = "merchant@demo.test";
pub const OTHER_MERCHANT_EMAIL: &str = "globex@demo.test";
pub const WAREHOUSE_EMAIL: &str = "warehouse@demo.test";
pub const NJ_WAREHOUSE_EMAIL: &str = "nj@demo.test";
pub const MERCHANT_USER_EMAIL: &str = "clerk@demo.test";
pub const PICKER_EMAIL: &str = "picker@demo.test";
pub const ADMIN_EMAIL: &str = "admin@demo.test";

async fn insert_id(db: &Db, sql: &str, args: &[&dyn Bindable]) -> anyhow::Result<i64> {
    let mut q = sqlx::query(sql);
    for a in args {
        q = a.bind_to(q);
    }
    Ok(q.fetch_one(&db.pool).await?.try_get(0)?)
}

/// Lets the seed list heterogenous values compactly.
trait Bindable: Sync {
    fn bind_to<'q>(&'q self, q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;
}
impl Bindable for i64 {
    fn bind_to<'q>(&'q self, q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        q.bind(*self)
    }
}
impl Bindable for &str {
    fn bind_to<'q>(&'q self, q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        q.bind(*self)
    }
}
impl Bindable for Option<i64> {
    fn bind_to<'q>(&'q self, q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        q.bind(*self)
    }
}

pub async fn seed_demo(db: &Db, secrets: &crate::secrets::SecretBox, now_ms: i64) -> anyhow::Result<bool> {
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM merchants").fetch_one(&db.pool).await?.try_get(0)?;
    if existing > 0 {
        return Ok(false);
    }
    let acme = insert_id(db, "INSERT INTO merchants (name) VALUES ($1) RETURNING id", &[&"Acme Home Goods"]).await?;
    let globex = insert_id(db, "INSERT INTO merchants (name) VALUES ($1) RETURNING id", &[&"Globex Outdoor"]).await?;
    let wh = "INSERT INTO warehouses (code, name, country) VALUES ($1, $2, $3) RETURNING id";
    let lax = insert_id(db, wh, &[&"LAX1", &"Los Angeles, CA", &"US"]).await?;
    let nj = insert_id(db, wh, &[&"NJ1", &"Edison, NJ", &"US"]).await?;
    for (id, address1, city, state, zip) in [(lax, "2000 E Carson St", "Carson", "CA", "90810"), (nj, "300 Raritan Center Pkwy", "Edison", "NJ", "08837")] {
        sqlx::query("UPDATE warehouses SET address1 = $2, city = $3, state = $4, postal_code = $5 WHERE id = $1")
            .bind(id)
            .bind(address1)
            .bind(city)
            .bind(state)
            .bind(zip)
            .execute(&db.pool)
            .await?;
    }
    for (m, w) in [(acme, lax), (acme, nj), (globex, lax)] {
        sqlx::query("INSERT INTO merchant_warehouses (merchant_id, warehouse_id) VALUES ($1, $2)").bind(m).bind(w).execute(&db.pool).await?;
    }
    let bt = "INSERT INTO business_types (code, name, kind) VALUES ($1, $2, $3) RETURNING id";
    let ds = insert_id(db, bt, &[&"DS", &"Dropshipping", &"B2C"]).await?;
    let ws = insert_id(db, bt, &[&"WS", &"Wholesale", &"B2B"]).await?;

    let all_sig = "direct,indirect,adult,none";
    let ch = "INSERT INTO channels (warehouse_id, business_type_id, code, carrier, service_type, signature_options) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    let mut channel_ids = std::collections::HashMap::new();
    for (w, b, code, carrier, service, sig) in [
        (lax, ds, "USPS_GA", "USPS", "Ground Advantage", "direct,adult"),
        (lax, ds, "UPS_GND", "UPS", "Ground", all_sig),
        (lax, ds, "FEDEX_HD", "FedEx", "Home Delivery", "direct,indirect,adult"),
        (lax, ds, "DHL_EXP", "DHL Express", "Express Worldwide", ""),
        (lax, ds, "AMZ_A", "Amazon Shipping", "Self pickup (merchant label)", ""),
        (lax, ds, "UPS_A", "UPS", "Self pickup (merchant label)", ""),
        (nj, ds, "USPS_GA", "USPS", "Ground Advantage", "direct,adult"),
        (nj, ds, "UPS_GND", "UPS", "Ground", all_sig),
        (nj, ds, "FEDEX_A", "FedEx", "Self pickup (merchant label)", ""),
        (lax, ws, "FEDEX_FRT", "FedEx Freight", "LTL Priority", "direct"),
        (lax, ws, "CUSTOMER_A", "Customer pickup", "Self pickup (merchant label)", ""),
        (nj, ws, "UPS_GND", "UPS", "Ground", all_sig),
    ] {
        let id = insert_id(db, ch, &[&w, &b, &code, &carrier, &service, &sig]).await?;
        channel_ids.insert((w, b, code), id);
    }

    let sku = "INSERT INTO skus (merchant_id, warehouse_id, code, name, barcode, weight_grams) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    let mut sku_ids = std::collections::HashMap::new();
    let products: [(&str, &str, &str, i64); 10] = [
        ("MUG-CER-11", "Ceramic Mug 11oz, White", "0850012345015", 380),
        ("MUG-CER-15", "Ceramic Mug 15oz, Black", "0850012345022", 460),
        ("TWL-BTH-GRY", "Bath Towel, Grey", "0850012345039", 620),
        ("TWL-HND-WHT", "Hand Towel, White", "0850012345046", 210),
        ("CND-SOY-LAV", "Soy Candle, Lavender 8oz", "0850012345053", 340),
        ("CND-SOY-CED", "Soy Candle, Cedar 8oz", "0850012345060", 340),
        ("PLW-LIN-NAT", "Linen Pillow Cover, Natural", "0850012345077", 180),
        ("BLK-WOL-XL", "Wool Throw Blanket XL", "0850012345084", 1450),
        ("CUT-BRD-OAK", "Oak Cutting Board", "0850012345091", 990),
        ("KNF-CHF-8", "Chef Knife 8in", "0850012345107", 260),
    ];
    for w in [lax, nj] {
        for (i, (code, name, barcode, grams)) in products.iter().enumerate() {
            // NJ1 stocks the first six products only.
            if w == nj && i >= 6 {
                continue;
            }
            let id = insert_id(db, sku, &[&acme, &w, code, name, barcode, grams]).await?;
            sku_ids.insert((w, *code), id);
        }
    }
    for (code, name, barcode, grams) in [("TNT-2P", "Two-person Tent", "0860000000017", 2300), ("BAG-SLP-20", "Sleeping Bag 20F", "0860000000024", 1400)] {
        insert_id(db, sku, &[&globex, &lax, &code, &name, &barcode, &grams]).await?;
    }

    let user = "INSERT INTO users (email, password_hash, display_name, role, merchant_id, warehouse_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    let none = None::<i64>;
    let role = |r: Role| r.code();
    let alice = insert_id(db, user, &[&MERCHANT_EMAIL, &hash.as_str(), &"Alice Chen", &role(Role::MerchantAdmin), &Some(acme), &none, &now_ms]).await?;
    insert_id(db, user, &[&MERCHANT_USER_EMAIL, &hash.as_str(), &"Carl Ortiz", &role(Role::MerchantUser), &Some(acme), &none, &now_ms]).await?;
    insert_id(db, user, &[&OTHER_MERCHANT_EMAIL, &hash.as_str(), &"Gina Park", &role(Role::MerchantAdmin), &Some(globex), &none, &now_ms]).await?;
    let walt = insert_id(db, user, &[&WAREHOUSE_EMAIL, &hash.as_str(), &"Walt Rivera", &role(Role::WarehouseLead), &none, &Some(lax), &now_ms]).await?;
    let nadia = insert_id(db, user, &[&NJ_WAREHOUSE_EMAIL, &hash.as_str(), &"Nadia Singh", &role(Role::WarehouseLead), &none, &Some(nj), &now_ms]).await?;
    let pete = insert_id(db, user, &[&PICKER_EMAIL, &hash.as_str(), &"Pete Lum", &role(Role::WarehousePicker), &none, &Some(lax), &now_ms]).await?;
    insert_id(db, user, &[&ADMIN_EMAIL, &hash.as_str(), &"Ada Admin", &role(Role::PlatformAdmin), &none, &none, &now_ms]).await?;
    // Walt works in both warehouses (he picks which at the start of a shift); Nadia only in NJ1.
    for (u, w) in [(walt, lax), (walt, nj), (nadia, nj), (pete, lax)] {
        sqlx::query("INSERT INTO user_warehouses (user_id, warehouse_id) VALUES ($1, $2)").bind(u).bind(w).execute(&db.pool).await?;
    }
    // Opening stock, received like any delivery so the movement history starts at a receipt.
    let receiver = Actor { user_id: walt, name: "Walt Rivera".into() };
    let skus_all: Vec<(i64, i64)> = sqlx::query("SELECT id, warehouse_id FROM skus ORDER BY id")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, _>>()?;

    // Stock in walking-order bins: aisle A for mugs and towels, B for candles and linens, C for the rest.
    let mut bins: Vec<(i64, String)> = Vec::new();
    for ((w, code), id) in &sku_ids {
        let i = products.iter().position(|p| p.0 == *code).unwrap_or(0);
        let aisle = ["A", "A", "A", "A", "B", "B", "B", "C", "C", "C"][i];
        bins.push((*id, format!("{aisle}-{:02}-{}", i + 1, if *w == lax { 1 } else { 2 })));
    }
    let globex_skus: Vec<i64> = sqlx::query("SELECT id FROM skus WHERE merchant_id = $1")
        .bind(globex)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    for (i, id) in globex_skus.into_iter().enumerate() {
        bins.push((id, format!("D-{:02}-1", i + 1)));
    }
    for (sku, bin) in bins {
        sqlx::query("INSERT INTO inventory (sku_id, bin, on_hand, allocated, updated_at) VALUES ($1, $2, 0, 0, $3)")
            .bind(sku)
            .bind(bin.as_str())
            .bind(now_ms)
            .execute(&db.pool)
            .await?;
    }
    let floor = SqlFloorStore::new(db.clone());
    for (sku, w) in skus_all {
        let adjustment = StockAdjustment { sku_id: sku, kind: AdjustmentKind::Receive, quantity: 5_000, reason: "Opening stock".into() };
        floor.adjust_stock(w, &receiver, &adjustment, now_ms).await.map_err(|e| anyhow::anyhow!("seeding stock: {e}"))?;
    }

    // A few orders so the list shows every early state.
    let orders = SqlOrderStore::new(db.clone());
    let merchant_actor = Actor { user_id: alice, name: "Alice Chen".into() };
    let warehouse_actor = Actor { user_id: walt, name: "Walt Rivera".into() };
    let people = [
        ("Jane Doe", "+1 415 555 0134", "jane.doe@example.com", "CA", "San Francisco", "500 Market St", "Suite 200", "94105"),
        ("Marcus Lee", "+1 212 555 0188", "marcus@example.com", "NY", "New York", "350 5th Ave", "", "10118"),
        ("Priya Patel", "+1 312 555 0102", "priya.p@example.com", "IL", "Chicago", "233 S Wacker Dr", "Floor 12", "60606"),
        ("Tom Becker", "+1 206 555 0175", "tbecker@example.com", "WA", "Seattle", "400 Broad St", "", "98109"),
    ];
    for (i, (name, phone, email, state, city, a1, a2, zip)) in people.iter().enumerate() {
        let draft = OrderDraft {
            warehouse_id: Some(lax),
            business_type_id: Some(ds),
            platform_order_no: format!("#{}", 1001 + i),
            recipient: Recipient {
                name: name.to_string(),
                phone: phone.to_string(),
                email: email.to_string(),
                country: "US".into(),
                state: state.to_string(),
                city: city.to_string(),
                address1: a1.to_string(),
                address2: a2.to_string(),
                postal_code: zip.to_string(),
            },
            lines: vec![
                OrderLineDraft { sku_id: sku_ids[&(lax, products[i].0)], quantity: 1 + i as i64 },
                OrderLineDraft { sku_id: sku_ids[&(lax, products[i + 4].0)], quantity: 1 },
            ],
            channel_id: Some(channel_ids[&(lax, ds, if i % 2 == 0 { "USPS_GA" } else { "UPS_GND" })]),
            signature_option: None,
            tracking_no: String::new(),
            label: None,
        };
        let at = now_ms - (4 - i as i64) * 3_600_000;
        let id = orders.create(acme, &merchant_actor, &draft, at).await?;
        if i >= 1 {
            orders.submit(acme, id, &merchant_actor, true, at + 60_000).await?;
        }
        if i >= 3 {
            let one = WaveFilter { order_ids: vec![id], ..Default::default() };
            floor.create_wave(lax, &warehouse_actor, &one, at + 120_000).await.map_err(|e| anyhow::anyhow!("seeding a wave: {e}"))?;
        }
    }
    seed_demo_store(db, secrets, acme, now_ms).await?;
    Ok(true)
}

use crate::sandbox::shopify::{DEMO_SHOP_DOMAIN, DEMO_SHOP_NAME, DEMO_SHOP_TOKEN};

/// Platform SKUs of the demo shop that come pre-mapped; the shop's other SKUs are left for
/// the merchant to bind while dispatching.
pub const DEMO_MAPPED_SKUS: [(&str, &str); 4] =
    [("MUG-CER-11", "MUG-CER-11"), ("TWL-BTH-GRY", "TWL-BTH-GRY"), ("CND-SOY-LAV", "CND-SOY-LAV"), ("MUG-CER-15", "MUG-CER-15")];

/// Acme's Shopify store (answered by the sandbox store in the demo), with auto sync on.
async fn seed_demo_store(db: &Db, secrets: &crate::secrets::SecretBox, acme: i64, now_ms: i64) -> anyhow::Result<()> {
    let sealed = secrets.seal(DEMO_SHOP_TOKEN);
    let hint = &DEMO_SHOP_TOKEN[DEMO_SHOP_TOKEN.len() - 4..];
    let store = insert_id(
        db,
        "INSERT INTO stores (merchant_id, name, platform, shop_domain, token_sealed, token_hint, auto_sync, created_at)
         VALUES ($1, $2, 'shopify', $3, $4, $5, 1, $6) RETURNING id",
        &[&acme, &DEMO_SHOP_NAME, &DEMO_SHOP_DOMAIN, &sealed.as_str(), &hint, &now_ms],
    )
    .await?;
    for (platform_sku, warehouse_sku) in DEMO_MAPPED_SKUS {
        insert_id(
            db,
            "INSERT INTO sku_mappings (merchant_id, store_id, platform_sku, warehouse_sku, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[&acme, &store, &platform_sku, &warehouse_sku, &now_ms],
        )
        .await?;
    }
    Ok(())
}

/// A complete order from LAX1 to Miami on `channel_code` (3 units of the first LAX1 SKU): the
/// one sample order tests and benchmarks create. None if the catalog lacks any of it.
pub fn sample_draft(cat: &Catalog, channel_code: &str) -> Option<OrderDraft> {
    let lax = cat.warehouses.iter().find(|w| w.code == "LAX1")?;
    let ch = cat.channels.iter().find(|ch| ch.warehouse_id == lax.id && ch.code == channel_code)?;
    let sku = cat.skus_in(lax.id).next()?;
    Some(OrderDraft {
        warehouse_id: Some(lax.id),
        business_type_id: Some(ch.business_type_id),
        recipient: Recipient {
            name: "Ana Lima".into(),
            phone: "+1 305 555 0101".into(),
            country: "US".into(),
            state: "FL".into(),
            city: "Miami".into(),
            address1: "100 Biscayne Blvd".into(),
            postal_code: "33132".into(),
            ..Default::default()
        },
        lines: vec![OrderLineDraft { sku_id: sku.id, quantity: 3 }],
        channel_id: Some(ch.id),
        ..Default::default()
    })
}
