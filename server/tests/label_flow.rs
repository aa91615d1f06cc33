//! Carrier labels end to end over HTTP on SQLite and PostgreSQL: Submit queues a job, the
//! worker buys from the sandbox carrier, failures show the carrier's message, transient errors
//! are retried, intercept voids, resubmit buys a fresh label.

mod common;

use std::time::{Duration, Instant};

use app::domain::*;
use common::{Backend, Client, TestApp};
use serde_json::json;
use server::sandbox::carrier::{SandboxConfig, SandboxMode};

const MERCHANT: &str = "merchant@demo.test";

async fn draft_on(c: &Client, channel_code: &str) -> OrderDraft {
    let cat: Catalog = c.call("orders/catalog", json!({})).await.ok();
    common::miami_draft(&cat, channel_code)
}

async fn submitted(c: &Client, draft: &OrderDraft) -> OrderId {
    let id: OrderId = c.save(None, draft).await.ok();
    let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();
    id
}

async fn detail(c: &Client, id: OrderId) -> OrderDetail {
    c.call("orders/get", json!({ "id": id })).await.ok()
}

/// Polls the order until its label leaves `pending` (the worker runs in the background).
async fn settled(c: &Client, id: OrderId, within: Duration) -> OrderDetail {
    let start = Instant::now();
    loop {
        let d = detail(c, id).await;
        if d.label_status != LabelStatus::Pending || start.elapsed() > within {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The demo seed submits three orders; waits until their labels are bought so counts and
/// failure modes below concern only the order under test.
async fn seed_labels_bought(app: &TestApp) -> u64 {
    let start = Instant::now();
    while app.sandbox.stats().labels_bought < 3 && start.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let bought = app.sandbox.stats().labels_bought;
    assert_eq!(bought, 3, "the seed's three submitted orders get labels");
    bought
}

async fn label_is_bought_and_downloadable(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let bought_before = seed_labels_bought(&app).await;
    let id = submitted(&c, &draft_on(&c, "UPS_GND").await).await;
    let d = settled(&c, id, Duration::from_secs(10)).await;
    assert_eq!(d.label_status, LabelStatus::Ready, "{:?}", d.label_error);
    assert!(!d.draft.tracking_no.is_empty());
    assert!(d.shipping_cost_minor.is_some_and(|m| m > 0));
    assert_eq!(d.shipping_currency, "USD");
    assert_eq!(app.sandbox.stats().labels_bought, bought_before + 1);

    let pdf = c.http.get(c.url(&format!("/api/orders/{id}/label/pdf"))).send().await.expect("pdf");
    assert_eq!(pdf.status().as_u16(), 200);
    assert!(pdf.bytes().await.expect("bytes").starts_with(b"%PDF-"));
    let zpl = c.http.get(c.url(&format!("/api/orders/{id}/label/zpl"))).send().await.expect("zpl").text().await.expect("text");
    assert!(zpl.contains("^XA") && zpl.contains(&d.draft.tracking_no), "{zpl}");
    // Another merchant cannot download it.
    let other = app.client("globex@demo.test").await;
    let res = other.http.get(other.url(&format!("/api/orders/{id}/label/pdf"))).send().await.expect("pdf");
    assert_eq!(res.status().as_u16(), 404);

    // The list shows the tracking number too.
    let page: OrderPage = c.call("orders/list", json!({ "query": { "search": d.draft.tracking_no } })).await.ok();
    assert_eq!(page.rows.iter().map(|r| (r.id, r.label_status)).collect::<Vec<_>>(), vec![(id, LabelStatus::Ready)]);
    app.drop_database().await;
}

async fn address_refused_by_the_carrier_shows_its_message(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let mut draft = draft_on(&c, "USPS_GA").await;
    draft.recipient.address1 = "1 INVALID Street".into();
    let id = submitted(&c, &draft).await;
    let d = settled(&c, id, Duration::from_secs(10)).await;
    assert_eq!(d.label_status, LabelStatus::Failed);
    assert!(d.label_error.starts_with("Address not found"), "{}", d.label_error);
    assert!(d.draft.tracking_no.is_empty());
    // Retry is offered for failed labels only; it queues the purchase again.
    let _: () = c.call("orders/retry-label", json!({ "id": id })).await.ok();
    assert_eq!(detail(&c, id).await.label_status, LabelStatus::Pending);
    let d = settled(&c, id, Duration::from_secs(10)).await;
    assert_eq!(d.label_status, LabelStatus::Failed);
    let ok = submitted(&c, &draft_on(&c, "USPS_GA").await).await;
    settled(&c, ok, Duration::from_secs(10)).await;
    assert_eq!(c.call("orders/retry-label", json!({ "id": ok })).await.status, 409);
    app.drop_database().await;
}

async fn transient_carrier_errors_are_retried_until_success(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let bought_before = seed_labels_bought(&app).await;
    // Four 503s: the client's own three attempts fail, the job is rescheduled (2 s backoff),
    // and the next attempt goes through.
    app.sandbox.set_config(SandboxConfig { mode: SandboxMode::ServerError, fail_next_n: 4, ..SandboxConfig::default() });
    let id = submitted(&c, &draft_on(&c, "UPS_GND").await).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(detail(&c, id).await.label_status, LabelStatus::Pending, "still pending between attempts");
    let d = settled(&c, id, Duration::from_secs(15)).await;
    assert_eq!(d.label_status, LabelStatus::Ready, "{}", d.label_error);
    assert_eq!(app.sandbox.stats().labels_bought, bought_before + 1);
    app.drop_database().await;
}

async fn intercept_voids_and_resubmit_buys_a_new_label(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let id = submitted(&c, &draft_on(&c, "FEDEX_HD").await).await;
    let first = settled(&c, id, Duration::from_secs(10)).await;
    assert_eq!(first.label_status, LabelStatus::Ready);
    let voids = app.sandbox.stats().voids;
    let _: OrderStatus = c.call("orders/intercept", json!({ "id": id })).await.ok();
    let d = detail(&c, id).await;
    assert_eq!((d.status, d.label_status), (OrderStatus::Draft, LabelStatus::Voided));
    assert!(d.draft.tracking_no.is_empty());
    assert_eq!(app.sandbox.stats().voids, voids + 1);

    let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();
    let second = settled(&c, id, Duration::from_secs(10)).await;
    assert_eq!(second.label_status, LabelStatus::Ready);
    assert_ne!(second.draft.tracking_no, first.draft.tracking_no, "a fresh label, not the voided one");
    app.drop_database().await;
}

async fn self_pickup_orders_buy_no_label(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let bought = seed_labels_bought(&app).await;
    let part = reqwest::multipart::Part::bytes(common::minimal_pdf()).file_name("own.pdf");
    let res = c.http.post(c.url("/api/labels")).multipart(reqwest::multipart::Form::new().part("file", part)).send().await.expect("upload");
    let label: LabelRef = res.json().await.expect("label");
    let mut draft = draft_on(&c, "AMZ_A").await;
    draft.tracking_no = "TBA100200300".into();
    draft.label = Some(label);
    let id = submitted(&c, &draft).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let d = detail(&c, id).await;
    assert_eq!((d.label_status, d.draft.tracking_no.as_str()), (LabelStatus::None, "TBA100200300"));
    assert_eq!(app.sandbox.stats().labels_bought, bought);
    app.drop_database().await;
}

async fn rate_quotes_and_tracking(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client(MERCHANT).await;
    let mut draft = draft_on(&c, "UPS_GND").await;
    let light: Vec<RateQuote> = c.call("orders/quote", json!({ "draft": draft })).await.ok();
    assert!(!light.is_empty());
    assert!(light.iter().all(|q| q.carrier == "UPS" && q.service == "Ground" && q.currency == "USD" && q.amount_minor > 0), "{light:?}");
    draft.lines[0].quantity = 10;
    let heavy: Vec<RateQuote> = c.call("orders/quote", json!({ "draft": draft })).await.ok();
    assert!(heavy[0].amount_minor > light[0].amount_minor, "{heavy:?} vs {light:?}");
    // Incomplete forms get field errors, not a carrier call.
    let mut incomplete = draft.clone();
    incomplete.channel_id = None;
    incomplete.lines.clear();
    let reply = c.call("orders/quote", json!({ "draft": incomplete })).await;
    assert_eq!(reply.validation()["channel"], json!(["Please select a channel"]));
    assert_eq!(reply.validation()["lines"], json!(["Please add SKU"]));

    let id = submitted(&c, &draft).await;
    assert_eq!(settled(&c, id, Duration::from_secs(10)).await.label_status, LabelStatus::Ready);
    let events: Vec<TrackingEvent> = c.call("orders/tracking", json!({ "id": id })).await.ok();
    assert!(!events.is_empty());
    assert!(events.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    assert_eq!(events[0].status, "pre_transit");
    app.drop_database().await;
}

on_both_backends!(
    rate_quotes_and_tracking,
    label_is_bought_and_downloadable,
    address_refused_by_the_carrier_shows_its_message,
    transient_carrier_errors_are_retried_until_success,
    intercept_voids_and_resubmit_buys_a_new_label,
    self_pickup_orders_buy_no_label,
);
