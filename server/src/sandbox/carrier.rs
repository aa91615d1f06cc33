//! A sandbox carrier API (Shippo / EasyPost style, JSON over HTTP, money in integer minor
//! units). The app starts it on a loopback port in demo mode and in tests, and talks to it
//! through the very same `HttpCarrier` it would use against a real carrier.
//!
//! Routes (all `/v1` routes need `Authorization: ShippoToken <any key>`):
//! - `POST /v1/shipments` → `{id, rates: [Rate]}`
//! - `POST /v1/transactions` (header `Idempotency-Key`) → `Transaction`
//! - `GET /v1/labels/{id}.pdf`, `POST /v1/labels/{id}/void` → `{status: "voided"}`
//! - `GET /v1/tracks/{tracking_number}` → `{tracking_number, events: [...]}`
//! - control (no auth, not counted, never failed): `GET|POST /sandbox/config`, `GET /sandbox/stats`
//!
//! Errors are `{"error": {"code", "message"}}`; 4xx are permanent, 5xx transient.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::label::{render_pdf, render_zpl, LabelContent};

/// How long `timeout` mode sleeps: far longer than any sane client timeout.
const TIMEOUT_SLEEP: Duration = Duration::from_secs(60);
const MAX_WEIGHT_GRAMS: i64 = 70_000;

// ---------------------------------------------------------------------------------------------
// Configuration, stats and the shared handle

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SandboxMode {
    #[default]
    Normal,
    /// Sleeps [`TIMEOUT_SLEEP`] before answering 504.
    Timeout,
    /// Answers 503.
    ServerError,
    /// Every shipment / transaction is refused with 422 `address_invalid`.
    AddressInvalid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxConfig {
    /// Added to every `/v1` request.
    pub latency_ms: u64,
    pub mode: SandboxMode,
    /// For `timeout` / `server_error`: fail this many calls, then go back to `normal`.
    /// 0 = fail until reconfigured.
    pub fail_next_n: u32,
    /// Tracking: one more scan event appears every this many ms after purchase.
    pub tracking_step_ms: i64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig { latency_ms: 0, mode: SandboxMode::Normal, fail_next_n: 0, tracking_step_ms: 3_600_000 }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxStats {
    /// Distinct transactions (an idempotent replay is not a new label).
    pub labels_bought: u64,
    pub voids: u64,
    /// Every `/v1` request, failed ones included.
    pub requests: u64,
}

/// Shared control over a running sandbox (tests and the demo use it to inject failures).
#[derive(Clone, Default)]
pub struct SandboxHandle {
    inner: Arc<Mutex<Inner>>,
}

impl SandboxHandle {
    pub fn config(&self) -> SandboxConfig {
        self.lock().config.clone()
    }

    pub fn set_config(&self, config: SandboxConfig) {
        self.lock().config = config;
    }

    pub fn stats(&self) -> SandboxStats {
        self.lock().stats
    }

    /// A poisoned lock only means another request panicked; the maps are still consistent
    /// because every change is made in one step.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// ---------------------------------------------------------------------------------------------
// Wire types

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    pub name: String,
    pub address1: String,
    pub address2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

#[derive(Debug, Deserialize)]
struct Parcel {
    weight_grams: i64,
}

#[derive(Debug, Deserialize)]
struct ShipmentIn {
    address_from: Address,
    address_to: Address,
    parcel: Parcel,
    carrier: Option<String>,
    service: Option<String>,
    /// "direct" | "indirect" | "adult" | "none".
    signature: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
struct Rate {
    id: String,
    shipment: String,
    carrier: String,
    service: String,
    amount_minor: i64,
    currency: &'static str,
    estimated_days: u32,
}

#[derive(Debug, Serialize)]
struct ShipmentOut {
    id: String,
    rates: Vec<Rate>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
enum LabelFormatIn {
    #[default]
    #[serde(rename = "PDF_4x6")]
    Pdf4x6,
    #[serde(rename = "ZPL")]
    Zpl,
}

#[derive(Debug, Deserialize)]
struct TransactionIn {
    rate: Option<String>,
    shipment: Option<String>,
    carrier: Option<String>,
    service: Option<String>,
    #[serde(default)]
    label_format: LabelFormatIn,
}

#[derive(Debug, Serialize)]
struct TransactionOut {
    id: String,
    status: &'static str,
    tracking_number: String,
    label_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    zpl: Option<String>,
    rate: Rate,
}

#[derive(Debug, Serialize)]
struct TrackingEventOut {
    at_ms: i64,
    status: &'static str,
    description: String,
    location: String,
}

/// `{"error": {"code", "message"}}` with an HTTP status.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    fn not_found(what: &str, id: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("No {what} {id:?}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

// ---------------------------------------------------------------------------------------------
// State

#[derive(Default)]
struct Inner {
    config: SandboxConfig,
    stats: SandboxStats,
    next_id: u64,
    shipments: HashMap<String, Shipment>,
    /// rate id → shipment id
    rate_owner: HashMap<String, String>,
    labels: HashMap<String, Label>,
    /// Idempotency-Key → label id
    by_key: HashMap<String, String>,
    /// tracking number → label id
    by_tracking: HashMap<String, String>,
}

struct Shipment {
    from: Address,
    to: Address,
    weight_grams: i64,
    signature: Option<String>,
    rates: Vec<Rate>,
}

struct Label {
    id: String,
    tracking_number: String,
    rate: Rate,
    from: Address,
    to: Address,
    pdf: Vec<u8>,
    zpl: Option<String>,
    purchased_ms: i64,
    voided_ms: Option<i64>,
}

impl Inner {
    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Counts the request and decides whether it fails (counting down `fail_next_n`).
    fn begin_request(&mut self) -> (Duration, Option<SandboxMode>) {
        self.stats.requests += 1;
        let config = &mut self.config;
        let latency = Duration::from_millis(config.latency_ms);
        let mode = config.mode;
        if !matches!(mode, SandboxMode::Timeout | SandboxMode::ServerError) {
            return (latency, None);
        }
        if config.fail_next_n > 0 {
            config.fail_next_n -= 1;
            if config.fail_next_n == 0 {
                config.mode = SandboxMode::Normal;
            }
        }
        (latency, Some(mode))
    }

    fn rate(&self, rate_id: &str) -> ApiResult<(&Shipment, &Rate)> {
        let shipment = self
            .rate_owner
            .get(rate_id)
            .and_then(|sid| self.shipments.get(sid))
            .ok_or_else(|| ApiError::not_found("rate", rate_id))?;
        let rate = shipment.rates.iter().find(|r| r.id == rate_id).ok_or_else(|| ApiError::not_found("rate", rate_id))?;
        Ok((shipment, rate))
    }

    /// The rate a transaction asks for: by rate id, or by shipment id + carrier + service.
    fn rate_for(&self, req: &TransactionIn) -> ApiResult<(&Shipment, &Rate)> {
        if let Some(rate_id) = &req.rate {
            return self.rate(rate_id);
        }
        let (Some(sid), Some(carrier), Some(service)) = (&req.shipment, &req.carrier, &req.service) else {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                "Give either rate, or shipment with carrier and service",
            ));
        };
        let shipment = self.shipments.get(sid).ok_or_else(|| ApiError::not_found("shipment", sid))?;
        let rate = shipment.rates.iter().find(|r| same(&r.carrier, carrier) && same(&r.service, service)).ok_or_else(|| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "rate_unavailable", format!("Shipment {sid} has no {carrier} {service} rate"))
        })?;
        Ok((shipment, rate))
    }

    fn label(&self, id: &str) -> ApiResult<&Label> {
        self.labels.get(id).ok_or_else(|| ApiError::not_found("label", id))
    }

    fn label_mut(&mut self, id: &str) -> ApiResult<&mut Label> {
        self.labels.get_mut(id).ok_or_else(|| ApiError::not_found("label", id))
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    since.as_millis() as i64
}

// ---------------------------------------------------------------------------------------------
// Rates
//
// amount_minor = base + per_half_kg × ceil(weight_grams / 500) + per_zone × (zone − 1) + signature
// estimated_days = min_days + (zone − 1) / 2
//
// zone: 9 if the countries differ; otherwise 1 + |a − b| (capped at 8), where a and b are the
// first characters of the two postal codes as a digit (letters: position in the alphabet mod 10,
// so "SW1A" and "M5V" work too). signature: adult 750, direct / indirect 350, none 0.

struct Tariff {
    carrier: &'static str,
    service: &'static str,
    base: i64,
    per_half_kg: i64,
    per_zone: i64,
    min_days: u32,
}

const fn tariff(carrier: &'static str, service: &'static str, base: i64, per_half_kg: i64, per_zone: i64, min_days: u32) -> Tariff {
    Tariff { carrier, service, base, per_half_kg, per_zone, min_days }
}

const TARIFFS: &[Tariff] = &[
    tariff("USPS", "Ground Advantage", 450, 85, 40, 2),
    tariff("USPS", "Priority Mail", 850, 110, 60, 1),
    tariff("UPS", "Ground", 900, 120, 55, 1),
    tariff("FedEx", "Home Delivery", 950, 115, 60, 1),
    tariff("DHL Express", "Express Worldwide", 2500, 400, 150, 1),
];

/// Prices a carrier + service the table does not list (any channel works in the demo).
const FALLBACK: Tariff = tariff("", "", 1000, 150, 75, 3);

fn postal_digit(postal_code: &str) -> u32 {
    match postal_code.trim().chars().next() {
        Some(c) if c.is_ascii_digit() => c as u32 - '0' as u32,
        Some(c) if c.is_ascii_alphabetic() => (c.to_ascii_uppercase() as u32 - 'A' as u32) % 10,
        _ => 0,
    }
}

fn zone(from: &Address, to: &Address) -> u32 {
    if !same(&from.country, &to.country) {
        return 9;
    }
    1 + postal_digit(&from.postal_code).abs_diff(postal_digit(&to.postal_code)).min(7)
}

fn signature_surcharge(signature: Option<&str>) -> i64 {
    match signature {
        Some("adult") => 750,
        Some("direct") | Some("indirect") => 350,
        _ => 0,
    }
}

fn price(t: &Tariff, weight_grams: i64, zone: u32, signature: Option<&str>) -> (i64, u32) {
    let half_kgs = (weight_grams + 499) / 500;
    let amount = t.base + t.per_half_kg * half_kgs + t.per_zone * i64::from(zone - 1) + signature_surcharge(signature);
    (amount, t.min_days + (zone - 1) / 2)
}

/// The (carrier, service, tariff) triples a shipment request asks for.
fn services_for<'a>(carrier: Option<&'a str>, service: Option<&'a str>) -> Vec<(&'a str, &'a str, &'static Tariff)> {
    let listed: Vec<_> = TARIFFS
        .iter()
        .filter(|t| carrier.is_none_or(|c| same(t.carrier, c)) && service.is_none_or(|s| same(t.service, s)))
        .map(|t| (t.carrier, t.service, t))
        .collect();
    match (listed.is_empty(), carrier) {
        (true, Some(c)) => vec![(c, service.unwrap_or("Standard"), &FALLBACK)],
        _ => listed,
    }
}

/// "Address not found" for the recipients the sandbox treats as undeliverable.
fn check_recipient(to: &Address, mode: SandboxMode) -> ApiResult<()> {
    let invalid = mode == SandboxMode::AddressInvalid
        || to.postal_code.trim() == "00000"
        || to.address1.to_ascii_uppercase().contains("INVALID");
    if !invalid {
        return Ok(());
    }
    let message = format!("Address not found: {}, {} {} {}, {}", to.address1, to.city, to.state, to.postal_code, to.country);
    Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "address_invalid", message))
}

fn check_weight(weight_grams: i64) -> ApiResult<()> {
    if (1..=MAX_WEIGHT_GRAMS).contains(&weight_grams) {
        return Ok(());
    }
    let message = format!("Parcel weight must be between 1 and {MAX_WEIGHT_GRAMS} grams, got {weight_grams}");
    Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "parcel_invalid", message))
}

// ---------------------------------------------------------------------------------------------
// Router

/// The sandbox's routes and a handle to configure it and read its stats.
pub fn router(config: SandboxConfig) -> (Router, SandboxHandle) {
    let handle = SandboxHandle::default();
    handle.set_config(config);
    let v1 = Router::new()
        .route("/v1/shipments", post(create_shipment))
        .route("/v1/transactions", post(create_transaction))
        .route("/v1/labels/{id}", get(label_pdf))
        .route("/v1/labels/{id}/void", post(void_label))
        .route("/v1/tracks/{tracking_number}", get(track))
        .route_layer(from_fn_with_state(handle.clone(), faults_and_auth));
    let control = Router::new()
        .route("/sandbox/config", get(get_config).post(put_config))
        .route("/sandbox/stats", get(get_stats));
    (v1.merge(control).with_state(handle.clone()), handle)
}

/// Binds `addr` (port 0 picks a free port) and serves the sandbox in a background task.
pub async fn start_sandbox_carrier(addr: SocketAddr) -> anyhow::Result<(SocketAddr, SandboxHandle)> {
    start_sandbox_carrier_with(addr, SandboxConfig::default()).await
}

pub async fn start_sandbox_carrier_with(addr: SocketAddr, config: SandboxConfig) -> anyhow::Result<(SocketAddr, SandboxHandle)> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("sandbox carrier cannot bind {addr}: {e}"))?;
    let bound = listener.local_addr()?;
    let (app, handle) = router(config);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("sandbox carrier stopped: {e}");
        }
    });
    Ok((bound, handle))
}

/// Counts the request, adds latency, injects the configured failure, checks the API key.
async fn faults_and_auth(State(h): State<SandboxHandle>, req: Request, next: Next) -> Response {
    let (latency, fault) = h.lock().begin_request();
    tokio::time::sleep(latency).await;
    match fault {
        Some(SandboxMode::Timeout) => {
            tokio::time::sleep(TIMEOUT_SLEEP).await;
            ApiError::new(StatusCode::GATEWAY_TIMEOUT, "timeout", "Sandbox timeout mode").into_response()
        }
        Some(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "server_error", "Sandbox server_error mode").into_response(),
        None if !has_api_key(req.headers()) => {
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Missing or malformed Authorization: ShippoToken <key>").into_response()
        }
        None => next.run(req).await,
    }
}

fn has_api_key(headers: &HeaderMap) -> bool {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    value.strip_prefix("ShippoToken ").is_some_and(|key| !key.trim().is_empty())
}

async fn create_shipment(State(h): State<SandboxHandle>, Json(req): Json<ShipmentIn>) -> ApiResult<Json<ShipmentOut>> {
    let mut inner = h.lock();
    check_recipient(&req.address_to, inner.config.mode)?;
    check_weight(req.parcel.weight_grams)?;
    let shipment_id = format!("shp_{:06}", inner.next_id());
    let zone = zone(&req.address_from, &req.address_to);
    let signature = req.signature.as_deref();
    let mut rates = Vec::new();
    for (carrier, service, tariff) in services_for(req.carrier.as_deref(), req.service.as_deref()) {
        let (amount_minor, estimated_days) = price(tariff, req.parcel.weight_grams, zone, signature);
        let id = format!("rate_{:06}", inner.next_id());
        inner.rate_owner.insert(id.clone(), shipment_id.clone());
        let (carrier, service) = (carrier.to_string(), service.to_string());
        rates.push(Rate { id, shipment: shipment_id.clone(), carrier, service, amount_minor, currency: "USD", estimated_days });
    }
    let shipment = Shipment {
        from: req.address_from,
        to: req.address_to,
        weight_grams: req.parcel.weight_grams,
        signature: req.signature,
        rates: rates.clone(),
    };
    inner.shipments.insert(shipment_id.clone(), shipment);
    Ok(Json(ShipmentOut { id: shipment_id, rates }))
}

async fn create_transaction(
    State(h): State<SandboxHandle>,
    headers: HeaderMap,
    Json(req): Json<TransactionIn>,
) -> ApiResult<Json<TransactionOut>> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string);
    // One lock for lookup and insert, so two racing replays cannot both buy.
    let mut inner = h.lock();
    if let Some(label) = key.as_ref().and_then(|k| inner.by_key.get(k)).and_then(|id| inner.labels.get(id)) {
        return Ok(Json(transaction_out(label, &headers)));
    }
    let label = buy(&mut inner, &req)?;
    let out = transaction_out(&label, &headers);
    if let Some(key) = key {
        inner.by_key.insert(key, label.id.clone());
    }
    inner.by_tracking.insert(label.tracking_number.clone(), label.id.clone());
    inner.labels.insert(label.id.clone(), label);
    inner.stats.labels_bought += 1;
    Ok(Json(out))
}

/// Renders a new label for the requested rate (not yet stored).
fn buy(inner: &mut Inner, req: &TransactionIn) -> ApiResult<Label> {
    let n = inner.next_id();
    let mode = inner.config.mode;
    let (shipment, rate) = inner.rate_for(req)?;
    check_recipient(&shipment.to, mode)?;
    let tracking_number = format!("94001{n:017}");
    let content = LabelContent {
        from: &shipment.from,
        to: &shipment.to,
        carrier: &rate.carrier,
        service: &rate.service,
        tracking_number: &tracking_number,
        weight_grams: shipment.weight_grams,
        signature: shipment.signature.as_deref(),
    };
    let pdf = render_pdf(&content)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "label_render_failed", e.to_string()))?;
    let zpl = (req.label_format == LabelFormatIn::Zpl).then(|| render_zpl(&content));
    Ok(Label {
        id: format!("lbl_{n:06}"),
        tracking_number,
        rate: rate.clone(),
        from: shipment.from.clone(),
        to: shipment.to.clone(),
        pdf,
        zpl,
        purchased_ms: now_ms(),
        voided_ms: None,
    })
}

/// `label_url` points back at whatever host the client used to reach the sandbox.
fn transaction_out(label: &Label, headers: &HeaderMap) -> TransactionOut {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1");
    TransactionOut {
        id: label.id.clone(),
        status: if label.voided_ms.is_some() { "voided" } else { "purchased" },
        tracking_number: label.tracking_number.clone(),
        label_url: format!("http://{host}/v1/labels/{}.pdf", label.id),
        zpl: label.zpl.clone(),
        rate: label.rate.clone(),
    }
}

async fn label_pdf(State(h): State<SandboxHandle>, Path(file): Path<String>) -> ApiResult<Response> {
    let id = file.strip_suffix(".pdf").ok_or_else(|| ApiError::not_found("label file", &file))?;
    let pdf = h.lock().label(id)?.pdf.clone();
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}

async fn void_label(State(h): State<SandboxHandle>, Path(id): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let mut inner = h.lock();
    let label = inner.label_mut(&id)?;
    if label.voided_ms.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "already_voided", format!("Label {id} is already voided")));
    }
    label.voided_ms = Some(now_ms());
    inner.stats.voids += 1;
    Ok(Json(serde_json::json!({ "id": id, "status": "voided" })))
}

async fn track(State(h): State<SandboxHandle>, Path(tracking_number): Path<String>) -> ApiResult<Json<serde_json::Value>> {
    let inner = h.lock();
    let step_ms = inner.config.tracking_step_ms.max(1);
    let label_id = inner.by_tracking.get(&tracking_number).ok_or_else(|| ApiError::not_found("tracking number", &tracking_number))?;
    let events = tracking_events(inner.label(label_id)?, step_ms, now_ms());
    Ok(Json(serde_json::json!({ "tracking_number": tracking_number, "events": events })))
}

/// Deterministic scan history: `pre_transit` at purchase, then one more event per
/// `step_ms` elapsed; a voided label stops at its void.
fn tracking_events(label: &Label, step_ms: i64, now: i64) -> Vec<TrackingEventOut> {
    let origin = format!("{}, {} {}", label.from.city, label.from.state, label.from.country);
    let destination = format!("{}, {} {}", label.to.city, label.to.state, label.to.country);
    let schedule = [
        ("pre_transit", "Label created; waiting for the parcel", &origin),
        ("in_transit", "Accepted at origin facility", &origin),
        ("in_transit", "Departed regional sort facility", &origin),
        ("out_for_delivery", "Out for delivery", &destination),
        ("delivered", "Delivered", &destination),
    ];
    let cutoff = label.voided_ms.unwrap_or(now).min(now);
    let mut events: Vec<TrackingEventOut> = schedule
        .into_iter()
        .zip(0i64..)
        .map(|((status, description, location), i)| TrackingEventOut {
            at_ms: label.purchased_ms + i * step_ms,
            status,
            description: description.to_string(),
            location: location.clone(),
        })
        .filter(|e| e.at_ms <= cutoff)
        .collect();
    if let Some(at_ms) = label.voided_ms {
        events.push(TrackingEventOut { at_ms, status: "voided", description: "Label voided by the shipper".into(), location: origin });
    }
    events
}

async fn get_config(State(h): State<SandboxHandle>) -> Json<SandboxConfig> {
    Json(h.config())
}

async fn put_config(State(h): State<SandboxHandle>, Json(config): Json<SandboxConfig>) -> Json<SandboxConfig> {
    h.set_config(config.clone());
    Json(config)
}

async fn get_stats(State(h): State<SandboxHandle>) -> Json<SandboxStats> {
    Json(h.stats())
}
