//! Security over real HTTP, on SQLite and PostgreSQL: every server function checked against
//! every role (401 / 403) and against another tenant's objects (404, nothing changed), sign-in
//! throttling, session cookie flags, sign out everywhere, password change, cross-site writes,
//! and a corpus of bad input.

mod common;

use app::domain::*;
use common::{Backend, Client, TestApp};
use serde_json::{json, Value};
use sqlx::Row;

const ACME_ADMIN: &str = "merchant@demo.test";
const ACME_CLERK: &str = "clerk@demo.test";
const GLOBEX: &str = "globex@demo.test";
const LAX_LEAD: &str = "warehouse@demo.test";
const LAX_PICKER: &str = "picker@demo.test";
const NJ_LEAD: &str = "nj@demo.test";
const ADMIN: &str = "admin@demo.test";

/// What a server function requires of its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// Anyone, signed in or not (signing out is always fine).
    Anyone,
    /// Any signed-in user.
    SignedIn,
    Permission(Permission),
}

/// A numeric id of some row, straight from the database.
async fn id_of(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&app.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(&app.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get::<i64, _>(0)
}

/// A summary of everything a refused call could have changed: if it is the same before and
/// after, nothing was written.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM orders",
        "SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM orders",
        "SELECT COUNT(*) FROM order_events",
        "SELECT COUNT(*) FROM label_jobs",
        "SELECT CAST(COALESCE(SUM(on_hand * 7 + allocated), 0) AS BIGINT) FROM inventory",
        "SELECT COUNT(*) FROM inventory_movements",
        "SELECT COUNT(*) FROM waves",
        "SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM platform_orders",
        "SELECT COUNT(*) FROM sku_mappings",
        "SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM sku_mappings",
        "SELECT CAST(COALESCE(SUM(auto_sync), 0) AS BIGINT) FROM stores",
        "SELECT COUNT(*) FROM stores",
        "SELECT COUNT(*) FROM sync_tasks",
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM floor_commands",
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM webhook_endpoints",
        "SELECT COUNT(*) FROM api_tokens",
        "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL",
        "SELECT CAST(COALESCE(SUM(enabled), 0) AS BIGINT) FROM webhook_endpoints",
        "SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL OR role = 'platform_admin'",
        "SELECT COUNT(*) FROM sessions",
        "SELECT COUNT(*) FROM merchants",
        "SELECT COUNT(*) FROM merchant_warehouses",
        "SELECT COUNT(*) FROM warehouses",
        "SELECT COUNT(*) FROM business_types",
        "SELECT COUNT(*) FROM channels",
        "SELECT COUNT(*) FROM skus",
    ] {
        out.push(scalar(app, sql).await);
    }
    out
}

/// Waits until the demo store's first sync has finished (so it changes nothing later).
async fn wait_for_platform_orders(app: &TestApp) {
    for _ in 0..200 {
        let synced = scalar(app, "SELECT COUNT(*) FROM platform_orders WHERE merchant_id = 1").await > 0;
        let running = scalar(app, "SELECT COUNT(*) FROM sync_tasks WHERE status IN ('queued', 'running')").await;
        if synced && running == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the demo store never synced");
}

/// Objects of Acme (merchant 1) and of the LAX1 warehouse, to be reached for by others.
struct Targets {
    order: i64,
    store: i64,
    platform_order: i64,
    mapping: i64,
    wave: i64,
    lax: i64,
    lax_sku: i64,
    label: String,
    webhook_endpoint: i64,
    webhook_delivery: i64,
    api_token: i64,
    draft_for_globex: OrderDraft,
    /// Acme's merchant user, for the admin functions.
    acme_user: i64,
}

async fn targets(app: &TestApp) -> Targets {
    wait_for_platform_orders(app).await;
    let acme = app.client(ACME_ADMIN).await;
    // An upload of Acme's, so the label download has something to refuse.
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(common::minimal_pdf()).file_name("l.pdf"));
    let label: Value = acme.http.post(acme.url("/api/labels")).multipart(form).send().await.expect("upload").json().await.expect("label");
    let lax = id_of(app, "SELECT id FROM warehouses WHERE code = 'LAX1'").await;
    // A wave at LAX1, made by its lead from one Submitted Acme order.
    let lead = app.client(LAX_LEAD).await;
    let submitted = id_of(app, &format!("SELECT id FROM orders WHERE merchant_id = 1 AND status = 'submitted' AND warehouse_id = {lax} ORDER BY id LIMIT 1")).await;
    let filter = WaveFilter { order_ids: vec![submitted], ..Default::default() };
    let wave: WaveSummary = lead.call("floor/waves/create", json!({ "filter": filter })).await.ok();
    let globex = app.client(GLOBEX).await;
    let globex_catalog: Catalog = globex.call("orders/catalog", json!({})).await.ok();
    // A webhook endpoint of Acme's with one delivery (a test ping; nothing listens there).
    let endpoint = WebhookEndpointInput { url: "http://127.0.0.1:9/hooks".into(), description: "probe".into(), event_types: vec![WebhookEventType::OrderSubmitted] };
    let created: Value = acme.call("webhooks/endpoints/create", json!({ "input": endpoint })).await.ok();
    let webhook_endpoint = created["endpoint"]["id"].as_i64().unwrap_or_else(|| panic!("endpoint id in {created}"));
    let webhook_delivery: i64 = acme.call("webhooks/endpoints/test", json!({ "id": webhook_endpoint })).await.ok();
    let token = ApiTokenInput { name: "probe".into(), scopes: vec![ApiScope::OrdersRead] };
    let token: CreatedApiToken = acme.call("tokens/create", json!({ "input": token })).await.ok();
    Targets {
        order: id_of(app, "SELECT id FROM orders WHERE merchant_id = 1 AND status = 'submitted' ORDER BY id LIMIT 1").await,
        store: id_of(app, "SELECT id FROM stores WHERE merchant_id = 1 ORDER BY id LIMIT 1").await,
        platform_order: id_of(app, "SELECT id FROM platform_orders WHERE merchant_id = 1 AND status = 'pending' ORDER BY id LIMIT 1").await,
        mapping: id_of(app, "SELECT id FROM sku_mappings WHERE merchant_id = 1 ORDER BY id LIMIT 1").await,
        wave: wave.id,
        lax,
        lax_sku: id_of(app, &format!("SELECT id FROM skus WHERE merchant_id = 1 AND warehouse_id = {lax} ORDER BY id LIMIT 1")).await,
        label: label["id"].as_str().expect("label id").to_string(),
        webhook_endpoint,
        webhook_delivery,
        api_token: token.info.id,
        draft_for_globex: common::miami_draft(&globex_catalog, "USPS_GA"),
        acme_user: id_of(app, &format!("SELECT id FROM users WHERE email = '{ACME_CLERK}'")).await,
    }
}

/// Every server function (but sign-in, which is public), what it needs, and arguments that
/// name the targets' objects. The completeness test below fails when a server function is
/// added without a line here.
fn server_functions(t: &Targets) -> Vec<(&'static str, Need, Value)> {
    use Permission::*;
    let view = Need::Permission(ViewMerchantData);
    let work = Need::Permission(WorkOrders);
    let manage = Need::Permission(ManageIntegrations);
    let floor = Need::Permission(WorkFloor);
    let lead = Need::Permission(LeadFloor);
    let admin = Need::Permission(Administer);
    let (order, po, store) = (t.order, t.platform_order, t.store);
    let pick = FloorCommand { id: "sec-1".into(), action: FloorAction::PickUnit { wave_id: t.wave, sku_id: t.lax_sku } };
    let adjust = StockAdjustment { sku_id: t.lax_sku, kind: AdjustmentKind::Receive, quantity: 5, reason: "probe".into() };
    let ship = ManualShipInput { tracking_no: "1Z999".into(), channel: "UPS".into(), service_type: String::new() };
    // A warehouse SKU Globex owns, so only the store (Acme's) is wrong.
    let mapping = MappingInput { store_id: store, platform_sku: "PROBE-SKU".into(), warehouse_sku: "TNT-2P".into() };
    let new_store = StoreInput { name: "Probe".into(), shop_domain: "probe.myshopify.com".into(), access_token: "shpat_x".into(), auto_sync: false };
    vec![
        ("auth/logout", Need::Anyone, json!({})),
        ("auth/logout-everywhere", Need::SignedIn, json!({})),
        ("auth/change-password", Need::SignedIn, json!({ "current_password": "wrong-password", "new_password": "a new long password" })),
        ("auth/whoami", Need::Anyone, json!({})),
        ("orders/catalog", view, json!({})),
        ("orders/list", view, json!({ "query": OrderListQuery::default() })),
        ("orders/get", view, json!({ "id": order })),
        ("orders/save", work, json!({ "id": order, "draft": t.draft_for_globex })),
        ("orders/submit", work, json!({ "id": order })),
        ("orders/retry-label", work, json!({ "id": order })),
        ("orders/intercept", work, json!({ "id": order })),
        ("orders/quote", view, json!({ "draft": t.draft_for_globex })),
        ("orders/tracking", view, json!({ "id": order })),
        ("products/list", view, json!({ "filter": ProductFilter::default() })),
        ("products/get", view, json!({ "code": "MUG-CER-11" })),
        ("products/create", work, json!({ "input": ProductInput { code: "PRB-1".into(), name: "Probe".into(), length_mm: Some(1), width_mm: Some(1), height_mm: Some(1), weight_grams: Some(1), declared_value: "1".into(), currency: "USD".into(), ..Default::default() } })),
        ("products/st-upc", work, json!({})),
        ("platform/stores", view, json!({})),
        ("platform/stores/add", manage, json!({ "input": new_store })),
        ("platform/stores/test", manage, json!({ "store_id": store })),
        ("platform/stores/auto-sync", manage, json!({ "store_id": store, "on": false })),
        ("platform/sync", work, json!({ "store_id": store, "mode": SyncMode::Immediate })),
        ("platform/sync-log", view, json!({ "store_id": store })),
        ("platform/orders", view, json!({ "query": PlatformOrderQuery::default() })),
        ("platform/orders/get", view, json!({ "id": po })),
        ("platform/source-channels", view, json!({})),
        ("platform/dispatch", work, json!({ "id": po, "request": DispatchRequest::default() })),
        ("platform/dispatch-batch", work, json!({ "ids": [po], "warehouse_id": t.lax, "channel_id": 1 })),
        ("platform/ack-lines", view, json!({ "id": po, "warehouse_id": t.lax })),
        ("platform/acknowledge", work, json!({ "id": po, "warehouse_id": t.lax, "answers": [] })),
        ("platform/manual-ship", work, json!({ "id": po, "input": ship })),
        ("platform/mark-shipped", work, json!({ "id": po })),
        ("platform/cancel", work, json!({ "id": po })),
        ("platform/mappings", view, json!({ "store_id": store, "search": "" })),
        ("platform/mappings/save", work, json!({ "input": mapping })),
        ("platform/mappings/delete", work, json!({ "id": t.mapping })),
        ("platform/history", view, json!({ "object": HistoryOf::PlatformOrder(po) })),
        ("webhooks/endpoints", view, json!({})),
        ("webhooks/endpoints/create", manage, json!({ "input": WebhookEndpointInput { url: "https://hooks.example.com/x".into(), description: String::new(), event_types: vec![WebhookEventType::OrderShipped] } })),
        ("webhooks/endpoints/update", manage, json!({ "id": t.webhook_endpoint, "patch": WebhookEndpointPatch { enabled: Some(false), ..Default::default() } })),
        ("webhooks/endpoints/delete", manage, json!({ "id": t.webhook_endpoint })),
        ("webhooks/endpoints/test", manage, json!({ "id": t.webhook_endpoint })),
        ("webhooks/deliveries", view, json!({ "query": DeliveryQuery { endpoint_id: Some(t.webhook_endpoint), ..Default::default() } })),
        ("webhooks/deliveries/resend", manage, json!({ "id": t.webhook_delivery })),
        ("tokens/list", manage, json!({})),
        ("tokens/create", manage, json!({ "input": ApiTokenInput { name: "x".into(), scopes: vec![ApiScope::OrdersRead] } })),
        ("tokens/revoke", manage, json!({ "id": t.api_token })),
        ("floor/context", floor, json!({})),
        ("floor/select-warehouse", floor, json!({ "warehouse": t.lax })),
        ("floor/wave-queue", floor, json!({ "filter": WaveFilter::default() })),
        ("floor/waves/create", lead, json!({ "filter": WaveFilter { order_ids: vec![order], ..Default::default() } })),
        ("floor/wave", lead, json!({ "id": order })),
        ("floor/waves/list", floor, json!({})),
        ("floor/waves/pick-sheet", floor, json!({ "wave": t.wave })),
        ("floor/command", floor, json!({ "command": pick })),
        ("floor/waves/short", floor, json!({ "wave": t.wave, "sku": t.lax_sku, "reason": "probe" })),
        ("floor/waves/complete", floor, json!({ "wave": t.wave })),
        ("floor/queue", floor, json!({ "status": OrderStatus::Picked })),
        ("floor/pack/find", floor, json!({ "code": order_no(order) })),
        ("floor/pack/done", floor, json!({ "order": order, "scanned": [], "weight_kg": "1" })),
        ("floor/manifest", floor, json!({ "since_ms": 0 })),
        ("floor/stock", floor, json!({ "search": "" })),
        ("floor/stock/adjust", lead, json!({ "adjustment": adjust })),
        ("floor/stock/movements", floor, json!({ "sku": t.lax_sku })),
        ("admin/refs", admin, json!({})),
        ("admin/users", admin, json!({ "filter": UserFilter::default() })),
        ("admin/users/save", admin, json!({ "id": t.acme_user, "input": { "email": ACME_CLERK, "display_name": "Probe", "role": "PlatformAdmin" } })),
        ("admin/users/set-disabled", admin, json!({ "id": t.acme_user, "disabled": true })),
        ("admin/users/reset-password", admin, json!({ "id": t.acme_user, "new_password": "a probing password" })),
        ("admin/merchants", admin, json!({})),
        ("admin/merchants/save", admin, json!({ "id": 1, "input": { "name": "Probe", "warehouse_ids": [] } })),
        ("admin/warehouses", admin, json!({})),
        ("admin/warehouses/save", admin, json!({ "id": t.lax, "input": { "code": "PRB1", "name": "Probe", "country": "US", "address1": "1 Main St", "city": "X", "postal_code": "1" } })),
        ("admin/business-types", admin, json!({})),
        ("admin/business-types/save", admin, json!({ "id": null, "input": { "code": "PRB", "name": "Probe", "kind": "B2C" } })),
        ("admin/channels", admin, json!({})),
        ("admin/channels/save", admin, json!({ "id": 1, "input": { "warehouse_id": t.lax, "business_type_id": 1, "code": "PRB_A", "carrier": "P", "service_type": "P" } })),
        ("admin/skus", admin, json!({ "filter": SkuFilter::default() })),
        ("admin/skus/save", admin, json!({ "id": t.lax_sku, "input": { "merchant_id": 1, "warehouse_id": t.lax, "code": "PRB", "name": "Probe", "barcode": "12345670", "weight_grams": 1 } })),
        ("admin/history", admin, json!({ "object": AdminObject::User(t.acme_user) })),
    ]
}

/// Server functions that never take another tenant's object: they list or act on the
/// caller's own data (checked by `lists_hold_only_the_callers_data`) or on the caller alone.
const OWN_DATA_ONLY: [&str; 21] = [
    "auth/logout",
    "auth/logout-everywhere",
    "auth/change-password",
    "auth/whoami",
    "orders/catalog",
    "orders/list",
    "orders/quote",
    "products/list",
    "products/create",
    "products/st-upc",
    "platform/stores",
    "platform/stores/add",
    "platform/orders",
    "platform/source-channels",
    "floor/context",
    "floor/waves/list",
    "floor/manifest",
    "webhooks/endpoints",
    "webhooks/endpoints/create",
    "tokens/list",
    "tokens/create",
];

async fn every_server_function_is_in_the_matrix(backend: Backend) {
    let app = TestApp::start(backend).await;
    let t = targets(&app).await;
    let listed: std::collections::BTreeSet<String> = server_functions(&t).iter().map(|(e, _, _)| format!("/api/{e}")).collect();
    let registered: std::collections::BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).filter(|p| p != "/api/auth/login").collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    assert!(missing.is_empty(), "server functions without an authorization check in this test: {missing:?}");
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(stale.is_empty(), "listed here but not registered: {stale:?}");
    app.drop_database().await;
}

/// Each role (and nobody) against every server function it may not use: 401 / 403, nothing
/// written.
async fn roles_are_enforced_on_every_server_function(backend: Backend) {
    let app = TestApp::start(backend).await;
    let t = targets(&app).await;
    let mut callers: Vec<(&str, Option<Role>, Client)> = vec![("nobody", None, app.anonymous())];
    for (email, role) in [
        (ACME_ADMIN, Role::MerchantAdmin),
        (ACME_CLERK, Role::MerchantUser),
        (LAX_LEAD, Role::WarehouseLead),
        (LAX_PICKER, Role::WarehousePicker),
        (ADMIN, Role::PlatformAdmin),
    ] {
        callers.push((email, Some(role), app.client(email).await));
    }
    let before = fingerprint(&app).await;
    let mut checked = 0;
    for (endpoint, need, args) in server_functions(&t) {
        for (who, role, client) in &callers {
            let allowed = match (role, need) {
                (_, Need::Anyone) => true,
                (None, _) => false,
                (Some(_), Need::SignedIn) => true,
                (Some(role), Need::Permission(p)) => role.may(p),
            };
            if allowed {
                continue;
            }
            let reply = client.call(endpoint, args.clone()).await;
            let expected = if role.is_none() { 401 } else { 403 };
            assert_eq!(reply.status, expected, "{who} calling {endpoint}: {}", reply.body);
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} refusals checked");
    assert_eq!(fingerprint(&app).await, before, "a refused call changed data");
    app.drop_database().await;
}

/// Another merchant (or another warehouse's staff) naming Acme's / LAX1's objects gets 404
/// from every server function that takes an id, and nothing changes.
async fn other_tenants_objects_answer_404(backend: Backend) {
    let app = TestApp::start(backend).await;
    let t = targets(&app).await;
    let globex = app.client(GLOBEX).await;
    let nj = app.client(NJ_LEAD).await;
    let before = fingerprint(&app).await;
    let mut checked = Vec::new();
    for (endpoint, need, args) in server_functions(&t) {
        if OWN_DATA_ONLY.contains(&endpoint) {
            continue;
        }
        if need == Need::Permission(Permission::Administer) {
            // Admin functions take platform-level ids (any tenant's users, merchants, SKUs …):
            // they are not tenant-scoped but closed to everyone but platform admins, so a
            // merchant naming Acme's objects through them is refused outright (and the roles
            // test checks every other role).
            let reply = globex.call(endpoint, args).await;
            assert_eq!(reply.status, 403, "{GLOBEX} calling {endpoint}: {}", reply.body);
            continue;
        }
        let floor = matches!(need, Need::Permission(Permission::WorkFloor | Permission::LeadFloor));
        let (who, client) = if floor { (NJ_LEAD, &nj) } else { (GLOBEX, &globex) };
        let reply = client.call(endpoint, args).await;
        if endpoint == "platform/dispatch-batch" {
            // A batch answers per order: Acme's order is "Not found" for Globex.
            let results: Vec<DispatchResult> = reply.ok();
            assert_eq!(results.len(), 1);
            assert_eq!(results[0].outcome, Err("Not found".to_string()), "{who} on {endpoint}");
        } else if endpoint == "floor/wave-queue" || endpoint == "floor/queue" || endpoint == "floor/stock" || endpoint == "platform/mappings" || endpoint == "platform/sync-log" {
            // Lists filtered by the caller: Acme's / LAX1's rows must not be in them.
            let text = reply.body.to_string();
            assert!(reply.status == 200 || reply.status == 404, "{who} on {endpoint}: {} {}", reply.status, text);
            assert!(!text.contains(&order_no(t.order)), "{who} sees Acme's order through {endpoint}: {text}");
            if endpoint == "platform/sync-log" || endpoint == "platform/mappings" {
                assert!(reply.status == 404 || reply.body.as_array().is_some_and(|a| a.is_empty()), "{who} on {endpoint}: {text}");
            }
        } else if endpoint == "floor/pack/find" {
            // A scanned code, not an id: the packer is told it is not in this warehouse, and
            // nothing about the order.
            assert_eq!(reply.conflict(), format!("No order {} in this warehouse", order_no(t.order)));
        } else {
            assert_eq!(reply.status, 404, "{who} calling {endpoint} on another tenant's object: {}", reply.body);
        }
        checked.push(endpoint);
    }
    assert!(checked.len() >= 34, "only {} functions probed", checked.len());
    // The plain HTTP routes too.
    for (client, path) in [
        (&globex, format!("/api/orders/{}/label/pdf", t.order)),
        (&globex, format!("/api/labels/{}", t.label)),
        (&nj, format!("/api/floor/orders/{}/label", t.order)),
        (&nj, format!("/api/floor/waves/{}/picklist.pdf", t.wave)),
    ] {
        let res = client.http.get(client.url(&path)).send().await.expect("request");
        assert_eq!(res.status().as_u16(), 404, "{path}");
    }
    assert_eq!(fingerprint(&app).await, before, "a refused call changed data");
    app.drop_database().await;
}

/// Globex's lists never include Acme's rows.
async fn lists_hold_only_the_callers_data(backend: Backend) {
    let app = TestApp::start(backend).await;
    wait_for_platform_orders(&app).await;
    let globex = app.client(GLOBEX).await;
    let orders: OrderPage = globex.call("orders/list", json!({ "query": OrderListQuery { limit: Some(100), ..Default::default() } })).await.ok();
    let acme_orders = scalar(&app, "SELECT COUNT(*) FROM orders WHERE merchant_id = 1").await;
    assert!(acme_orders > 0);
    for row in &orders.rows {
        let owner = scalar(&app, &format!("SELECT merchant_id FROM orders WHERE id = {}", row.id)).await;
        assert_ne!(owner, 1, "Globex sees Acme's order {}", row.id);
    }
    let platform: PlatformOrderPage = globex.call("platform/orders", json!({ "query": PlatformOrderQuery::default() })).await.ok();
    assert!(platform.orders.is_empty(), "Globex has no store, so no platform orders");
    let stores: Vec<StoreInfo> = globex.call("platform/stores", json!({})).await.ok();
    assert!(stores.is_empty());
    let catalog: Catalog = globex.call("orders/catalog", json!({})).await.ok();
    assert!(catalog.skus.iter().all(|s| !s.code.starts_with("MUG")), "Acme's SKUs leaked into Globex's catalog");
    let products: ProductPage = globex.call("products/list", json!({ "filter": ProductFilter::default() })).await.ok();
    let codes: Vec<&str> = products.products.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["BAG-SLP-20", "TNT-2P"], "Globex lists its own products only");
    app.drop_database().await;
}

async fn login_from(app: &TestApp, email: &str, password: &str, address: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("login request")
}

async fn sign_in_is_throttled(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.client_ip_header = Some("x-forwarded-for".into())).await;
    // Five wrong passwords lock the account, even for the right password, from anywhere.
    for i in 0..MAX_FAILED_SIGN_INS_PER_ACCOUNT {
        let res = login_from(&app, ACME_CLERK, "wrong password", &format!("10.0.0.{i}")).await;
        assert_eq!(res.status().as_u16(), 409, "attempt {i}");
    }
    let res = login_from(&app, ACME_CLERK, "demo1234", "10.0.1.1").await;
    assert_eq!(res.status().as_u16(), 429);
    let body: Value = res.json().await.expect("json");
    let text = body["TooManyRequests"].as_str().expect("lock message");
    assert!(text.contains("locked for 15 minutes"), "{text}");
    // Other accounts are not affected.
    assert_eq!(login_from(&app, ACME_ADMIN, "demo1234", "10.0.0.1").await.status().as_u16(), 200);

    // One address failing against many accounts is stopped too.
    for i in 0..MAX_FAILED_SIGN_INS_PER_ADDRESS {
        let res = login_from(&app, &format!("nobody{i}@example.com"), "guess", "203.0.113.9").await;
        assert_eq!(res.status().as_u16(), 409, "attempt {i}");
    }
    let res = login_from(&app, ACME_ADMIN, "demo1234", "203.0.113.9").await;
    assert_eq!(res.status().as_u16(), 429);
    let body: Value = res.json().await.expect("json");
    assert!(body["TooManyRequests"].as_str().is_some_and(|t| t.contains("from your network")), "{body}");
    // A success restarts the account's count: four failures after it do not lock.
    for _ in 0..4 {
        assert_eq!(login_from(&app, LAX_LEAD, "nope", "10.9.9.9").await.status().as_u16(), 409);
    }
    assert_eq!(login_from(&app, LAX_LEAD, "demo1234", "10.9.9.9").await.status().as_u16(), 200);
    for _ in 0..4 {
        assert_eq!(login_from(&app, LAX_LEAD, "nope", "10.9.9.8").await.status().as_u16(), 409);
    }
    assert_eq!(login_from(&app, LAX_LEAD, "demo1234", "10.9.9.8").await.status().as_u16(), 200);
    app.drop_database().await;
}

async fn session_cookie_flags(backend: Backend) {
    let app = TestApp::start(backend).await;
    let res = login_from(&app, ACME_ADMIN, "demo1234", "1.1.1.1").await;
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("a session cookie").to_string();
    for flag in ["dropdock_session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=1209600"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain-http demo must not mark the cookie Secure: {cookie}");
    let token = cookie.split(';').next().and_then(|kv| kv.split_once('=')).map(|(_, v)| v.to_string()).expect("token");
    assert_eq!(token.len(), 64, "32 random bytes, hex");
    // Only a hash of the token is stored.
    let stored = scalar(&app, &format!("SELECT COUNT(*) FROM sessions WHERE token_hash = '{token}'")).await;
    assert_eq!(stored, 0, "the raw token is in the database");

    // A sign-in clears the user's expired sessions (the table does not grow forever).
    let user = id_of(&app, &format!("SELECT id FROM users WHERE email = '{ACME_ADMIN}'")).await;
    sqlx::query("UPDATE sessions SET expires_at = 1 WHERE user_id = $1").bind(user).execute(&app.db.pool).await.expect("expire");
    let expired = scalar(&app, &format!("SELECT COUNT(*) FROM sessions WHERE user_id = {user}")).await;
    assert!(expired >= 1);
    login_from(&app, ACME_ADMIN, "demo1234", "1.1.1.1").await;
    let left = scalar(&app, &format!("SELECT COUNT(*) FROM sessions WHERE user_id = {user}")).await;
    assert_eq!(left, 1, "only the new session is left");
    app.drop_database().await;

    // Behind HTTPS the cookie is Secure.
    let app = TestApp::start_with(backend, |c| c.public_origin = Some("https://dropdock.example.com".into())).await;
    let res = login_from(&app, ACME_ADMIN, "demo1234", "1.1.1.1").await;
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("a session cookie").to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    app.drop_database().await;
}

async fn sign_out_everywhere_and_password_change(backend: Backend) {
    let app = TestApp::start(backend).await;
    let laptop = app.client(ACME_CLERK).await;
    let phone = app.client(ACME_CLERK).await;
    let other_user = app.client(ACME_ADMIN).await;
    assert_eq!(phone.call("orders/list", json!({ "query": {} })).await.status, 200);

    // Wrong current password, too-short new one: refused with field errors, nothing changes.
    let reply = laptop.call("auth/change-password", json!({ "current_password": "nope", "new_password": "a long enough password" })).await;
    assert!(reply.validation().contains_key("current_password"), "{}", reply.body);
    let reply = laptop.call("auth/change-password", json!({ "current_password": "demo1234", "new_password": "short" })).await;
    assert!(reply.validation().contains_key(FIELD_NEW_PASSWORD), "{}", reply.body);
    assert_eq!(phone.call("orders/list", json!({ "query": {} })).await.status, 200, "a refused change signed the phone out");

    // A real change keeps this session, ends the others, and swaps the password.
    let reply = laptop.call("auth/change-password", json!({ "current_password": "demo1234", "new_password": "a long enough password" })).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(laptop.call("orders/list", json!({ "query": {} })).await.status, 200);
    assert_eq!(phone.call("orders/list", json!({ "query": {} })).await.status, 401, "the phone's old session still works");
    assert_eq!(login_from(&app, ACME_CLERK, "demo1234", "1.2.3.4").await.status().as_u16(), 409);
    assert_eq!(login_from(&app, ACME_CLERK, "a long enough password", "1.2.3.4").await.status().as_u16(), 200);
    let logged = scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'user' AND action = 'Password changed'").await;
    assert_eq!(logged, 1);
    let hash_in_log = scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%argon2%' OR before_json LIKE '%argon2%'").await;
    assert_eq!(hash_in_log, 0, "a password hash reached the audit log");

    // Sign out everywhere ends every session of the user, and only theirs.
    let reply = laptop.call("auth/logout-everywhere", json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(laptop.call("orders/list", json!({ "query": {} })).await.status, 401);
    assert_eq!(other_user.call("orders/list", json!({ "query": {} })).await.status, 200);
    app.drop_database().await;
}

/// A state-changing request sent by a browser from another site is refused (and changes
/// nothing); the same request from our own pages goes through.
async fn cross_site_writes_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    wait_for_platform_orders(&app).await;
    let acme = app.client(ACME_ADMIN).await;
    let catalog: Catalog = acme.call("orders/catalog", json!({})).await.ok();
    let draft = common::miami_draft(&catalog, "USPS_GA");
    let before = fingerprint(&app).await;
    let host = app.addr.to_string();
    for (origin, site) in [(Some("https://evil.example"), None), (Some("null"), None), (None, Some("cross-site")), (None, Some("same-site"))] {
        let mut req = acme.http.post(acme.url("/api/orders/save")).json(&json!({ "id": null, "draft": draft }));
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        let res = req.send().await.expect("request");
        assert_eq!(res.status().as_u16(), 403, "origin {origin:?} site {site:?}");
    }
    // Sign-in from another site is refused as well (login CSRF).
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/login"))
        .header("origin", "https://evil.example")
        .form(&[("email", ACME_ADMIN), ("password", "demo1234")])
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(fingerprint(&app).await, before);
    let res = acme
        .http
        .post(acme.url("/api/orders/save"))
        .header("origin", format!("http://{host}"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({ "id": null, "draft": draft }))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 200, "same-origin save refused");
    app.drop_database().await;
}

/// Malformed, oversized and hostile input: a clear 4xx, nothing stored, the server alive, and
/// stored text rendered escaped.
async fn bad_input_is_refused_and_rendered_escaped(backend: Backend) {
    let app = TestApp::start(backend).await;
    wait_for_platform_orders(&app).await;
    let acme = app.client(ACME_ADMIN).await;
    let catalog: Catalog = acme.call("orders/catalog", json!({})).await.ok();
    let draft = common::miami_draft(&catalog, "USPS_GA");
    let before = fingerprint(&app).await;
    let post_raw = |body: Vec<u8>| {
        let acme = acme.clone();
        async move { status_or_cut_off(acme.http.post(acme.url("/api/orders/save")).header("content-type", "application/json").body(body).send().await).await.0 }
    };
    assert_eq!(post_raw(b"{not json".to_vec()).await, 400, "malformed JSON");
    assert_eq!(post_raw(br#"{"id": "seven", "draft": {}}"#.to_vec()).await, 400, "wrong type");
    assert_eq!(post_raw(br#"{"draft": {"lines": "many"}}"#.to_vec()).await, 400, "wrong nested type");
    let huge = format!(r#"{{"id": null, "draft": {{"platform_order_no": "{}"}}}}"#, "x".repeat(3 * 1024 * 1024));
    assert_eq!(post_raw(huge.into_bytes()).await, 413, "3 MB body");
    let mut long = draft.clone();
    long.recipient.name = "N".repeat(100_000);
    let reply = acme.save(None, &long).await;
    assert!(reply.validation().contains_key("recipient.name"), "{}", reply.body);
    let mut long = draft.clone();
    long.platform_order_no = "#".repeat(10_000);
    assert_eq!(acme.save(None, &long).await.status, 422);
    let reply = acme.call("orders/list", json!({ "query": { "search": "x".repeat(5000) } })).await;
    assert_eq!(reply.status, 422);
    let reply = acme.call("platform/mappings/save", json!({ "input": { "store_id": 1, "platform_sku": "", "warehouse_sku": "MUG-CER-11" } })).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    // SQL metacharacters are only data.
    let reply = acme.call("orders/list", json!({ "query": { "search": "'; DROP TABLE orders;--" } })).await;
    assert_eq!(reply.status, 200);
    let reply = acme.call("platform/mappings", json!({ "store_id": null, "search": "%' OR '1'='1" })).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.as_array().is_some_and(|a| a.is_empty()), "a LIKE pattern escaped its quotes: {}", reply.body);
    assert_eq!(fingerprint(&app).await, before, "refused input was stored");

    // Forged labels: wrong magic, a PDF with JavaScript, 11 MB.
    let upload = |bytes: Vec<u8>, name: &'static str| {
        let acme = acme.clone();
        async move {
            let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            status_or_cut_off(acme.http.post(acme.url("/api/labels")).multipart(form).send().await).await
        }
    };
    let (status, text) = upload(b"GIF89a not a pdf".to_vec(), "label.pdf").await;
    assert_eq!(status, 422, "{text}");
    let (status, text) = upload(pdf_with_javascript(), "label.pdf").await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("scripts"), "{text}");
    let mut big = common::minimal_pdf();
    big.resize(11 * 1024 * 1024, b' ');
    let (status, text) = upload(big, "label.pdf").await;
    assert_eq!(status, 413, "{text}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM labels").await, 0, "a refused label was stored");

    // Script in stored text comes back as text, never as markup.
    let mut xss = draft.clone();
    xss.recipient.name = "<script>alert(1)</script>".into();
    xss.recipient.address2 = "\"><img src=x onerror=alert(2)>".into();
    let id: OrderId = acme.save(None, &xss).await.ok();
    let html = acme.http.get(acme.url(&format!("/orders/{id}"))).send().await.expect("page").text().await.expect("html");
    assert!(!html.contains("<script>alert(1)</script>"), "recipient name rendered as markup");
    assert!(!html.contains("<img src=x onerror"), "address rendered as markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped name missing from the page");
    assert_eq!(reqwest::get(app.url("/healthz")).await.expect("health").status().as_u16(), 200);
    app.drop_database().await;
}

/// Status and body of an answer. The server answers 413 to an oversized body without reading
/// it and closes the connection (`Connection: close`, so it is never reused); a client still
/// writing the body may see the connection cut instead of the answer, which counts as the 413.
async fn status_or_cut_off(sent: reqwest::Result<reqwest::Response>) -> (u16, String) {
    match sent {
        Ok(res) => {
            let status = res.status().as_u16();
            if status == 413 {
                assert_eq!(res.headers().get("connection").and_then(|v| v.to_str().ok()), Some("close"), "413 without Connection: close");
            }
            (status, res.text().await.unwrap_or_default())
        }
        Err(e) if format!("{e:?}").contains("BrokenPipe") || format!("{e:?}").contains("ConnectionReset") => (413, format!("{e}")),
        Err(e) => panic!("request: {e:?}"),
    }
}

/// A one-page PDF that runs JavaScript when opened.
fn pdf_with_javascript() -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
    let page_id = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }));
    let js = doc.add_object(dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert('hi')") });
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id, "OpenAction" => js });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf");
    out
}

/// Platform order, mapping and store changes are in their history with who and before → after;
/// another merchant cannot read it.
async fn changes_are_audited(backend: Backend) {
    let app = TestApp::start(backend).await;
    wait_for_platform_orders(&app).await;
    let clerk = app.client(ACME_CLERK).await;
    let mapping = id_of(&app, "SELECT id FROM sku_mappings WHERE merchant_id = 1 ORDER BY id LIMIT 1").await;
    let current: String = sqlx::query("SELECT warehouse_sku FROM sku_mappings WHERE id = $1").bind(mapping).fetch_one(&app.db.pool).await.expect("mapping").get(0);
    let store_id = id_of(&app, "SELECT store_id FROM sku_mappings WHERE merchant_id = 1 ORDER BY id LIMIT 1").await;
    let platform_sku: String = sqlx::query("SELECT platform_sku FROM sku_mappings WHERE id = $1").bind(mapping).fetch_one(&app.db.pool).await.expect("mapping").get(0);
    let other_sku = if current == "MUG-CER-11" { "TWL-BTH-GRY" } else { "MUG-CER-11" };
    let reply = clerk.call("platform/mappings/save", json!({ "input": { "store_id": store_id, "platform_sku": platform_sku, "warehouse_sku": other_sku } })).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let history: Vec<AuditEntry> = clerk.call("platform/history", json!({ "object": HistoryOf::Mapping(mapping) })).await.ok();
    let last = history.last().expect("an entry");
    assert_eq!(last.actor_name, "Carl Ortiz");
    let change = last.changes().into_iter().find(|c| c.field == "warehouse_sku").expect("warehouse_sku change");
    assert_eq!((change.before.as_str(), change.after.as_str()), (current.as_str(), other_sku));
    // Saving it again unchanged is not a change: no new entry.
    let reply = clerk.call("platform/mappings/save", json!({ "input": { "store_id": store_id, "platform_sku": platform_sku, "warehouse_sku": other_sku } })).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let again: Vec<AuditEntry> = clerk.call("platform/history", json!({ "object": HistoryOf::Mapping(mapping) })).await.ok();
    assert_eq!(again.len(), history.len(), "an unchanged save added an entry");

    // A platform order's cancel is in its history.
    let po = id_of(&app, "SELECT id FROM platform_orders WHERE merchant_id = 1 AND status = 'pending' AND kind = 'b2c' ORDER BY id LIMIT 1").await;
    let reply = clerk.call("platform/cancel", json!({ "id": po })).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let history: Vec<AuditEntry> = clerk.call("platform/history", json!({ "object": HistoryOf::PlatformOrder(po) })).await.ok();
    let cancel = history.iter().find(|e| e.action == "Cancelled").expect("cancel recorded");
    let status = cancel.changes().into_iter().find(|c| c.field == "status").expect("status change");
    assert_eq!((status.before.as_str(), status.after.as_str()), ("Pending", "Cancelled"));

    // Another merchant gets 404, not the history.
    let globex = app.client(GLOBEX).await;
    assert_eq!(globex.call("platform/history", json!({ "object": HistoryOf::PlatformOrder(po) })).await.status, 404);
    assert_eq!(globex.call("platform/history", json!({ "object": HistoryOf::Mapping(mapping) })).await.status, 404);

    // A Draft edit says what changed.
    let catalog: Catalog = clerk.call("orders/catalog", json!({})).await.ok();
    let draft = common::miami_draft(&catalog, "USPS_GA");
    let id: OrderId = clerk.save(None, &draft).await.ok();
    let mut edited = draft.clone();
    edited.recipient.city = "Orlando".into();
    let _: OrderId = clerk.save(Some(id), &edited).await.ok();
    let detail: OrderDetail = clerk.call("orders/get", json!({ "id": id })).await.ok();
    let edit = detail.events.iter().find(|e| e.action == OrderAction::Edit).expect("edit event");
    assert!(edit.detail.contains("Recipient city: Miami → Orlando"), "{}", edit.detail);
    app.drop_database().await;
}

on_both_backends!(
    every_server_function_is_in_the_matrix,
    roles_are_enforced_on_every_server_function,
    other_tenants_objects_answer_404,
    lists_hold_only_the_callers_data,
    sign_in_is_throttled,
    session_cookie_flags,
    sign_out_everywhere_and_password_change,
    cross_site_writes_are_refused,
    bad_input_is_refused_and_rendered_escaped,
    changes_are_audited,
);
