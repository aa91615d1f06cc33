//! `HttpCarrier`: the carrier API client (Shippo-style JSON over HTTP). The sandbox carrier
//! (`crate::sandbox::carrier`) answers it in demo mode and tests.
//!
//! Each call retries transient failures (connect errors, timeouts, 5xx, 429) a few times with
//! exponential backoff; 4xx answers are permanent and carry the carrier's own message.

use std::time::Duration;

use app::domain::{CarrierError, LabelFormat, PurchasedLabel, RateQuote, ShipmentRequest, TrackingEvent};
use app::ports::Carrier;
use async_trait::async_trait;
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct HttpCarrierConfig {
    /// e.g. `http://127.0.0.1:4010` (the API lives under `/v1`).
    pub base_url: String,
    pub api_key: String,
    /// Per HTTP request (one attempt), connect included.
    pub timeout: Duration,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Wait before the 2nd attempt; doubled for each further one.
    pub backoff: Duration,
}

impl HttpCarrierConfig {
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        HttpCarrierConfig {
            base_url: base_url.into(),
            api_key: api_key.into(),
            timeout: Duration::from_secs(5),
            max_attempts: 3,
            backoff: Duration::from_millis(200),
        }
    }
}

pub struct HttpCarrier {
    http: reqwest::Client,
    base: Url,
    auth: String,
    max_attempts: u32,
    backoff: Duration,
}

/// One request of a call, rebuilt for every attempt.
struct Call<'a> {
    method: Method,
    url: Url,
    body: Option<&'a Value>,
    idempotency_key: Option<&'a str>,
}

impl<'a> Call<'a> {
    fn new(method: Method, url: Url) -> Self {
        Call { method, url, body: None, idempotency_key: None }
    }

    fn with_body(self, body: &'a Value) -> Self {
        Call { body: Some(body), ..self }
    }
}

// Wire shapes (only the fields the client reads).

#[derive(Deserialize)]
struct RateOut {
    id: String,
    carrier: String,
    service: String,
    amount_minor: i64,
    currency: String,
    estimated_days: u32,
}

#[derive(Deserialize)]
struct ShipmentOut {
    rates: Vec<RateOut>,
}

#[derive(Deserialize)]
struct TransactionOut {
    id: String,
    tracking_number: String,
    label_url: String,
    zpl: Option<String>,
    rate: RateOut,
}

#[derive(Deserialize)]
struct TrackOut {
    events: Vec<TrackingEvent>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

impl From<RateOut> for RateQuote {
    fn from(r: RateOut) -> Self {
        RateQuote { carrier: r.carrier, service: r.service, amount_minor: r.amount_minor, currency: r.currency, estimated_days: r.estimated_days }
    }
}

impl HttpCarrier {
    pub fn new(config: HttpCarrierConfig) -> anyhow::Result<Self> {
        let base = Url::parse(&config.base_url).map_err(|e| anyhow::anyhow!("carrier base URL {:?}: {e}", config.base_url))?;
        if base.cannot_be_a_base() {
            anyhow::bail!("carrier base URL {:?} cannot have paths", config.base_url);
        }
        let http = reqwest::Client::builder().timeout(config.timeout).connect_timeout(config.timeout).build()?;
        Ok(HttpCarrier {
            http,
            base,
            auth: format!("ShippoToken {}", config.api_key),
            max_attempts: config.max_attempts.max(1),
            backoff: config.backoff,
        })
    }

    /// `base/segment/segment…`, each segment percent-encoded (tracking numbers are user data).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    async fn post_shipment(&self, shipment: &ShipmentRequest) -> Result<Vec<RateOut>, CarrierError> {
        let body = shipment_body(shipment);
        let call = Call::new(Method::POST, self.url(&["v1", "shipments"])).with_body(&body);
        Ok(self.json::<ShipmentOut>(call).await?.rates)
    }

    async fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, CarrierError> {
        let bytes = self.send(call).await?;
        serde_json::from_slice(&bytes).map_err(|e| CarrierError::Transient(format!("unexpected answer from the carrier: {e}")))
    }

    /// Sends `call`, retrying transient failures; the body of the first 2xx answer.
    async fn send(&self, call: Call<'_>) -> Result<Vec<u8>, CarrierError> {
        let mut attempt = 1;
        loop {
            match self.attempt(&call).await {
                Err(CarrierError::Transient(msg)) if attempt < self.max_attempts => {
                    tracing::warn!("carrier {} {} failed (attempt {attempt}): {msg}", call.method, call.url.path());
                    tokio::time::sleep(self.backoff * 2u32.saturating_pow(attempt - 1)).await;
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    async fn attempt(&self, call: &Call<'_>) -> Result<Vec<u8>, CarrierError> {
        let mut req = self.http.request(call.method.clone(), call.url.clone());
        // The API key goes to the carrier only, never to another host a label_url points at.
        if call.url.origin() == self.base.origin() {
            req = req.header(reqwest::header::AUTHORIZATION, &self.auth);
        }
        if let Some(key) = call.idempotency_key {
            req = req.header("Idempotency-Key", key);
        }
        if let Some(body) = call.body {
            req = req.json(body);
        }
        let resp = req.send().await.map_err(network_error)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(network_error)?;
        if status.is_success() {
            return Ok(body.to_vec());
        }
        let message = error_message(status, &body);
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            Err(CarrierError::Transient(format!("HTTP {}: {message}", status.as_u16())))
        } else {
            Err(CarrierError::Permanent(message))
        }
    }
}

fn network_error(e: reqwest::Error) -> CarrierError {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "network error"
    };
    CarrierError::Transient(format!("{kind}: {e}"))
}

/// The carrier's `{"error": {"message"}}`, else the start of the body, else the status.
fn error_message(status: StatusCode, body: &[u8]) -> String {
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        return parsed.error.message;
    }
    let text: String = String::from_utf8_lossy(body).trim().chars().take(200).collect();
    if text.is_empty() {
        format!("carrier answered {status}")
    } else {
        text
    }
}

fn shipment_body(s: &ShipmentRequest) -> Value {
    let non_empty = |v: &str| (!v.trim().is_empty()).then(|| v.to_string());
    let to = &s.ship_to;
    json!({
        "address_from": {
            "name": s.ship_from.name, "address1": s.ship_from.address1, "city": s.ship_from.city,
            "state": s.ship_from.state, "postal_code": s.ship_from.postal_code, "country": s.ship_from.country,
        },
        "address_to": {
            "name": to.name, "address1": to.address1, "address2": to.address2, "city": to.city,
            "state": to.state, "postal_code": to.postal_code, "country": to.country,
        },
        "parcel": { "weight_grams": s.weight_grams },
        "carrier": non_empty(&s.carrier),
        "service": non_empty(&s.service),
        "signature": s.signature.map(|sig| sig.code()),
    })
}

fn format_code(format: LabelFormat) -> &'static str {
    match format {
        LabelFormat::Pdf4x6 => "PDF_4x6",
        LabelFormat::Zpl => "ZPL",
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[async_trait]
impl Carrier for HttpCarrier {
    async fn quote(&self, shipment: &ShipmentRequest) -> Result<Vec<RateQuote>, CarrierError> {
        Ok(self.post_shipment(shipment).await?.into_iter().map(RateQuote::from).collect())
    }

    async fn buy_label(&self, shipment: &ShipmentRequest, format: LabelFormat) -> Result<PurchasedLabel, CarrierError> {
        if shipment.reference.trim().is_empty() {
            // Without a reference the purchase could not be made idempotent.
            return Err(CarrierError::Permanent("shipment reference is empty".into()));
        }
        let rate = self
            .post_shipment(shipment)
            .await?
            .into_iter()
            .find(|r| same(&r.carrier, &shipment.carrier) && same(&r.service, &shipment.service))
            .ok_or_else(|| CarrierError::Permanent(format!("The carrier offers no {} {} rate for this parcel", shipment.carrier, shipment.service)))?;
        let body = json!({ "rate": rate.id, "label_format": format_code(format) });
        let call = Call {
            idempotency_key: Some(&shipment.reference),
            ..Call::new(Method::POST, self.url(&["v1", "transactions"])).with_body(&body)
        };
        let tx: TransactionOut = self.json(call).await?;
        let label_url = self.base.join(&tx.label_url).map_err(|e| CarrierError::Transient(format!("bad label_url {:?}: {e}", tx.label_url)))?;
        let pdf = self.send(Call::new(Method::GET, label_url)).await?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(CarrierError::Transient("the label download is not a PDF".into()));
        }
        Ok(PurchasedLabel { carrier_label_id: tx.id, tracking_no: tx.tracking_number, pdf, zpl: tx.zpl, rate: tx.rate.into() })
    }

    async fn void_label(&self, carrier_label_id: &str) -> Result<(), CarrierError> {
        let url = self.url(&["v1", "labels", carrier_label_id, "void"]);
        self.send(Call::new(Method::POST, url)).await.map(|_| ())
    }

    async fn track(&self, tracking_no: &str) -> Result<Vec<TrackingEvent>, CarrierError> {
        let call = Call::new(Method::GET, self.url(&["v1", "tracks", tracking_no]));
        let mut events = self.json::<TrackOut>(call).await?.events;
        events.sort_by_key(|e| e.at_ms);
        Ok(events)
    }
}
