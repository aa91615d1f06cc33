//! Merchant webhooks over HTTP on SQLite and PostgreSQL, delivered to a real receiver (a tiny
//! axum server on loopback in the test) that checks every signature itself: order lifecycle
//! events in sequence, label and floor events, retries with growing gaps, giving up after the
//! window, re-send, per-endpoint subscriptions, tenant isolation, URL rules, and a rolled-back
//! change that leaves no event.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::*;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::{Backend, Client, TestApp};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const MERCHANT: &str = "merchant@demo.test";
const OTHER_MERCHANT: &str = "globex@demo.test";
const WAREHOUSE: &str = "warehouse@demo.test";
const WAIT: Duration = Duration::from_secs(20);

// ------------------------------------------------------------------------- the test receiver

/// One POST the receiver got.
#[derive(Clone, Debug)]
struct Received {
    event_header: String,
    delivery_header: String,
    signature: String,
    content_type: String,
    body: Vec<u8>,
    json: Value,
    at: Instant,
}

impl Received {
    fn event_type(&self) -> &str {
        self.json["type"].as_str().unwrap_or_default()
    }
    fn sequence(&self) -> i64 {
        self.json["sequence"].as_i64().unwrap_or(-1)
    }
    fn order_id(&self) -> Option<i64> {
        self.json["order"]["id"].as_i64()
    }
}

#[derive(Default)]
struct ReceiverState {
    received: Mutex<Vec<Received>>,
    /// Answers for the next requests, then `fallback`.
    script: Mutex<VecDeque<u16>>,
    fallback: Mutex<u16>,
}

struct Receiver {
    url: String,
    state: Arc<ReceiverState>,
}

async fn record(State(state): State<Arc<ReceiverState>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let received = Received {
        event_header: header("dropdock-event"),
        delivery_header: header("dropdock-delivery"),
        signature: header("dropdock-signature"),
        content_type: header("content-type"),
        json: serde_json::from_slice(&body).unwrap_or(Value::Null),
        body: body.to_vec(),
        at: Instant::now(),
    };
    state.received.lock().expect("lock").push(received);
    let code = state.script.lock().expect("lock").pop_front().unwrap_or(*state.fallback.lock().expect("lock"));
    let status = StatusCode::from_u16(code).expect("status");
    (status, format!("receiver says {code}"))
}

impl Receiver {
    async fn start() -> Receiver {
        let state = Arc::new(ReceiverState { fallback: Mutex::new(200), ..Default::default() });
        let router = axum::Router::new().route("/hook", axum::routing::post(record)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Receiver { url, state }
    }

    fn answer_next(&self, codes: &[u16]) {
        self.state.script.lock().expect("lock").extend(codes);
    }

    fn answer_always(&self, code: u16) {
        *self.state.fallback.lock().expect("lock") = code;
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().expect("lock").clone()
    }

    /// Waits until at least `n` requests arrived matching `filter`.
    async fn wait_for(&self, n: usize, filter: impl Fn(&Received) -> bool) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got: Vec<Received> = self.received().into_iter().filter(|r| filter(r)).collect();
            if got.len() >= n {
                return got;
            }
            assert!(start.elapsed() < WAIT, "expected {n} request(s), got {}: {:?}", got.len(), got.iter().map(|r| r.event_type().to_string()).collect::<Vec<_>>());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The receiver's own check of `Dropdock-Signature` (independent of the server's code):
/// `t=<secs>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, timestamp within 5 minutes.
fn signature_valid(secret: &str, r: &Received) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in r.signature.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return false };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64;
    if (now - t).abs() > 300 {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac key");
    mac.update(format!("{t}.").as_bytes());
    mac.update(&r.body);
    mac.verify_slice(&v1).is_ok()
}

// ------------------------------------------------------------------------- helpers

async fn add_endpoint(c: &Client, url: &str, events: &[WebhookEventType]) -> CreatedWebhookEndpoint {
    let input = WebhookEndpointInput { url: url.into(), description: "test receiver".into(), event_types: events.to_vec() };
    c.call("webhooks/endpoints/create", json!({ "input": input })).await.ok()
}

async fn deliveries(c: &Client, query: DeliveryQuery) -> Vec<WebhookDelivery> {
    c.call("webhooks/deliveries", json!({ "query": query })).await.ok::<DeliveryPage>().deliveries
}

async fn delivery(c: &Client, id: WebhookDeliveryId) -> WebhookDelivery {
    let all = deliveries(c, DeliveryQuery { limit: 100, ..Default::default() }).await;
    all.into_iter().find(|d| d.id == id).expect("delivery in the log")
}

/// Waits until the delivery reaches `status` (the worker runs in the background).
async fn delivery_in(c: &Client, id: WebhookDeliveryId, status: DeliveryStatus) -> WebhookDelivery {
    let start = Instant::now();
    loop {
        let d = delivery(c, id).await;
        if d.status == status {
            return d;
        }
        assert!(start.elapsed() < WAIT, "delivery {id} stayed {:?} (wanted {status:?}): {d:?}", d.status);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn draft_on(c: &Client, channel: &str) -> OrderDraft {
    let cat: Catalog = c.call("orders/catalog", json!({})).await.ok();
    common::miami_draft(&cat, channel)
}

async fn submit(c: &Client, id: OrderId) {
    let _: OrderStatus = c.call("orders/submit", json!({ "id": id })).await.ok();
}

async fn intercept(c: &Client, id: OrderId) {
    let _: Option<String> = c.call("orders/intercept", json!({ "id": id })).await.ok();
}

async fn detail(c: &Client, id: OrderId) -> OrderDetail {
    c.call("orders/get", json!({ "id": id })).await.ok()
}

async fn label_settled(c: &Client, id: OrderId) -> OrderDetail {
    let start = Instant::now();
    loop {
        let d = detail(c, id).await;
        if d.label_status != LabelStatus::Pending {
            return d;
        }
        assert!(start.elapsed() < WAIT, "label of {id} still pending");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn types(rs: &[Received]) -> Vec<&str> {
    rs.iter().map(Received::event_type).collect()
}

fn sequences(rs: &[Received]) -> Vec<i64> {
    rs.iter().map(Received::sequence).collect()
}

// ------------------------------------------------------------------------- scenarios

async fn lifecycle_events_arrive_signed_and_in_sequence(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let rx = Receiver::start().await;
    use WebhookEventType::*;
    let created = add_endpoint(&m, &rx.url, &[OrderCreated, OrderSubmitted, OrderIntercepted]).await;
    assert!(created.secret.starts_with("whsec_") && created.secret.len() > 40, "{}", created.secret);
    assert_eq!(created.endpoint.event_types, vec![OrderCreated, OrderSubmitted, OrderIntercepted]);
    // The secret is shown once: the list never carries it.
    let listed = m.call("webhooks/endpoints", json!({})).await;
    assert!(listed.status == 200 && !listed.body.to_string().contains(&created.secret));

    let id: OrderId = m.save(None, &draft_on(&m, "UPS_GND").await).await.ok();
    submit(&m, id).await;
    intercept(&m, id).await;
    submit(&m, id).await;

    let got = rx.wait_for(4, |r| r.order_id() == Some(id)).await;
    assert_eq!(types(&got), ["order.created", "order.submitted", "order.intercepted", "order.submitted"]);
    assert_eq!(sequences(&got), [1, 2, 3, 4], "arrival order is sequence order");
    let statuses: Vec<&str> = got.iter().map(|r| r.json["order"]["status"].as_str().unwrap_or_default()).collect();
    assert_eq!(statuses, ["draft", "submitted", "draft", "submitted"]);
    assert_eq!(got[2].json["data"], json!({ "from_status": "submitted", "to_status": "draft" }));
    for r in &got {
        assert!(signature_valid(&created.secret, r), "signature of {} verifies: {}", r.event_type(), r.signature);
        assert!(!signature_valid("whsec_not_the_secret", r), "a wrong secret must not verify");
        assert_eq!(r.event_header, r.event_type());
        assert_eq!(r.content_type, "application/json");
        assert_eq!(r.json["order"]["order_no"], order_no(id));
        assert_eq!(r.json["order"]["channel"], "UPS_GND");
    }
    let ids: std::collections::BTreeSet<&str> = got.iter().filter_map(|r| r.json["id"].as_str()).collect();
    assert_eq!(ids.len(), 4, "every event has its own id");

    // The log: four successful single attempts answered 200, matching the delivery headers.
    let log = deliveries(&m, DeliveryQuery { endpoint_id: Some(created.endpoint.id), ..Default::default() }).await;
    let mine: Vec<&WebhookDelivery> = log.iter().filter(|d| d.order_id == Some(id)).collect();
    assert_eq!(mine.len(), 4);
    for d in &mine {
        let d = delivery_in(&m, d.id, DeliveryStatus::Succeeded).await;
        assert_eq!((d.attempts, d.last_status_code), (1, Some(200)));
        assert_eq!(d.response_snippet, "receiver says 200");
        let r = got.iter().find(|r| r.delivery_header == d.id.to_string()).expect("the receiver saw this delivery id");
        assert_eq!(r.body, d.request_body.as_bytes(), "the log shows the exact body sent");
    }
    app.drop_database().await;
}

async fn label_events_follow_the_carrier(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let rx = Receiver::start().await;
    use WebhookEventType::*;
    let ep = add_endpoint(&m, &rx.url, &[OrderLabelReady, OrderLabelFailed, OrderException]).await;

    let good: OrderId = m.save(None, &draft_on(&m, "UPS_GND").await).await.ok();
    submit(&m, good).await;
    let mut refused = draft_on(&m, "USPS_GA").await;
    refused.recipient.address1 = "1 INVALID Street".into();
    let bad: OrderId = m.save(None, &refused).await.ok();
    submit(&m, bad).await;

    let ready = rx.wait_for(1, |r| r.order_id() == Some(good)).await;
    let d = label_settled(&m, good).await;
    assert_eq!(d.label_status, LabelStatus::Ready);
    assert_eq!(types(&ready), ["order.label_ready"]);
    assert_eq!(ready[0].json["data"]["tracking_no"], d.draft.tracking_no.as_str());
    assert_eq!(ready[0].json["order"]["tracking_no"], d.draft.tracking_no.as_str());
    assert_eq!(ready[0].json["data"]["currency"], "USD");
    assert_eq!(ready[0].sequence(), 1, "creation and submit were not subscribed: the first recorded event");

    let failed = rx.wait_for(2, |r| r.order_id() == Some(bad)).await;
    let d = label_settled(&m, bad).await;
    assert_eq!(d.label_status, LabelStatus::Failed);
    assert_eq!(types(&failed), ["order.label_failed", "order.exception"]);
    assert_eq!(sequences(&failed), [1, 2]);
    assert_eq!(failed[0].json["data"]["message"], d.label_error.as_str());
    assert_eq!(failed[1].json["data"], json!({ "kind": "label_failed", "message": d.label_error }));
    assert!(failed.iter().chain(&ready).all(|r| signature_valid(&ep.secret, r)));
    app.drop_database().await;
}

async fn floor_short_pick_and_ship_raise_events(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let rx = Receiver::start().await;
    use WebhookEventType::*;
    let ep = add_endpoint(&m, &rx.url, &[OrderShipped, OrderException]).await;

    let draft = draft_on(&m, "FEDEX_HD").await;
    let sku = draft.lines[0].sku_id;
    let a: OrderId = m.save(None, &draft).await.ok();
    let b: OrderId = m.save(None, &draft).await.ok();
    submit(&m, a).await;
    submit(&m, b).await;
    let tracking_a = label_settled(&m, a).await.draft.tracking_no;
    assert!(!tracking_a.is_empty());

    // Wave both, pick 5 of 6 and report the last unit short: a is picked, b is held.
    let wave: WaveSummary = wh.call("floor/waves/create", json!({ "filter": { "order_ids": [a, b] } })).await.ok();
    let pick = FloorAction::PickUnit { wave_id: wave.id, sku_id: sku };
    for i in 0..5 {
        let _: CommandOutcome = wh.call("floor/command", json!({ "command": FloorCommand { id: format!("p{i}"), action: pick.clone() } })).await.ok();
    }
    let _: () = wh.call("floor/waves/short", json!({ "wave": wave.id, "sku": sku, "reason": "bin empty" })).await.ok();
    let result: PickResult = wh.call("floor/waves/complete", json!({ "wave": wave.id })).await.ok();
    assert_eq!(result.held.iter().map(|h| h.0).collect::<Vec<_>>(), vec![b]);
    let held = rx.wait_for(1, |r| r.order_id() == Some(b)).await;
    assert_eq!(types(&held), ["order.exception"]);
    assert_eq!(held[0].json["data"]["kind"], "short_pick");
    assert_eq!(held[0].json["data"]["message"], result.held[0].1.as_str());
    assert_eq!(held[0].json["order"]["exception"], result.held[0].1.as_str());

    // Pack and ship a: one order.shipped with its tracking number.
    let _: () = wh.call("floor/pack/done", json!({ "order": a, "scanned": [[sku, 3]], "weight_kg": "1.2" })).await.ok();
    let ship = FloorAction::ShipParcel { tracking_no: tracking_a.clone() };
    let _: CommandOutcome = wh.call("floor/command", json!({ "command": FloorCommand { id: "s1".into(), action: ship } })).await.ok();
    let shipped = rx.wait_for(1, |r| r.order_id() == Some(a)).await;
    assert_eq!(types(&shipped), ["order.shipped"]);
    assert_eq!(shipped[0].json["order"]["status"], "shipped");
    assert_eq!(shipped[0].json["order"]["tracking_no"], tracking_a.as_str());
    assert_eq!(shipped[0].json["order"]["carrier"], "FedEx");
    assert!(held.iter().chain(&shipped).all(|r| signature_valid(&ep.secret, r)));
    app.drop_database().await;
}

async fn failures_are_retried_with_growing_gaps_and_in_order(backend: Backend) {
    let base_ms = 400;
    let app = TestApp::start_with(backend, |c| c.webhook_retry = RetryPolicy { base_ms, ..c.webhook_retry }).await;
    let m = app.client(MERCHANT).await;
    let rx = Receiver::start().await;
    use WebhookEventType::*;
    let ep = add_endpoint(&m, &rx.url, &[OrderCreated, OrderSubmitted]).await;
    rx.answer_next(&[500, 500]);

    let id: OrderId = m.save(None, &draft_on(&m, "UPS_GND").await).await.ok();
    // Submitted while order.created is still failing: it must wait its turn.
    submit(&m, id).await;

    let got = rx.wait_for(4, |r| r.order_id() == Some(id)).await;
    assert_eq!(types(&got), ["order.created", "order.created", "order.created", "order.submitted"], "in order, retries included");
    assert!(got[..3].iter().all(|r| r.json["id"] == got[0].json["id"] && r.body == got[0].body), "the same event each time");
    assert!(got.iter().all(|r| signature_valid(&ep.secret, r)));
    let (gap1, gap2) = (got[1].at - got[0].at, got[2].at - got[1].at);
    // Backoff from 400 ms: at least 400 ms, then at least twice that.
    assert!(gap1 >= Duration::from_millis(base_ms as u64), "{gap1:?}");
    assert!(gap2 >= Duration::from_millis(2 * base_ms as u64) && gap2 > gap1, "the gap grows: {gap1:?} then {gap2:?}");

    let log = deliveries(&m, DeliveryQuery { endpoint_id: Some(ep.endpoint.id), ..Default::default() }).await;
    let first = log.iter().find(|d| d.order_id == Some(id) && d.event_type == OrderCreated).expect("created delivery");
    let first = delivery_in(&m, first.id, DeliveryStatus::Succeeded).await;
    assert_eq!(first.attempts, 3);
    assert_eq!(first.last_status_code, Some(200));
    let codes: Vec<Option<i64>> = first.attempt_log.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, [Some(500), Some(500), Some(200)]);
    assert_eq!(first.attempt_log[0].error, "The endpoint answered HTTP 500");
    assert_eq!(first.attempt_log[0].response_snippet, "receiver says 500");
    app.drop_database().await;
}

async fn a_dead_receiver_fails_after_the_window_and_resend_tries_again(backend: Backend) {
    let window_ms = 1_500;
    let app = TestApp::start_with(backend, |c| c.webhook_retry = RetryPolicy { base_ms: 100, cap_ms: 1_000, window_ms }).await;
    let m = app.client(MERCHANT).await;
    let rx = Receiver::start().await;
    rx.answer_always(500);
    let ep = add_endpoint(&m, &rx.url, &[WebhookEventType::OrderCreated]).await;
    let id: OrderId = m.save(None, &draft_on(&m, "UPS_GND").await).await.ok();

    let log = deliveries(&m, DeliveryQuery::default()).await;
    let d = log.iter().find(|d| d.order_id == Some(id)).expect("queued with the order");
    let failed = delivery_in(&m, d.id, DeliveryStatus::Failed).await;
    // About 0, +100, +300, +700 and a last try on the window's end (+1500); a slow machine
    // may fit one try fewer into the window.
    let n = failed.attempts;
    assert!((4..=5).contains(&n), "{:?}", failed.attempt_log);
    assert_eq!(failed.attempt_log.len() as i64, n);
    assert_eq!(failed.last_status_code, Some(500));
    assert_eq!(failed.next_attempt_at_ms, None);
    let starts: Vec<i64> = failed.attempt_log.iter().map(|a| a.at_ms).collect();
    let gaps: Vec<i64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps[0] >= 100 && gaps.last() > gaps.first(), "backoff from 100 ms, growing: {gaps:?}");
    let last = failed.attempt_log.last().expect("attempts logged");
    assert!(last.at_ms >= failed.created_at_ms + window_ms, "gave up only after the window: {starts:?}");
    assert_eq!(rx.received().len() as i64, n, "one POST per attempt");

    // Re-send of a failed delivery: a new POST arrives; this time it succeeds.
    rx.answer_always(200);
    let _: () = m.call("webhooks/deliveries/resend", json!({ "id": d.id })).await.ok();
    let again = rx.wait_for(n as usize + 1, |_| true).await;
    let resent = again.last().expect("the re-sent POST");
    assert_eq!(resent.json["id"], again[0].json["id"], "the same event again");
    assert!(signature_valid(&ep.secret, resent));
    let ok = delivery_in(&m, d.id, DeliveryStatus::Succeeded).await;
    assert_eq!((ok.attempts, ok.last_status_code), (n + 1, Some(200)));

    // Re-send of a succeeded one: one more attempt, and a failure ends it at once.
    rx.answer_always(503);
    let _: () = m.call("webhooks/deliveries/resend", json!({ "id": d.id })).await.ok();
    let failed_again = delivery_in(&m, d.id, DeliveryStatus::Failed).await;
    assert_eq!((failed_again.attempts, failed_again.last_status_code), (n + 2, Some(503)));
    assert_eq!(rx.received().len() as i64, n + 2);
    app.drop_database().await;
}

async fn endpoints_receive_only_their_event_types(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let (rx_a, rx_b, rx_c) = (Receiver::start().await, Receiver::start().await, Receiver::start().await);
    use WebhookEventType::*;
    let a = add_endpoint(&m, &rx_a.url, &[OrderCreated]).await;
    let b = add_endpoint(&m, &rx_b.url, &[OrderSubmitted, OrderIntercepted]).await;
    let c = add_endpoint(&m, &rx_c.url, &WebhookEventType::SUBSCRIBABLE).await;
    let patch = WebhookEndpointPatch { enabled: Some(false), ..Default::default() };
    let off: WebhookEndpoint = m.call("webhooks/endpoints/update", json!({ "id": c.endpoint.id, "patch": patch })).await.ok();
    assert!(!off.enabled);

    let id: OrderId = m.save(None, &draft_on(&m, "UPS_GND").await).await.ok();
    submit(&m, id).await;
    intercept(&m, id).await;

    let got_b = rx_b.wait_for(2, |r| r.order_id() == Some(id)).await;
    assert_eq!(types(&got_b), ["order.submitted", "order.intercepted"]);
    assert_eq!(sequences(&got_b), [2, 3], "one counter per order, shared by all endpoints");
    let got_a = rx_a.wait_for(1, |_| true).await;
    assert_eq!(types(&got_a), ["order.created"]);
    assert!(got_a.iter().all(|r| signature_valid(&a.secret, r)) && got_b.iter().all(|r| signature_valid(&b.secret, r)));
    assert!(!signature_valid(&b.secret, &got_a[0]), "each endpoint has its own secret");
    // Deliveries are queued with the event, so the disabled endpoint's (none) are known now.
    let for_c = deliveries(&m, DeliveryQuery { endpoint_id: Some(c.endpoint.id), ..Default::default() }).await;
    assert!(for_c.is_empty(), "{for_c:?}");
    let for_a = deliveries(&m, DeliveryQuery { endpoint_id: Some(a.endpoint.id), ..Default::default() }).await;
    assert_eq!(for_a.len(), 1);

    // The test event goes to one endpoint, outside any order; not to a disabled one.
    let ping: WebhookDeliveryId = m.call("webhooks/endpoints/test", json!({ "id": a.endpoint.id })).await.ok();
    let pinged = rx_a.wait_for(1, |r| r.event_type() == "ping").await;
    assert_eq!(pinged[0].json["sequence"], 0);
    assert_eq!(pinged[0].json["order"], Value::Null);
    assert_eq!(pinged[0].delivery_header, ping.to_string());
    assert!(signature_valid(&a.secret, &pinged[0]));
    assert_eq!(m.call("webhooks/endpoints/test", json!({ "id": c.endpoint.id })).await.status, 409);
    assert!(rx_c.received().is_empty());

    // Changing the events applies to the next event; a deleted endpoint's log goes with it.
    let patch = WebhookEndpointPatch { event_types: Some(vec![OrderSubmitted]), ..Default::default() };
    let changed: WebhookEndpoint = m.call("webhooks/endpoints/update", json!({ "id": a.endpoint.id, "patch": patch })).await.ok();
    assert_eq!(changed.event_types, vec![OrderSubmitted]);
    assert!(changed.last_delivery.is_some(), "the ping was its last delivery");
    submit(&m, id).await;
    let now_a = rx_a.wait_for(1, |r| r.event_type() == "order.submitted").await;
    assert_eq!(now_a[0].sequence(), 4);
    let _: () = m.call("webhooks/endpoints/delete", json!({ "id": b.endpoint.id })).await.ok();
    let left: Vec<WebhookEndpoint> = m.call("webhooks/endpoints", json!({})).await.ok();
    assert_eq!(left.iter().map(|e| e.id).collect::<Vec<_>>(), vec![a.endpoint.id, c.endpoint.id]);
    assert_eq!(m.call("webhooks/deliveries", json!({ "query": { "endpoint_id": b.endpoint.id } })).await.status, 404);
    app.drop_database().await;
}

async fn other_merchants_and_roles_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let rx = Receiver::start().await;
    let ep = add_endpoint(&m, &rx.url, &[WebhookEventType::OrderCreated]).await;
    let id = ep.endpoint.id;
    let ping: WebhookDeliveryId = m.call("webhooks/endpoints/test", json!({ "id": id })).await.ok();
    let sent = delivery_in(&m, ping, DeliveryStatus::Succeeded).await;

    let globex = app.client(OTHER_MERCHANT).await;
    let patch = WebhookEndpointPatch { enabled: Some(false), event_types: Some(vec![WebhookEventType::OrderShipped]), ..Default::default() };
    let calls = [
        ("webhooks/endpoints/update", json!({ "id": id, "patch": patch })),
        ("webhooks/endpoints/delete", json!({ "id": id })),
        ("webhooks/endpoints/test", json!({ "id": id })),
        ("webhooks/deliveries", json!({ "query": { "endpoint_id": id } })),
        ("webhooks/deliveries/resend", json!({ "id": ping })),
    ];
    for (endpoint, args) in &calls {
        let reply = globex.call(endpoint, args.clone()).await;
        assert_eq!(reply.status, 404, "{endpoint}: {}", reply.body);
    }
    let theirs: Vec<WebhookEndpoint> = globex.call("webhooks/endpoints", json!({})).await.ok();
    assert!(theirs.is_empty());
    let their_log: DeliveryPage = globex.call("webhooks/deliveries", json!({ "query": {} })).await.ok();
    assert!(their_log.deliveries.is_empty());

    // Signed out → 401; warehouse staff → 403, for every function.
    let anonymous = app.anonymous();
    let warehouse = app.client(WAREHOUSE).await;
    let everything = calls.iter().cloned().chain([
        ("webhooks/endpoints", json!({})),
        ("webhooks/endpoints/create", json!({ "input": { "url": "https://example.com/x", "description": "", "event_types": ["OrderCreated"] } })),
    ]);
    for (endpoint, args) in everything {
        assert_eq!(anonymous.call(endpoint, args.clone()).await.status, 401, "{endpoint} signed out");
        assert_eq!(warehouse.call(endpoint, args).await.status, 403, "{endpoint} as warehouse staff");
    }

    // Nothing changed: same endpoint, the delivery still sent once, one POST received.
    let mine: Vec<WebhookEndpoint> = m.call("webhooks/endpoints", json!({})).await.ok();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].enabled);
    assert_eq!(mine[0].event_types, vec![WebhookEventType::OrderCreated]);
    let after = delivery(&m, ping).await;
    assert_eq!((after.status, after.attempts), (sent.status, sent.attempts));
    assert_eq!(rx.received().len(), 1);
    app.drop_database().await;
}

async fn endpoint_urls_are_checked(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.webhook_allow_private = false).await;
    let m = app.client(MERCHANT).await;
    let create = |url: String, events: Vec<WebhookEventType>| {
        let m = m.clone();
        async move {
            let input = WebhookEndpointInput { url, description: String::new(), event_types: events };
            m.call("webhooks/endpoints/create", json!({ "input": input })).await
        }
    };
    let all = WebhookEventType::SUBSCRIBABLE.to_vec();
    let cases = [
        ("ftp://example.com/hook".to_string(), "The URL must start with https:// or http://"),
        (format!("https://example.com/{}", "a".repeat(2000)), "The URL must be 2000 characters or fewer"),
        ("https://user:secret@example.com/".to_string(), "The URL must not contain a user name or password"),
        ("http://127.0.0.1:9000/hook".to_string(), server::webhooks::MSG_PRIVATE_TARGET),
        ("http://10.0.0.5/hook".to_string(), server::webhooks::MSG_PRIVATE_TARGET),
        ("http://169.254.169.254/latest/meta-data".to_string(), server::webhooks::MSG_PRIVATE_TARGET),
        ("http://localhost:3000/".to_string(), server::webhooks::MSG_PRIVATE_TARGET),
        ("http://[::1]/".to_string(), server::webhooks::MSG_PRIVATE_TARGET),
    ];
    for (url, message) in cases {
        let reply = create(url.clone(), all.clone()).await;
        assert_eq!(reply.validation()["url"][0], message, "{}", &url[..url.len().min(60)]);
    }
    let no_events = create("https://example.com/hook".into(), vec![]).await;
    assert_eq!(no_events.validation()["event_types"][0], "Choose at least one event");
    let none: Vec<WebhookEndpoint> = m.call("webhooks/endpoints", json!({})).await.ok();
    assert!(none.is_empty(), "nothing saved by a refused request");

    // A public URL is fine (saving it does not call it).
    let ok: CreatedWebhookEndpoint = create(" https://hooks.example.com/dropdock ".into(), all).await.ok();
    assert_eq!(ok.endpoint.url, "https://hooks.example.com/dropdock");
    app.drop_database().await;
}

async fn a_rolled_back_change_produces_no_event(backend: Backend) {
    let app = TestApp::start(backend).await;
    let m = app.client(MERCHANT).await;
    let wh = app.client(WAREHOUSE).await;
    let rx = Receiver::start().await;
    use WebhookEventType::*;
    let ep = add_endpoint(&m, &rx.url, &[OrderCreated, OrderSubmitted, OrderException]).await;
    let draft = draft_on(&m, "UPS_GND").await;
    let sku = draft.lines[0].sku_id;
    let id: OrderId = m.save(None, &draft).await.ok();

    // Room for 2 units, the order needs 3: the submit (and its order.submitted) rolls back;
    // the hold that replaces it is an exception.
    let stock: Vec<StockRow> = wh.call("floor/stock", json!({ "search": "" })).await.ok();
    let allocated = stock.iter().find(|r| r.sku_id == sku).expect("sku stocked").allocated;
    let count = |quantity: i64| json!({ "adjustment": StockAdjustment { sku_id: sku, kind: AdjustmentKind::Count, quantity, reason: "test".into() } });
    let _: StockRow = wh.call("floor/stock/adjust", count(allocated + 2)).await.ok();
    let refused = m.call("orders/submit", json!({ "id": id })).await;
    let reason = refused.conflict();

    let _: StockRow = wh.call("floor/stock/adjust", count(allocated + 10)).await.ok();
    submit(&m, id).await;
    let got = rx.wait_for(3, |r| r.order_id() == Some(id)).await;
    assert_eq!(types(&got), ["order.created", "order.exception", "order.submitted"]);
    assert_eq!(sequences(&got), [1, 2, 3], "the rolled-back submit took no number");
    assert_eq!(got[1].json["data"], json!({ "kind": "out_of_stock", "message": reason }));
    assert_eq!(got[1].json["order"]["status"], "draft");
    assert_eq!(got[2].json["order"]["exception"], "", "the successful submit cleared the hold");
    assert!(got.iter().all(|r| signature_valid(&ep.secret, r)));
    let log = deliveries(&m, DeliveryQuery::default()).await;
    assert_eq!(log.iter().filter(|d| d.order_id == Some(id)).count(), 3, "no delivery for the rolled-back submit");
    app.drop_database().await;
}

on_both_backends!(
    lifecycle_events_arrive_signed_and_in_sequence,
    label_events_follow_the_carrier,
    floor_short_pick_and_ship_raise_events,
    failures_are_retried_with_growing_gaps_and_in_order,
    a_dead_receiver_fails_after_the_window_and_resend_tries_again,
    endpoints_receive_only_their_event_types,
    other_merchants_and_roles_are_refused,
    endpoint_urls_are_checked,
    a_rolled_back_change_produces_no_event,
);
