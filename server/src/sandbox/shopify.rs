//! A sandbox Shopify store: a loopback axum server that speaks the Admin REST shapes the
//! connector (`crate::shopify::HttpShopify`) uses, for any number of shops. The demo and the
//! tests talk to it through the very same client they would point at real Shopify.
//!
//! Every route lives under `/{shop_domain}/admin/api/{version}` and needs the shop's
//! `X-Shopify-Access-Token`:
//! - `GET shop.json` → `{"shop": {…}}`
//! - `GET orders.json` (`status`, `ids`, `name`, `updated_at_min|max`, `created_at_min|max`,
//!   `order`, `limit` ≤ 250, default 50) → `{"orders": […]}` plus a `Link` header with
//!   `rel="next"` / `rel="previous"` absolute URLs carrying an opaque `page_info` (with it, only
//!   `limit` and `fields` may be given, as on Shopify)
//! - `GET|PUT orders/{id}.json` (PUT changes `note`) → `{"order": {…}}`
//! - `POST orders/{id}/fulfillments.json` → 201 `{"fulfillment": {…}}`
//! - `POST orders/{id}/cancel.json` → `{"order": {…}}`
//!
//! Errors are Shopify's `{"errors": …}`: 401 bad token, 404 unknown shop / order, 422 refused
//! changes, 429 over the leaky-bucket rate limit (with `Retry-After`). Orders are stored as JSON
//! and served unchanged, apart from the fields the sandbox itself updates.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::shopify::parse_time_ms;

pub const DEMO_SHOP_DOMAIN: &str = "acme-demo.myshopify.com";
pub const DEMO_SHOP_TOKEN: &str = "shpat_demo_acme_0001";
pub const DEMO_SHOP_NAME: &str = "Acme Demo Store";
/// Sold by the demo shop, not stocked by any warehouse: needs no shipping.
pub const DEMO_GIFT_CARD_SKU: &str = "ACME-GIFT-CARD";
/// Sold by the demo shop, not stocked by any warehouse: shows the "not mapped" exception.
pub const DEMO_UNMAPPED_SKU: &str = "ACME-POSTER-A2";

pub const MSG_INVALID_TOKEN: &str = "[API] Invalid API key or access token (unrecognized login or wrong password)";
pub const MSG_THROTTLED: &str = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.";

const DEFAULT_BUCKET_SIZE: u32 = 40;
const DEFAULT_LEAK_PER_SEC: f64 = 2.0;
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 250;
/// How long `Timeout` failures sleep: far longer than any sane client timeout.
const TIMEOUT_SLEEP: Duration = Duration::from_secs(60);
/// The sandbox shops' time zone (New York, without DST), as Shopify writes times.
const SHOP_OFFSET_HOURS: i8 = -5;

// ---------------------------------------------------------------------------------------------
// Handle and state

/// An injected failure for a shop's next calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureMode {
    /// 500 `{"errors": "Internal Server Error"}`.
    ServerError,
    /// 401 with Shopify's invalid-token message, as for a revoked token.
    Unauthorized,
    /// Sleeps far past any client timeout, then 504.
    Timeout,
}

/// Per-shop counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShopStats {
    /// API calls for the shop, refused ones included.
    pub requests: u64,
    /// Answered 429.
    pub throttled: u64,
    /// Answered with an injected failure.
    pub failed: u64,
}

/// What `generate_orders` makes.
#[derive(Clone, Debug)]
pub struct OrderSpec {
    /// SKU codes of shipped products; each order takes `lines` distinct ones (with `digital_skus`).
    pub skus: Vec<String>,
    /// SKU codes sold without shipping (gift cards): `requires_shipping` false.
    pub digital_skus: Vec<String>,
    /// Fewest and most lines per order.
    pub lines: (usize, usize),
    /// Share of B2B orders: half of them tagged "B2B", half from the "wholesale" channel.
    pub b2b_fraction: f64,
    /// `created_at` falls in [from_ms, to_ms); `updated_at` a little later (not past `to_ms`).
    pub from_ms: i64,
    pub to_ms: i64,
    /// Same seed, same shop state → the same orders.
    pub seed: u64,
}

impl OrderSpec {
    /// B2C orders of 1–3 lines of `skus`, created over the last 14 days.
    pub fn new(skus: &[&str]) -> Self {
        let now = now_ms();
        OrderSpec {
            skus: skus.iter().map(|s| s.to_string()).collect(),
            digital_skus: Vec::new(),
            lines: (1, 3),
            b2b_fraction: 0.0,
            from_ms: now - 14 * DAY_MS,
            to_ms: now - HOUR_MS,
            seed: 1,
        }
    }
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Shared control over a running sandbox store (tests and the demo use it to add shops and
/// orders, inject failures and read what was written back).
#[derive(Clone, Default)]
pub struct ShopifySandboxHandle {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    shops: HashMap<String, Shop>,
    /// Injected failures by shop domain (kept apart so they can be set before the shop exists).
    failures: HashMap<String, (FailureMode, u32)>,
    bucket_size: u32,
    leak_per_sec: f64,
    latency: Duration,
    ids: Ids,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            shops: HashMap::new(),
            failures: HashMap::new(),
            bucket_size: DEFAULT_BUCKET_SIZE,
            leak_per_sec: DEFAULT_LEAK_PER_SEC,
            latency: Duration::ZERO,
            ids: Ids::default(),
        }
    }
}

/// Id sequences shared by all shops (Shopify ids are global), in realistic ranges.
struct Ids {
    order: i64,
    line: i64,
    fulfillment: i64,
    customer: i64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids { order: 5_810_000_000_000, line: 14_200_000_000_000, fulfillment: 4_900_000_000_000, customer: 7_300_000_000_000 }
    }
}

fn next(counter: &mut i64) -> i64 {
    *counter += 1;
    *counter
}

struct Shop {
    domain: String,
    token: String,
    name: String,
    id: i64,
    orders: BTreeMap<i64, Value>,
    /// What listings filter and sort on, per order, kept in step by `store_order` and
    /// `touched` so a page does not read every stored order's JSON again.
    listing: BTreeMap<i64, ListingFields>,
    /// Fulfillment request bodies as received (accepted ones).
    fulfillments: Vec<Value>,
    next_number: i64,
    bucket: Bucket,
    stats: ShopStats,
}

/// Shopify's leaky bucket: each call adds one; the level drains at `leak_per_sec`.
struct Bucket {
    level: f64,
    at: Instant,
}

impl Bucket {
    /// Takes room for one call, or says how long until there is some.
    fn take(&mut self, size: u32, leak_per_sec: f64, now: Instant) -> Result<f64, Duration> {
        let size = f64::from(size.max(1));
        let drained = now.saturating_duration_since(self.at).as_secs_f64() * leak_per_sec.max(0.0);
        self.level = (self.level - drained).max(0.0);
        self.at = now;
        if self.level + 1.0 > size {
            let secs = if leak_per_sec > 0.0 { (self.level + 1.0 - size) / leak_per_sec } else { 60.0 };
            return Err(Duration::from_secs_f64(secs.clamp(0.0, 60.0)));
        }
        self.level += 1.0;
        Ok(self.level)
    }
}

fn norm(domain: &str) -> String {
    domain.trim().to_ascii_lowercase()
}

impl Shop {
    /// Stores `order` under `id` (replacing one with the same id), with its listing fields.
    fn store_order(&mut self, id: i64, order: Value) {
        self.listing.insert(id, ListingFields::of(&order));
        self.orders.insert(id, order);
    }

    /// Marks order `id` changed (`touch`) and refreshes its listing fields; the order after.
    fn touched(&mut self, id: i64) -> ApiResult<&Value> {
        let order = self.orders.get_mut(&id).ok_or_else(ApiError::not_found)?;
        touch(order);
        self.listing.insert(id, ListingFields::of(order));
        Ok(order)
    }
}

impl ShopifySandboxHandle {
    /// Adds a shop (or changes an existing shop's token and name, keeping its orders).
    pub fn add_shop(&self, domain: &str, token: &str, name: &str) {
        let mut inner = self.lock();
        let id = 60_000_000_000 + inner.shops.len() as i64 + 1;
        let shop = inner.shops.entry(norm(domain)).or_insert_with(|| Shop {
            domain: norm(domain),
            token: String::new(),
            name: String::new(),
            id,
            orders: BTreeMap::new(),
            listing: BTreeMap::new(),
            fulfillments: Vec::new(),
            next_number: 1001,
            bucket: Bucket { level: 0.0, at: Instant::now() },
            stats: ShopStats::default(),
        });
        shop.token = token.to_string();
        shop.name = name.to_string();
    }

    /// Stores `order` exactly as given (replacing an order with the same `id`); returns its id.
    pub fn add_raw_order(&self, domain: &str, order: Value) -> anyhow::Result<i64> {
        let id = order.get("id").and_then(Value::as_i64).ok_or_else(|| anyhow::anyhow!("the order has no integer \"id\""))?;
        let mut inner = self.lock();
        let shop = inner.shops.get_mut(&norm(domain)).ok_or_else(|| anyhow::anyhow!("no sandbox shop {domain:?}"))?;
        if let Some(number) = order.get("order_number").and_then(Value::as_i64) {
            shop.next_number = shop.next_number.max(number + 1);
        }
        shop.store_order(id, order);
        Ok(id)
    }

    /// Adds `n` realistic orders (see [`OrderSpec`]), numbered on from the shop's last order;
    /// returns their ids, oldest first.
    pub fn generate_orders(&self, domain: &str, n: usize, spec: &OrderSpec) -> anyhow::Result<Vec<i64>> {
        let pool: Vec<(&str, bool)> =
            spec.skus.iter().map(|s| (s.as_str(), true)).chain(spec.digital_skus.iter().map(|s| (s.as_str(), false))).collect();
        if pool.is_empty() && n > 0 {
            anyhow::bail!("generate_orders needs at least one SKU");
        }
        let mut inner = self.lock();
        let Inner { shops, ids, .. } = &mut *inner;
        let shop = shops.get_mut(&norm(domain)).ok_or_else(|| anyhow::anyhow!("no sandbox shop {domain:?}"))?;
        let mut rng = StdRng::seed_from_u64(spec.seed ^ (shop.next_number as u64).rotate_left(32));
        let (from, to) = (spec.from_ms, spec.to_ms.max(spec.from_ms + 1));
        let mut created: Vec<i64> = (0..n).map(|_| rng.gen_range(from..to)).collect();
        created.sort_unstable();
        let b2b_share = if spec.b2b_fraction.is_finite() { spec.b2b_fraction.clamp(0.0, 1.0) } else { 0.0 };
        let (min_lines, max_lines) = (spec.lines.0.max(1), spec.lines.1.max(spec.lines.0.max(1)));
        let mut out = Vec::with_capacity(n);
        for created_ms in created {
            let number = shop.next_number;
            shop.next_number += 1;
            let b2b = rng.gen_bool(b2b_share);
            let count = rng.gen_range(min_lines..=max_lines).min(pool.len());
            let lines = rand::seq::index::sample(&mut rng, pool.len(), count)
                .into_iter()
                .map(|i| {
                    let (sku, ships) = pool[i];
                    let quantity = if b2b && ships { rng.gen_range(6..=24) } else { rng.gen_range(1..=3) };
                    LinePart::for_sku(sku, quantity, ships)
                })
                .collect();
            let updated_ms = (created_ms + rng.gen_range(0..=3 * HOUR_MS)).min(to.max(created_ms));
            let person = &PEOPLE[rng.gen_range(0..PEOPLE.len())];
            let (tags, source) = match (b2b, number % 2 == 0) {
                (false, _) => ("", "web"),
                (true, true) => ("B2B", "web"),
                (true, false) => ("", "wholesale"),
            };
            let parts = OrderParts { number, created_ms, updated_ms, person, lines, tags, source, discount: None, note_attributes: &[] };
            let order = build_order(ids, &parts);
            let id = order.get("id").and_then(Value::as_i64).unwrap_or_default();
            shop.store_order(id, order);
            out.push(id);
        }
        Ok(out)
    }

    /// The shop's orders as stored now, by id.
    pub fn orders(&self, domain: &str) -> Vec<Value> {
        self.lock().shops.get(&norm(domain)).map(|s| s.orders.values().cloned().collect()).unwrap_or_default()
    }

    pub fn order(&self, domain: &str, id: i64) -> Option<Value> {
        self.lock().shops.get(&norm(domain)).and_then(|s| s.orders.get(&id).cloned())
    }

    /// Fulfillment request bodies the shop accepted, as received, oldest first.
    pub fn fulfillments(&self, domain: &str) -> Vec<Value> {
        self.lock().shops.get(&norm(domain)).map(|s| s.fulfillments.clone()).unwrap_or_default()
    }

    pub fn stats(&self, domain: &str) -> ShopStats {
        self.lock().shops.get(&norm(domain)).map(|s| s.stats).unwrap_or_default()
    }

    /// The shop's next `count` API calls fail with `mode` (0 clears).
    pub fn set_failure(&self, domain: &str, mode: FailureMode, count: u32) {
        let mut inner = self.lock();
        if count == 0 {
            inner.failures.remove(&norm(domain));
        } else {
            inner.failures.insert(norm(domain), (mode, count));
        }
    }

    /// Shopify's REST limit: a burst of `bucket_size` calls, refilled at `leak_per_sec`
    /// (default 40 and 2). Buckets are per shop.
    pub fn set_rate_limit(&self, bucket_size: u32, leak_per_sec: f64) {
        let mut inner = self.lock();
        inner.bucket_size = bucket_size.max(1);
        inner.leak_per_sec = if leak_per_sec.is_finite() { leak_per_sec.max(0.0) } else { DEFAULT_LEAK_PER_SEC };
    }

    /// Delay added to every API call.
    pub fn set_latency(&self, ms: u64) {
        self.lock().latency = Duration::from_millis(ms);
    }

    /// A poisoned lock only means another request panicked; every change is made in one step.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// ---------------------------------------------------------------------------------------------
// Demo shop

/// Adds the demo shop (`acme-demo.myshopify.com`, token `shpat_demo_acme_0001`) with about 30
/// orders of `skus` (about a fifth of them B2B), a few with SKUs no warehouse stocks (a gift
/// card that needs no shipping, an unmapped poster), and one order shaped like Shopify's own
/// example order (discount code, note attributes, Bob Norman in Louisville).
pub fn seed_demo_shop(handle: &ShopifySandboxHandle, skus: &[&str]) -> anyhow::Result<()> {
    handle.add_shop(DEMO_SHOP_DOMAIN, DEMO_SHOP_TOKEN, DEMO_SHOP_NAME);
    let now = now_ms();
    let base = OrderSpec { b2b_fraction: 0.2, from_ms: now - 14 * DAY_MS, to_ms: now - 2 * DAY_MS, seed: 20_241_001, ..OrderSpec::new(skus) };
    if !skus.is_empty() {
        handle.generate_orders(DEMO_SHOP_DOMAIN, 26, &base)?;
    }
    let recent = OrderSpec { b2b_fraction: 0.0, from_ms: now - 2 * DAY_MS, to_ms: now - 2 * HOUR_MS, ..base.clone() };
    let first = skus.first().map(|s| s.to_string());
    let second = skus.get(1).or(skus.first()).map(|s| s.to_string());
    // Unmapped poster next to a stocked product: "SKU [ACME-POSTER-A2] not mapped".
    let poster = OrderSpec { skus: [Some(DEMO_UNMAPPED_SKU.to_string()), first].into_iter().flatten().collect(), lines: (2, 2), seed: 2, ..recent.clone() };
    handle.generate_orders(DEMO_SHOP_DOMAIN, 2, &poster)?;
    // A gift card rides along with a product; a gift card alone has nothing to ship.
    let with_gift = OrderSpec { skus: second.into_iter().collect(), digital_skus: vec![DEMO_GIFT_CARD_SKU.into()], lines: (2, 2), seed: 3, ..recent.clone() };
    handle.generate_orders(DEMO_SHOP_DOMAIN, 1, &with_gift)?;
    let gift_only = OrderSpec { skus: Vec::new(), digital_skus: vec![DEMO_GIFT_CARD_SKU.into()], lines: (1, 1), seed: 4, ..recent };
    handle.generate_orders(DEMO_SHOP_DOMAIN, 1, &gift_only)?;
    add_example_order(handle, DEMO_SHOP_DOMAIN, skus, now - HOUR_MS)?;
    Ok(())
}

/// Shopify's documentation order (`order.json` of its API client fixtures), renumbered and
/// selling `skus` (up to three lines).
fn add_example_order(handle: &ShopifySandboxHandle, domain: &str, skus: &[&str], created_ms: i64) -> anyhow::Result<()> {
    let mut inner = handle.lock();
    let Inner { shops, ids, .. } = &mut *inner;
    let shop = shops.get_mut(&norm(domain)).ok_or_else(|| anyhow::anyhow!("no sandbox shop {domain:?}"))?;
    let number = shop.next_number;
    shop.next_number += 1;
    let lines = skus.iter().take(3).map(|sku| LinePart::for_sku(sku, 1, true)).collect();
    let parts = OrderParts {
        number,
        created_ms,
        updated_ms: created_ms,
        person: &BOB_NORMAN,
        lines,
        tags: "",
        source: "web",
        discount: Some(("TENOFF", 1000)),
        note_attributes: &[("custom engraving", "Happy Birthday"), ("colour", "green")],
    };
    let order = build_order(ids, &parts);
    let id = order.get("id").and_then(Value::as_i64).unwrap_or_default();
    shop.store_order(id, order);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Order generation

struct Person {
    first: &'static str,
    last: &'static str,
    address1: &'static str,
    city: &'static str,
    province: &'static str,
    province_code: &'static str,
    zip: &'static str,
    phone: &'static str,
    /// Sales tax in basis points.
    tax_bp: i64,
}

// A table constructor: one argument per column reads better than nine struct literals.
#[allow(clippy::too_many_arguments)]
const fn person(
    first: &'static str,
    last: &'static str,
    address1: &'static str,
    city: &'static str,
    province: &'static str,
    province_code: &'static str,
    zip: &'static str,
    phone: &'static str,
    tax_bp: i64,
) -> Person {
    Person { first, last, address1, city, province, province_code, zip, phone, tax_bp }
}

const BOB_NORMAN: Person = person("Bob", "Norman", "Chestnut Street 92", "Louisville", "Kentucky", "KY", "40202", "555-625-1199", 600);

const PEOPLE: [Person; 12] = [
    person("Maria", "Gonzalez", "1420 W Addison St", "Chicago", "Illinois", "IL", "60613", "+13125550142", 625),
    person("James", "Carter", "88 Peachtree St NE", "Atlanta", "Georgia", "GA", "30303", "+14045550188", 400),
    person("Aiko", "Tanaka", "2211 Pine St", "Seattle", "Washington", "WA", "98101", "+12065550117", 650),
    person("David", "Okafor", "500 Congress Ave", "Austin", "Texas", "TX", "78701", "+15125550163", 625),
    person("Emily", "Nguyen", "1750 Market St", "San Francisco", "California", "CA", "94102", "+14155550109", 725),
    person("Robert", "Miller", "45 Beacon St", "Boston", "Massachusetts", "MA", "02108", "+16175550135", 625),
    person("Sofia", "Rossi", "310 E 14th St", "New York", "New York", "NY", "10003", "+12125550176", 400),
    person("Daniel", "Kim", "1600 Broadway", "Denver", "Colorado", "CO", "80202", "+13035550121", 290),
    person("Grace", "Patel", "901 Brickell Ave", "Miami", "Florida", "FL", "33131", "+13055550154", 600),
    person("Michael", "Brown", "220 N 4th Ave", "Phoenix", "Arizona", "AZ", "85003", "+16025550190", 560),
    person("Olivia", "Johnson", "77 SW Morrison St", "Portland", "Oregon", "OR", "97204", "", 0),
    person("Ethan", "Walker", "1200 Nicollet Mall", "Minneapolis", "Minnesota", "MN", "55403", "+16125550148", 688),
];

struct LinePart {
    sku: String,
    title: String,
    price_minor: i64,
    quantity: i64,
    requires_shipping: bool,
}

impl LinePart {
    /// Title and price follow from the SKU code, so a SKU always sells at the same price.
    fn for_sku(sku: &str, quantity: i64, requires_shipping: bool) -> LinePart {
        let h = fnv1a(sku);
        let price_minor = if requires_shipping { (8 + (h % 72) as i64) * 100 + [0, 50, 95, 99][(h / 72 % 4) as usize] } else { 2500 };
        LinePart { sku: sku.to_string(), title: product_title(sku), price_minor, quantity, requires_shipping }
    }
}

struct OrderParts<'a> {
    number: i64,
    created_ms: i64,
    updated_ms: i64,
    person: &'a Person,
    lines: Vec<LinePart>,
    tags: &'a str,
    source: &'a str,
    /// (code, amount in minor units)
    discount: Option<(&'a str, i64)>,
    note_attributes: &'a [(&'a str, &'a str)],
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// "MUG-CER-11" → "Mug Ceramic 11".
fn product_title(sku: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("CER", "Ceramic"), ("TWL", "Towel"), ("BTH", "Bath"), ("HND", "Hand"), ("GRY", "Grey"), ("WHT", "White"),
        ("CND", "Candle"), ("LAV", "Lavender"), ("CED", "Cedar"), ("PLW", "Pillow Cover"), ("LIN", "Linen"),
        ("NAT", "Natural"), ("BLK", "Blanket"), ("WOL", "Wool"), ("CUT", "Cutting"), ("BRD", "Board"),
        ("KNF", "Knife"), ("CHF", "Chef"), ("SLP", "Sleeping"), ("TNT", "Tent"),
    ];
    sku.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| match WORDS.iter().find(|(k, _)| k.eq_ignore_ascii_case(w)) {
            Some((_, word)) => word.to_string(),
            None if w.bytes().any(|b| b.is_ascii_digit()) || w.len() <= 2 => w.to_ascii_uppercase(),
            None => {
                let lower = w.to_ascii_lowercase();
                lower[..1].to_ascii_uppercase() + &lower[1..]
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// 1250 → "12.50".
fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.unsigned_abs() / 100, minor.unsigned_abs() % 100)
}

fn money_set(minor: i64) -> Value {
    let m = json!({ "amount": money(minor), "currency_code": "USD" });
    json!({ "shop_money": m, "presentment_money": m })
}

/// Rounds half up: tax on `minor` at `bp` basis points.
fn tax(minor: i64, bp: i64) -> i64 {
    (minor * bp + 5_000) / 10_000
}

/// A whole order in the shape of Shopify's `GET /orders/{id}.json`.
fn build_order(ids: &mut Ids, p: &OrderParts<'_>) -> Value {
    let id = next(&mut ids.order);
    let customer_id = next(&mut ids.customer);
    let person = p.person;
    let tax_rate = person.tax_bp as f64 / 10_000.0;
    let state_tax = format!("{} State Tax", person.province);
    let mut items_minor = 0;
    let mut tax_minor = 0;
    let mut weight = 0;
    let mut line_items = Vec::new();
    for l in &p.lines {
        let line_id = next(&mut ids.line);
        let line_total = l.price_minor * l.quantity;
        let line_tax = tax(line_total, person.tax_bp);
        let h = fnv1a(&l.sku);
        let grams = if l.requires_shipping { 100 + (h % 20) as i64 * 50 } else { 0 };
        items_minor += line_total;
        tax_minor += line_tax;
        weight += grams * l.quantity;
        line_items.push(json!({
            "id": line_id,
            "admin_graphql_api_id": format!("gid://shopify/LineItem/{line_id}"),
            "variant_id": 44_000_000_000_000i64 + (h % 1_000_000_000) as i64,
            "product_id": 8_000_000_000_000i64 + (h / 7 % 1_000_000_000) as i64,
            "title": l.title,
            "variant_title": null,
            "name": l.title,
            "sku": l.sku,
            "vendor": "Acme Home Goods",
            "quantity": l.quantity,
            "current_quantity": l.quantity,
            "fulfillable_quantity": l.quantity,
            "fulfillment_service": "manual",
            "fulfillment_status": null,
            "requires_shipping": l.requires_shipping,
            "taxable": l.requires_shipping,
            "gift_card": !l.requires_shipping,
            "grams": grams,
            "price": money(l.price_minor),
            "price_set": money_set(l.price_minor),
            "total_discount": "0.00",
            "total_discount_set": money_set(0),
            "discount_allocations": [],
            "properties": [],
            "product_exists": true,
            "variant_inventory_management": "shopify",
            "tax_lines": [{ "title": state_tax, "price": money(line_tax), "price_set": money_set(line_tax), "rate": tax_rate }],
            "duties": [],
        }));
    }
    let (discount_codes, discount_minor) = match p.discount {
        Some((code, amount)) => (json!([{ "code": code, "amount": money(amount), "type": "fixed_amount" }]), amount.min(items_minor)),
        None => (json!([]), 0),
    };
    let subtotal = items_minor - discount_minor;
    let needs_shipping = p.lines.iter().any(|l| l.requires_shipping);
    let (shipping_title, shipping_minor) = match (needs_shipping, p.source) {
        (false, _) => ("", 0),
        (true, "wholesale") => ("Freight", 4500),
        (true, _) if subtotal >= 7500 => ("Free Shipping", 0),
        (true, _) => ("Standard Shipping", 895),
    };
    let shipping_lines = if needs_shipping {
        let line_id = next(&mut ids.line);
        json!([{
            "id": line_id, "title": shipping_title, "code": shipping_title, "source": "shopify",
            "price": money(shipping_minor), "price_set": money_set(shipping_minor),
            "discounted_price": money(shipping_minor), "discounted_price_set": money_set(shipping_minor),
            "carrier_identifier": null, "requested_fulfillment_service_id": null, "phone": null,
            "delivery_category": null, "discount_allocations": [], "tax_lines": [],
        }])
    } else {
        json!([])
    };
    let total = subtotal + shipping_minor + tax_minor;
    let email = format!("{}.{}@example.com", person.first.to_ascii_lowercase(), person.last.to_ascii_lowercase());
    let phone = (!person.phone.is_empty()).then_some(person.phone);
    let address = json!({
        "first_name": person.first, "last_name": person.last, "name": format!("{} {}", person.first, person.last),
        "company": null, "address1": person.address1, "address2": "", "city": person.city,
        "province": person.province, "province_code": person.province_code, "zip": person.zip,
        "country": "United States", "country_code": "US", "phone": phone,
        "latitude": null, "longitude": null,
    });
    let created = shop_time(p.created_ms);
    let note_attributes: Vec<Value> = p.note_attributes.iter().map(|(name, value)| json!({ "name": name, "value": value })).collect();
    let mut order = json!({
        "id": id,
        "admin_graphql_api_id": format!("gid://shopify/Order/{id}"),
        "name": format!("#{}", p.number),
        "number": p.number - 1000,
        "order_number": p.number,
        "email": email,
        "contact_email": email,
        "phone": phone,
        "created_at": created,
        "processed_at": created,
        "updated_at": shop_time(p.updated_ms),
        "closed_at": null,
        "cancelled_at": null,
        "cancel_reason": null,
        "confirmed": true,
        "test": false,
        "buyer_accepts_marketing": false,
        "currency": "USD",
        "presentment_currency": "USD",
        "financial_status": "paid",
        "fulfillment_status": null,
        "gateway": "shopify_payments",
        "payment_gateway_names": ["shopify_payments"],
        "processing_method": "direct",
        "source_name": p.source,
        "tags": p.tags,
        "note": null,
        "note_attributes": note_attributes,
    });
    // In two parts: one `json!` this large exceeds the macro recursion limit.
    let totals = json!({
        "taxes_included": false,
        "total_weight": weight,
        "total_line_items_price": money(items_minor),
        "total_line_items_price_set": money_set(items_minor),
        "subtotal_price": money(subtotal),
        "subtotal_price_set": money_set(subtotal),
        "total_discounts": money(discount_minor),
        "total_discounts_set": money_set(discount_minor),
        "total_tax": money(tax_minor),
        "total_tax_set": money_set(tax_minor),
        "total_shipping_price_set": money_set(shipping_minor),
        "total_price": money(total),
        "total_price_set": money_set(total),
        "total_price_usd": money(total),
        "discount_codes": discount_codes,
        "tax_lines": [{ "title": state_tax, "price": money(tax_minor), "price_set": money_set(tax_minor), "rate": tax_rate }],
        "line_items": line_items,
        "shipping_lines": shipping_lines,
        "shipping_address": address,
        "billing_address": address,
        "customer": {
            "id": customer_id, "email": email, "first_name": person.first, "last_name": person.last,
            "phone": phone, "tags": "", "state": "enabled", "currency": "USD", "verified_email": true,
            "accepts_marketing": false, "tax_exempt": false, "note": null,
            "created_at": created, "updated_at": created,
            "admin_graphql_api_id": format!("gid://shopify/Customer/{customer_id}"),
            "default_address": address,
        },
        "fulfillments": [],
        "refunds": [],
    });
    if let (Some(order), Value::Object(totals)) = (order.as_object_mut(), totals) {
        order.extend(totals);
    }
    order
}

// ---------------------------------------------------------------------------------------------
// Times

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    since.as_millis() as i64
}

/// Unix ms → "2024-05-01T07:00:00-05:00" (whole seconds, the shop's offset), as Shopify writes.
fn shop_time(ms: i64) -> String {
    let offset = ::time::UtcOffset::from_hms(SHOP_OFFSET_HOURS, 0, 0).unwrap_or(::time::UtcOffset::UTC);
    ::time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map(|t| t.to_offset(offset))
        .ok()
        .and_then(|t| t.format(&::time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

fn field_ms(order: &Value, field: &str) -> Option<i64> {
    order.get(field).and_then(Value::as_str).and_then(|t| parse_time_ms(t).ok())
}

/// Sets `updated_at` to now, and always later than before, so every change shows in a sync.
fn touch(order: &mut Value) {
    let before = field_ms(order, "updated_at").unwrap_or(0);
    let at = now_ms().max(before.div_euclid(1000) * 1000 + 1000);
    order["updated_at"] = json!(shop_time(at));
}

// ---------------------------------------------------------------------------------------------
// Errors

/// Shopify's `{"errors": …}` with a status.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    errors: Value,
}

impl ApiError {
    fn new(status: StatusCode, errors: impl Into<Value>) -> Self {
        ApiError { status, errors: errors.into() }
    }
    fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "Not Found")
    }
    fn unprocessable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, json!({ "base": [message.into()] }))
    }
    fn missing(param: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, json!({ param: "Required parameter missing or invalid" }))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "errors": self.errors }))).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

// ---------------------------------------------------------------------------------------------
// Router

/// The store's routes and a handle to its state.
pub fn router() -> (Router, ShopifySandboxHandle) {
    let handle = ShopifySandboxHandle::default();
    (router_for(handle.clone()), handle)
}

/// The routes over an existing handle.
pub fn router_for(handle: ShopifySandboxHandle) -> Router {
    const API: &str = "/{shop}/admin/api/{version}";
    Router::new()
        .route(&format!("{API}/shop.json"), get(shop_json))
        .route(&format!("{API}/orders.json"), get(list_orders))
        .route(&format!("{API}/orders/{{file}}"), get(get_order).put(put_order))
        .route(&format!("{API}/orders/{{id}}/fulfillments.json"), post(create_fulfillment))
        .route(&format!("{API}/orders/{{id}}/cancel.json"), post(cancel_order))
        .route_layer(from_fn_with_state(handle.clone(), gate))
        .fallback(|| async { ApiError::not_found() })
        .with_state(handle)
}

/// Binds `addr` (port 0 picks a free port) and serves the store in a background task.
pub async fn start_sandbox_store(addr: SocketAddr) -> anyhow::Result<(SocketAddr, ShopifySandboxHandle)> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("sandbox store cannot bind {addr}: {e}"))?;
    let bound = listener.local_addr()?;
    let (app, handle) = router();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("sandbox store stopped: {e}");
        }
    });
    Ok((bound, handle))
}

/// What the gate decided for one call.
enum Admission {
    Pass { call_limit: String },
    Fail(FailureMode),
    Refuse(Response),
}

impl Inner {
    /// Shop, injected failure, token, rate limit — in Shopify's order of concerns.
    fn admit(&mut self, domain: &str, token: &str) -> Admission {
        let (size, leak) = (self.bucket_size, self.leak_per_sec);
        let Some(shop) = self.shops.get_mut(domain) else {
            return Admission::Refuse(ApiError::not_found().into_response());
        };
        shop.stats.requests += 1;
        if let Some((mode, left)) = self.failures.get_mut(domain) {
            let mode = *mode;
            *left -= 1;
            if *left == 0 {
                self.failures.remove(domain);
            }
            shop.stats.failed += 1;
            return Admission::Fail(mode);
        }
        if token.is_empty() || token != shop.token {
            return Admission::Refuse(ApiError::new(StatusCode::UNAUTHORIZED, MSG_INVALID_TOKEN).into_response());
        }
        match shop.bucket.take(size, leak, Instant::now()) {
            Ok(level) => Admission::Pass { call_limit: format!("{}/{}", level.ceil() as u64, size) },
            Err(wait) => {
                shop.stats.throttled += 1;
                // Tenths of a second, rounded up, like Shopify's "2.0".
                let secs = ((wait.as_secs_f64() * 10.0).ceil() / 10.0).max(0.1);
                let mut resp = ApiError::new(StatusCode::TOO_MANY_REQUESTS, MSG_THROTTLED).into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("{secs:.1}")) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
                Admission::Refuse(resp)
            }
        }
    }
}

/// Adds latency, then lets the call through or answers for it (see [`Inner::admit`]).
async fn gate(State(h): State<ShopifySandboxHandle>, req: Request, next: Next) -> Response {
    let latency = h.lock().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let domain = norm(req.uri().path().split('/').nth(1).unwrap_or(""));
    let token = req.headers().get("x-shopify-access-token").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let admission = h.lock().admit(&domain, &token);
    match admission {
        Admission::Pass { call_limit } => {
            let mut resp = next.run(req).await;
            if let Ok(v) = HeaderValue::from_str(&call_limit) {
                resp.headers_mut().insert("x-shopify-shop-api-call-limit", v);
            }
            resp
        }
        Admission::Refuse(resp) => resp,
        Admission::Fail(FailureMode::ServerError) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
        Admission::Fail(FailureMode::Unauthorized) => ApiError::new(StatusCode::UNAUTHORIZED, MSG_INVALID_TOKEN).into_response(),
        Admission::Fail(FailureMode::Timeout) => {
            tokio::time::sleep(TIMEOUT_SLEEP).await;
            ApiError::new(StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout").into_response()
        }
    }
}

impl Inner {
    fn shop(&self, domain: &str) -> ApiResult<&Shop> {
        self.shops.get(&norm(domain)).ok_or_else(ApiError::not_found)
    }
    fn shop_mut(&mut self, domain: &str) -> ApiResult<&mut Shop> {
        self.shops.get_mut(&norm(domain)).ok_or_else(ApiError::not_found)
    }
}

async fn shop_json(State(h): State<ShopifySandboxHandle>, Path((domain, _version)): Path<(String, String)>) -> ApiResult<Json<Value>> {
    let inner = h.lock();
    let shop = inner.shop(&domain)?;
    Ok(Json(json!({ "shop": {
        "id": shop.id, "name": shop.name, "domain": shop.domain, "myshopify_domain": shop.domain,
        "email": format!("owner@{}", shop.domain), "currency": "USD", "country_code": "US",
        "iana_timezone": "America/New_York", "timezone": "(GMT-05:00) Eastern Time (US & Canada)",
        "plan_name": "basic", "created_at": "2023-06-01T09:00:00-05:00",
    }})))
}

/// `GET orders/{id}.json`: the file segment is "{id}.json".
fn order_id(file: &str) -> ApiResult<i64> {
    file.strip_suffix(".json").and_then(|id| id.parse().ok()).ok_or_else(ApiError::not_found)
}

async fn get_order(State(h): State<ShopifySandboxHandle>, Path((domain, _version, file)): Path<(String, String, String)>) -> ApiResult<Json<Value>> {
    let id = order_id(&file)?;
    let inner = h.lock();
    let order = inner.shop(&domain)?.orders.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({ "order": order })))
}

/// The JSON object under `key` of a request body, or 400 as Shopify answers.
fn body_object(body: &Bytes, key: &str) -> ApiResult<(Value, Value)> {
    let raw: Value = serde_json::from_slice(body).map_err(|_| ApiError::missing(key))?;
    let inner = raw.get(key).filter(|v| v.is_object()).cloned().ok_or_else(|| ApiError::missing(key))?;
    Ok((raw, inner))
}

async fn put_order(
    State(h): State<ShopifySandboxHandle>,
    Path((domain, _version, file)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let id = order_id(&file)?;
    let (_, changes) = body_object(&body, "order")?;
    if changes.get("id").is_some_and(|v| v.as_i64() != Some(id)) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, json!({ "id": "does not match the order in the URL" })));
    }
    let mut inner = h.lock();
    let shop = inner.shop_mut(&domain)?;
    let order = shop.orders.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if let Some(note) = changes.get("note") {
        if !(note.is_string() || note.is_null()) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, json!({ "note": "must be a string" })));
        }
        order["note"] = note.clone();
    }
    let order = shop.touched(id)?;
    Ok(Json(json!({ "order": order })))
}

/// Units of a line still to ship (orders from elsewhere may lack `fulfillable_quantity`).
fn remaining(line: &Value) -> i64 {
    line.get("fulfillable_quantity").and_then(Value::as_i64).or_else(|| line.get("quantity").and_then(Value::as_i64)).unwrap_or(0)
}

async fn create_fulfillment(
    State(h): State<ShopifySandboxHandle>,
    Path((domain, _version, id)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let (raw, request) = body_object(&body, "fulfillment")?;
    let mut guard = h.lock();
    let Inner { shops, ids, .. } = &mut *guard;
    let shop = shops.get_mut(&norm(&domain)).ok_or_else(ApiError::not_found)?;
    let order = shop.orders.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if order.get("cancelled_at").is_some_and(|v| !v.is_null()) {
        return Err(ApiError::unprocessable("Order is cancelled and cannot be fulfilled"));
    }
    let lines: Vec<Value> = order.get("line_items").and_then(Value::as_array).cloned().unwrap_or_default();
    let line_id = |l: &Value| l.get("id").and_then(Value::as_i64);

    // (line id, units) asked for; none listed = every unit still to ship, as Shopify does.
    let mut wanted: Vec<(i64, i64)> = Vec::new();
    match request.get("line_items").and_then(Value::as_array).filter(|a| !a.is_empty()) {
        None => wanted.extend(lines.iter().filter_map(|l| Some((line_id(l)?, remaining(l)))).filter(|(_, n)| *n > 0)),
        Some(items) => {
            for item in items {
                let Some(lid) = item.get("id").and_then(Value::as_i64) else {
                    return Err(ApiError::unprocessable("Every line item needs an id"));
                };
                let Some(line) = lines.iter().find(|l| line_id(l) == Some(lid)) else {
                    return Err(ApiError::unprocessable(format!("Line item {lid} does not belong to order {id}")));
                };
                let units = match item.get("quantity") {
                    None | Some(Value::Null) => remaining(line),
                    Some(q) => q.as_i64().filter(|q| *q > 0).ok_or_else(|| ApiError::unprocessable(format!("Quantity of line item {lid} must be greater than 0")))?,
                };
                match wanted.iter_mut().find(|(w, _)| *w == lid) {
                    Some((_, n)) => *n += units,
                    None => wanted.push((lid, units)),
                }
            }
        }
    }
    if wanted.is_empty() {
        return Err(ApiError::unprocessable("There are no line items left to fulfill"));
    }
    for (lid, units) in &wanted {
        let left = lines.iter().find(|l| line_id(l) == Some(*lid)).map(remaining).unwrap_or(0);
        if *units > left {
            return Err(ApiError::unprocessable(format!("Line item {lid}: cannot fulfill {units} units, only {left} left to fulfill")));
        }
    }

    // Apply: lines, order status, the fulfillment record.
    let mut fulfilled_lines = Vec::new();
    if let Some(items) = order.get_mut("line_items").and_then(Value::as_array_mut) {
        for line in items.iter_mut() {
            let Some((_, units)) = line_id(line).and_then(|lid| wanted.iter().find(|(w, _)| *w == lid)) else { continue };
            let left = remaining(line) - units;
            line["fulfillable_quantity"] = json!(left);
            line["fulfillment_status"] = json!(if left == 0 { "fulfilled" } else { "partial" });
            let mut copy = line.clone();
            copy["quantity"] = json!(units);
            fulfilled_lines.push(copy);
        }
        // Lines that need no shipping (gift cards) never hold up the order.
        let done = items.iter().filter(|l| l.get("requires_shipping").and_then(Value::as_bool).unwrap_or(true)).all(|l| remaining(l) == 0);
        order["fulfillment_status"] = json!(if done { "fulfilled" } else { "partial" });
    }
    let fulfillment_id = next(&mut ids.fulfillment);
    let now = shop_time(now_ms());
    let count = order.get("fulfillments").and_then(Value::as_array).map_or(0, Vec::len);
    let text = |k: &str| request.get(k).cloned().unwrap_or(Value::Null);
    let tracking_number = request
        .get("tracking_number")
        .cloned()
        .filter(|v| !v.is_null())
        .or_else(|| request.get("tracking_numbers").and_then(|v| v.get(0)).cloned())
        .unwrap_or(Value::Null);
    let tracking_numbers = match request.get("tracking_numbers") {
        Some(Value::Array(n)) => Value::Array(n.clone()),
        _ if tracking_number.is_null() => json!([]),
        _ => json!([tracking_number]),
    };
    let fulfillment = json!({
        "id": fulfillment_id,
        "admin_graphql_api_id": format!("gid://shopify/Fulfillment/{fulfillment_id}"),
        "order_id": id,
        "name": format!("{}.{}", order.get("name").and_then(Value::as_str).unwrap_or("#"), count + 1),
        "status": "success",
        "service": "manual",
        "shipment_status": null,
        "location_id": null,
        "created_at": now,
        "updated_at": now,
        "tracking_company": text("tracking_company"),
        "tracking_number": tracking_number,
        "tracking_numbers": tracking_numbers,
        "tracking_url": null,
        "tracking_urls": [],
        "receipt": {},
        "line_items": fulfilled_lines,
    });
    match order.get_mut("fulfillments").and_then(Value::as_array_mut) {
        Some(list) => list.push(fulfillment.clone()),
        None => order["fulfillments"] = json!([fulfillment.clone()]),
    }
    shop.touched(id)?;
    shop.fulfillments.push(raw);
    Ok((StatusCode::CREATED, Json(json!({ "fulfillment": fulfillment }))))
}

async fn cancel_order(
    State(h): State<ShopifySandboxHandle>,
    Path((domain, _version, id)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    // The body is optional: `{"reason": "customer", "email": true, "restock": true}`.
    let options: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "Request body is not JSON"))?
    };
    let reason = match options.get("reason").and_then(Value::as_str) {
        None => "other",
        Some(r @ ("customer" | "fraud" | "inventory" | "declined" | "other")) => r,
        Some(_) => return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, json!({ "reason": ["is not included in the list"] }))),
    };
    let mut inner = h.lock();
    let shop = inner.shop_mut(&domain)?;
    let order = shop.orders.get_mut(&id).ok_or_else(ApiError::not_found)?;
    if order.get("cancelled_at").is_some_and(|v| !v.is_null()) {
        return Err(ApiError::unprocessable("Order has already been cancelled"));
    }
    if order.get("fulfillment_status").is_some_and(|v| !v.is_null()) {
        return Err(ApiError::unprocessable("Cannot cancel an order that has been fulfilled"));
    }
    order["cancelled_at"] = json!(shop_time(now_ms()));
    order["cancel_reason"] = json!(reason);
    let order = shop.touched(id)?;
    Ok(Json(json!({ "order": order })))
}

// ---------------------------------------------------------------------------------------------
// Listing and cursor paging

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum SortField {
    UpdatedAt,
    CreatedAt,
    Id,
}

/// The filters and order of a listing; a cursor carries them from page to page.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ListQuery {
    status: String,
    name: Option<String>,
    ids: Option<Vec<i64>>,
    updated_min: Option<i64>,
    updated_max: Option<i64>,
    created_min: Option<i64>,
    created_max: Option<i64>,
    sort: SortField,
    desc: bool,
}

/// The opaque `page_info`: the query plus where the page starts (after / before a sort key).
#[derive(Debug, Serialize, Deserialize)]
struct PageInfo {
    q: ListQuery,
    after: Option<(i64, i64)>,
    before: Option<(i64, i64)>,
}

impl PageInfo {
    fn encode(&self) -> String {
        hex::encode(serde_json::to_vec(self).unwrap_or_default())
    }
    fn decode(text: &str) -> Option<PageInfo> {
        serde_json::from_slice(&hex::decode(text).ok()?).ok()
    }
}

fn bad_param(param: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, json!({ param: message }))
}

/// Parses the query string into (query with cursor position, limit).
fn parse_listing(params: &[(String, String)]) -> ApiResult<(PageInfo, usize)> {
    let get = |k: &str| params.iter().rev().find(|(name, _)| name == k).map(|(_, v)| v.trim());
    let limit = match get("limit") {
        None => DEFAULT_LIMIT,
        Some(v) => v.parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| bad_param("limit", "must be between 1 and 250"))?,
    };
    if let Some(page_info) = get("page_info") {
        if let Some((name, _)) = params.iter().find(|(k, _)| !matches!(k.as_str(), "limit" | "page_info" | "fields")) {
            return Err(bad_param("page_info", &format!("{name} cannot be passed when page_info is present; only limit and fields can")));
        }
        let info = PageInfo::decode(page_info).ok_or_else(|| bad_param("page_info", "Invalid value."))?;
        return Ok((info, limit));
    }
    let time = |k: &str| -> ApiResult<Option<i64>> {
        get(k).filter(|v| !v.is_empty()).map(|v| parse_time_ms(v).map_err(|e| bad_param(k, &e))).transpose()
    };
    let status = get("status").unwrap_or("open").to_ascii_lowercase();
    if !matches!(status.as_str(), "open" | "closed" | "cancelled" | "any") {
        return Err(bad_param("status", "must be one of open, closed, cancelled, any"));
    }
    let ids = match get("ids").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(v.split(',').map(|id| id.trim().parse::<i64>()).collect::<Result<Vec<_>, _>>().map_err(|_| bad_param("ids", "must be comma-separated ids"))?),
    };
    let order = get("order").unwrap_or("updated_at asc").to_ascii_lowercase();
    let mut words = order.split_whitespace();
    let sort = match words.next() {
        Some("updated_at") => SortField::UpdatedAt,
        Some("created_at") => SortField::CreatedAt,
        Some("id") => SortField::Id,
        _ => return Err(bad_param("order", "must be updated_at, created_at or id, then asc or desc")),
    };
    let desc = match words.next() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(_) => return Err(bad_param("order", "must be updated_at, created_at or id, then asc or desc")),
    };
    let q = ListQuery {
        status,
        name: get("name").filter(|v| !v.is_empty()).map(str::to_string),
        ids,
        updated_min: time("updated_at_min")?,
        updated_max: time("updated_at_max")?,
        created_min: time("created_at_min")?,
        created_max: time("created_at_max")?,
        sort,
        desc,
    };
    Ok((PageInfo { q, after: None, before: None }, limit))
}

/// What a listing filters and sorts on, read from an order when it is stored or changed.
#[derive(Clone, Copy)]
struct ListingFields {
    id: i64,
    updated_ms: Option<i64>,
    created_ms: Option<i64>,
}

impl ListingFields {
    fn of(order: &Value) -> Self {
        ListingFields {
            id: order.get("id").and_then(Value::as_i64).unwrap_or(0),
            updated_ms: field_ms(order, "updated_at"),
            created_ms: field_ms(order, "created_at"),
        }
    }
}

impl ListQuery {
    fn matches(&self, order: &Value, f: &ListingFields) -> bool {
        let is_set = |k: &str| order.get(k).is_some_and(|v| !v.is_null());
        let status_ok = match self.status.as_str() {
            "open" => !is_set("cancelled_at") && !is_set("closed_at"),
            "closed" => is_set("closed_at"),
            "cancelled" => is_set("cancelled_at"),
            _ => true,
        };
        let in_range = |at: Option<i64>, min: Option<i64>, max: Option<i64>| {
            (min.is_none() && max.is_none()) || at.is_some_and(|t| min.is_none_or(|m| t >= m) && max.is_none_or(|m| t <= m))
        };
        let name_ok = self.name.as_deref().is_none_or(|wanted| {
            let name = order.get("name").and_then(Value::as_str).unwrap_or("");
            name.trim_start_matches('#').eq_ignore_ascii_case(wanted.trim_start_matches('#'))
        });
        status_ok
            && name_ok
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&f.id))
            && in_range(f.updated_ms, self.updated_min, self.updated_max)
            && in_range(f.created_ms, self.created_min, self.created_max)
    }

    /// (sort value, id): ties on the sort field are broken by id.
    fn key(&self, f: &ListingFields) -> (i64, i64) {
        let value = match self.sort {
            SortField::UpdatedAt => f.updated_ms.unwrap_or(i64::MIN),
            SortField::CreatedAt => f.created_ms.unwrap_or(i64::MIN),
            SortField::Id => f.id,
        };
        (value, f.id)
    }

    fn cmp(&self, a: (i64, i64), b: (i64, i64)) -> std::cmp::Ordering {
        if self.desc {
            b.cmp(&a)
        } else {
            a.cmp(&b)
        }
    }
}

/// An order serialized with only the requested top-level fields (all of them without `fields`).
struct OnlyFields<'a> {
    order: &'a Value,
    fields: Option<&'a [&'a str]>,
}

impl Serialize for OnlyFields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match (self.fields, self.order.as_object()) {
            (Some(fields), Some(object)) => {
                let mut map = serializer.serialize_map(None)?;
                for (key, value) in object.iter().filter(|(key, _)| fields.contains(&key.as_str())) {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            _ => self.order.serialize(serializer),
        }
    }
}

async fn list_orders(
    State(h): State<ShopifySandboxHandle>,
    Path((domain, version)): Path<(String, String)>,
    Query(params): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (PageInfo { q, after, before }, limit) = parse_listing(&params)?;
    // `fields` picks top-level fields, like Shopify's; it is not part of the cursor.
    let fields: Option<Vec<&str>> =
        params.iter().rev().find(|(k, _)| k == "fields").map(|(_, v)| v.split(',').map(str::trim).filter(|f| !f.is_empty()).collect());
    let (page, prev_key, next_key) = {
        let inner = h.lock();
        let shop = inner.shop(&domain)?;
        let mut all: Vec<((i64, i64), &Value)> = shop
            .orders
            .iter()
            .filter_map(|(id, o)| {
                let fields = shop.listing.get(id).copied().unwrap_or_else(|| ListingFields::of(o));
                q.matches(o, &fields).then(|| (q.key(&fields), o))
            })
            .collect();
        all.sort_by(|a, b| q.cmp(a.0, b.0));
        let (start, end) = match (after, before) {
            (Some(k), _) => {
                let start = all.partition_point(|(key, _)| q.cmp(*key, k).is_le());
                (start, (start + limit).min(all.len()))
            }
            (None, Some(k)) => {
                let end = all.partition_point(|(key, _)| q.cmp(*key, k).is_lt());
                (end.saturating_sub(limit), end)
            }
            (None, None) => (0, limit.min(all.len())),
        };
        // Written straight from the stored orders: a 250-order page is 1.5 MB of JSON, and
        // copying it into a new `Value` first would make the stand-in slower than the client.
        #[derive(serde::Serialize)]
        struct Listing<'a> {
            orders: Vec<OnlyFields<'a>>,
        }
        let listing = Listing { orders: all[start..end].iter().map(|(_, order)| OnlyFields { order, fields: fields.as_deref() }).collect() };
        let page = serde_json::to_vec(&listing).map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "cannot encode"))?;
        let prev_key = (start > 0 && start < end).then(|| all[start].0);
        let next_key = (end < all.len() && start < end).then(|| all[end - 1].0);
        (page, prev_key, next_key)
    };
    // Absolute URLs on whatever host the client used to reach the sandbox, like Shopify's.
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1");
    let link = |info: PageInfo, rel: &str| {
        format!("<http://{host}/{domain}/admin/api/{version}/orders.json?limit={limit}&page_info={}>; rel=\"{rel}\"", info.encode())
    };
    let mut links = Vec::new();
    if let Some(k) = prev_key {
        links.push(link(PageInfo { q: q.clone(), after: None, before: Some(k) }, "previous"));
    }
    if let Some(k) = next_key {
        links.push(link(PageInfo { q: q.clone(), after: Some(k), before: None }, "next"));
    }
    let mut resp = ([(header::CONTENT_TYPE, "application/json")], page).into_response();
    if let Some(v) = (!links.is_empty()).then(|| links.join(", ")).and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LINK, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaky_bucket_refuses_past_the_burst_and_refills() {
        let t0 = Instant::now();
        let mut b = Bucket { level: 0.0, at: t0 };
        for _ in 0..4 {
            assert!(b.take(4, 2.0, t0).is_ok());
        }
        let wait = b.take(4, 2.0, t0).expect_err("fifth call in the same instant is throttled");
        assert_eq!(wait, Duration::from_millis(500), "one call leaks out in half a second at 2/s");
        assert!(b.take(4, 2.0, t0 + Duration::from_millis(500)).is_ok());
        assert!(b.take(4, 2.0, t0 + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn titles_money_and_times() {
        assert_eq!(product_title("MUG-CER-11"), "Mug Ceramic 11");
        assert_eq!(product_title("ACME-POSTER-A2"), "Acme Poster A2");
        assert_eq!(money(59894), "598.94");
        assert_eq!(money(-5), "-0.05");
        assert_eq!(shop_time(1_199_980_800_000), "2008-01-10T11:00:00-05:00");
    }

    #[test]
    fn generated_orders_are_consistent_and_import() {
        let h = ShopifySandboxHandle::default();
        h.add_shop("a.myshopify.com", "t", "A");
        let spec = OrderSpec { b2b_fraction: 0.5, ..OrderSpec::new(&["MUG-CER-11", "TWL-BTH-GRY", "KNF-CHF-8"]) };
        let ids = h.generate_orders("a.myshopify.com", 40, &spec).expect("generated");
        assert_eq!(ids.len(), 40);
        let orders = h.orders("a.myshopify.com");
        let mut b2b = 0;
        for (i, v) in orders.iter().enumerate() {
            let o = crate::shopify::import_order(v).expect("imports");
            assert_eq!(o.order_no, format!("#{}", 1001 + i));
            assert_eq!(o.total_minor, o.subtotal_minor + o.shipping_minor + o.tax_minor, "{}", o.order_no);
            let items: i64 = o.lines.iter().map(|l| l.price_minor * l.quantity).sum();
            assert_eq!(o.subtotal_minor, items - o.discount_minor);
            assert!(o.platform_updated_at_ms >= o.ordered_at_ms);
            assert!((1..=3).contains(&o.lines.len()));
            assert_eq!(o.recipient.country, "US");
            b2b += usize::from(o.kind == app::domain::OrderKind::B2B);
        }
        assert!((8..=32).contains(&b2b), "about half B2B, got {b2b}");
    }
}
