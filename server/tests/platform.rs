//! Platform orders over HTTP on SQLite and PostgreSQL, against the sandbox Shopify store on
//! loopback: sync (idempotent, local work kept), dispatch with SKU binding, batch dispatch,
//! writeback when the warehouse ships (and its failure + Mark Shipped), manual ship, cancel,
//! and B2B acknowledgment racing for scarce stock.

mod common;

use std::time::{Duration, Instant};

use app::domain::*;
use common::{Backend, Client, TestApp};
use serde_json::{json, Value};
use server::sandbox::shopify::{FailureMode, DEMO_SHOP_DOMAIN};

const MERCHANT: &str = "merchant@demo.test";
const OTHER_MERCHANT: &str = "globex@demo.test";
const WAREHOUSE: &str = "warehouse@demo.test";
/// The demo store (seeded for Acme).
const STORE: StoreId = 1;

/// Queues a manual sync and waits for it to finish.
async fn sync(c: &Client, mode: SyncMode) -> SyncTask {
    let id: SyncTaskId = c.call("platform/sync", json!({ "store_id": STORE, "mode": mode })).await.ok();
    let start = Instant::now();
    loop {
        let log: Vec<SyncTask> = c.call("platform/sync-log", json!({ "store_id": STORE })).await.ok();
        let task = log.into_iter().find(|t| t.id == id).expect("task in the log");
        if matches!(task.status, SyncTaskStatus::Done | SyncTaskStatus::Failed) {
            return task;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "sync did not finish: {task:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The sync log once nothing is queued or running any more.
async fn settled_log(c: &Client) -> Vec<SyncTask> {
    let start = Instant::now();
    loop {
        let log: Vec<SyncTask> = c.call("platform/sync-log", json!({ "store_id": STORE })).await.ok();
        if !log.is_empty() && log.iter().all(|t| matches!(t.status, SyncTaskStatus::Done | SyncTaskStatus::Failed)) {
            return log;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "syncs did not settle: {log:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every platform order of `kind`, all pages.
async fn all_orders(c: &Client, kind: OrderKind) -> Vec<PlatformOrderSummary> {
    let mut out = Vec::new();
    let mut before_id = None;
    loop {
        let q = PlatformOrderQuery { kind: Some(kind), before_id, limit: 20, ..Default::default() };
        let page: PlatformOrderPage = c.call("platform/orders", json!({ "query": q })).await.ok();
        out.extend(page.orders);
        match page.next_before_id {
            Some(id) => before_id = Some(id),
            None => return out,
        }
    }
}

async fn detail(c: &Client, id: PlatformOrderId) -> PlatformOrderDetail {
    c.call("platform/orders/get", json!({ "id": id })).await.ok()
}

async fn by_no(c: &Client, order_no: &str) -> PlatformOrderDetail {
    let q = PlatformOrderQuery { order_no: order_no.into(), ..Default::default() };
    let page: PlatformOrderPage = c.call("platform/orders", json!({ "query": q })).await.ok();
    let [one] = page.orders.as_slice() else { panic!("one order {order_no}: {:?}", page.orders) };
    detail(c, one.id).await
}

async fn catalog(c: &Client) -> Catalog {
    c.call("orders/catalog", json!({})).await.ok()
}

fn lax(cat: &Catalog) -> WarehouseId {
    cat.warehouses.iter().find(|w| w.code == "LAX1").expect("LAX1").id
}

fn channel(cat: &Catalog, code: &str) -> ChannelId {
    let w = lax(cat);
    cat.channels.iter().find(|c| c.code == code && c.warehouse_id == w).expect("channel").id
}

fn dispatch_request(cat: &Catalog, channel_code: &str) -> DispatchRequest {
    DispatchRequest { warehouse_id: Some(lax(cat)), channel_id: Some(channel(cat, channel_code)), ..Default::default() }
}

/// A sandbox order in Shopify's shape (the connector's import is tested on the fixtures).
fn shop_order(id: i64, number: i64, lines: &[(&str, i64)], tags: &str, updated_at: &str) -> Value {
    let line_items: Vec<Value> = lines
        .iter()
        .enumerate()
        .map(|(i, (sku, qty))| {
            json!({
                "id": id * 10 + i as i64, "variant_id": 1000 + i as i64, "product_id": 2000, "title": format!("Item {sku}"),
                "name": format!("Item {sku}"), "sku": sku, "quantity": qty, "fulfillable_quantity": qty,
                "price": "12.50", "requires_shipping": true, "fulfillment_status": null, "grams": 300
            })
        })
        .collect();
    json!({
        "id": id, "name": format!("#{number}"), "order_number": number, "email": "sam@example.com",
        "created_at": updated_at, "updated_at": updated_at, "cancelled_at": null, "cancel_reason": null,
        "currency": "USD", "total_price": "27.99", "subtotal_price": "25.00", "total_tax": "2.99", "total_discounts": "0.00",
        "financial_status": "paid", "fulfillment_status": null, "gateway": "shopify_payments", "source_name": "web",
        "tags": tags, "customer": { "id": 5, "tags": "" }, "shipping_lines": [{ "price": "0.00", "title": "Free" }],
        "shipping_address": {
            "name": "Sam Rivera", "first_name": "Sam", "last_name": "Rivera", "phone": "+1 305 555 0100",
            "address1": "1 Ocean Dr", "address2": "", "city": "Miami", "province": "Florida", "province_code": "FL",
            "zip": "33139", "country": "United States", "country_code": "US"
        },
        "line_items": line_items, "fulfillments": []
    })
}

fn iso_now() -> String {
    // A minute ago: sandbox orders must be inside the sync window (the last 30 days).
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64 - 60;
    server::shopify::format_utc_seconds(secs).expect("a current time formats")
}

async fn sync_is_idempotent_and_keeps_local_work(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let cat = catalog(&m).await;
    // The demo store has auto sync on: its first run imports the shop's recent orders.
    let auto = settled_log(&m).await;
    assert!(auto.iter().any(|t| t.mode == SyncMode::Auto && t.status == SyncTaskStatus::Done), "{auto:?}");
    let imported: i64 = auto.iter().map(|t| t.counts.created).sum();
    let b2c = all_orders(&m, OrderKind::B2C).await;
    let b2b = all_orders(&m, OrderKind::B2B).await;
    assert!(imported >= 20, "{auto:?}");
    assert_eq!((b2c.len() + b2b.len()) as i64, imported);
    assert!(!b2b.is_empty(), "the demo shop has B2B orders");

    // Local work: dispatch one order, binding its SKU.
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_100_001, 5001, &[("SHOP-MUG-BLACK", 2)], "", &iso_now())).expect("sandbox order");
    let task = sync(&m, SyncMode::OrderNumbers(vec!["#5001".into()])).await;
    assert_eq!((task.counts.fetched, task.counts.created), (1, 1));
    let order = by_no(&m, "#5001").await;
    let mut request = dispatch_request(&cat, "USPS_GA");
    request.bindings.insert("SHOP-MUG-BLACK".into(), "MUG-CER-15".into());
    let dropship: OrderId = m.call("platform/dispatch", json!({ "id": order.summary.id, "request": request })).await.ok();

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    for mode in [SyncMode::Immediate, SyncMode::TimeRange { from_ms: now - 30 * 86_400_000, to_ms: now + 60_000 }, SyncMode::Immediate] {
        let again = sync(&m, mode).await;
        assert_eq!((again.status, again.counts.created), (SyncTaskStatus::Done, 0), "re-sync creates nothing: {again:?}");
    }
    let after = all_orders(&m, OrderKind::B2C).await.len() + all_orders(&m, OrderKind::B2B).await.len();
    assert_eq!(after, b2c.len() + b2b.len() + 1, "no duplicates after three syncs");
    let kept = by_no(&m, "#5001").await;
    assert_eq!(kept.summary.status, PlatformStatus::Processing);
    assert_eq!(kept.summary.dropship_order_id, Some(dropship));
    assert_eq!(kept.lines[0].warehouse_sku.as_deref(), Some("MUG-CER-15"));

    // A platform-side change (amount) follows the platform; local work stays.
    let mut changed = shop_order(9_100_001, 5001, &[("SHOP-MUG-BLACK", 2)], "", &iso_now());
    changed["total_price"] = json!("30.01");
    changed["updated_at"] = json!(iso_now().replace('Z', ".5Z"));
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, changed).expect("sandbox order");
    let task = sync(&m, SyncMode::OrderNumbers(vec!["5001".into()])).await;
    assert_eq!(task.counts.updated, 1, "{task:?}");
    let kept = by_no(&m, "#5001").await;
    assert_eq!(kept.summary.total_minor, 3001);
    assert_eq!(kept.summary.dropship_order_id, Some(dropship));
    assert_eq!(kept.summary.status, PlatformStatus::Processing);

    // Another merchant sees none of it.
    let other = app.client(OTHER_MERCHANT).await;
    assert_eq!(other.call("platform/orders/get", json!({ "id": order.summary.id })).await.status, 404);
    assert!(all_orders(&other, OrderKind::B2C).await.is_empty());
    assert_eq!(other.call("platform/sync", json!({ "store_id": STORE, "mode": SyncMode::Immediate })).await.status, 404);
    app.drop_database().await;
}

async fn dispatch_binds_skus_and_batch_reports_each_order(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let cat = catalog(&m).await;
    let now = iso_now();
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_200_001, 6001, &[("SHOP-TOWEL-HAND", 1), ("MUG-CER-11", 1)], "", &now)).expect("sandbox order");
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_200_002, 6002, &[("SHOP-TOWEL-HAND", 3)], "", &now)).expect("sandbox order");
    sync(&m, SyncMode::OrderNumbers(vec!["6001".into(), "6002".into()])).await;
    let first = by_no(&m, "#6001").await;
    assert_eq!(first.lines[0].warehouse_sku, None, "Not Mapped");
    assert_eq!(first.lines[1].warehouse_sku.as_deref(), Some("MUG-CER-11"), "seeded mapping");

    // Without a binding: refused with the exact reason, kept as the order's exception.
    let reply = m.call("platform/dispatch", json!({ "id": first.summary.id, "request": dispatch_request(&cat, "USPS_GA") })).await;
    assert_eq!(reply.conflict(), "SKU [SHOP-TOWEL-HAND] not mapped to a warehouse SKU");
    assert_eq!(by_no(&m, "#6001").await.summary.exception, "SKU [SHOP-TOWEL-HAND] not mapped to a warehouse SKU");
    assert_eq!(by_no(&m, "#6001").await.summary.status, PlatformStatus::Pending);

    // Binding it in the dialog dispatches and saves the mapping.
    let mut request = dispatch_request(&cat, "USPS_GA");
    request.bindings.insert("SHOP-TOWEL-HAND".into(), "TWL-HND-WHT".into());
    let dropship: OrderId = m.call("platform/dispatch", json!({ "id": first.summary.id, "request": request })).await.ok();
    let created: OrderDetail = m.call("orders/get", json!({ "id": dropship })).await.ok();
    assert_eq!(created.status, OrderStatus::Submitted);
    assert_eq!(created.draft.platform_order_no, "#6001");
    assert_eq!(created.draft.recipient.city, "Miami");
    assert_eq!(created.lines.len(), 2);
    let after = by_no(&m, "#6001").await;
    assert_eq!((after.summary.status, after.summary.exception.as_str()), (PlatformStatus::Processing, ""));
    // Dispatching twice is refused.
    let again = m.call("platform/dispatch", json!({ "id": first.summary.id, "request": dispatch_request(&cat, "USPS_GA") })).await;
    assert!(again.conflict().contains("Processing"));

    // The next order with that SKU needs no binding.
    let second = by_no(&m, "#6002").await;
    assert_eq!(second.lines[0].warehouse_sku.as_deref(), Some("TWL-HND-WHT"));
    let _: OrderId = m.call("platform/dispatch", json!({ "id": second.summary.id, "request": dispatch_request(&cat, "UPS_GND") })).await.ok();

    // Batch: 5 good orders and one with an unmapped SKU; the bad one fails alone.
    let mut ids = Vec::new();
    for i in 0..6 {
        let sku = if i == 3 { "SHOP-UNKNOWN" } else { "MUG-CER-11" };
        app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_300_000 + i, 7000 + i, &[(sku, 1)], "", &now)).expect("sandbox order");
    }
    sync(&m, SyncMode::OrderNumbers((0..6).map(|i| format!("{}", 7000 + i)).collect())).await;
    for i in 0..6 {
        ids.push(by_no(&m, &format!("#{}", 7000 + i)).await.summary.id);
    }
    let lax1 = lax(&cat);
    let self_pickup = cat.channels.iter().find(|c| c.warehouse_id == lax1 && c.is_self_pickup()).expect("a self-pickup channel").id;
    let refused = m.call("platform/dispatch-batch", json!({ "ids": ids, "warehouse_id": lax1, "channel_id": self_pickup })).await;
    assert_eq!(refused.validation()["channel"][0], MSG_BATCH_SELF_PICKUP);
    let results: Vec<DispatchResult> =
        m.call("platform/dispatch-batch", json!({ "ids": ids, "warehouse_id": lax1, "channel_id": channel(&cat, "USPS_GA") })).await.ok();
    assert_eq!(results.len(), 6);
    assert_eq!(results.iter().filter(|r| r.outcome.is_ok()).count(), 5);
    assert_eq!(results[3].outcome, Err("SKU [SHOP-UNKNOWN] not mapped to a warehouse SKU".into()));
    assert_eq!(results[3].order_no, "#7003");

    // Missing address fields are named.
    let mut no_zip = shop_order(9_400_001, 8001, &[("MUG-CER-11", 1)], "", &now);
    no_zip["shipping_address"]["zip"] = Value::Null;
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, no_zip).expect("sandbox order");
    sync(&m, SyncMode::OrderNumbers(vec!["8001".into()])).await;
    let o = by_no(&m, "#8001").await;
    let reply = m.call("platform/dispatch", json!({ "id": o.summary.id, "request": dispatch_request(&cat, "USPS_GA") })).await;
    assert_eq!(reply.conflict(), "Recipient address is missing: Postal Code");
    app.drop_database().await;
}

/// Takes a Submitted dropship order through the floor to Shipped.
async fn ship_through_floor(app: &TestApp, m: &Client, dropship: OrderId) {
    let wh = app.client(WAREHOUSE).await;
    let start = Instant::now();
    let order = loop {
        let d: OrderDetail = m.call("orders/get", json!({ "id": dropship })).await.ok();
        if d.label_status == LabelStatus::Ready {
            break d;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "label bought");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let filter = WaveFilter { order_ids: vec![dropship], ..Default::default() };
    let wave: WaveSummary = wh.call("floor/waves/create", json!({ "filter": filter })).await.ok();
    let sheet: PickSheet = wh.call("floor/waves/pick-sheet", json!({ "wave": wave.id })).await.ok();
    for line in &sheet.lines {
        for n in 0..line.needed {
            let cmd = FloorCommand { id: format!("pick-{}-{}-{n}", wave.id, line.sku_id), action: FloorAction::PickUnit { wave_id: wave.id, sku_id: line.sku_id } };
            let _: CommandOutcome = wh.call("floor/command", json!({ "command": cmd })).await.ok();
        }
    }
    let _: PickResult = wh.call("floor/waves/complete", json!({ "wave": wave.id })).await.ok();
    let scanned: Vec<(SkuId, i64)> = order.lines.iter().map(|l| (l.sku_id, l.quantity)).collect();
    let _: () = wh.call("floor/pack/done", json!({ "order": dropship, "scanned": scanned, "weight_kg": "1.2" })).await.ok();
    let cmd = FloorCommand { id: format!("ship-{dropship}"), action: FloorAction::ShipParcel { tracking_no: order.draft.tracking_no.clone() } };
    let _: CommandOutcome = wh.call("floor/command", json!({ "command": cmd })).await.ok();
}

async fn wait_for_status(m: &Client, order_no: &str, status: PlatformStatus) -> PlatformOrderDetail {
    let start = Instant::now();
    loop {
        let d = by_no(m, order_no).await;
        if d.summary.status == status || start.elapsed() > Duration::from_secs(20) {
            assert_eq!(d.summary.status, status, "{order_no}: exception {:?}", d.summary.exception);
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn warehouse_shipment_is_written_back(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let cat = catalog(&m).await;
    let now = iso_now();
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_500_001, 9001, &[("MUG-CER-11", 2)], "", &now)).expect("sandbox order");
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_500_002, 9002, &[("MUG-CER-11", 1)], "", &now)).expect("sandbox order");
    sync(&m, SyncMode::OrderNumbers(vec!["9001".into(), "9002".into()])).await;

    // Success: fulfillment with the carrier's tracking → Shipped; the next sync sees it
    // fulfilled → Completed.
    let o = by_no(&m, "#9001").await;
    let dropship: OrderId = m.call("platform/dispatch", json!({ "id": o.summary.id, "request": dispatch_request(&cat, "USPS_GA") })).await.ok();
    ship_through_floor(&app, &m, dropship).await;
    let shipped = wait_for_status(&m, "#9001", PlatformStatus::Shipped).await;
    let tracking: OrderDetail = m.call("orders/get", json!({ "id": dropship })).await.ok();
    assert_eq!(shipped.summary.tracking_no, tracking.draft.tracking_no);
    let sent = app.shopify.fulfillments(DEMO_SHOP_DOMAIN);
    let body = sent.iter().find(|f| f["order_id"] == json!(9_500_001) || f.to_string().contains(&tracking.draft.tracking_no)).expect("fulfillment sent");
    assert!(body.to_string().contains(&tracking.draft.tracking_no), "{body}");
    assert!(body.to_string().contains("USPS"), "{body}");
    sync(&m, SyncMode::OrderNumbers(vec!["9001".into()])).await;
    assert_eq!(by_no(&m, "#9001").await.summary.status, PlatformStatus::Completed);

    // Failure: the platform refuses → exception shown, Mark Shipped enabled; it works once
    // the platform accepts again.
    let o = by_no(&m, "#9002").await;
    let dropship: OrderId = m.call("platform/dispatch", json!({ "id": o.summary.id, "request": dispatch_request(&cat, "USPS_GA") })).await.ok();
    app.shopify.set_failure(DEMO_SHOP_DOMAIN, FailureMode::Unauthorized, 1);
    ship_through_floor(&app, &m, dropship).await;
    let start = Instant::now();
    let failed = loop {
        let d = by_no(&m, "#9002").await;
        if d.summary.writeback_failed || start.elapsed() > Duration::from_secs(20) {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(failed.summary.writeback_failed, "writeback failure recorded");
    assert!(failed.summary.exception.starts_with("Writeback failed"), "{}", failed.summary.exception);
    assert!(PlatformAction::MarkShipped.allowed(&failed.summary.state()));
    let _: () = m.call("platform/mark-shipped", json!({ "id": failed.summary.id })).await.ok();
    let done = by_no(&m, "#9002").await;
    assert_eq!((done.summary.status, done.summary.writeback_failed, done.summary.exception.as_str()), (PlatformStatus::Shipped, false, ""));
    app.drop_database().await;
}

async fn manual_ship_and_cancel(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let now = iso_now();
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_600_001, 9101, &[("MUG-CER-11", 1)], "", &now)).expect("sandbox order");
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_600_002, 9102, &[("MUG-CER-11", 1)], "", &now)).expect("sandbox order");
    sync(&m, SyncMode::OrderNumbers(vec!["9101".into(), "9102".into()])).await;
    let o = by_no(&m, "#9101").await;
    let bad = m.call("platform/manual-ship", json!({ "id": o.summary.id, "input": ManualShipInput::default() })).await;
    assert_eq!(bad.validation()["tracking_no"][0], "Please enter the tracking number");
    let input = ManualShipInput { tracking_no: "1Z999AA10123456784".into(), channel: "UPS".into(), service_type: "Ground".into() };
    let _: () = m.call("platform/manual-ship", json!({ "id": o.summary.id, "input": input })).await.ok();
    let shipped = by_no(&m, "#9101").await;
    assert_eq!(shipped.summary.status, PlatformStatus::ManualCompleted);
    assert_eq!(shipped.summary.tracking_no, "1Z999AA10123456784");
    assert!(app.shopify.fulfillments(DEMO_SHOP_DOMAIN).iter().any(|f| f.to_string().contains("1Z999AA10123456784")));
    // Not again, and no cancel after shipping.
    assert_eq!(m.call("platform/cancel", json!({ "id": o.summary.id })).await.status, 409);

    let o = by_no(&m, "#9102").await;
    let _: () = m.call("platform/cancel", json!({ "id": o.summary.id })).await.ok();
    assert_eq!(by_no(&m, "#9102").await.summary.status, PlatformStatus::Cancelled);
    let at_shop = app.shopify.orders(DEMO_SHOP_DOMAIN).into_iter().find(|o| o["id"] == json!(9_600_002)).expect("order at the shop");
    assert!(!at_shop["cancelled_at"].is_null(), "cancelled at the platform");
    app.drop_database().await;
}

async fn b2b_acknowledgments_never_accept_more_than_stock(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let cat = catalog(&m).await;
    let lax1 = lax(&cat);
    let mug = cat.skus_in(lax1).find(|s| s.code == "CND-SOY-LAV").expect("candle in LAX1").id;
    let count = StockAdjustment { sku_id: mug, kind: AdjustmentKind::Count, quantity: 5, reason: "test".into() };
    let _: StockRow = wh.call("floor/stock/adjust", json!({ "adjustment": count })).await.ok();
    let now = iso_now();
    for i in 0..4 {
        app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_700_000 + i, 9200 + i, &[("CND-SOY-LAV", 4)], "B2B", &now)).expect("sandbox order");
    }
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_700_010, 9210, &[("CND-SOY-LAV", 3), ("SHOP-UNMAPPED", 2)], "wholesale", &now)).expect("sandbox order");
    sync(&m, SyncMode::OrderNumbers((0..4).map(|i| format!("{}", 9200 + i)).chain(["9210".to_string()]).collect())).await;

    // B2B orders must be acknowledged before dispatch.
    let first = by_no(&m, "#9200").await;
    assert_eq!(first.summary.kind, OrderKind::B2B);
    let refused = m.call("platform/dispatch", json!({ "id": first.summary.id, "request": dispatch_request(&cat, "USPS_GA") })).await;
    assert_eq!(refused.conflict(), "Acknowledge this B2B order before dispatching it");

    // Four acknowledgments of 4 units each race for 5 units: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..4 {
        let (m, id) = (m.clone(), by_no(&m, &format!("#{}", 9200 + i)).await.summary.id);
        tasks.push(tokio::spawn(async move {
            let lines: Vec<AckLineView> = m.call("platform/ack-lines", json!({ "id": id, "warehouse_id": lax1 })).await.ok();
            let answers: Vec<AckLineInput> = lines.iter().map(|l| AckLineInput { line_id: l.line_id, accepted: l.ordered, reason: String::new() }).collect();
            m.call("platform/acknowledge", json!({ "id": id, "warehouse_id": lax1, "answers": answers })).await.status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    let rows: Vec<StockRow> = wh.call("floor/stock", json!({ "search": "CND-SOY-LAV" })).await.ok();
    let row = rows.iter().find(|r| r.sku_id == mug).expect("stock row");
    assert_eq!((row.on_hand, row.allocated), (5, 4));

    // Partial accept with reasons: 1 left in stock, unmapped line has 0 available.
    let mixed = by_no(&m, "#9210").await;
    let lines: Vec<AckLineView> = m.call("platform/ack-lines", json!({ "id": mixed.summary.id, "warehouse_id": lax1 })).await.ok();
    assert_eq!(lines.iter().map(|l| l.available).collect::<Vec<_>>(), vec![1, 0]);
    let answer = |l: &AckLineView, accepted: i64, reason: &str| AckLineInput { line_id: l.line_id, accepted, reason: reason.into() };
    let missing_reason = m.call("platform/acknowledge", json!({ "id": mixed.summary.id, "warehouse_id": lax1, "answers": [answer(&lines[0], 1, ""), answer(&lines[1], 0, "not stocked")] })).await;
    assert_eq!(missing_reason.validation()[&format!("line.{}", lines[0].line_id)][0], "Please give a reason for the rejected quantity");
    let _: () = m
        .call("platform/acknowledge", json!({ "id": mixed.summary.id, "warehouse_id": lax1, "answers": [answer(&lines[0], 1, "short stock"), answer(&lines[1], 0, "not stocked")] }))
        .await
        .ok();
    let acked = by_no(&m, "#9210").await;
    assert_eq!(acked.summary.status, PlatformStatus::Acknowledged);
    assert_eq!(acked.lines[1].reject_reason, "not stocked");
    // Dispatch sends the accepted unit only; the reservation becomes the order's allocation.
    let dropship: OrderId = m.call("platform/dispatch", json!({ "id": acked.summary.id, "request": dispatch_request(&cat, "USPS_GA") })).await.ok();
    let created: OrderDetail = m.call("orders/get", json!({ "id": dropship })).await.ok();
    assert_eq!(created.lines.iter().map(|l| l.quantity).sum::<i64>(), 1);
    let rows: Vec<StockRow> = wh.call("floor/stock", json!({ "search": "CND-SOY-LAV" })).await.ok();
    let row = rows.iter().find(|r| r.sku_id == mug).expect("stock row");
    assert_eq!((row.on_hand, row.allocated), (5, 5));
    app.drop_database().await;
}

/// A manual sync starts at once: the server wakes its idle worker instead of leaving the task
/// for the next poll (two minutes here, so a missed wake-up fails the test).
async fn a_manual_sync_starts_without_waiting_for_the_poll(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.platform_poll = Duration::from_secs(120)).await;
    let m = app.client(MERCHANT).await;
    settled_log(&m).await;
    let started = Instant::now();
    let task = sync(&m, SyncMode::Immediate).await;
    assert_eq!(task.status, SyncTaskStatus::Done, "{task:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "the sync waited {:?}", started.elapsed());
    app.drop_database().await;
}

/// Orders are written as one JSON batch per page: text that JSON escapes (quotes, backslashes,
/// newlines, non-ASCII, SQL metacharacters) and integers beyond 2^53 arrive exactly as sent,
/// on first import and on an update.
async fn sync_stores_text_and_numbers_exactly(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    settled_log(&m).await;
    let name = "Zoë \"Ji\" O'Brien \\ 山田 🚚";
    let address = "1 Rue d'Été'; DROP TABLE platform_orders; --\nApt 2";
    let big_line_id = 9_007_199_254_740_993i64; // 2^53 + 1: a JSON number a double would round
    let mut order = shop_order(9_400_001, 7001, &[("SKU-\"Ü\"", 2)], "", &iso_now());
    // U+0000 is dropped (PostgreSQL text cannot hold it); everything else arrives as sent.
    order["shipping_address"]["name"] = json!(name.replace("Zoë", "Zo\u{0}ë"));
    order["shipping_address"]["address1"] = json!(address);
    order["line_items"][0]["id"] = json!(big_line_id);
    order["line_items"][0]["name"] = json!("Mug – 11 oz \\ \"Ceramic\""); // the line title Shopify shows
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, order.clone()).expect("sandbox order");
    let task = sync(&m, SyncMode::OrderNumbers(vec!["7001".into()])).await;
    assert_eq!(task.counts.created, 1, "{task:?}");
    let stored = by_no(&m, "#7001").await;
    assert_eq!(stored.platform_order_id, 9_400_001);
    assert_eq!((stored.recipient.name.as_str(), stored.recipient.address1.as_str()), (name, address));
    assert_eq!(stored.summary.total_minor, 2799);
    let line = &stored.lines[0];
    assert_eq!((line.line_id, line.platform_sku.as_str(), line.title.as_str()), (big_line_id, "SKU-\"Ü\"", "Mug – 11 oz \\ \"Ceramic\""));
    assert_eq!((line.quantity, line.price_minor, line.requires_shipping), (2, 1250, true));

    // A later change is written over the same row.
    order["shipping_address"]["name"] = json!("Zoë Ji");
    order["line_items"][0]["quantity"] = json!(3);
    order["updated_at"] = json!(iso_now().replace('Z', ".5Z"));
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, order).expect("sandbox order");
    let task = sync(&m, SyncMode::OrderNumbers(vec!["7001".into()])).await;
    assert_eq!((task.counts.created, task.counts.updated), (0, 1), "{task:?}");
    let stored = by_no(&m, "#7001").await;
    assert_eq!(stored.recipient.name, "Zoë Ji");
    assert_eq!((stored.lines.len(), stored.lines[0].line_id, stored.lines[0].quantity), (1, big_line_id, 3));

    // One page with an unchanged order, a changed one and one cancelled at the platform: each
    // gets its own outcome, and the cancel is a status move in the order's history.
    let mut other = shop_order(9_400_002, 7002, &[("MUG-CER-11", 1)], "", &iso_now());
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, other.clone()).expect("sandbox order");
    let mut third = shop_order(9_400_003, 7003, &[("MUG-CER-11", 1)], "", &iso_now());
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, third.clone()).expect("sandbox order");
    sync(&m, SyncMode::OrderNumbers(vec!["7002".into(), "7003".into()])).await;
    let later = iso_now().replace('Z', ".7Z");
    other["cancelled_at"] = json!(later);
    other["updated_at"] = json!(later);
    third["total_price"] = json!("31.00");
    third["updated_at"] = json!(later);
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, other).expect("sandbox order");
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, third).expect("sandbox order");
    let task = sync(&m, SyncMode::OrderNumbers(vec!["7001".into(), "7002".into(), "7003".into()])).await;
    assert_eq!((task.counts.fetched, task.counts.created, task.counts.updated), (3, 0, 2), "{task:?}");
    let cancelled = by_no(&m, "#7002").await;
    assert_eq!(cancelled.summary.status, PlatformStatus::Cancelled);
    assert_eq!(by_no(&m, "#7003").await.summary.total_minor, 3100);
    assert_eq!(by_no(&m, "#7003").await.summary.status, PlatformStatus::Pending);
    let history: Vec<AuditEntry> = m.call("platform/history", json!({ "object": HistoryOf::PlatformOrder(cancelled.summary.id) })).await.ok();
    let moved = history.iter().find(|e| e.action == "Changed at the platform").unwrap_or_else(|| panic!("no status move in {history:?}"));
    assert!(moved.before.as_deref().is_some_and(|b| b.contains("Pending")) && moved.after.as_deref().is_some_and(|a| a.contains("Cancelled")), "{moved:?}");
    app.drop_database().await;
}

on_both_backends!(
    sync_stores_text_and_numbers_exactly,
    a_manual_sync_starts_without_waiting_for_the_poll,
    sync_is_idempotent_and_keeps_local_work,
    dispatch_binds_skus_and_batch_reports_each_order,
    warehouse_shipment_is_written_back,
    manual_ship_and_cancel,
    b2b_acknowledgments_never_accept_more_than_stock,
);
