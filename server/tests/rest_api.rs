//! The REST API (`/api/v1`) over real HTTP on SQLite and PostgreSQL: personal API tokens
//! (created through the token server functions as the demo merchants), the order lifecycle,
//! the domain's validation texts, platform orders and dispatch, inventory, scopes and
//! revocation, tenant isolation on every endpoint, idempotency keys (also under concurrency),
//! a corpus of bad input on every write endpoint, and the OpenAPI document against the router.

mod common;

use std::time::{Duration, Instant};

use app::domain::*;
use common::{Backend, Client, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use server::sandbox::shopify::DEMO_SHOP_DOMAIN;
use sqlx::Row;

const MERCHANT: &str = "merchant@demo.test";
const OTHER_MERCHANT: &str = "globex@demo.test";
const STORE: StoreId = 1;

// ---------------------------------------------------------------- helpers

/// What an endpoint answered.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Resp {
    fn ok<T: serde::de::DeserializeOwned>(self) -> T {
        assert!((200..300).contains(&self.status), "expected success, got {} {}", self.status, self.body);
        serde_json::from_value(self.body).expect("response shape")
    }

    /// The API's one error shape, with this status and code; returns the message.
    fn error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status, status, "{}", self.body);
        let content_type = self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(content_type.starts_with("application/json"), "JSON error, not {content_type:?}");
        let e = &self.body["error"];
        assert_eq!(e["code"], code, "{}", self.body);
        assert!(e["fields"].is_object(), "{}", self.body);
        let message = e["message"].as_str().expect("message").to_string();
        assert!(!message.is_empty());
        message
    }

    fn fields(&self) -> ValidationErrors {
        serde_json::from_value(json!({ "fields": self.body["error"]["fields"] })).expect("fields")
    }
}

/// The request body of a call.
enum Body {
    None,
    Json(Value),
    Raw(Vec<u8>, &'static str),
}

#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn new(app: &TestApp) -> Api {
        Api { http: reqwest::Client::new(), base: app.url("") }
    }

    async fn send(&self, token: Option<&str>, method: Method, path: &str, body: Body, key: Option<&str>) -> Resp {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req = match body {
            Body::None => req,
            Body::Json(v) => req.json(&v),
            Body::Raw(bytes, content_type) => req.header("content-type", content_type).body(bytes),
        };
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp { status, headers, body }
    }

    async fn get(&self, token: &str, path: &str) -> Resp {
        self.send(Some(token), Method::GET, path, Body::None, None).await
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Some(token), Method::POST, path, Body::Json(body), None).await
    }

    async fn post_key(&self, token: &str, path: &str, body: Value, key: &str) -> Resp {
        self.send(Some(token), Method::POST, path, Body::Json(body), Some(key)).await
    }
}

/// What most tests start from: the app, Acme's merchant administrator signed in, an API
/// client, and a token of hers with every scope.
struct Rest {
    app: TestApp,
    m: Client,
    api: Api,
    token: String,
}

impl Rest {
    async fn start(backend: Backend) -> Rest {
        let app = TestApp::start(backend).await;
        let m = app.client(MERCHANT).await;
        let api = Api::new(&app);
        let token = full_token(&m).await;
        Rest { app, m, api, token }
    }
}

/// A token of the signed-in merchant with these scopes, made through the server function.
async fn token(c: &Client, scopes: &[ApiScope]) -> String {
    let created: CreatedApiToken = c.call("tokens/create", json!({ "input": { "name": "test", "scopes": scopes } })).await.ok();
    assert!(created.token.starts_with("ddk_"));
    assert_eq!(created.info.token_hint, created.token[created.token.len() - 4..]);
    created.token
}

async fn full_token(c: &Client) -> String {
    token(c, &ApiScope::ALL).await
}

async fn catalog(api: &Api, token: &str) -> Catalog {
    api.get(token, "/api/v1/catalog").await.ok()
}

fn draft(cat: &Catalog, platform_order_no: &str) -> OrderDraft {
    let mut d = common::miami_draft(cat, "USPS_GA");
    d.platform_order_no = platform_order_no.into();
    d.lines[0].quantity = 1;
    d
}

async fn scalar(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query(sql).bind(id).fetch_one(&app.db.pool).await.expect("query").try_get::<i64, _>(0).expect("i64")
}

async fn order_count(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM orders").fetch_one(&app.db.pool).await.expect("count").try_get::<i64, _>(0).expect("i64")
}

/// (status, updated_at) of an order as stored.
async fn order_row(app: &TestApp, id: i64) -> (String, i64) {
    let row = sqlx::query("SELECT status, updated_at FROM orders WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.expect("order");
    (row.try_get("status").expect("status"), row.try_get("updated_at").expect("updated_at"))
}

/// (status, exception, dropship order) of a platform order as stored.
async fn platform_row(app: &TestApp, id: i64) -> (String, String, Option<i64>) {
    let row = sqlx::query("SELECT status, exception, dropship_order_id FROM platform_orders WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("platform order");
    (row.try_get("status").expect("status"), row.try_get("exception").expect("exception"), row.try_get("dropship_order_id").expect("dropship"))
}

/// Waits until the demo store's automatic first sync is done.
async fn settled_sync(c: &Client) {
    let start = Instant::now();
    loop {
        let log: Vec<SyncTask> = c.call("platform/sync-log", json!({ "store_id": STORE })).await.ok();
        if !log.is_empty() && log.iter().all(|t| matches!(t.status, SyncTaskStatus::Done | SyncTaskStatus::Failed)) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "syncs did not settle: {log:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Puts an order with these lines into the sandbox shop and syncs it; returns its id here.
async fn synced_order(app: &TestApp, c: &Client, api: &Api, token: &str, number: i64, lines: &[(&str, i64)]) -> PlatformOrderId {
    app.shopify.add_raw_order(DEMO_SHOP_DOMAIN, shop_order(9_500_000 + number, number, lines)).expect("sandbox order");
    let task: SyncTaskId = c.call("platform/sync", json!({ "store_id": STORE, "mode": SyncMode::OrderNumbers(vec![number.to_string()]) })).await.ok();
    let start = Instant::now();
    loop {
        let log: Vec<SyncTask> = c.call("platform/sync-log", json!({ "store_id": STORE })).await.ok();
        if log.iter().any(|t| t.id == task && t.status == SyncTaskStatus::Done) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "sync did not finish: {log:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let page: Value = api.get(token, &format!("/api/v1/platform-orders?order_no=%23{number}")).await.ok();
    let data = page["data"].as_array().expect("data");
    assert_eq!(data.len(), 1, "{page}");
    data[0]["id"].as_i64().expect("id")
}

/// A sandbox order in Shopify's shape.
fn shop_order(id: i64, number: i64, lines: &[(&str, i64)]) -> Value {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) as i64 - 60;
    let at = server::shopify::format_utc_seconds(secs).expect("time formats");
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
        "created_at": at, "updated_at": at, "cancelled_at": null, "cancel_reason": null,
        "currency": "USD", "total_price": "27.99", "subtotal_price": "25.00", "total_tax": "2.99", "total_discounts": "0.00",
        "financial_status": "paid", "fulfillment_status": null, "gateway": "shopify_payments", "source_name": "web",
        "tags": "", "customer": { "id": 5, "tags": "" }, "shipping_lines": [{ "price": "0.00", "title": "Free" }],
        "shipping_address": {
            "name": "Sam Rivera", "first_name": "Sam", "last_name": "Rivera", "phone": "+1 305 555 0100",
            "address1": "1 Ocean Dr", "address2": "", "city": "Miami", "province": "Florida", "province_code": "FL",
            "zip": "33139", "country": "United States", "country_code": "US"
        },
        "line_items": line_items, "fulfillments": []
    })
}

fn dispatch_body(cat: &Catalog) -> Value {
    let lax = cat.warehouses.iter().find(|w| w.code == "LAX1").expect("LAX1").id;
    let channel = cat.channels.iter().find(|c| c.code == "USPS_GA" && c.warehouse_id == lax).expect("USPS_GA").id;
    json!({ "warehouse_id": lax, "channel_id": channel })
}

// ---------------------------------------------------------------- scenarios

async fn order_lifecycle_with_cursor_pages(backend: Backend) {
    let Rest { app, m, api, token: t } = Rest::start(backend).await;
    let cat = catalog(&api, &t).await;

    let created = api.post(&t, "/api/v1/orders", json!(draft(&cat, "#REST-1"))).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let order: Value = created.ok();
    let id = order["id"].as_i64().expect("id");
    assert_eq!(order["status"], "Draft");
    assert_eq!(order["order_no"], order_no(id));
    assert_eq!(order["platform_order_no"], "#REST-1");
    assert_eq!(order["recipient"]["city"], "Miami");
    assert_eq!(order["lines"][0]["quantity"], 1);
    let fetched: Value = api.get(&t, &format!("/api/v1/orders/{id}")).await.ok();
    assert_eq!(fetched, order);
    // The page sees the same order the API created.
    let detail: OrderDetail = m.call("orders/get", json!({ "id": id })).await.ok();
    assert_eq!(detail.draft.platform_order_no, "#REST-1");

    // More than one page: 5 more orders, pages of 2, newest first, every order once.
    let mut ids = vec![id];
    for n in 2..=6 {
        let o: Value = api.post(&t, "/api/v1/orders", json!(draft(&cat, &format!("#REST-{n}")))).await.ok();
        ids.push(o["id"].as_i64().expect("id"));
    }
    let drafts = sqlx::query("SELECT id FROM orders WHERE merchant_id = 1 AND status = 'draft' ORDER BY id DESC").fetch_all(&app.db.pool).await.expect("drafts");
    let expected: Vec<i64> = drafts.iter().map(|r| r.try_get::<i64, _>(0).expect("id")).collect();
    assert!(ids.iter().all(|id| expected.contains(id)));
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/orders?limit=2&status=draft&cursor={c}"),
            None => "/api/v1/orders?limit=2&status=draft".to_string(),
        };
        let page: Value = api.get(&t, &path).await.ok();
        let data = page["data"].as_array().expect("data");
        assert!(data.len() <= 2);
        seen.extend(data.iter().map(|o| o["id"].as_i64().expect("id")));
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
        assert!(pages < 50, "pagination ends");
    }
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(seen, expected, "every draft once, newest first");
    let found: Value = api.get(&t, "/api/v1/orders?search=%23REST-3").await.ok();
    assert_eq!(found["data"][0]["id"], ids[2]);

    // Submit → Submitted (stock allocated), intercept → Draft, again → refused.
    let submitted: Value = api.post(&t, &format!("/api/v1/orders/{id}/submit"), json!({})).await.ok();
    assert_eq!(submitted["status"], "Submitted");
    assert_eq!(order_row(&app, id).await.0, "submitted");
    let again = api.post(&t, &format!("/api/v1/orders/{id}/submit"), json!({})).await;
    again.error(409, "conflict");
    let intercepted: Value = api.send(Some(&t), Method::POST, &format!("/api/v1/orders/{id}/intercept"), Body::None, None).await.ok();
    assert_eq!(intercepted["status"], "Draft");
    api.post(&t, &format!("/api/v1/orders/{id}/intercept"), json!({})).await.error(409, "conflict");
    let listed: Value = api.get(&t, "/api/v1/orders?status=submitted").await.ok();
    let listed = listed["data"].as_array().expect("data");
    assert!(!listed.is_empty() && listed.iter().all(|o| o["status"] == "Submitted" && o["id"] != id));

    // The token's use shows on the management page.
    let tokens: Vec<ApiTokenInfo> = m.call("tokens/list", json!({})).await.ok();
    assert!(tokens[0].last_used_at_ms.is_some());
    app.drop_database().await;
}

/// An order posted to the API gets exactly the errors the form computes with the domain's
/// `validate_for_save`, and nothing is stored.
async fn validation_errors_are_the_domains(backend: Backend) {
    let Rest { app, api, token: t, .. } = Rest::start(backend).await;
    let cat = catalog(&api, &t).await;
    let before = order_count(&app).await;

    let mut no_channel = draft(&cat, "#V-1");
    no_channel.channel_id = None;
    let mut no_sku = draft(&cat, "#V-2");
    no_sku.lines.clear();
    let mut bad_signature = draft(&cat, "#V-3");
    bad_signature.signature_option = Some(SignatureOption::Indirect);
    let mut bad_address = draft(&cat, "#V-4");
    bad_address.recipient.postal_code = "ABC".into();
    bad_address.recipient.phone = "x".into();
    let mut zero = draft(&cat, "#V-5");
    zero.lines[0].quantity = 0;
    for d in [OrderDraft::default(), no_channel.clone(), no_sku.clone(), bad_signature, bad_address, zero] {
        let expected = validate_for_save(&d.clone().trimmed(), &cat).expect_err("invalid");
        let r = api.post(&t, "/api/v1/orders", json!(d)).await;
        r.error(422, "validation");
        assert_eq!(r.fields(), expected);
    }
    let r = api.post(&t, "/api/v1/orders", json!(no_channel)).await;
    assert_eq!(r.body["error"]["fields"]["channel"], json!([MSG_SELECT_CHANNEL]));
    assert_eq!(r.body["error"]["fields"]["channel"], json!(["Please select a channel"]));
    let r = api.post(&t, "/api/v1/orders", json!(no_sku)).await;
    assert_eq!(r.body["error"]["fields"]["lines"], json!(["Please add SKU"]));
    // An empty object is the form left empty.
    let r = api.post(&t, "/api/v1/orders", json!({})).await;
    assert_eq!(r.fields(), validate_for_save(&OrderDraft::default(), &cat).expect_err("empty"));
    assert_eq!(order_count(&app).await, before, "nothing stored");
    app.drop_database().await;
}

async fn platform_orders_list_and_dispatch(backend: Backend) {
    let Rest { app, m, api, token: t } = Rest::start(backend).await;
    let cat = catalog(&api, &t).await;
    settled_sync(&m).await;

    // Pages of 5 over the synced demo orders.
    let mut seen = Vec::new();
    let mut path = "/api/v1/platform-orders?limit=5".to_string();
    loop {
        let page: Value = api.get(&t, &path).await.ok();
        seen.extend(page["data"].as_array().expect("data").iter().map(|o| o["id"].as_i64().expect("id")));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/platform-orders?limit=5&cursor={c}"),
            None => break,
        }
    }
    let stored = sqlx::query("SELECT COUNT(*) FROM platform_orders WHERE merchant_id = 1").fetch_one(&app.db.pool).await.expect("count");
    assert_eq!(seen.len() as i64, stored.try_get::<i64, _>(0).expect("n"));
    assert!(seen.len() > 5 && seen.windows(2).all(|w| w[0] > w[1]), "newest first: {seen:?}");
    let b2b: Value = api.get(&t, "/api/v1/platform-orders?kind=b2b&status=pending").await.ok();
    assert!(b2b["data"].as_array().expect("data").iter().all(|o| o["kind"] == "B2B" && o["status"] == "Pending"));

    // An unmapped SKU: refused with the domain's reason, kept as the exception (as on the page).
    let unmapped = synced_order(&app, &m, &api, &t, 7101, &[("SHOP-REST-ONLY", 1)]).await;
    let refused = api.post(&t, &format!("/api/v1/platform-orders/{unmapped}/dispatch"), dispatch_body(&cat)).await;
    assert_eq!(refused.error(409, "conflict"), "SKU [SHOP-REST-ONLY] not mapped to a warehouse SKU");
    // A binding for a SKU not on the order is refused and saves no mapping.
    let mut foreign = dispatch_body(&cat);
    foreign["bindings"] = json!({ "NOT-ON-ORDER": "MUG-CER-11" });
    api.post(&t, &format!("/api/v1/platform-orders/{unmapped}/dispatch"), foreign).await.error(422, "validation");
    let mappings: Vec<SkuMapping> = m.call("platform/mappings", json!({ "store_id": STORE, "search": "NOT-ON-ORDER" })).await.ok();
    assert!(mappings.is_empty());

    // A mapped SKU: dispatched → a Submitted dropship order, linked.
    let id = synced_order(&app, &m, &api, &t, 7102, &[("MUG-CER-11", 1)]).await;
    let detail: Value = api.get(&t, &format!("/api/v1/platform-orders/{id}")).await.ok();
    assert_eq!((detail["status"].as_str(), detail["order_no"].as_str()), (Some("Pending"), Some("#7102")));
    assert_eq!(detail["lines"][0]["warehouse_sku"], "MUG-CER-11");
    assert_eq!(detail["total_minor"], 2799);
    let done = api.post(&t, &format!("/api/v1/platform-orders/{id}/dispatch"), dispatch_body(&cat)).await;
    assert_eq!(done.status, 201, "{}", done.body);
    let order_id = done.body["order_id"].as_i64().expect("order id");
    assert_eq!(done.body["order_no"], order_no(order_id));
    let after: Value = api.get(&t, &format!("/api/v1/platform-orders/{id}")).await.ok();
    assert_eq!((after["status"].as_str(), after["dropship_order_id"].as_i64()), (Some("Processing"), Some(order_id)));
    let dropship: Value = api.get(&t, &format!("/api/v1/orders/{order_id}")).await.ok();
    assert_eq!((dropship["status"].as_str(), dropship["platform_order_no"].as_str()), (Some("Submitted"), Some("#7102")));
    // Dispatching twice is refused.
    api.post(&t, &format!("/api/v1/platform-orders/{id}/dispatch"), dispatch_body(&cat)).await.error(409, "conflict");
    app.drop_database().await;
}

async fn inventory_shows_stock_per_warehouse(backend: Backend) {
    let Rest { app, api, token: t, .. } = Rest::start(backend).await;
    let cat = catalog(&api, &t).await;

    let all: Value = api.get(&t, "/api/v1/inventory").await.ok();
    let items = all["data"].as_array().expect("data").clone();
    assert_eq!(items.len(), cat.skus.len(), "every SKU of the merchant");
    for item in &items {
        let sku = item["sku_id"].as_i64().expect("sku");
        let on_hand = scalar(&app, "SELECT on_hand FROM inventory WHERE sku_id = $1", sku).await;
        let allocated = scalar(&app, "SELECT allocated FROM inventory WHERE sku_id = $1", sku).await;
        assert_eq!((item["on_hand"].as_i64(), item["allocated"].as_i64()), (Some(on_hand), Some(allocated)));
        assert_eq!(item["available"].as_i64(), Some(on_hand - allocated));
    }
    // Submitting allocates: the API shows it.
    let d = draft(&cat, "#INV-1");
    let sku = d.lines[0].sku_id;
    let before = items.iter().find(|i| i["sku_id"] == sku).expect("sku")["allocated"].as_i64().expect("allocated");
    let o: Value = api.post(&t, "/api/v1/orders", json!(d)).await.ok();
    let _: Value = api.post(&t, &format!("/api/v1/orders/{}/submit", o["id"]), json!({})).await.ok();
    let lax = cat.warehouses.iter().find(|w| w.code == "LAX1").expect("LAX1").id;
    let lax_only: Value = api.get(&t, &format!("/api/v1/inventory?warehouse_id={lax}")).await.ok();
    let lax_items = lax_only["data"].as_array().expect("data");
    assert!(!lax_items.is_empty() && lax_items.iter().all(|i| i["warehouse_id"] == lax && i["warehouse_code"] == "LAX1"));
    assert_eq!(lax_items.iter().find(|i| i["sku_id"] == sku).expect("sku")["allocated"].as_i64(), Some(before + 1));
    api.get(&t, "/api/v1/inventory?warehouse_id=999999").await.error(404, "not_found");
    api.get(&t, "/api/v1/inventory?warehouse_id=abc").await.error(400, "bad_request");
    app.drop_database().await;
}

async fn tokens_are_scoped_and_revocable(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let api = Api::new(&app);
    let before = order_count(&app).await;

    // No token, a garbage token, a well-formed unknown token, another scheme.
    let none = api.send(None, Method::GET, "/api/v1/orders", Body::None, None).await;
    none.error(401, "unauthorized");
    assert_eq!(none.headers.get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    api.get("garbage", "/api/v1/orders").await.error(401, "unauthorized");
    api.get(&format!("ddk_{}", "0".repeat(64)), "/api/v1/orders").await.error(401, "unauthorized");
    let basic = api.http.get(app.url("/api/v1/orders")).basic_auth("ddk", Some("x")).send().await.expect("request");
    assert_eq!(basic.status().as_u16(), 401);
    // A signed-in browser session does not open the API.
    let cookie = m.http.get(m.url("/api/v1/orders")).send().await.expect("request");
    assert_eq!(cookie.status().as_u16(), 401);
    let cookie_post = m.http.post(m.url("/api/v1/orders")).json(&json!({})).send().await.expect("request");
    assert_eq!(cookie_post.status().as_u16(), 401);

    // A read-only token cannot write, nor read what it was not given.
    let read = token(&m, &[ApiScope::OrdersRead]).await;
    let cat = catalog(&api, &read).await;
    let refused = api.post(&read, "/api/v1/orders", json!(draft(&cat, "#SCOPE"))).await;
    assert!(refused.error(403, "forbidden").contains("orders:write"));
    // The scope is checked before the body is read.
    let malformed = api.send(Some(&read), Method::POST, "/api/v1/orders", Body::Raw(b"{".to_vec(), "application/json"), None).await;
    assert!(malformed.error(403, "forbidden").contains("orders:write"));
    assert!(api.get(&read, "/api/v1/platform-orders").await.error(403, "forbidden").contains("platform_orders:read"));
    assert!(api.post(&read, "/api/v1/platform-orders/1/dispatch", json!({})).await.error(403, "forbidden").contains("platform_orders:write"));
    assert!(api.get(&read, "/api/v1/inventory").await.error(403, "forbidden").contains("inventory:read"));
    assert_eq!(order_count(&app).await, before);
    let inventory_only = token(&m, &[ApiScope::InventoryRead]).await;
    assert!(api.get(&inventory_only, "/api/v1/catalog").await.error(403, "forbidden").contains("orders:read"));

    // Tokens never work as a session on server functions.
    let as_session = api.http.post(app.url("/api/orders/list")).bearer_auth(&read).json(&json!({ "query": {} })).send().await.expect("request");
    assert_eq!(as_session.status().as_u16(), 401);

    // The list shows hints and scopes, never the token or its hash.
    let list: Vec<ApiTokenInfo> = m.call("tokens/list", json!({})).await.ok();
    let shown = list.iter().find(|i| read.ends_with(&i.token_hint) && i.scopes == vec![ApiScope::OrdersRead]).expect("listed");
    let listed = m.call("tokens/list", json!({})).await;
    assert!(!listed.body.to_string().contains(&read[4..]), "no plaintext");
    let stored_hash: String = sqlx::query("SELECT token_hash FROM api_tokens WHERE id = $1").bind(shown.id).fetch_one(&app.db.pool).await.expect("row").try_get(0).expect("hash");
    assert_ne!(stored_hash, read);
    assert!(!listed.body.to_string().contains(&stored_hash));

    // Another merchant can neither see nor revoke it.
    let globex = app.client(OTHER_MERCHANT).await;
    let theirs: Vec<ApiTokenInfo> = globex.call("tokens/list", json!({})).await.ok();
    assert!(theirs.iter().all(|i| i.id != shown.id));
    assert_eq!(globex.call("tokens/revoke", json!({ "id": shown.id })).await.status, 404);
    let _: Value = api.get(&read, "/api/v1/orders").await.ok();

    // Revoked: refused from the next request on.
    let _: () = m.call("tokens/revoke", json!({ "id": shown.id })).await.ok();
    api.get(&read, "/api/v1/orders").await.error(401, "unauthorized");
    let list: Vec<ApiTokenInfo> = m.call("tokens/list", json!({})).await.ok();
    assert!(list.iter().find(|i| i.id == shown.id).expect("still listed").revoked_at_ms.is_some());
    // Its history says who created and who revoked it, and shows only the token's hint; it is
    // the merchant administrators' to read, like the tokens.
    let history: Vec<AuditEntry> = m.call("platform/history", json!({ "object": HistoryOf::ApiToken(shown.id) })).await.ok();
    let actions: Vec<(&str, &str)> = history.iter().map(|e| (e.action.as_str(), e.actor_name.as_str())).collect();
    assert_eq!(actions, [("Created", "Alice Chen"), ("Revoked", "Alice Chen")], "{history:?}");
    let revoked = &history[1];
    assert!(revoked.before.as_deref().is_some_and(|b| b.contains("Active")) && revoked.after.as_deref().is_some_and(|a| a.contains("Revoked")), "{revoked:?}");
    let shown_hint = format!("…{}", shown.token_hint);
    assert!(history.iter().all(|e| e.after.as_deref().is_some_and(|a| a.contains(&shown_hint) && !a.contains(&read[4..]))), "{history:?}");
    let clerk = app.client("clerk@demo.test").await;
    assert_eq!(clerk.call("platform/history", json!({ "object": HistoryOf::ApiToken(shown.id) })).await.status, 403);
    assert_eq!(globex.call("platform/history", json!({ "object": HistoryOf::ApiToken(shown.id) })).await.status, 404);
    // Bad token input is refused by the domain's rules.
    let bad = m.call("tokens/create", json!({ "input": { "name": "", "scopes": [] } })).await;
    assert!(bad.validation().contains_key("name") && bad.validation().contains_key("scopes"));
    app.drop_database().await;
}

/// A Globex token on every endpoint that names an Acme object: 404, and the database shows
/// nothing changed.
async fn other_merchants_objects_are_not_found(backend: Backend) {
    let Rest { app, m, api, token: acme } = Rest::start(backend).await;
    let cat = catalog(&api, &acme).await;
    settled_sync(&m).await;
    let draft_id = api.post(&acme, "/api/v1/orders", json!(draft(&cat, "#ACME-D"))).await.ok::<Value>()["id"].as_i64().expect("id");
    let submitted_id = api.post(&acme, "/api/v1/orders", json!(draft(&cat, "#ACME-S"))).await.ok::<Value>()["id"].as_i64().expect("id");
    let _: Value = api.post(&acme, &format!("/api/v1/orders/{submitted_id}/submit"), json!({})).await.ok();
    let platform_id = synced_order(&app, &m, &api, &acme, 7201, &[("MUG-CER-11", 1)]).await;
    let nj = cat.warehouses.iter().find(|w| w.code == "NJ1").expect("NJ1").id;

    let g = app.client(OTHER_MERCHANT).await;
    let globex = full_token(&g).await;
    let orders_before = order_count(&app).await;
    let (draft_before, submitted_before, platform_before) =
        (order_row(&app, draft_id).await, order_row(&app, submitted_id).await, platform_row(&app, platform_id).await);

    for path in [format!("/api/v1/orders/{draft_id}"), format!("/api/v1/orders/{submitted_id}"), format!("/api/v1/platform-orders/{platform_id}")] {
        api.get(&globex, &path).await.error(404, "not_found");
    }
    for id in [draft_id, submitted_id] {
        api.post(&globex, &format!("/api/v1/orders/{id}/submit"), json!({})).await.error(404, "not_found");
        api.post(&globex, &format!("/api/v1/orders/{id}/intercept"), json!({})).await.error(404, "not_found");
    }
    let g_cat = catalog(&api, &globex).await;
    let mut body = dispatch_body(&g_cat);
    body["bindings"] = json!({ "MUG-CER-11": "MUG-CER-11" });
    api.post(&globex, &format!("/api/v1/platform-orders/{platform_id}/dispatch"), body).await.error(404, "not_found");
    api.get(&globex, &format!("/api/v1/inventory?warehouse_id={nj}")).await.error(404, "not_found");
    // An Acme order as the body of a Globex order: Acme's SKU and warehouse are not Globex's.
    api.post(&globex, "/api/v1/orders", json!(draft(&cat, "#STEAL"))).await.error(422, "validation");

    // Lists and the catalog show none of Acme's objects.
    let orders: Value = api.get(&globex, "/api/v1/orders?limit=100").await.ok();
    assert!(orders["data"].as_array().expect("data").iter().all(|o| o["id"] != draft_id && o["id"] != submitted_id));
    let platform: Value = api.get(&globex, "/api/v1/platform-orders").await.ok();
    assert!(platform["data"].as_array().expect("data").is_empty());
    let stock: Value = api.get(&globex, "/api/v1/inventory").await.ok();
    let acme_skus: Vec<i64> = cat.skus.iter().map(|s| s.id).collect();
    assert!(stock["data"].as_array().expect("data").iter().all(|i| !acme_skus.contains(&i["sku_id"].as_i64().expect("sku"))));
    assert!(g_cat.skus.iter().all(|s| !acme_skus.contains(&s.id)));

    assert_eq!(order_count(&app).await, orders_before);
    assert_eq!(order_row(&app, draft_id).await, draft_before);
    assert_eq!(order_row(&app, submitted_id).await, submitted_before);
    assert_eq!(platform_row(&app, platform_id).await, platform_before);
    assert_eq!(platform_before, ("pending".to_string(), String::new(), None));
    app.drop_database().await;
}

async fn idempotency_keys_answer_once(backend: Backend) {
    let Rest { app, api, token: t, .. } = Rest::start(backend).await;
    let cat = catalog(&api, &t).await;
    let count_no = |no: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query("SELECT COUNT(*) FROM orders WHERE platform_order_no = $1").bind(no).fetch_one(&pool).await.expect("count").try_get::<i64, _>(0).expect("n")
        }
    };

    // Same key, same body: the first answer again, one order.
    let body = json!(draft(&cat, "#IDEM-1"));
    let first = api.post_key(&t, "/api/v1/orders", body.clone(), "create-1").await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert!(first.headers.get("idempotent-replayed").is_none());
    // Same JSON, other layout.
    let relaid = serde_json::to_string_pretty(&body).expect("json").into_bytes();
    let again = api.send(Some(&t), Method::POST, "/api/v1/orders", Body::Raw(relaid, "application/json"), Some("create-1")).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(again.body, first.body);
    assert_eq!(count_no("#IDEM-1").await, 1);

    // Same key, other body or other endpoint: refused, nothing done.
    let other = api.post_key(&t, "/api/v1/orders", json!(draft(&cat, "#IDEM-2")), "create-1").await;
    assert_eq!(other.error(409, "conflict"), "Idempotency-Key was used with a different request");
    assert_eq!(count_no("#IDEM-2").await, 0);
    let id = first.body["id"].as_i64().expect("id");
    api.post_key(&t, &format!("/api/v1/orders/{id}/submit"), json!({}), "create-1").await.error(409, "conflict");
    assert_eq!(order_row(&app, id).await.0, "draft");

    // Submit with a key: a retry gets the first answer, not "already submitted".
    let submitted = api.post_key(&t, &format!("/api/v1/orders/{id}/submit"), json!({}), "submit-1").await;
    assert_eq!((submitted.status, submitted.body["status"].as_str()), (200, Some("Submitted")));
    let retried = api.post_key(&t, &format!("/api/v1/orders/{id}/submit"), json!({}), "submit-1").await;
    assert_eq!((retried.status, &retried.body), (200, &submitted.body));
    let events = scalar(&app, "SELECT COUNT(*) FROM order_events WHERE order_id = $1 AND action = 'submit'", id).await;
    assert_eq!(events, 1);

    // A refusal is an answer too: replayed, then the fixed request needs a new key.
    let mut invalid = draft(&cat, "#IDEM-3");
    invalid.channel_id = None;
    api.post_key(&t, "/api/v1/orders", json!(invalid), "create-3").await.error(422, "validation");
    let replayed = api.post_key(&t, "/api/v1/orders", json!(invalid), "create-3").await;
    replayed.error(422, "validation");
    assert!(replayed.headers.get("idempotent-replayed").is_some());
    api.post_key(&t, "/api/v1/orders", json!(draft(&cat, "#IDEM-3")), "create-3").await.error(409, "conflict");

    // Malformed keys.
    for key in ["has space", &"k".repeat(256)] {
        let r = api.post_key(&t, "/api/v1/orders", json!(draft(&cat, "#IDEM-4")), key).await;
        assert!(r.error(400, "bad_request").contains("Idempotency-Key"));
    }
    assert_eq!(count_no("#IDEM-4").await, 0);

    // Five concurrent requests with one key: exactly one order; the others replay or are told
    // the first is still in progress.
    let body = json!(draft(&cat, "#IDEM-RACE"));
    let racers: Vec<_> = (0..5)
        .map(|_| {
            let (api, t, body) = (api.clone(), t.clone(), body.clone());
            tokio::spawn(async move { api.post_key(&t, "/api/v1/orders", body, "race-1").await })
        })
        .collect();
    let mut answers = Vec::new();
    for racer in racers {
        answers.push(racer.await.expect("request task"));
    }
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    assert!(statuses.contains(&201), "{statuses:?}");
    for a in answers.iter().filter(|a| a.status == 409) {
        assert_eq!(a.error(409, "conflict"), "A request with this Idempotency-Key is still in progress");
    }
    let ids: std::collections::BTreeSet<i64> = answers.iter().filter(|a| a.status == 201).map(|a| a.body["id"].as_i64().expect("id")).collect();
    assert_eq!(ids.len(), 1, "every success names the same order");
    assert_eq!(count_no("#IDEM-RACE").await, 1);

    // Keys belong to a merchant: Globex's "create-1" is its own.
    let g = app.client(OTHER_MERCHANT).await;
    let globex = full_token(&g).await;
    let g_cat = catalog(&api, &globex).await;
    let mut g_draft = common::miami_draft(&g_cat, "USPS_GA");
    g_draft.platform_order_no = "#GLOBEX-1".into();
    let theirs = api.post_key(&globex, "/api/v1/orders", json!(g_draft), "create-1").await;
    assert_eq!(theirs.status, 201, "{}", theirs.body);
    assert_ne!(theirs.body["id"], first.body["id"]);
    app.drop_database().await;
}

/// Malformed JSON, wrong types, missing bodies, huge bodies and strings, script and SQL text
/// on every write endpoint: a clear 4xx in the API's error shape, nothing stored, server up.
async fn bad_input_is_refused_and_changes_nothing(backend: Backend) {
    let Rest { app, m, api, token: t } = Rest::start(backend).await;
    let cat = catalog(&api, &t).await;
    settled_sync(&m).await;
    let order_id = api.post(&t, "/api/v1/orders", json!(draft(&cat, "#BAD-BASE"))).await.ok::<Value>()["id"].as_i64().expect("id");
    let platform_id = synced_order(&app, &m, &api, &t, 7301, &[("MUG-CER-11", 1)]).await;
    let orders_before = order_count(&app).await;
    let (order_before, platform_before) = (order_row(&app, order_id).await, platform_row(&app, platform_id).await);
    let mappings_before = scalar(&app, "SELECT COUNT(*) FROM sku_mappings WHERE merchant_id = $1", 1).await;

    let megabyte = vec![b' '; 1024 * 1024];
    let mut huge_json = b"{\"platform_order_no\": \"".to_vec();
    huge_json.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    huge_json.extend(b"\"}");
    let writes = [
        "/api/v1/orders".to_string(),
        format!("/api/v1/orders/{order_id}/submit"),
        format!("/api/v1/orders/{order_id}/intercept"),
        format!("/api/v1/platform-orders/{platform_id}/dispatch"),
    ];
    for path in &writes {
        let raw = |bytes: &[u8], content_type: &'static str| Body::Raw(bytes.to_vec(), content_type);
        let cases: Vec<(Body, u16)> = vec![
            (raw(b"{\"warehouse_id\": ", "application/json"), 400),
            (raw(b"not json at all", "application/json"), 400),
            (raw(b"[1, 2, 3]", "application/json"), 400),
            (raw(b"{\"warehouse_id\": \"LAX1\", \"lines\": \"many\"}", "application/json"), 400),
            (raw(b"{\"channel_id\": {\"$gt\": 0}, \"recipient\": 5}", "application/json"), 400),
            (raw(&huge_json, "application/json"), 413),
            (raw(&megabyte, "application/json"), 413),
            (raw(b"{\"a\":1}", "text/plain"), 415),
        ];
        for (body, status) in cases {
            let r = api.send(Some(&t), Method::POST, path, body, None).await;
            r.error(status, "bad_request");
        }
    }
    // Bodies that are not a request at all where one is needed.
    api.send(Some(&t), Method::POST, "/api/v1/orders", Body::None, None).await.error(400, "bad_request");
    api.send(Some(&t), Method::POST, &writes[3], Body::None, None).await.error(400, "bad_request");

    // Overlong strings: the domain's limits, with field messages.
    let long = "x".repeat(100_000);
    let mut d = draft(&cat, "#BAD-LONG");
    d.recipient.name = long.clone();
    d.platform_order_no = long.clone();
    let r = api.post(&t, "/api/v1/orders", json!(d)).await;
    r.error(422, "validation");
    let fields = r.fields();
    assert!(fields.first("recipient.name").is_some_and(|m| m.contains("too long")), "{fields:?}");
    assert!(fields.first("platform_order_no").is_some_and(|m| m.contains("too long")), "{fields:?}");
    assert!(!r.body.to_string().contains(&long), "the value is not echoed");
    let mut dispatch = dispatch_body(&cat);
    dispatch["recipient"] = json!({ "name": long, "phone": "+1 305 555 0100", "country": "US", "state": "FL", "city": "Miami", "address1": "1 Ocean Dr", "postal_code": "33139" });
    api.post(&t, &writes[3], dispatch).await.error(422, "validation");
    let mut dispatch = dispatch_body(&cat);
    dispatch["bindings"] = json!({ long.clone(): long.clone() });
    api.post(&t, &writes[3], dispatch).await.error(422, "validation");
    dispatch = dispatch_body(&cat);
    dispatch["tracking_no"] = json!(long);
    api.post(&t, &writes[3], dispatch).await.error(422, "validation");
    // Out-of-range numbers.
    let mut d = draft(&cat, "#BAD-QTY");
    d.lines[0].quantity = i64::MAX;
    api.post(&t, "/api/v1/orders", json!(d)).await.error(422, "validation");
    let overflow = br#"{"warehouse_id": 99999999999999999999999}"#.to_vec();
    api.send(Some(&t), Method::POST, "/api/v1/orders", Body::Raw(overflow, "application/json"), None).await.error(400, "bad_request");

    // Nothing above changed anything.
    assert_eq!(order_count(&app).await, orders_before);
    assert_eq!(order_row(&app, order_id).await, order_before);
    assert_eq!(platform_row(&app, platform_id).await, platform_before);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM sku_mappings WHERE merchant_id = $1", 1).await, mappings_before);

    // Query strings: SQL text is only data; bad values are named.
    let sql = api.get(&t, "/api/v1/orders?search=%27%3B%20DROP%20TABLE%20orders%3B--").await;
    assert!(sql.ok::<Value>()["data"].as_array().expect("data").is_empty());
    assert_eq!(order_count(&app).await, orders_before, "orders table intact");
    let p = api.get(&t, "/api/v1/platform-orders?order_no=%27%3B%20DROP%20TABLE%20platform_orders%3B--").await;
    assert!(p.ok::<Value>()["data"].as_array().expect("data").is_empty());
    assert!(api.get(&t, &format!("/api/v1/orders?search={}", "a".repeat(101))).await.error(422, "validation").contains("too long"));
    for bad in ["limit=0", "limit=1000", "limit=-1", "limit=abc", "status=lost", "cursor=abc", "cursor=1%20OR%201=1"] {
        api.get(&t, &format!("/api/v1/orders?{bad}")).await.error(400, "bad_request");
    }
    for bad in ["kind=b2x", "status=nope", "store_id=abc", "limit=201"] {
        api.get(&t, &format!("/api/v1/platform-orders?{bad}")).await.error(400, "bad_request");
    }
    api.get(&t, "/api/v1/orders/abc").await.error(404, "not_found");
    api.get(&t, "/api/v1/orders/-1").await.error(404, "not_found");
    api.get(&t, "/api/v1/orders/99999999999999999999").await.error(404, "not_found");

    // Script text is stored only as data of a valid order and comes back as JSON data.
    let xss = "<script>alert(1)</script>";
    let mut d = draft(&cat, xss);
    d.recipient.address2 = xss.into();
    let created = api.post(&t, "/api/v1/orders", json!(d)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_i64().expect("id");
    let res = api.http.get(app.url(&format!("/api/v1/orders/{id}"))).bearer_auth(&t).send().await.expect("request");
    assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
    let back: Value = res.json().await.expect("json");
    assert_eq!((back["platform_order_no"].as_str(), back["recipient"]["address2"].as_str()), (Some(xss), Some(xss)));

    // Unknown endpoints and methods answer in the same shape.
    api.get(&t, "/api/v1/nope").await.error(404, "not_found");
    api.send(Some(&t), Method::DELETE, "/api/v1/orders", Body::None, None).await.error(405, "bad_request");

    let health = api.http.get(app.url("/healthz")).send().await.expect("healthz");
    assert_eq!((health.status().as_u16(), health.text().await.expect("body")), (200, "ok".to_string()));
    app.drop_database().await;
}

/// Every documented operation is routed (never 404/405) and every documented path refuses the
/// methods it does not document (405): the router and the document are the same list.
async fn openapi_document_matches_the_router(backend: Backend) {
    let app = TestApp::start(backend).await;
    let api = Api::new(&app);
    let doc = api.send(None, Method::GET, "/api/v1/openapi.json", Body::None, None).await;
    assert_eq!(doc.status, 200);
    let doc = doc.body;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let paths = doc["paths"].as_object().expect("paths");
    let methods = ["get", "post", "put", "patch", "delete"];
    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in methods {
            if item.get(method).is_some() {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    documented.sort();
    let mut expected = vec![
        "GET /api/v1/catalog",
        "GET /api/v1/orders",
        "POST /api/v1/orders",
        "GET /api/v1/orders/{id}",
        "POST /api/v1/orders/{id}/submit",
        "POST /api/v1/orders/{id}/intercept",
        "GET /api/v1/platform-orders",
        "GET /api/v1/platform-orders/{id}",
        "POST /api/v1/platform-orders/{id}/dispatch",
        "GET /api/v1/inventory",
        "GET /api/v1/openapi.json",
    ];
    expected.sort();
    assert_eq!(documented, expected);

    let mut probed = 0;
    for (path, item) in paths {
        let url = path.replace("{id}", "1");
        for method in methods {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let r = api.send(None, m, &url, Body::None, None).await;
            match item.get(method) {
                Some(op) => {
                    assert!(r.status != 404 && r.status != 405, "{method} {path} is documented but answered {}", r.status);
                    if path.ends_with("openapi.json") {
                        assert_eq!(r.status, 200);
                    } else {
                        // Every other operation needs a token and names its scope.
                        r.error(401, "unauthorized");
                        let scope = op["security"][0]["bearer"][0].as_str().expect("a scope");
                        assert!(ApiScope::from_code(scope).is_some(), "{scope}");
                        assert!(op["responses"]["401"].is_object());
                    }
                    probed += 1;
                }
                None => assert_eq!(r.status, 405, "{method} {path} is not documented but answered {}", r.status),
            }
        }
    }
    assert_eq!(probed, expected.len());
    // The create body is the domain's order draft; errors have one schema.
    assert!(doc["components"]["schemas"]["OrderDraft"]["properties"]["recipient"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    // What the server builds the router from is what it serves.
    assert_eq!(serde_json::to_value(server::rest::openapi_document()).expect("json"), doc);
    app.drop_database().await;
}

on_both_backends!(
    order_lifecycle_with_cursor_pages,
    validation_errors_are_the_domains,
    platform_orders_list_and_dispatch,
    inventory_shows_stock_per_warehouse,
    tokens_are_scoped_and_revocable,
    other_merchants_objects_are_not_found,
    idempotency_keys_answer_once,
    bad_input_is_refused_and_changes_nothing,
    openapi_document_matches_the_router,
);
