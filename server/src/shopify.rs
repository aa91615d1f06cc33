//! `HttpShopify`: the Shopify Admin REST API client behind `app::ports::Platform`. The sandbox
//! store (`crate::sandbox::shopify`) answers it in demo mode and tests.
//!
//! URLs: `https://{shop_domain}/admin/api/{API_VERSION}/…` against real Shopify, or
//! `{base_url}/{shop_domain}/admin/api/{API_VERSION}/…` when a base URL is configured (the
//! sandbox). The token travels in `X-Shopify-Access-Token`, to the shop's own host only.
//!
//! Failures: 429 waits for `Retry-After` and asks again (up to `max_rate_limit_waits` times);
//! connect errors, timeouts and 5xx are retried with exponential backoff (up to `max_attempts`);
//! both end as `PlatformError::Transient`. Other 4xx are `Permanent` and carry Shopify's own
//! `errors` text.

use std::time::Duration;

use app::domain::{classify_order, parse_money_minor, FulfillmentRequest, ImportedLine, ImportedOrder, Recipient};
use app::ports::{OrdersPage, PageCursor, Platform, PlatformError, StoreCredentials};
use async_trait::async_trait;
use reqwest::header::{HeaderMap, LINK, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

/// The Admin API version every URL names.
pub const API_VERSION: &str = "2024-10";
/// Shopify's largest page size.
pub const PAGE_LIMIT: u32 = 250;
/// The top-level order fields `OrderIn` reads: a listing asks for these only, which makes a
/// page about a third smaller to send and to parse. Checked against `OrderIn` by a test.
const ORDER_FIELDS: &str = "id,name,currency,created_at,updated_at,total_price,subtotal_price,total_tax,total_discounts,\
total_shipping_price_set,shipping_lines,source_name,tags,customer,financial_status,gateway,payment_gateway_names,\
fulfillment_status,cancelled_at,email,contact_email,phone,shipping_address,line_items";
/// Used when a 429 has no readable `Retry-After` (Shopify's REST limit leaks 2 calls a second).
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(2);
/// A broken or hostile `Retry-After` must not stall a sync for hours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
const TOKEN_HEADER: &str = "X-Shopify-Access-Token";

#[derive(Clone, Debug)]
pub struct ShopifyConfig {
    /// None: real Shopify (`https://{shop_domain}/admin/…`). Some: a sandbox-style server that
    /// serves every shop under `{base_url}/{shop_domain}/admin/…`.
    pub base_url: Option<String>,
    /// Per HTTP request (one attempt), connect included.
    pub timeout: Duration,
    /// Attempts per call for connect errors, timeouts and 5xx, the first included.
    pub max_attempts: u32,
    /// Wait before the 2nd attempt; doubled for each further one.
    pub backoff: Duration,
    /// How many 429 answers one call sits out (waiting `Retry-After` each time) before giving up.
    pub max_rate_limit_waits: u32,
}

impl Default for ShopifyConfig {
    fn default() -> Self {
        ShopifyConfig {
            base_url: None,
            timeout: Duration::from_secs(20),
            max_attempts: 4,
            backoff: Duration::from_millis(500),
            max_rate_limit_waits: 20,
        }
    }
}

impl ShopifyConfig {
    /// Defaults, pointed at a sandbox store.
    pub fn sandbox(base_url: impl Into<String>) -> Self {
        ShopifyConfig { base_url: Some(base_url.into()), ..Default::default() }
    }
}

pub struct HttpShopify {
    http: reqwest::Client,
    base: Option<Url>,
    max_attempts: u32,
    backoff: Duration,
    max_rate_limit_waits: u32,
}

/// One request of a call, rebuilt for every attempt.
struct Call<'a> {
    method: Method,
    url: Url,
    token: &'a str,
    body: Option<Value>,
}

struct Answer {
    headers: HeaderMap,
    body: Vec<u8>,
}

/// Why a call failed, before it becomes a `PlatformError` (some callers look at the status).
#[derive(Debug)]
enum Failure {
    Transient(String),
    Permanent { status: StatusCode, message: String },
}

/// One attempt's outcome besides success.
enum AttemptError {
    RateLimited { wait: Duration, message: String },
    Failure(Failure),
}

impl From<Failure> for PlatformError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Transient(m) => PlatformError::Transient(m),
            Failure::Permanent { message, .. } => PlatformError::Permanent(message),
        }
    }
}

impl HttpShopify {
    pub fn new(config: ShopifyConfig) -> anyhow::Result<Self> {
        let base = match config.base_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(raw) => {
                let url = Url::parse(raw).map_err(|e| anyhow::anyhow!("Shopify base URL {raw:?}: {e}"))?;
                if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
                    anyhow::bail!("Shopify base URL {raw:?} must be an http(s) URL");
                }
                Some(url)
            }
        };
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // The token is a custom header that reqwest would carry across a redirect to any host.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(HttpShopify {
            http,
            base,
            max_attempts: config.max_attempts.max(1),
            backoff: config.backoff,
            max_rate_limit_waits: config.max_rate_limit_waits,
        })
    }

    /// `…/admin/api/{API_VERSION}/{segments…}` for the store's shop.
    fn url(&self, store: &StoreCredentials, segments: &[&str]) -> Result<Url, PlatformError> {
        let shop = store.shop_domain.trim().to_ascii_lowercase();
        // The domain becomes a host name (or a path segment): nothing that could change the
        // URL's meaning, so the token cannot be steered elsewhere.
        let valid = !shop.is_empty()
            && shop.len() <= 255
            && shop.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !shop.starts_with('.')
            && !shop.contains("..");
        if !valid {
            return Err(PlatformError::Permanent(format!("{:?} is not a shop domain (expected your-shop.myshopify.com)", store.shop_domain)));
        }
        let (mut url, prefix): (Url, Vec<&str>) = match &self.base {
            Some(base) => (base.clone(), vec![shop.as_str(), "admin", "api", API_VERSION]),
            None => {
                let url = Url::parse(&format!("https://{shop}/"))
                    .map_err(|e| PlatformError::Permanent(format!("shop domain {shop:?}: {e}")))?;
                (url, vec!["admin", "api", API_VERSION])
            }
        };
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(prefix).extend(segments);
        }
        Ok(url)
    }

    /// Sends `call`: sits out 429s, retries transient failures; the first 2xx answer.
    async fn send(&self, call: &Call<'_>) -> Result<Answer, Failure> {
        let mut attempt = 1;
        let mut waits = 0;
        loop {
            match self.attempt(call).await {
                Ok(answer) => return Ok(answer),
                Err(AttemptError::RateLimited { wait, message }) => {
                    if waits >= self.max_rate_limit_waits {
                        return Err(Failure::Transient(format!("Shopify rate limit: still throttled after {waits} waits ({message})")));
                    }
                    waits += 1;
                    tracing::debug!("Shopify {} {} throttled; waiting {wait:?}", call.method, call.url.path());
                    tokio::time::sleep(wait).await;
                }
                Err(AttemptError::Failure(Failure::Transient(msg))) if attempt < self.max_attempts => {
                    tracing::warn!("Shopify {} {} failed (attempt {attempt}): {msg}", call.method, call.url.path());
                    tokio::time::sleep(self.backoff * 2u32.saturating_pow(attempt - 1)).await;
                    attempt += 1;
                }
                Err(AttemptError::Failure(f)) => return Err(f),
            }
        }
    }

    async fn attempt(&self, call: &Call<'_>) -> Result<Answer, AttemptError> {
        let mut req = self
            .http
            .request(call.method.clone(), call.url.clone())
            .header(TOKEN_HEADER, call.token)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = &call.body {
            req = req.json(body);
        }
        let transient = |e| AttemptError::Failure(Failure::Transient(e));
        let resp = req.send().await.map_err(|e| transient(network_error(e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| transient(network_error(e)))?.to_vec();
        if status.is_success() {
            return Ok(Answer { headers, body });
        }
        let message = error_message(status, &body);
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(AttemptError::RateLimited { wait: retry_after(&headers), message });
        }
        if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
            return Err(transient(format!("HTTP {}: {message}", status.as_u16())));
        }
        if status.is_redirection() {
            let to = headers.get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("?");
            let message = format!("Shopify answered {status} (redirect to {to}); check the shop domain");
            return Err(AttemptError::Failure(Failure::Permanent { status, message }));
        }
        Err(AttemptError::Failure(Failure::Permanent { status, message }))
    }

    async fn json<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<(T, HeaderMap), PlatformError> {
        let answer = self.send(call).await?;
        let parsed = serde_json::from_slice(&answer.body)
            .map_err(|e| PlatformError::Transient(format!("unexpected answer from Shopify: {e}")))?;
        Ok((parsed, answer.headers))
    }

    fn call<'a>(&self, method: Method, url: Url, store: &'a StoreCredentials, body: Option<Value>) -> Call<'a> {
        Call { method, url, token: &store.access_token, body }
    }

    async fn get_order(&self, store: &StoreCredentials, id: i64) -> Result<Value, PlatformError> {
        let url = self.url(store, &["orders", &format!("{id}.json")])?;
        let (out, _) = self.json::<OrderOut>(&self.call(Method::GET, url, store, None)).await?;
        Ok(out.order)
    }

    /// The fulfillment already on the order with this tracking number, if any: a retry whose
    /// first answer was lost (or a second Mark Shipped) must not count as a failure.
    async fn existing_fulfillment(&self, store: &StoreCredentials, f: &FulfillmentRequest) -> Result<Option<String>, PlatformError> {
        if f.tracking_no.trim().is_empty() {
            return Ok(None);
        }
        let order = self.get_order(store, f.platform_order_id).await?;
        let found = order
            .get("fulfillments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|x| !matches!(x.get("status").and_then(Value::as_str), Some("cancelled" | "error" | "failure")))
            .find(|x| {
                let number = x.get("tracking_number").and_then(Value::as_str);
                let numbers = x.get("tracking_numbers").and_then(Value::as_array);
                number == Some(f.tracking_no.trim()) || numbers.is_some_and(|n| n.iter().any(|v| v.as_str() == Some(f.tracking_no.trim())))
            })
            .and_then(|x| id_text(x.get("id")));
        Ok(found)
    }
}

// Wire shapes (only what the client reads; orders stay `Value` until `import_order`).

#[derive(Deserialize)]
struct ShopOut {
    shop: ShopIn,
}

#[derive(Deserialize)]
struct ShopIn {
    name: String,
}

#[derive(Deserialize)]
struct OrdersOut {
    orders: Vec<Value>,
}

/// A listing page: each order is kept as its raw JSON text and read straight into `OrderIn`,
/// which is several times faster than building a `Value` tree for 6 KB of fields we mostly skip.
#[derive(Deserialize)]
struct OrdersPageOut {
    orders: Vec<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
struct OrderOut {
    order: Value,
}

#[derive(Deserialize)]
struct FulfillmentOut {
    fulfillment: Value,
}

fn network_error(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "network error"
    };
    format!("{kind}: {e}")
}

/// Shopify's `errors` (or `error`) flattened to one line; else the start of the body; else the status.
fn error_message(status: StatusCode, body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Some(text) = v.get("errors").or_else(|| v.get("error")).map(flatten_errors).filter(|t| !t.is_empty()) {
            return text;
        }
    }
    let text: String = String::from_utf8_lossy(body).trim().chars().take(200).collect();
    if text.is_empty() {
        format!("Shopify answered {status}")
    } else {
        text
    }
}

/// `"text"`, `["a", "b"]` or `{"field": ["a"], "base": ["b"]}` → `"field: a; b"`.
fn flatten_errors(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_string(),
        Value::Array(items) => items.iter().map(flatten_errors).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k, flatten_errors(v)))
            .filter(|(_, text)| !text.is_empty())
            .map(|(k, text)| if k == "base" { text } else { format!("{k}: {text}") })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// `Retry-After` in seconds, fractional allowed ("2.0"); capped; a default when unreadable.
fn retry_after(headers: &HeaderMap) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(|secs| Duration::from_secs_f64(secs.min(MAX_RETRY_AFTER.as_secs_f64())))
        .unwrap_or(DEFAULT_RETRY_AFTER)
}

/// The `page_info` of the `rel="next"` target in a `Link` header
/// (`<https://…/orders.json?limit=250&page_info=abc>; rel="next", <…>; rel="previous"`).
pub fn next_page_info(link: &str) -> Option<String> {
    let mut rest = link;
    while let Some(open) = rest.find('<') {
        let after_open = &rest[open + 1..];
        let close = after_open.find('>')?;
        let target = &after_open[..close];
        let tail = &after_open[close + 1..];
        let params_end = tail.find('<').unwrap_or(tail.len());
        let is_next = tail[..params_end].split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else { return false };
            let value = value.trim().trim_end_matches(',').trim().trim_matches('"');
            name.trim().eq_ignore_ascii_case("rel") && value.split_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            // Relative targets are resolved against a dummy base: only the query matters.
            let url = Url::parse("http://link.invalid/").and_then(|base| base.join(target)).ok()?;
            return url.query_pairs().find(|(k, _)| k == "page_info").map(|(_, v)| v.into_owned());
        }
        rest = &tail[params_end..];
    }
    None
}

/// Shopify ids are integers; a string id is taken as it is.
fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Times

/// RFC 3339 with any offset ("2008-01-10T11:00:00-05:00") → Unix milliseconds.
pub fn parse_time_ms(text: &str) -> Result<i64, String> {
    let t = ::time::OffsetDateTime::parse(text.trim(), &::time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{text:?} is not an RFC 3339 time: {e}"))?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).map_err(|_| format!("{text:?} is out of range"))
}

/// Unix seconds → "2024-05-01T12:00:00Z".
pub fn format_utc_seconds(secs: i64) -> Result<String, String> {
    let t = ::time::OffsetDateTime::from_unix_timestamp(secs).map_err(|e| format!("time {secs} out of range: {e}"))?;
    t.format(&::time::format_description::well_known::Rfc3339).map_err(|e| format!("time {secs}: {e}"))
}

/// Shopify filters `updated_at_min` / `_max` inclusively at whole seconds (its times have no
/// fractions), so [from_ms, to_ms) becomes [ceil(from), floor(to − 1 ms)] in seconds.
fn window_params(from_ms: i64, to_ms: i64) -> Result<(String, String), String> {
    let min_secs = from_ms.div_euclid(1000) + i64::from(from_ms.rem_euclid(1000) > 0);
    let max_secs = to_ms.saturating_sub(1).div_euclid(1000);
    Ok((format_utc_seconds(min_secs)?, format_utc_seconds(max_secs)?))
}

// ---------------------------------------------------------------------------------------------
// Import

#[derive(Deserialize)]
struct OrderIn {
    id: i64,
    name: String,
    currency: String,
    created_at: String,
    updated_at: String,
    total_price: String,
    subtotal_price: Option<String>,
    total_tax: Option<String>,
    total_discounts: Option<String>,
    total_shipping_price_set: Option<PriceSetIn>,
    shipping_lines: Option<Vec<ShippingLineIn>>,
    source_name: Option<String>,
    tags: Option<String>,
    customer: Option<CustomerIn>,
    financial_status: Option<String>,
    gateway: Option<String>,
    payment_gateway_names: Option<Vec<String>>,
    fulfillment_status: Option<String>,
    cancelled_at: Option<String>,
    email: Option<String>,
    contact_email: Option<String>,
    phone: Option<String>,
    shipping_address: Option<AddressIn>,
    line_items: Option<Vec<LineIn>>,
}

#[derive(Deserialize)]
struct PriceSetIn {
    shop_money: Option<MoneyIn>,
}

#[derive(Deserialize)]
struct MoneyIn {
    amount: String,
}

#[derive(Deserialize)]
struct ShippingLineIn {
    price: Option<String>,
}

#[derive(Deserialize)]
struct CustomerIn {
    tags: Option<String>,
}

#[derive(Deserialize)]
struct AddressIn {
    name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    country_code: Option<String>,
    province_code: Option<String>,
    city: Option<String>,
    address1: Option<String>,
    address2: Option<String>,
    zip: Option<String>,
}

#[derive(Deserialize)]
struct LineIn {
    id: i64,
    sku: Option<String>,
    name: Option<String>,
    title: Option<String>,
    quantity: i64,
    fulfillable_quantity: Option<i64>,
    price: String,
    requires_shipping: Option<bool>,
}

/// Some(trimmed) unless null or blank.
fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn owned(v: &Option<String>) -> String {
    text(v).unwrap_or("").to_string()
}

/// One Shopify order (as served by `GET /orders.json` or `/orders/{id}.json`) → the domain's
/// `ImportedOrder`, money in exact minor units. Unknown fields are ignored. The error names the
/// order and says what is wrong with it.
pub fn import_order(order: &Value) -> Result<ImportedOrder, String> {
    let label = match (order.get("name").and_then(Value::as_str), order.get("id")) {
        (Some(name), _) => format!("order {name}"),
        (None, Some(id)) => format!("order id {id}"),
        (None, None) => "order".to_string(),
    };
    let parsed = OrderIn::deserialize(order).map_err(|e| format!("{label}: {e}"))?;
    convert(parsed).map_err(|e| format!("{label}: {e}"))
}

/// `import_order` for an order still in its JSON text. A malformed order is read again as a
/// `Value` so its error names the order exactly as `import_order` does.
fn import_raw_order(raw: &serde_json::value::RawValue) -> Result<ImportedOrder, String> {
    match serde_json::from_str::<OrderIn>(raw.get()).map(convert) {
        Ok(Ok(order)) => Ok(order),
        _ => serde_json::from_str::<Value>(raw.get()).map_err(|e| format!("order: {e}")).and_then(|v| import_order(&v)),
    }
}

/// `import_order` for each order of a page: one bad order does not stop the others.
pub fn import_orders(orders: &[Value]) -> Vec<Result<ImportedOrder, String>> {
    orders.iter().map(import_order).collect()
}

fn convert(o: OrderIn) -> Result<ImportedOrder, String> {
    let currency = o.currency.trim().to_ascii_uppercase();
    let money = |field: &str, v: &str| parse_money_minor(v, &currency).map_err(|e| format!("{field}: {e}"));
    let optional_money = |field: &str, v: &Option<String>| text(v).map_or(Ok(0), |v| money(field, v));

    let shipping_minor = match o.total_shipping_price_set.as_ref().and_then(|s| s.shop_money.as_ref()) {
        Some(m) => money("total_shipping_price_set", &m.amount)?,
        None => {
            let mut sum = 0i64;
            for line in o.shipping_lines.iter().flatten() {
                sum = sum.checked_add(optional_money("shipping_lines.price", &line.price)?).ok_or("shipping total overflows")?;
            }
            sum
        }
    };
    let payment_gateway = match text(&o.gateway) {
        Some(g) => g.to_string(),
        None => o.payment_gateway_names.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", "),
    };
    let source_channel = owned(&o.source_name);
    let customer_tags = o.customer.as_ref().map(|c| owned(&c.tags)).unwrap_or_default();
    let kind = classify_order(text(&o.tags).unwrap_or(""), &customer_tags, &source_channel);

    let recipient = match &o.shipping_address {
        None => Recipient { email: text(&o.email).or(text(&o.contact_email)).unwrap_or("").to_string(), phone: owned(&o.phone), ..Default::default() },
        Some(a) => Recipient {
            name: match text(&a.name) {
                Some(name) => name.to_string(),
                None => format!("{} {}", text(&a.first_name).unwrap_or(""), text(&a.last_name).unwrap_or("")).trim().to_string(),
            },
            phone: text(&a.phone).or(text(&o.phone)).unwrap_or("").to_string(),
            email: text(&o.email).or(text(&o.contact_email)).unwrap_or("").to_string(),
            country: owned(&a.country_code).to_ascii_uppercase(),
            state: owned(&a.province_code),
            city: owned(&a.city),
            address1: owned(&a.address1),
            address2: owned(&a.address2),
            postal_code: owned(&a.zip),
        },
    };

    let mut lines = Vec::new();
    for l in o.line_items.iter().flatten() {
        lines.push(ImportedLine {
            platform_line_id: l.id,
            platform_sku: owned(&l.sku),
            title: text(&l.name).or(text(&l.title)).unwrap_or("").to_string(),
            quantity: l.quantity,
            fulfillable_quantity: l.fulfillable_quantity.unwrap_or(l.quantity),
            price_minor: money(&format!("line {} price", l.id), &l.price)?,
            requires_shipping: l.requires_shipping.unwrap_or(true),
        });
    }

    Ok(ImportedOrder {
        platform_order_id: o.id,
        order_no: o.name.trim().to_string(),
        source_channel,
        kind,
        total_minor: money("total_price", &o.total_price)?,
        subtotal_minor: optional_money("subtotal_price", &o.subtotal_price)?,
        tax_minor: optional_money("total_tax", &o.total_tax)?,
        shipping_minor,
        discount_minor: optional_money("total_discounts", &o.total_discounts)?,
        financial_status: owned(&o.financial_status),
        payment_gateway,
        fulfillment_status: owned(&o.fulfillment_status),
        cancelled: text(&o.cancelled_at).is_some(),
        ordered_at_ms: parse_time_ms(&o.created_at).map_err(|e| format!("created_at: {e}"))?,
        platform_updated_at_ms: parse_time_ms(&o.updated_at).map_err(|e| format!("updated_at: {e}"))?,
        recipient,
        lines,
        currency,
    })
}

/// Shopify order names usually start with "#"; people type them with or without it.
fn same_order_name(a: &str, b: &str) -> bool {
    a.trim().trim_start_matches('#').eq_ignore_ascii_case(b.trim().trim_start_matches('#'))
}

fn fulfillment_body(f: &FulfillmentRequest) -> Value {
    let line_items: Vec<Value> = f.lines.iter().map(|(id, quantity)| json!({ "id": id, "quantity": quantity })).collect();
    let mut body = json!({ "line_items": line_items, "notify_customer": true });
    let tracking_no = f.tracking_no.trim();
    if !tracking_no.is_empty() {
        body["tracking_number"] = json!(tracking_no);
        body["tracking_numbers"] = json!([tracking_no]);
    }
    if !f.carrier.trim().is_empty() {
        body["tracking_company"] = json!(f.carrier.trim());
    }
    // Shopify's own `service` names the fulfillment service ("manual"), not the carrier's
    // service level, so the service type travels in a field of its own.
    if !f.service_type.trim().is_empty() {
        body["shipping_method"] = json!(f.service_type.trim());
    }
    json!({ "fulfillment": body })
}

#[async_trait]
impl Platform for HttpShopify {
    async fn test_connection(&self, store: &StoreCredentials) -> Result<String, PlatformError> {
        let url = self.url(store, &["shop.json"])?;
        let (out, _) = self.json::<ShopOut>(&self.call(Method::GET, url, store, None)).await?;
        Ok(out.shop.name)
    }

    async fn orders_page(&self, store: &StoreCredentials, cursor: &PageCursor) -> Result<OrdersPage, PlatformError> {
        let mut url = self.url(store, &["orders.json"])?;
        match cursor {
            PageCursor::UpdatedBetween { from_ms, to_ms } => {
                let (min, max) = window_params(*from_ms, *to_ms).map_err(PlatformError::Permanent)?;
                url.query_pairs_mut()
                    .append_pair("status", "any")
                    .append_pair("limit", &PAGE_LIMIT.to_string())
                    .append_pair("updated_at_min", &min)
                    .append_pair("updated_at_max", &max)
                    .append_pair("order", "updated_at asc")
                    .append_pair("fields", ORDER_FIELDS);
            }
            // Shopify refuses every filter next to page_info: the cursor carries them.
            PageCursor::Next(page_info) => {
                url.query_pairs_mut().append_pair("limit", &PAGE_LIMIT.to_string()).append_pair("page_info", page_info).append_pair("fields", ORDER_FIELDS);
            }
        }
        let (out, headers) = self.json::<OrdersPageOut>(&self.call(Method::GET, url, store, None)).await?;
        let next = headers.get_all(LINK).iter().filter_map(|v| v.to_str().ok()).find_map(next_page_info);
        Ok(OrdersPage { orders: out.orders.iter().map(|raw| import_raw_order(raw)).collect(), next })
    }

    async fn orders_by_number(&self, store: &StoreCredentials, numbers: &[String]) -> Result<Vec<Result<ImportedOrder, String>>, PlatformError> {
        let mut seen = std::collections::HashSet::new();
        let mut found = Vec::new();
        for number in numbers.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            let mut url = self.url(store, &["orders.json"])?;
            url.query_pairs_mut().append_pair("status", "any").append_pair("name", number).append_pair("limit", &PAGE_LIMIT.to_string());
            let (out, _) = self.json::<OrdersOut>(&self.call(Method::GET, url, store, None)).await?;
            for order in out.orders {
                // Only the exact number (a name filter may match more loosely), each order once.
                let name = order.get("name").and_then(Value::as_str).unwrap_or("");
                let key = order.get("id").map(Value::to_string).unwrap_or_else(|| name.to_string());
                if same_order_name(name, number) && seen.insert(key) {
                    found.push(import_order(&order));
                }
            }
        }
        Ok(found)
    }

    async fn create_fulfillment(&self, store: &StoreCredentials, f: &FulfillmentRequest) -> Result<String, PlatformError> {
        if f.lines.is_empty() {
            // Shopify would fulfil every remaining line, which is not what was shipped.
            return Err(PlatformError::Permanent("Nothing to fulfil: no line has units to ship".into()));
        }
        let url = self.url(store, &["orders", &f.platform_order_id.to_string(), "fulfillments.json"])?;
        let call = self.call(Method::POST, url, store, Some(fulfillment_body(f)));
        match self.send(&call).await {
            Ok(answer) => {
                let out: FulfillmentOut = serde_json::from_slice(&answer.body)
                    .map_err(|e| PlatformError::Transient(format!("unexpected answer from Shopify: {e}")))?;
                id_text(out.fulfillment.get("id")).ok_or_else(|| PlatformError::Transient("Shopify's fulfillment has no id".into()))
            }
            Err(Failure::Permanent { status: StatusCode::UNPROCESSABLE_ENTITY, message }) => {
                match self.existing_fulfillment(store, f).await? {
                    Some(id) => Ok(id),
                    None => Err(PlatformError::Permanent(message)),
                }
            }
            Err(other) => Err(other.into()),
        }
    }

    async fn cancel_order(&self, store: &StoreCredentials, platform_order_id: i64) -> Result<(), PlatformError> {
        let url = self.url(store, &["orders", &platform_order_id.to_string(), "cancel.json"])?;
        match self.send(&self.call(Method::POST, url, store, Some(json!({})))).await {
            Ok(_) => Ok(()),
            // Already cancelled (by us before a lost answer, or in the Shopify admin) is success.
            Err(Failure::Permanent { status: StatusCode::UNPROCESSABLE_ENTITY, message }) => {
                let order = self.get_order(store, platform_order_id).await?;
                if order.get("cancelled_at").is_some_and(|v| !v.is_null()) {
                    Ok(())
                } else {
                    Err(PlatformError::Permanent(message))
                }
            }
            Err(other) => Err(other.into()),
        }
    }

    async fn acknowledge(&self, store: &StoreCredentials, platform_order_id: i64, note: &str) -> Result<(), PlatformError> {
        let url = self.url(store, &["orders", &format!("{platform_order_id}.json")])?;
        let body = json!({ "order": { "id": platform_order_id, "note": note } });
        self.send(&self.call(Method::PUT, url, store, Some(body))).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
