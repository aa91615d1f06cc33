//! Inventory and the warehouse floor over HTTP on SQLite and PostgreSQL: stock arithmetic of
//! submit / intercept / ship, parallel over-allocation, idempotent scan commands, and an order
//! taken from Submitted to Shipped through wave, pick, pack and ship.

mod common;

use std::time::{Duration, Instant};

use app::domain::*;
use common::{Backend, Client, TestApp};
use serde_json::json;

const MERCHANT: &str = "merchant@demo.test";
const WAREHOUSE: &str = "warehouse@demo.test";
const NJ_WAREHOUSE: &str = "nj@demo.test";

async fn sample(c: &Client, channel: &str) -> OrderDraft {
    let cat: Catalog = c.call("orders/catalog", json!({})).await.ok();
    common::miami_draft(&cat, channel)
}

async fn stock_of(wh: &Client, sku: SkuId) -> StockRow {
    let rows: Vec<StockRow> = wh.call("floor/stock", json!({ "search": "" })).await.ok();
    rows.into_iter().find(|r| r.sku_id == sku).expect("sku in the warehouse's stock list")
}

async fn set_count(wh: &Client, sku: SkuId, quantity: i64) -> StockRow {
    let adj = StockAdjustment { sku_id: sku, kind: AdjustmentKind::Count, quantity, reason: "test count".into() };
    wh.call("floor/stock/adjust", json!({ "adjustment": adj })).await.ok()
}

async fn detail(c: &Client, id: OrderId) -> OrderDetail {
    c.call("orders/get", json!({ "id": id })).await.ok()
}

/// Waits until the carrier label is bought (tracking number known).
async fn label_ready(c: &Client, id: OrderId) -> OrderDetail {
    let start = Instant::now();
    loop {
        let d = detail(c, id).await;
        if d.label_status == LabelStatus::Ready || start.elapsed() > Duration::from_secs(20) {
            assert_eq!(d.label_status, LabelStatus::Ready, "label bought: {}", d.label_error);
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn command(id: &str, action: FloorAction) -> serde_json::Value {
    json!({ "command": FloorCommand { id: id.into(), action } })
}

async fn submit_allocates_intercept_releases_and_shortage_holds_the_draft(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let draft = sample(&m, "USPS_GA").await;
    let sku = draft.lines[0].sku_id;
    let before = set_count(&wh, sku, 10).await;
    let allocated_before = before.allocated;

    let id: OrderId = m.save(None, &draft).await.ok();
    assert_eq!(stock_of(&wh, sku).await.allocated, allocated_before, "a draft holds no stock");
    let _: OrderStatus = m.call("orders/submit", json!({ "id": id })).await.ok();
    let s = stock_of(&wh, sku).await;
    assert_eq!((s.on_hand, s.allocated), (10, allocated_before + 3), "submit allocates 3");

    let _: Option<String> = m.call("orders/intercept", json!({ "id": id })).await.ok();
    let s = stock_of(&wh, sku).await;
    assert_eq!((s.on_hand, s.allocated), (10, allocated_before), "intercept releases");

    // Not enough: refused with the reason, the order stays a Draft and shows why.
    set_count(&wh, sku, allocated_before + 2).await;
    let reply = m.call("orders/submit", json!({ "id": id })).await;
    let code = stock_of(&wh, sku).await.sku_code;
    assert_eq!(reply.conflict(), format!("Not enough stock for {code}: 2 available, 3 needed"));
    let d = detail(&m, id).await;
    assert_eq!(d.status, OrderStatus::Draft);
    assert_eq!(d.exception, format!("Not enough stock for {code}: 2 available, 3 needed"));
    assert_eq!(stock_of(&wh, sku).await.allocated, allocated_before, "nothing allocated by the refused submit");

    // Stock arrives: the submit goes through and the hold clears.
    let adj = StockAdjustment { sku_id: sku, kind: AdjustmentKind::Receive, quantity: 5, reason: "PO 77".into() };
    let _: StockRow = wh.call("floor/stock/adjust", json!({ "adjustment": adj })).await.ok();
    let _: OrderStatus = m.call("orders/submit", json!({ "id": id })).await.ok();
    assert_eq!(detail(&m, id).await.exception, "");

    // Adjustments never eat allocated stock, and every change is a movement.
    let damage = StockAdjustment { sku_id: sku, kind: AdjustmentKind::Damage, quantity: 5, reason: "crushed".into() };
    let reply = wh.call("floor/stock/adjust", json!({ "adjustment": damage })).await;
    assert_eq!(reply.validation()["quantity"][0], "Only 4 unallocated unit(s) can be written off");
    let moves: Vec<StockMovement> = wh.call("floor/stock/movements", json!({ "sku": sku })).await.ok();
    let kinds: Vec<&str> = moves.iter().take(5).map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["allocate", "receive", "count", "release", "allocate"]);
    assert_eq!(moves[0].allocated_after, allocated_before + 3);

    // Other warehouses cannot touch this stock.
    let nj = app.client(NJ_WAREHOUSE).await;
    let reply = nj.call("floor/stock/adjust", json!({ "adjustment": adj })).await;
    assert_eq!(reply.status, 404);
    app.drop_database().await;
}

async fn parallel_submits_never_over_allocate(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let draft = sample(&m, "UPS_GND").await;
    let sku = draft.lines[0].sku_id;
    let allocated_before = stock_of(&wh, sku).await.allocated;
    // Room for exactly 3 orders of 3 units.
    set_count(&wh, sku, allocated_before + 10).await;
    let mut ids = Vec::new();
    for _ in 0..10 {
        ids.push(m.save(None, &draft).await.ok::<OrderId>());
    }
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let m = m.clone();
            let id = *id;
            tokio::spawn(async move { m.call("orders/submit", json!({ "id": id })).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("submit task"));
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 7, "{statuses:?}");
    let s = stock_of(&wh, sku).await;
    assert_eq!(s.allocated, allocated_before + 9);
    assert!(s.allocated <= s.on_hand);
    app.drop_database().await;
}

async fn a_replayed_scan_applies_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let mut draft = sample(&m, "USPS_GA").await;
    draft.lines[0].quantity = 2;
    let id: OrderId = m.save(None, &draft).await.ok();
    let _: OrderStatus = m.call("orders/submit", json!({ "id": id })).await.ok();
    let wave: WaveSummary = wh.call("floor/waves/create", json!({ "filter": { "order_ids": [id] } })).await.ok();
    let sku = draft.lines[0].sku_id;
    let pick = FloorAction::PickUnit { wave_id: wave.id, sku_id: sku };

    let first: CommandOutcome = wh.call("floor/command", command("scan-1", pick.clone())).await.ok();
    assert!(first.applied);
    // The same command again (the offline queue resending), also concurrently: applied once.
    let again: Vec<_> = (0..4)
        .map(|_| {
            let wh = wh.clone();
            let body = command("scan-1", pick.clone());
            tokio::spawn(async move { wh.call("floor/command", body).await.ok::<CommandOutcome>() })
        })
        .collect();
    for t in again {
        let outcome = t.await.expect("replay task");
        assert!(!outcome.applied);
        assert_eq!(outcome.message, first.message);
    }
    let sheet: PickSheet = wh.call("floor/waves/pick-sheet", json!({ "wave": wave.id })).await.ok();
    assert_eq!(sheet.lines[0].picked, 1, "one unit, however often the scan arrived");

    // A new scan picks the second unit; a third is an over-pick, refused and not recorded.
    let _: CommandOutcome = wh.call("floor/command", command("scan-2", pick.clone())).await.ok();
    let over = wh.call("floor/command", command("scan-3", pick.clone())).await;
    assert!(over.conflict().starts_with("Over-pick"), "{}", over.body);
    // Not this warehouse's wave → 404, nothing recorded.
    let nj = app.client(NJ_WAREHOUSE).await;
    assert_eq!(nj.call("floor/command", command("scan-4", pick)).await.status, 404);
    let sheet: PickSheet = wh.call("floor/waves/pick-sheet", json!({ "wave": wave.id })).await.ok();
    assert_eq!(sheet.lines[0].picked, 2);
    assert_eq!(nj.call("floor/waves/pick-sheet", json!({ "wave": wave.id })).await.status, 404);
    app.drop_database().await;
}

async fn submitted_to_shipped_through_the_floor(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let draft = sample(&m, "FEDEX_HD").await;
    let sku = draft.lines[0].sku_id;
    let stock_before = stock_of(&wh, sku).await;
    let a: OrderId = m.save(None, &draft).await.ok();
    let b: OrderId = m.save(None, &draft).await.ok();
    for id in [a, b] {
        let _: OrderStatus = m.call("orders/submit", json!({ "id": id })).await.ok();
    }
    let tracking_a = label_ready(&m, a).await.draft.tracking_no;

    // Wave by channel: takes exactly the two FedEx orders.
    let cat: Catalog = m.call("orders/catalog", json!({})).await.ok();
    let fedex = cat.channels.iter().find(|c| c.code == "FEDEX_HD" && Some(c.warehouse_id) == draft.warehouse_id).expect("channel").id;
    let preview: Vec<OrderSummary> = wh.call("floor/wave-queue", json!({ "filter": { "channel_id": fedex } })).await.ok();
    assert_eq!(preview.iter().map(|o| o.id).collect::<Vec<_>>(), vec![a, b]);
    let wave: WaveSummary = wh.call("floor/waves/create", json!({ "filter": { "channel_id": fedex } })).await.ok();
    assert_eq!((wave.order_count, wave.units), (2, 6));
    assert_eq!(m.call("orders/intercept", json!({ "id": a })).await.conflict(), "This order can no longer be intercepted: the warehouse has already waved it");

    // The pick list prints.
    let pdf = wh.http.get(wh.url(&format!("/api/floor/waves/{}/picklist.pdf", wave.id))).send().await.expect("pick list");
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.expect("pdf body").starts_with(b"%PDF-"));

    // Pick 5 of 6 and report the last one short: order a gets its 3, order b is held.
    let pick = FloorAction::PickUnit { wave_id: wave.id, sku_id: sku };
    for i in 0..5 {
        let _: CommandOutcome = wh.call("floor/command", command(&format!("p{i}"), pick.clone())).await.ok();
    }
    let early = wh.call("floor/waves/complete", json!({ "wave": wave.id })).await;
    assert_eq!(early.conflict(), "1 unit(s) still to pick; pick them or report them short");
    let empty_reason = wh.call("floor/waves/short", json!({ "wave": wave.id, "sku": sku, "reason": " " })).await;
    assert_eq!(empty_reason.status, 422);
    let _: () = wh.call("floor/waves/short", json!({ "wave": wave.id, "sku": sku, "reason": "bin empty" })).await.ok();
    let result: PickResult = wh.call("floor/waves/complete", json!({ "wave": wave.id })).await.ok();
    assert_eq!(result.picked_orders, 1);
    assert_eq!(result.held.len(), 1);
    assert_eq!(result.held[0].0, b);
    assert!(result.held[0].1.contains("bin empty"), "{:?}", result.held);
    assert_eq!(detail(&m, b).await.status, OrderStatus::Waved);
    assert!(detail(&m, b).await.exception.starts_with("Short pick"));

    // Pack: the held order is refused; order a must show all its items.
    let held = wh.call("floor/pack/find", json!({ "code": order_no(b) })).await;
    assert!(held.conflict().contains("is held"), "{}", held.body);
    let pack: PackOrder = wh.call("floor/pack/find", json!({ "code": tracking_a })).await.ok();
    assert_eq!(pack.id, a);
    let label_url = pack.label_url.clone().expect("label ready");
    let label = wh.http.get(wh.url(&label_url)).send().await.expect("label");
    assert_eq!(label.status(), 200);
    let short = wh.call("floor/pack/done", json!({ "order": a, "scanned": [[sku, 2]], "weight_kg": "1.2" })).await;
    assert_eq!(short.conflict(), format!("Missing 1 × {}", pack.lines[0].sku_code));
    let bad_weight = wh.call("floor/pack/done", json!({ "order": a, "scanned": [[sku, 3]], "weight_kg": "heavy" })).await;
    assert_eq!(bad_weight.validation()["weight"][0], "Weight must be a number of kilograms, like 1.25");
    let _: () = wh.call("floor/pack/done", json!({ "order": a, "scanned": [[sku, 3]], "weight_kg": "1.2" })).await.ok();
    assert_eq!(detail(&m, a).await.status, OrderStatus::Packed);

    // Ship: an unknown tracking number is refused; the real one ships once.
    let unknown = wh.call("floor/command", command("s0", FloorAction::ShipParcel { tracking_no: "NOPE".into() })).await;
    assert_eq!(unknown.conflict(), "No parcel with tracking number NOPE in this warehouse");
    let ship = FloorAction::ShipParcel { tracking_no: tracking_a.clone() };
    let shipped: CommandOutcome = wh.call("floor/command", command("s1", ship.clone())).await.ok();
    assert!(shipped.applied);
    let replay: CommandOutcome = wh.call("floor/command", command("s1", ship)).await.ok();
    assert!(!replay.applied);
    let d = detail(&m, a).await;
    assert_eq!(d.status, OrderStatus::Shipped);
    assert_eq!(m.call("orders/intercept", json!({ "id": a })).await.status, 409);
    let manifest: Vec<ManifestRow> = wh.call("floor/manifest", json!({ "since_ms": 0 })).await.ok();
    assert!(manifest.iter().any(|r| r.order_id == a && r.carrier == "FedEx" && r.weight_grams == 1200));

    // Stock: a's 3 units left the building; b still holds its allocation.
    let after = stock_of(&wh, sku).await;
    assert_eq!(after.on_hand, stock_before.on_hand - 3);
    assert_eq!(after.allocated, stock_before.allocated + 3);
    app.drop_database().await;
}

async fn warehouse_users_pick_their_warehouse(backend: Backend) {
    let app = TestApp::start(backend).await;
    let wh = app.client(WAREHOUSE).await;
    let ctx: serde_json::Value = wh.call("floor/context", json!({})).await.ok();
    let codes: Vec<&str> = ctx["warehouses"].as_array().expect("list").iter().filter_map(|w| w["code"].as_str()).collect();
    assert_eq!(codes, ["LAX1", "NJ1"]);
    let nj_id = ctx["warehouses"][1]["id"].as_i64().expect("id");
    let _: () = wh.call("floor/select-warehouse", json!({ "warehouse": nj_id })).await.ok();
    let ctx: serde_json::Value = wh.call("floor/context", json!({})).await.ok();
    assert_eq!(ctx["current"].as_i64(), Some(nj_id));
    // The stock list now is NJ1's (six products, no LAX1-only SKUs).
    let rows: Vec<StockRow> = wh.call("floor/stock", json!({ "search": "" })).await.ok();
    assert_eq!(rows.len(), 6);
    // A warehouse the user does not work in answers 404.
    let nj = app.client(NJ_WAREHOUSE).await;
    let nj_ctx: serde_json::Value = nj.call("floor/context", json!({})).await.ok();
    assert_eq!(nj_ctx["warehouses"].as_array().map(|a| a.len()), Some(1));
    let lax_id = ctx["warehouses"][0]["id"].as_i64().expect("id");
    assert_eq!(nj.call("floor/select-warehouse", json!({ "warehouse": lax_id })).await.status, 404);
    // Merchants cannot use floor functions.
    let m = app.client(MERCHANT).await;
    assert_eq!(m.call("floor/stock", json!({ "search": "" })).await.status, 403);
    app.drop_database().await;
}

on_both_backends!(
    submit_allocates_intercept_releases_and_shortage_holds_the_draft,
    parallel_submits_never_over_allocate,
    a_replayed_scan_applies_once,
    submitted_to_shipped_through_the_floor,
    warehouse_users_pick_their_warehouse,
);
