//! The carrier client against the sandbox carrier over real HTTP on loopback: rates, labels
//! (PDF and ZPL), idempotent purchase, void, tracking and the injected failure modes.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use app::domain::*;
use app::ports::Carrier;
use server::carrier::{HttpCarrier, HttpCarrierConfig};
use server::sandbox::{start_sandbox_carrier, SandboxConfig, SandboxHandle, SandboxMode};

struct Sandbox {
    addr: SocketAddr,
    handle: SandboxHandle,
}

impl Sandbox {
    async fn start() -> Sandbox {
        let (addr, handle) = start_sandbox_carrier("127.0.0.1:0".parse().expect("addr")).await.expect("sandbox starts");
        Sandbox { addr, handle }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client with a short timeout and quick retries so failure tests stay fast.
    fn client(&self) -> HttpCarrier {
        self.client_with(|_| {})
    }

    fn client_with(&self, tweak: impl FnOnce(&mut HttpCarrierConfig)) -> HttpCarrier {
        let mut config = HttpCarrierConfig::new(self.url(), "test_key");
        config.timeout = Duration::from_millis(500);
        config.backoff = Duration::from_millis(20);
        tweak(&mut config);
        HttpCarrier::new(config).expect("client")
    }

    /// Reconfigures through the HTTP control endpoint (as a demo script would).
    async fn configure(&self, config: serde_json::Value) {
        let resp = reqwest::Client::new().post(format!("{}/sandbox/config", self.url())).json(&config).send().await.expect("config");
        assert_eq!(resp.status(), 200, "POST /sandbox/config");
    }

    async fn stats(&self) -> serde_json::Value {
        let resp = reqwest::get(format!("{}/sandbox/stats", self.url())).await.expect("stats");
        resp.json().await.expect("stats json")
    }
}

/// LAX (zip 9…) to New York (zip 1…): zone 8, USPS Ground Advantage, direct signature.
fn shipment(reference: &str, weight_grams: i64) -> ShipmentRequest {
    ShipmentRequest {
        reference: reference.into(),
        ship_from: ShipFrom {
            name: "Dropdock LAX1".into(),
            address1: "1200 Harbor Blvd".into(),
            city: "Los Angeles".into(),
            state: "CA".into(),
            postal_code: "90021".into(),
            country: "US".into(),
        },
        ship_to: Recipient {
            name: "Jane Doe".into(),
            country: "US".into(),
            state: "NY".into(),
            city: "New York".into(),
            address1: "350 5th Ave".into(),
            postal_code: "10118".into(),
            ..Default::default()
        },
        weight_grams,
        carrier: "USPS".into(),
        service: "Ground Advantage".into(),
        signature: Some(SignatureOption::Direct),
    }
}

fn permanent_message(err: CarrierError) -> String {
    match err {
        CarrierError::Permanent(m) => m,
        other => panic!("expected a permanent error, got {other:?}"),
    }
}

#[tokio::test]
async fn quotes_are_deterministic_and_heavier_parcels_cost_more() {
    let sb = Sandbox::start().await;
    let carrier = sb.client();
    let light = carrier.quote(&shipment("Q1", 1200)).await.expect("quote");
    let again = carrier.quote(&shipment("Q2", 1200)).await.expect("quote");
    let heavy = carrier.quote(&shipment("Q3", 2500)).await.expect("quote");

    // 450 base + 85 × 3 half-kg + 40 × (zone 8 − 1) + 350 direct signature; 2 + 7/2 days.
    let expected = RateQuote { carrier: "USPS".into(), service: "Ground Advantage".into(), amount_minor: 1335, currency: "USD".into(), estimated_days: 5 };
    assert_eq!(light, vec![expected]);
    assert_eq!(again, light);
    assert_eq!(heavy.len(), 1);
    assert_eq!(heavy[0].amount_minor, 1505, "450 + 85 × 5 + 280 + 350");
}

#[tokio::test]
async fn quote_without_a_carrier_lists_every_service() {
    let sb = Sandbox::start().await;
    let mut req = shipment("Q", 500);
    req.carrier.clear();
    req.service.clear();
    req.signature = None;
    let rates = sb.client().quote(&req).await.expect("quote");
    let names: Vec<_> = rates.iter().map(|r| format!("{} {}", r.carrier, r.service)).collect();
    assert_eq!(names, ["USPS Ground Advantage", "USPS Priority Mail", "UPS Ground", "FedEx Home Delivery", "DHL Express Express Worldwide"]);
    assert_eq!(rates[0].amount_minor, 450 + 85 + 280);
}

#[tokio::test]
async fn bought_pdf_label_is_a_4x6_pdf_with_the_tracking_number() {
    let sb = Sandbox::start().await;
    let label = sb.client().buy_label(&shipment("DD1001", 1200), LabelFormat::Pdf4x6).await.expect("buy");

    assert_eq!(label.tracking_no.len(), 22);
    assert!(label.tracking_no.starts_with("9400"), "{}", label.tracking_no);
    assert_eq!(label.rate.amount_minor, 1335);
    assert_eq!(label.zpl, None);

    let doc = lopdf::Document::load_mem(&label.pdf).expect("label parses with lopdf");
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page_id = *pages.get(&1).expect("page 1");
    let media_box = doc.get_dictionary(page_id).and_then(|p| p.get(b"MediaBox")).and_then(|b| b.as_array()).expect("MediaBox");
    let size: Vec<f32> = media_box.iter().map(|v| v.as_float().expect("number")).collect();
    assert!((size[2] - 288.0).abs() < 1.0 && (size[3] - 432.0).abs() < 1.0, "4x6 in page, got {size:?}");
    let text = doc.extract_text(&[1]).expect("text");
    assert!(text.contains(&label.tracking_no), "tracking number in {text:?}");
    assert!(text.contains("Jane Doe") && text.contains("USPS Ground Advantage"), "{text:?}");
}

#[tokio::test]
async fn zpl_label_has_start_end_and_barcode_of_the_tracking_number() {
    let sb = Sandbox::start().await;
    let label = sb.client().buy_label(&shipment("DD1002", 800), LabelFormat::Zpl).await.expect("buy");
    let zpl = label.zpl.expect("ZPL returned");
    assert!(zpl.starts_with("^XA"), "{zpl}");
    assert!(zpl.trim_end().ends_with("^XZ"), "{zpl}");
    assert!(zpl.contains(&format!("^BCN,200,Y,N,N^FD{}^FS", label.tracking_no)), "{zpl}");
    assert!(label.pdf.starts_with(b"%PDF-"), "a PDF comes with the ZPL");
}

#[tokio::test]
async fn buying_twice_with_the_same_reference_returns_the_same_label() {
    let sb = Sandbox::start().await;
    let carrier = sb.client();
    let first = carrier.buy_label(&shipment("DD2001", 1200), LabelFormat::Pdf4x6).await.expect("buy");
    let second = carrier.buy_label(&shipment("DD2001", 1200), LabelFormat::Pdf4x6).await.expect("buy again");
    assert_eq!(second.tracking_no, first.tracking_no);
    assert_eq!(second.carrier_label_id, first.carrier_label_id);
    assert_eq!(sb.stats().await["labels_bought"], 1);

    let other = carrier.buy_label(&shipment("DD2002", 1200), LabelFormat::Pdf4x6).await.expect("buy other");
    assert_ne!(other.tracking_no, first.tracking_no);
    assert_eq!(sb.handle.stats().labels_bought, 2);
}

#[tokio::test]
async fn a_label_voids_once_then_the_carrier_refuses() {
    let sb = Sandbox::start().await;
    let carrier = sb.client();
    let label = carrier.buy_label(&shipment("DD3001", 1200), LabelFormat::Pdf4x6).await.expect("buy");
    carrier.void_label(&label.carrier_label_id).await.expect("void");
    assert_eq!(sb.handle.stats().voids, 1);

    let again = carrier.void_label(&label.carrier_label_id).await.expect_err("second void fails");
    assert_eq!(permanent_message(again), format!("Label {} is already voided", label.carrier_label_id));
    let unknown = carrier.void_label("lbl_nope").await.expect_err("unknown label");
    assert_eq!(permanent_message(unknown), "No label \"lbl_nope\"");
    assert_eq!(sb.handle.stats().voids, 1);
}

#[tokio::test]
async fn tracking_events_come_in_time_order() {
    let sb = Sandbox::start().await;
    sb.configure(serde_json::json!({ "tracking_step_ms": 20 })).await;
    let carrier = sb.client();
    let label = carrier.buy_label(&shipment("DD4001", 1200), LabelFormat::Pdf4x6).await.expect("buy");

    let early = carrier.track(&label.tracking_no).await.expect("track");
    assert_eq!(early.first().map(|e| e.status.as_str()), Some("pre_transit"));
    assert_eq!(early[0].location, "Los Angeles, CA US");

    tokio::time::sleep(Duration::from_millis(120)).await;
    let events = carrier.track(&label.tracking_no).await.expect("track");
    let statuses: Vec<_> = events.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(statuses, ["pre_transit", "in_transit", "in_transit", "out_for_delivery", "delivered"]);
    assert!(events.windows(2).all(|w| w[1].at_ms - w[0].at_ms == 20), "20 ms apart: {events:?}");
    assert_eq!(events[4].location, "New York, NY US");

    let unknown = carrier.track("1Z999").await.expect_err("unknown tracking number");
    assert_eq!(permanent_message(unknown), "No tracking number \"1Z999\"");
}

#[tokio::test]
async fn an_invalid_address_is_permanent_with_the_carriers_message() {
    let sb = Sandbox::start().await;
    let carrier = sb.client();
    let mut bad = shipment("DD5001", 1200);
    bad.ship_to.postal_code = "00000".into();
    let err = carrier.buy_label(&bad, LabelFormat::Pdf4x6).await.expect_err("refused");
    assert_eq!(permanent_message(err), "Address not found: 350 5th Ave, New York NY 00000, US");

    // address_invalid mode refuses even a good address; one call, no retries.
    sb.handle.set_config(SandboxConfig { mode: SandboxMode::AddressInvalid, ..SandboxConfig::default() });
    let before = sb.handle.stats().requests;
    let err = carrier.quote(&shipment("DD5002", 1200)).await.expect_err("refused");
    assert!(permanent_message(err).starts_with("Address not found: 350 5th Ave"));
    assert_eq!(sb.handle.stats().requests, before + 1);
    assert_eq!(sb.handle.stats().labels_bought, 0);
}

#[tokio::test]
async fn server_errors_are_retried_until_the_carrier_recovers() {
    let sb = Sandbox::start().await;
    sb.configure(serde_json::json!({ "mode": "server_error", "fail_next_n": 2 })).await;
    let rates = sb.client().quote(&shipment("DD6001", 1200)).await.expect("third attempt succeeds");
    assert_eq!(rates[0].amount_minor, 1335);
    assert_eq!(sb.stats().await["requests"], 3);
    assert_eq!(sb.handle.config().mode, SandboxMode::Normal, "recovered after 2 failures");
}

#[tokio::test]
async fn server_errors_beyond_the_retries_are_transient() {
    let sb = Sandbox::start().await;
    sb.configure(serde_json::json!({ "mode": "server_error", "fail_next_n": 5 })).await;
    let carrier = sb.client_with(|c| c.max_attempts = 2);
    let err = carrier.quote(&shipment("DD6002", 1200)).await.expect_err("still failing");
    assert_eq!(err, CarrierError::Transient("HTTP 503: Sandbox server_error mode".into()));
    assert_eq!(sb.handle.stats().requests, 2);
}

#[tokio::test]
async fn timeout_mode_is_transient_within_the_client_timeout() {
    let sb = Sandbox::start().await;
    sb.configure(serde_json::json!({ "mode": "timeout" })).await;
    let carrier = sb.client_with(|c| {
        c.timeout = Duration::from_millis(200);
        c.max_attempts = 2;
    });
    let started = Instant::now();
    let err = carrier.quote(&shipment("DD7001", 1200)).await.expect_err("times out");
    let elapsed = started.elapsed();
    match err {
        CarrierError::Transient(m) => assert!(m.starts_with("timed out"), "{m}"),
        other => panic!("expected transient, got {other:?}"),
    }
    // Two attempts of 200 ms plus a 20 ms backoff, far below the sandbox's 60 s sleep.
    assert!(elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(sb.handle.stats().requests, 2);
}

#[tokio::test]
async fn a_missing_api_key_is_refused() {
    let sb = Sandbox::start().await;
    let carrier = sb.client_with(|c| c.api_key = String::new());
    let err = carrier.quote(&shipment("DD8001", 1200)).await.expect_err("unauthorized");
    assert_eq!(permanent_message(err), "Missing or malformed Authorization: ShippoToken <key>");
}
