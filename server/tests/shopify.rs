//! The Shopify connector against the sandbox store over real HTTP on loopback: Shopify's own
//! example payloads imported exactly, cursor paging, rate limiting, failures, writeback,
//! cancel, acknowledgment and lookups by number.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use app::domain::{FulfillmentRequest, ImportedOrder, OrderKind};
use app::ports::{PageCursor, Platform, PlatformError, StoreCredentials};
use serde_json::{json, Value};
use server::sandbox::shopify::{
    seed_demo_shop, start_sandbox_store, FailureMode, OrderSpec, ShopifySandboxHandle, DEMO_GIFT_CARD_SKU, DEMO_SHOP_DOMAIN, DEMO_SHOP_NAME,
    DEMO_SHOP_TOKEN, DEMO_UNMAPPED_SKU, MSG_INVALID_TOKEN, MSG_THROTTLED,
};
use server::shopify::{import_order, HttpShopify, ShopifyConfig, API_VERSION};

const SHOP: &str = "test-shop.myshopify.com";
const TOKEN: &str = "shpat_test_0001";
const SKUS: [&str; 4] = ["MUG-CER-11", "TWL-BTH-GRY", "CND-SOY-LAV", "KNF-CHF-8"];

/// Shopify's own example payloads (MIT, see the LICENSE beside them): `server/tests/fixtures/shopify`.
fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/shopify/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {path} is not JSON: {e}"))
}

fn fixture_orders() -> Vec<Value> {
    fixture("orders_full.json")["orders"].as_array().cloned().expect("orders_full.json has an orders array")
}

struct Store {
    addr: SocketAddr,
    handle: ShopifySandboxHandle,
}

impl Store {
    /// A sandbox with one empty shop.
    async fn start() -> Store {
        let (addr, handle) = start_sandbox_store("127.0.0.1:0".parse().expect("addr")).await.expect("sandbox store starts");
        handle.add_shop(SHOP, TOKEN, "Test Shop");
        Store { addr, handle }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client with a short timeout and quick retries so failure tests stay fast.
    fn client(&self) -> HttpShopify {
        self.client_with(|_| {})
    }

    fn client_with(&self, tweak: impl FnOnce(&mut ShopifyConfig)) -> HttpShopify {
        let mut config = ShopifyConfig::sandbox(self.url());
        config.timeout = Duration::from_millis(500);
        config.backoff = Duration::from_millis(20);
        config.max_attempts = 3;
        config.max_rate_limit_waits = 100;
        tweak(&mut config);
        HttpShopify::new(config).expect("client")
    }

    fn generate(&self, n: usize, tweak: impl FnOnce(&mut OrderSpec)) -> Vec<i64> {
        let mut spec = OrderSpec::new(&SKUS);
        tweak(&mut spec);
        self.handle.generate_orders(SHOP, n, &spec).expect("orders generated")
    }
}

fn creds(domain: &str, token: &str) -> StoreCredentials {
    StoreCredentials { store_id: 1, shop_domain: domain.into(), access_token: token.into() }
}

fn shop() -> StoreCredentials {
    creds(SHOP, TOKEN)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_millis() as i64
}

/// Every order updated in the last 30 days (and up to a day ahead).
fn recent() -> PageCursor {
    PageCursor::UpdatedBetween { from_ms: now_ms() - 30 * 86_400_000, to_ms: now_ms() + 86_400_000 }
}

fn ok_orders(results: Vec<Result<ImportedOrder, String>>) -> Vec<ImportedOrder> {
    results.into_iter().map(|r| r.unwrap_or_else(|e| panic!("order failed to import: {e}"))).collect()
}

fn permanent(err: PlatformError) -> String {
    match err {
        PlatformError::Permanent(m) => m,
        other => panic!("expected a permanent error, got {other:?}"),
    }
}

fn transient(err: PlatformError) -> String {
    match err {
        PlatformError::Transient(m) => m,
        other => panic!("expected a transient error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Shopify's own payloads

#[tokio::test]
async fn orders_full_fixture_is_served_unchanged_and_imported_exactly() {
    let store = Store::start().await;
    let fixture_order = fixture_orders().remove(0);
    store.handle.add_raw_order(SHOP, fixture_order.clone()).expect("fixture stored");

    // Served byte-for-byte as the same JSON value.
    let raw: Value = reqwest::Client::new()
        .get(format!("{}/{SHOP}/admin/api/{API_VERSION}/orders/450789469.json", store.url()))
        .header("X-Shopify-Access-Token", TOKEN)
        .send()
        .await
        .expect("GET order")
        .json()
        .await
        .expect("json");
    assert_eq!(raw["order"], fixture_order);

    // Its updated_at is 2008-01-10T11:00:00-05:00.
    let window = PageCursor::UpdatedBetween { from_ms: 1_199_145_600_000, to_ms: 1_201_824_000_000 };
    let page = store.client().orders_page(&shop(), &window).await.expect("page");
    assert_eq!(page.next, None);
    let orders = ok_orders(page.orders);
    assert_eq!(orders.len(), 1);
    let o = &orders[0];
    assert_eq!(o, &import_order(&fixture_order).expect("imports directly too"));
    assert_eq!((o.platform_order_id, o.order_no.as_str(), o.currency.as_str()), (450789469, "#1001", "USD"));
    assert_eq!((o.total_minor, o.subtotal_minor, o.tax_minor, o.shipping_minor, o.discount_minor), (59894, 59700, 1194, 0, 1000));
    assert_eq!((o.financial_status.as_str(), o.payment_gateway.as_str(), o.fulfillment_status.as_str()), ("partially_refunded", "authorize_net", ""));
    assert_eq!((o.source_channel.as_str(), o.kind, o.cancelled), ("web", OrderKind::B2C, false));
    assert_eq!((o.ordered_at_ms, o.platform_updated_at_ms), (1_199_980_800_000, 1_199_980_800_000));
    let r = &o.recipient;
    assert_eq!((r.name.as_str(), r.phone.as_str(), r.email.as_str()), ("Bob Norman", "555-625-1199", "bob.norman@hostmail.com"));
    assert_eq!((r.country.as_str(), r.state.as_str(), r.city.as_str()), ("US", "KY", "Louisville"));
    assert_eq!((r.address1.as_str(), r.address2.as_str(), r.postal_code.as_str()), ("Chestnut Street 92", "", "40202"));
    let lines: Vec<_> = o.lines.iter().map(|l| (l.platform_line_id, l.platform_sku.as_str(), l.title.as_str(), l.quantity, l.fulfillable_quantity, l.price_minor, l.requires_shipping)).collect();
    assert_eq!(
        lines,
        [
            (466157049, "IPOD2008GREEN", "IPod Nano - 8gb - green", 1, 1, 19900, true),
            (518995019, "IPOD2008RED", "IPod Nano - 8gb - red", 1, 1, 19900, true),
            (703073504, "IPOD2008BLACK", "IPod Nano - 8gb - black", 1, 1, 19900, true),
        ]
    );

    // A window that ends just before it leaves it out ([from, to) is half-open).
    let before = PageCursor::UpdatedBetween { from_ms: 1_199_145_600_000, to_ms: 1_199_980_800_000 };
    assert!(store.client().orders_page(&shop(), &before).await.expect("page").orders.is_empty());
}

#[tokio::test]
async fn order_fixture_found_by_number() {
    let store = Store::start().await;
    let fixture_order = fixture("order.json")["order"].clone();
    store.handle.add_raw_order(SHOP, fixture_order).expect("fixture stored");
    let found = ok_orders(store.client().orders_by_number(&shop(), &["#1001".into()]).await.expect("lookup"));
    assert_eq!(found.len(), 1);
    let o = &found[0];
    assert_eq!((o.total_minor, o.subtotal_minor, o.tax_minor, o.shipping_minor, o.discount_minor), (40994, 39800, 1194, 0, 0));
    assert_eq!((o.financial_status.as_str(), o.payment_gateway.as_str()), ("authorized", "authorize_net"));
    // This older shape has no fulfillable_quantity: everything is still to ship.
    assert!(o.lines.iter().all(|l| l.fulfillable_quantity == 1 && l.quantity == 1), "{:?}", o.lines);
    assert_eq!(o.lines.iter().map(|l| l.platform_sku.as_str()).collect::<Vec<_>>(), ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"]);
    assert_eq!(o.recipient.name, "Bob Norman");
}

// ---------------------------------------------------------------------------------------------
// Listing

#[tokio::test]
async fn paging_follows_the_link_header_and_returns_every_order_once() {
    let store = Store::start().await;
    let ids = store.generate(620, |_| {});
    // An old order outside the window must not come along.
    store.handle.add_raw_order(SHOP, fixture_orders().remove(0)).expect("old order");
    let client = store.client();

    let mut cursor = recent();
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    let mut last_updated = i64::MIN;
    loop {
        let page = client.orders_page(&shop(), &cursor).await.expect("page");
        sizes.push(page.orders.len());
        for o in ok_orders(page.orders) {
            assert!(o.platform_updated_at_ms >= last_updated, "oldest update first");
            last_updated = o.platform_updated_at_ms;
            seen.push(o.platform_order_id);
        }
        match page.next {
            Some(next) => cursor = PageCursor::Next(next),
            None => break,
        }
    }
    assert_eq!(sizes, [250, 250, 120]);
    assert_eq!(seen.len(), 620);
    assert_eq!(seen.iter().collect::<HashSet<_>>(), ids.iter().collect::<HashSet<_>>(), "every order exactly once");
}

#[tokio::test]
async fn one_bad_order_does_not_fail_its_page() {
    let store = Store::start().await;
    let ids = store.generate(3, |_| {});
    let mut bad = store.handle.order(SHOP, ids[1]).expect("order");
    bad["total_price"] = json!("12.345");
    store.handle.add_raw_order(SHOP, bad).expect("replaced");

    let page = store.client().orders_page(&shop(), &recent()).await.expect("page");
    assert_eq!(page.orders.len(), 3);
    let failed: Vec<&String> = page.orders.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(failed.len(), 1, "{:?}", page.orders);
    assert!(failed[0].contains("#1002") && failed[0].contains("total_price"), "{}", failed[0]);
    let good: Vec<i64> = page.orders.iter().filter_map(|r| r.as_ref().ok()).map(|o| o.platform_order_id).collect();
    assert_eq!(good, [ids[0], ids[2]]);
}

#[tokio::test]
async fn by_number_leaves_unknown_numbers_out() {
    let store = Store::start().await;
    let ids = store.generate(6, |_| {});
    let numbers = vec!["#1005".to_string(), "1003".to_string(), "#9999".to_string(), "#1005".to_string()];
    let found = ok_orders(store.client().orders_by_number(&shop(), &numbers).await.expect("lookup"));
    let got: Vec<(&str, i64)> = found.iter().map(|o| (o.order_no.as_str(), o.platform_order_id)).collect();
    assert_eq!(got, [("#1005", ids[4]), ("#1003", ids[2])]);
}

#[tokio::test]
async fn sandbox_refuses_filters_next_to_page_info_as_shopify_does() {
    let store = Store::start().await;
    store.generate(3, |_| {});
    let http = reqwest::Client::new();
    let base = format!("{}/{SHOP}/admin/api/{API_VERSION}/orders.json", store.url());
    let first = http.get(format!("{base}?status=any&limit=2")).header("X-Shopify-Access-Token", TOKEN).send().await.expect("first page");
    let link = first.headers().get("link").and_then(|v| v.to_str().ok()).expect("Link header").to_string();
    assert!(link.starts_with(&format!("<{base}?limit=2&page_info=")) && link.ends_with("rel=\"next\""), "{link}");
    let page_info = server::shopify::next_page_info(&link).expect("page_info");
    let mixed = http
        .get(format!("{base}?status=any&limit=2&page_info={page_info}"))
        .header("X-Shopify-Access-Token", TOKEN)
        .send()
        .await
        .expect("request");
    assert_eq!(mixed.status(), 400);
    let second = http.get(format!("{base}?limit=2&page_info={page_info}")).header("X-Shopify-Access-Token", TOKEN).send().await.expect("second");
    let link = second.headers().get("link").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(link.contains("rel=\"previous\"") && !link.contains("rel=\"next\""), "last page links back only: {link}");
    let body: Value = second.json().await.expect("json");
    assert_eq!(body["orders"].as_array().map(Vec::len), Some(1));
}

// ---------------------------------------------------------------------------------------------
// Failures

#[tokio::test]
async fn test_connection_names_the_shop() {
    let store = Store::start().await;
    assert_eq!(store.client().test_connection(&shop()).await.expect("connects"), "Test Shop");
}

#[tokio::test]
async fn wrong_token_is_permanent_with_shopifys_message_and_not_retried() {
    let store = Store::start().await;
    let err = store.client().test_connection(&creds(SHOP, "shpat_wrong")).await.expect_err("refused");
    assert_eq!(permanent(err), MSG_INVALID_TOKEN);
    assert_eq!(store.handle.stats(SHOP).requests, 1, "a 401 is not retried");

    let err = store.client().test_connection(&creds("nobody.myshopify.com", TOKEN)).await.expect_err("unknown shop");
    assert_eq!(permanent(err), "Not Found");

    // A token revoked mid-sync looks the same.
    store.handle.set_failure(SHOP, FailureMode::Unauthorized, 1);
    assert_eq!(permanent(store.client().orders_page(&shop(), &recent()).await.expect_err("revoked")), MSG_INVALID_TOKEN);
}

#[tokio::test]
async fn server_errors_and_timeouts_are_retried_then_transient() {
    let store = Store::start().await;
    store.handle.set_failure(SHOP, FailureMode::ServerError, 2);
    assert_eq!(store.client().test_connection(&shop()).await.expect("third attempt works"), "Test Shop");
    assert_eq!(store.handle.stats(SHOP).failed, 2);

    store.handle.set_failure(SHOP, FailureMode::ServerError, 3);
    let msg = transient(store.client().test_connection(&shop()).await.expect_err("three 500s"));
    assert!(msg.contains("500") && msg.contains("Internal Server Error"), "{msg}");
    assert_eq!(store.handle.stats(SHOP).requests, 6);

    store.handle.set_failure(SHOP, FailureMode::Timeout, 1);
    let started = Instant::now();
    let client = store.client_with(|c| c.timeout = Duration::from_millis(300));
    assert_eq!(client.test_connection(&shop()).await.expect("retry after a timeout"), "Test Shop");
    assert!(started.elapsed() >= Duration::from_millis(300), "waited for the timeout");
}

#[tokio::test]
async fn rate_limit_is_sat_out_and_every_order_still_arrives() {
    let store = Store::start().await;
    store.generate(12, |_| {});
    store.handle.set_rate_limit(2, 20.0);
    let numbers: Vec<String> = (1001..=1012).map(|n| format!("#{n}")).collect();
    let started = Instant::now();
    let found = ok_orders(store.client().orders_by_number(&shop(), &numbers).await.expect("all found despite 429s"));
    let elapsed = started.elapsed();
    assert_eq!(found.len(), 12);
    let stats = store.handle.stats(SHOP);
    assert!(stats.throttled > 0, "the bucket overflowed: {stats:?}");
    // 12 calls through a bucket of 2 leaking 20/s: at least 10 × 50 ms of waiting.
    assert!(elapsed >= Duration::from_millis(450), "the client waited for Retry-After: {elapsed:?}");
}

#[tokio::test]
async fn rate_limit_waits_are_bounded() {
    let store = Store::start().await;
    store.handle.set_rate_limit(1, 1.0);
    let client = store.client_with(|c| c.max_rate_limit_waits = 0);
    client.test_connection(&shop()).await.expect("the first call fits");
    let msg = transient(client.test_connection(&shop()).await.expect_err("throttled, no waits allowed"));
    assert!(msg.contains(MSG_THROTTLED), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// Writing back

fn fulfillment(order_id: i64, tracking_no: &str, lines: Vec<(i64, i64)>) -> FulfillmentRequest {
    FulfillmentRequest { platform_order_id: order_id, tracking_no: tracking_no.into(), carrier: "DHL Express".into(), service_type: "Express Worldwide".into(), lines }
}

async fn import(store: &Store, id: i64) -> ImportedOrder {
    import_order(&store.handle.order(SHOP, id).expect("order exists")).expect("imports")
}

#[tokio::test]
async fn fulfillment_is_written_in_shopifys_shape_and_fulfils_the_order() {
    let store = Store::start().await;
    let id = store.generate(1, |s| s.lines = (2, 2))[0];
    let before = import(&store, id).await;
    let lines: Vec<(i64, i64)> = before.lines.iter().map(|l| (l.platform_line_id, l.quantity)).collect();

    let client = store.client();
    let fulfillment_id = client.create_fulfillment(&shop(), &fulfillment(id, "JD014600003828", lines.clone())).await.expect("written back");

    let written = store.handle.fulfillments(SHOP);
    assert_eq!(written.len(), 1);
    let f = &written[0]["fulfillment"];
    assert_eq!(f["tracking_number"], "JD014600003828");
    assert_eq!(f["tracking_numbers"], json!(["JD014600003828"]));
    assert_eq!(f["tracking_company"], "DHL Express");
    assert_eq!(f["shipping_method"], "Express Worldwide");
    assert_eq!(f["notify_customer"], true);
    let sent: Vec<(i64, i64)> = f["line_items"]
        .as_array()
        .expect("line_items")
        .iter()
        .map(|l| (l["id"].as_i64().expect("id"), l["quantity"].as_i64().expect("quantity")))
        .collect();
    assert_eq!(sent, lines);

    let after = import(&store, id).await;
    assert_eq!(after.fulfillment_status, "fulfilled");
    assert!(after.lines.iter().all(|l| l.fulfillable_quantity == 0), "{:?}", after.lines);
    assert!(after.platform_updated_at_ms > before.platform_updated_at_ms, "updated_at moves on");
    let order = store.handle.order(SHOP, id).expect("order");
    assert_eq!(order["fulfillments"][0]["id"].to_string(), fulfillment_id);

    // Asking again (a lost answer, a second Mark Shipped) finds the same fulfillment.
    let again = client.create_fulfillment(&shop(), &fulfillment(id, "JD014600003828", lines.clone())).await.expect("idempotent");
    assert_eq!(again, fulfillment_id);
    assert_eq!(store.handle.fulfillments(SHOP).len(), 1, "no second fulfillment");

    // A different shipment of the same units is refused with Shopify's reason.
    let msg = permanent(client.create_fulfillment(&shop(), &fulfillment(id, "OTHER123", lines)).await.expect_err("nothing left"));
    assert!(msg.contains("only 0 left"), "{msg}");
}

#[tokio::test]
async fn partial_fulfillment_and_bad_lines() {
    let store = Store::start().await;
    let id = store.generate(1, |s| {
        s.lines = (2, 2);
        s.b2b_fraction = 1.0;
    })[0];
    let before = import(&store, id).await;
    let first = &before.lines[0];
    assert!(first.quantity >= 2, "B2B orders buy several units");
    let client = store.client();

    client.create_fulfillment(&shop(), &fulfillment(id, "1Z001", vec![(first.platform_line_id, 1)])).await.expect("partial");
    let after = import(&store, id).await;
    assert_eq!(after.fulfillment_status, "partial");
    assert_eq!(after.lines[0].fulfillable_quantity, first.quantity - 1);
    assert_eq!(after.lines[1].fulfillable_quantity, before.lines[1].quantity);

    let msg = permanent(client.create_fulfillment(&shop(), &fulfillment(id, "1Z002", vec![(123, 1)])).await.expect_err("unknown line"));
    assert!(msg.contains("Line item 123 does not belong"), "{msg}");
    let too_many = vec![(first.platform_line_id, first.quantity)];
    let msg = permanent(client.create_fulfillment(&shop(), &fulfillment(id, "1Z003", too_many)).await.expect_err("too many"));
    assert!(msg.contains(&format!("only {} left", first.quantity - 1)), "{msg}");
    let msg = permanent(client.create_fulfillment(&shop(), &fulfillment(id, "1Z004", vec![])).await.expect_err("no lines"));
    assert!(msg.contains("Nothing to fulfil"), "{msg}");
    assert_eq!(store.handle.fulfillments(SHOP).len(), 1, "refused requests are not recorded");

    let msg = permanent(client.cancel_order(&shop(), id).await.expect_err("partly shipped"));
    assert!(msg.contains("Cannot cancel"), "{msg}");
}

#[tokio::test]
async fn cancel_marks_the_order_cancelled_and_is_idempotent() {
    let store = Store::start().await;
    let ids = store.generate(2, |_| {});
    let client = store.client();
    client.cancel_order(&shop(), ids[0]).await.expect("cancelled");
    let order = store.handle.order(SHOP, ids[0]).expect("order");
    assert_eq!(order["cancel_reason"], "other");
    assert!(import(&store, ids[0]).await.cancelled);
    assert!(!import(&store, ids[1]).await.cancelled, "only that order");
    client.cancel_order(&shop(), ids[0]).await.expect("cancelling twice is fine");

    let msg = permanent(client.create_fulfillment(&shop(), &fulfillment(ids[0], "1Z9", vec![(1, 1)])).await.expect_err("cancelled"));
    assert!(msg.contains("cancelled"), "{msg}");
    assert_eq!(permanent(client.cancel_order(&shop(), 42).await.expect_err("unknown order")), "Not Found");
}

#[tokio::test]
async fn acknowledge_writes_the_note() {
    let store = Store::start().await;
    let id = store.generate(1, |_| {})[0];
    let before = import(&store, id).await;
    let note = "Acknowledged by the warehouse — MUG-CER-11: accepted 2";
    store.client().acknowledge(&shop(), id, note).await.expect("acknowledged");
    let order = store.handle.order(SHOP, id).expect("order");
    assert_eq!(order["note"], note);
    assert!(import(&store, id).await.platform_updated_at_ms > before.platform_updated_at_ms);
}

// ---------------------------------------------------------------------------------------------
// Demo shop and app wiring

#[tokio::test]
async fn demo_shop_has_mapped_unmapped_digital_and_b2b_orders() {
    let (addr, handle) = start_sandbox_store("127.0.0.1:0".parse().expect("addr")).await.expect("starts");
    seed_demo_shop(&handle, &SKUS).expect("seeded");
    let client = HttpShopify::new(ShopifyConfig::sandbox(format!("http://{addr}"))).expect("client");
    let demo = creds(DEMO_SHOP_DOMAIN, DEMO_SHOP_TOKEN);
    assert_eq!(client.test_connection(&demo).await.expect("connects"), DEMO_SHOP_NAME);
    let page = client.orders_page(&demo, &recent()).await.expect("page");
    assert_eq!(page.next, None);
    let orders = ok_orders(page.orders);
    assert!((28..=35).contains(&orders.len()), "about 30 orders, got {}", orders.len());
    let lines: Vec<_> = orders.iter().flat_map(|o| &o.lines).collect();
    assert!(lines.iter().any(|l| l.platform_sku == DEMO_UNMAPPED_SKU && l.requires_shipping));
    assert!(lines.iter().any(|l| l.platform_sku == DEMO_GIFT_CARD_SKU && !l.requires_shipping));
    assert!(lines.iter().all(|l| SKUS.contains(&l.platform_sku.as_str()) || [DEMO_UNMAPPED_SKU, DEMO_GIFT_CARD_SKU].contains(&l.platform_sku.as_str())));
    let b2b = orders.iter().filter(|o| o.kind == OrderKind::B2B).count();
    assert!(b2b >= 1 && b2b < orders.len() / 2, "some B2B orders: {b2b}");
    assert!(orders.iter().any(|o| o.recipient.name == "Bob Norman" && o.discount_minor == 1000), "the example order");
    let numbers: HashSet<_> = orders.iter().map(|o| o.order_no.clone()).collect();
    assert_eq!(numbers.len(), orders.len(), "order numbers are unique");
}

#[tokio::test]
async fn app_starts_the_sandbox_store_with_the_demo_shop_and_a_secret_box() {
    let dir = std::env::temp_dir().join(format!("dropdock-shopify-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = server::Config::local(format!("sqlite://{}/test.db", dir.display()), dir.clone());
    let app = server::build(&config).await.expect("app starts");
    let handle = app.shopify.as_ref().expect("sandbox store started");
    assert!(app.shopify_url.starts_with("http://127.0.0.1:"), "{}", app.shopify_url);
    let skus: HashSet<String> = handle
        .orders(DEMO_SHOP_DOMAIN)
        .iter()
        .flat_map(|o| o["line_items"].as_array().cloned().unwrap_or_default())
        .filter_map(|l| l["sku"].as_str().map(str::to_string))
        .collect();
    assert!(skus.contains("MUG-CER-11") && skus.contains(DEMO_UNMAPPED_SKU), "demo SKUs from the database: {skus:?}");
    let sealed = app.secrets.seal("shpat_x");
    assert_eq!(app.secrets.open(&sealed).expect("opens"), "shpat_x");
    if std::env::var(server::secrets::KEY_ENV).is_err() {
        assert!(dir.join(server::secrets::KEY_FILE).exists(), "key file created in the data dir");
    }
    drop(app);
    let _ = std::fs::remove_dir_all(dir);
}
