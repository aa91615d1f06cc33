//! Products over real HTTP, on SQLite and PostgreSQL: a merchant adds products (one SKU row in
//! each of its warehouses), bad or duplicate input is a field error that stores nothing,
//! ST-UPCs stay unique under concurrent requests, the list searches, pages and filters sold-out
//! stock, measured sizes win over declared ones, the export parses back, and another tenant
//! sees none of it.

mod common;

use app::domain::*;
use common::{Backend, TestApp};
use serde_json::json;
use server::tabular::read_table;
use sqlx::Row;

const ACME: &str = "merchant@demo.test";
const GLOBEX: &str = "globex@demo.test";

fn stoneware(code: &str) -> ProductInput {
    ProductInput {
        code: code.into(),
        name: "Stoneware Mug 12oz".into(),
        barcode: String::new(),
        length_mm: Some(120),
        width_mm: Some(90),
        height_mm: Some(100),
        weight_grams: Some(410),
        declared_value: "6.50".into(),
        currency: "USD".into(),
        hs_code: "6912.00".into(),
        origin_country: "CN".into(),
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&app.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get::<i64, _>(0)
}

fn field_error(reply: &common::Reply, field: &str) -> String {
    reply.validation().get(field).and_then(|m| m[0].as_str()).unwrap_or_else(|| panic!("no error on {field}: {}", reply.body)).to_string()
}

async fn merchant_adds_a_product_in_each_of_its_warehouses(backend: Backend) {
    let app = TestApp::start(backend).await;
    let acme = app.client(ACME).await;
    let code: String = acme.call("products/create", json!({ "input": stoneware("MUG-STN-12") })).await.ok();
    assert_eq!(code, "MUG-STN-12");
    // Acme may use LAX1 and NJ1: the product is a SKU in both, orderable like any other.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM skus WHERE merchant_id = 1 AND code = 'MUG-STN-12'").await, 2);
    let catalog: Catalog = acme.call("orders/catalog", json!({})).await.ok();
    assert_eq!(catalog.skus.iter().filter(|s| s.code == "MUG-STN-12").count(), 2, "the order form offers it");
    let product: Product = acme.call("products/get", json!({ "code": "MUG-STN-12" })).await.ok();
    assert_eq!(product.declared, Dimensions { length_mm: 120, width_mm: 90, height_mm: 100, weight_grams: 410 });
    assert_eq!((product.declared_value_minor, product.currency.as_str(), product.hs_code.as_str()), (650, "USD", "691200"));
    assert_eq!(product.stock.iter().map(|s| s.warehouse_code.as_str()).collect::<Vec<_>>(), ["LAX1", "NJ1"]);
    assert!(product.stock.iter().all(|s| !s.tracked && s.available() == 0), "no stock yet, and not sold out either");
    assert_eq!(product.measured, None);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'sku' AND action = 'Created'").await, 2, "each SKU row's creation is in the log");

    // Refused input changes nothing.
    let skus_before = count(&app, "SELECT COUNT(*) FROM skus").await;
    let dup = acme.call("products/create", json!({ "input": stoneware("MUG-STN-12") })).await;
    assert_eq!(field_error(&dup, FIELD_CODE), MSG_CODE_TAKEN);
    let existing = acme.call("products/create", json!({ "input": stoneware("MUG-CER-11") })).await;
    assert_eq!(field_error(&existing, FIELD_CODE), MSG_CODE_TAKEN, "a seeded SKU code is a product code too");
    let bad_upc = acme.call("products/create", json!({ "input": ProductInput { barcode: "036000291453".into(), ..stoneware("MUG-STN-16") } })).await;
    assert_eq!(field_error(&bad_upc, FIELD_BARCODE), MSG_BARCODE_CHECK_DIGIT);
    let taken_upc = acme.call("products/create", json!({ "input": ProductInput { barcode: "0850012345015".into(), ..stoneware("MUG-STN-16") } })).await;
    assert_eq!(field_error(&taken_upc, FIELD_BARCODE), format!("{MSG_BARCODE_ON_OTHER_PRODUCT} (MUG-CER-11)"));
    let no_size = acme.call("products/create", json!({ "input": ProductInput { length_mm: None, declared_value: "".into(), ..stoneware("MUG-STN-16") } })).await;
    assert!(field_error(&no_size, FIELD_LENGTH).starts_with("Length"));
    assert!(field_error(&no_size, FIELD_DECLARED_VALUE).starts_with("Please enter the declared value"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM skus").await, skus_before, "nothing stored by refused input");
    // Another merchant may use the same code: codes are per merchant.
    let globex = app.client(GLOBEX).await;
    let _: String = globex.call("products/create", json!({ "input": stoneware("MUG-STN-12") })).await.ok();
    app.drop_database().await;
}

async fn st_upcs_are_unique_even_when_asked_for_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (acme, globex) = (app.client(ACME).await, app.client(GLOBEX).await);
    let mut calls = Vec::new();
    for i in 0..24 {
        let client = if i % 2 == 0 { acme.clone() } else { globex.clone() };
        calls.push(tokio::spawn(async move { client.call("products/st-upc", json!({})).await.ok::<String>() }));
    }
    let mut codes = Vec::new();
    for c in calls {
        codes.push(c.await.expect("task"));
    }
    for code in &codes {
        assert!(is_st_upc(code), "{code} is a restricted-circulation UPC-A");
    }
    let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), codes.len(), "every call got its own code: {codes:?}");
    // A merchant without its own code uses the UPC as the SKU code.
    let upc = codes[0].clone();
    let _: String = acme.call("products/create", json!({ "input": ProductInput { barcode: upc.clone(), ..stoneware(&upc) } })).await.ok();
    let page: ProductPage = acme.call("products/list", json!({ "filter": { "search": upc } })).await.ok();
    assert_eq!(page.products.len(), 1);
    assert_eq!(page.products[0].barcode, codes[0]);
    // A code someone typed in is skipped by the sequence.
    let next = st_upc(count(&app, "SELECT next_value FROM st_upc_sequence").await as u64).expect("in range");
    let _: String = acme.call("products/create", json!({ "input": ProductInput { barcode: next.clone(), ..stoneware("TYPED-UPC") } })).await.ok();
    let fresh: String = acme.call("products/st-upc", json!({})).await.ok();
    assert_ne!(fresh, next);
    assert!(is_st_upc(&fresh));
    app.drop_database().await;
}

async fn the_list_searches_pages_and_finds_what_is_sold_out(backend: Backend) {
    let app = TestApp::start(backend).await;
    let acme = app.client(ACME).await;
    for i in 0..23 {
        let _: String = acme.call("products/create", json!({ "input": stoneware(&format!("BULK-{i:02}")) })).await.ok();
    }
    let list = |filter: ProductFilter| {
        let acme = acme.clone();
        async move { acme.call("products/list", json!({ "filter": filter })).await.ok::<ProductPage>() }
    };
    // 10 seeded + 23 new products, 20 a page, by code.
    let first = list(ProductFilter { page: 1, ..Default::default() }).await;
    assert_eq!((first.total, first.products.len(), first.page_count()), (33, 20, 2));
    assert_eq!(first.warehouses, ["LAX1", "NJ1"]);
    let second = list(ProductFilter { page: 2, ..Default::default() }).await;
    assert_eq!(second.products.len(), 13);
    let mut all: Vec<String> = first.products.iter().chain(&second.products).map(|p| p.code.clone()).collect();
    let sorted = { let mut s = all.clone(); s.sort(); s };
    assert_eq!(all, sorted, "pages follow the code order");
    all.dedup();
    assert_eq!(all.len(), 33, "no product on two pages");
    // Search by code, name or UPC (any case).
    let by_code = list(ProductFilter { search: "bulk-1".into(), ..Default::default() }).await;
    assert_eq!(by_code.total, 10);
    let by_name = list(ProductFilter { search: "OAK CUTTING".into(), ..Default::default() }).await;
    assert_eq!(by_name.products.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["CUT-BRD-OAK"]);
    let by_upc = list(ProductFilter { search: "0850012345039".into(), ..Default::default() }).await;
    assert_eq!(by_upc.products.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["TWL-BTH-GRY"]);
    // Sold out: a warehouse that had stock has none available. Take all of MUG-CER-11 in LAX1.
    let lax_mug = count(&app, "SELECT s.id FROM skus s JOIN warehouses w ON w.id = s.warehouse_id WHERE s.code = 'MUG-CER-11' AND w.code = 'LAX1'").await;
    sqlx::query("UPDATE inventory SET allocated = on_hand WHERE sku_id = $1").bind(lax_mug).execute(&app.db.pool).await.expect("allocate all");
    let sold_out = list(ProductFilter { sold_out: true, ..Default::default() }).await;
    let codes: Vec<&str> = sold_out.products.iter().map(|p| p.code.as_str()).collect();
    assert!(codes.contains(&"MUG-CER-11"), "{codes:?}");
    assert!(!codes.iter().any(|c| c.starts_with("BULK")), "never stocked is not sold out: {codes:?}");
    for p in &sold_out.products {
        assert!(p.sold_out_anywhere(), "{} listed as sold out", p.code);
    }
    let expected = count(
        &app,
        "SELECT COUNT(DISTINCT s.code) FROM skus s JOIN inventory i ON i.sku_id = s.id WHERE s.merchant_id = 1 AND i.on_hand - i.allocated <= 0",
    )
    .await;
    assert_eq!(sold_out.total as i64, expected);
    let too_long = acme.call("products/list", json!({ "filter": { "search": "x".repeat(101) } })).await;
    assert_eq!(too_long.status, 422);
    app.drop_database().await;
}

async fn the_warehouse_measurement_wins(backend: Backend) {
    let app = TestApp::start(backend).await;
    let acme = app.client(ACME).await;
    let _: String = acme.call("products/create", json!({ "input": stoneware("MUG-STN-12") })).await.ok();
    // LAX1 measured it at receiving (the receiving flow writes these columns).
    sqlx::query(
        "UPDATE skus SET measured_length_mm = 125, measured_width_mm = 95, measured_height_mm = 102, measured_weight_grams = 436, measured_at = 1000
         WHERE code = 'MUG-STN-12' AND merchant_id = 1 AND warehouse_id = (SELECT id FROM warehouses WHERE code = 'LAX1')",
    )
    .execute(&app.db.pool)
    .await
    .expect("measure");
    let p: Product = acme.call("products/get", json!({ "code": "MUG-STN-12" })).await.ok();
    let measured = Dimensions { length_mm: 125, width_mm: 95, height_mm: 102, weight_grams: 436 };
    assert_eq!(p.declared.weight_grams, 410, "the declaration is kept");
    assert_eq!(p.measured, Some(measured));
    assert_eq!(p.effective(), measured);
    app.drop_database().await;
}

async fn the_export_parses_back_and_is_the_callers_own(backend: Backend) {
    let app = TestApp::start(backend).await;
    let acme = app.client(ACME).await;
    let _: String = acme.call("products/create", json!({ "input": ProductInput { barcode: "036000291452".into(), ..stoneware("MUG-STN-12") } })).await.ok();
    for format in ["csv", "xlsx"] {
        let res = acme.http.get(acme.url(&format!("/api/products/export?format={format}&q=mug"))).send().await.expect("export");
        assert_eq!(res.status().as_u16(), 200, "{format}");
        let disposition = res.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(disposition.contains(&format!("products.{format}")), "{disposition}");
        let table = read_table(&res.bytes().await.expect("body")).expect("parses back");
        let col = |name: &str| table.column(name).unwrap_or_else(|| panic!("no {name} column in {format}"));
        let codes: Vec<&str> = table.rows.iter().map(|r| r.cell(Some(col("SKU")))).collect();
        assert_eq!(codes, ["MUG-CER-11", "MUG-CER-15", "MUG-STN-12"], "{format}: the search applies");
        let row = table.rows.iter().find(|r| r.cell(Some(col("SKU"))) == "MUG-STN-12").expect("row");
        assert_eq!(row.cell(Some(col("Barcode"))), "036000291452");
        assert_eq!(row.cell(Some(col("Length (mm)"))), "120");
        assert_eq!(row.cell(Some(col("Declared Value"))), "6.50");
        assert_eq!(row.cell(Some(col("Available LAX1"))), "0");
        let seeded = table.rows.iter().find(|r| r.cell(Some(col("SKU"))) == "MUG-CER-11").expect("row");
        let on_hand = count(&app, "SELECT i.on_hand - i.allocated FROM inventory i JOIN skus s ON s.id = i.sku_id JOIN warehouses w ON w.id = s.warehouse_id WHERE s.code = 'MUG-CER-11' AND w.code = 'LAX1'").await;
        assert_eq!(seeded.cell(Some(col("Available LAX1"))), on_hand.to_string());
    }
    let bad = acme.http.get(acme.url("/api/products/export?format=pdf")).send().await.expect("export");
    assert_eq!(bad.status().as_u16(), 400);
    let anonymous = app.anonymous().http.get(app.url("/api/products/export?format=csv")).send().await.expect("export");
    assert_eq!(anonymous.status().as_u16(), 401);
    // Globex's export holds Globex's products only; Acme's product is a 404 to Globex.
    let globex = app.client(GLOBEX).await;
    let res = globex.http.get(globex.url("/api/products/export?format=csv")).send().await.expect("export");
    let table = read_table(&res.bytes().await.expect("body")).expect("parses");
    let codes: Vec<&str> = table.rows.iter().map(|r| r.cell(table.column("SKU"))).collect();
    assert_eq!(codes, ["BAG-SLP-20", "TNT-2P"]);
    assert_eq!(globex.call("products/get", json!({ "code": "MUG-STN-12" })).await.status, 404);
    app.drop_database().await;
}

on_both_backends!(
    merchant_adds_a_product_in_each_of_its_warehouses,
    st_upcs_are_unique_even_when_asked_for_at_once,
    the_list_searches_pages_and_finds_what_is_sold_out,
    the_warehouse_measurement_wins,
    the_export_parses_back_and_is_the_callers_own,
);
