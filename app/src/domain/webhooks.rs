//! Merchant webhooks: which order events exist, what a valid endpoint is, and when a failed
//! delivery is tried again. Shared by the settings page (form checks, labels, the retry hint)
//! and the server (the same checks before any write, the worker's schedule).

use serde::{Deserialize, Serialize};

use super::{OrderAction, OrderId, ValidationErrors};

pub type WebhookEndpointId = i64;
pub type WebhookDeliveryId = i64;

/// Longest endpoint URL accepted.
pub const MAX_WEBHOOK_URL_CHARS: usize = 2000;
pub const MAX_WEBHOOK_DESCRIPTION_CHARS: usize = 200;
/// Endpoints one merchant may register.
pub const MAX_WEBHOOK_ENDPOINTS: usize = 10;
/// How much of a receiver's answer is kept for the delivery log.
pub const RESPONSE_SNIPPET_BYTES: usize = 500;
/// Every signing secret starts with this (the rest is random).
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

pub const FIELD_WEBHOOK_URL: &str = "url";
pub const FIELD_WEBHOOK_DESCRIPTION: &str = "description";
pub const FIELD_WEBHOOK_EVENTS: &str = "event_types";

/// What happened to an order, as merchants subscribe to it. `Ping` is the test event sent by
/// 【Send test】; nobody subscribes to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WebhookEventType {
    OrderCreated,
    OrderSubmitted,
    OrderLabelReady,
    OrderLabelFailed,
    OrderShipped,
    OrderIntercepted,
    /// The order needs the merchant: held by a short pick, refused for stock at submit, or its
    /// carrier label failed.
    OrderException,
    Ping,
}

impl WebhookEventType {
    /// The types an endpoint can subscribe to, in the order the page lists them.
    pub const SUBSCRIBABLE: [WebhookEventType; 7] = [
        Self::OrderCreated,
        Self::OrderSubmitted,
        Self::OrderLabelReady,
        Self::OrderLabelFailed,
        Self::OrderShipped,
        Self::OrderIntercepted,
        Self::OrderException,
    ];

    /// The `type` of the payload and the `Dropdock-Event` header.
    pub fn code(self) -> &'static str {
        match self {
            Self::OrderCreated => "order.created",
            Self::OrderSubmitted => "order.submitted",
            Self::OrderLabelReady => "order.label_ready",
            Self::OrderLabelFailed => "order.label_failed",
            Self::OrderShipped => "order.shipped",
            Self::OrderIntercepted => "order.intercepted",
            Self::OrderException => "order.exception",
            Self::Ping => "ping",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::SUBSCRIBABLE.into_iter().chain([Self::Ping]).find(|t| t.code() == code)
    }

    /// What the page says about it.
    pub fn description(self) -> &'static str {
        match self {
            Self::OrderCreated => "A dropship order was created (Draft)",
            Self::OrderSubmitted => "An order was submitted to the warehouse",
            Self::OrderLabelReady => "The carrier label was bought; the tracking number is known",
            Self::OrderLabelFailed => "The carrier refused the label (or could not be reached)",
            Self::OrderShipped => "The warehouse handed the parcel to the carrier",
            Self::OrderIntercepted => "An order was intercepted and is a Draft again",
            Self::OrderException => "An order needs you: short pick, out of stock or label failure",
            Self::Ping => "Test event",
        }
    }

    /// The webhook an order history action raises, if any. Exceptions and labels are raised
    /// where they happen (they carry a message), not from the history.
    pub fn for_order_action(action: OrderAction) -> Option<Self> {
        match action {
            OrderAction::Create => Some(Self::OrderCreated),
            OrderAction::Submit => Some(Self::OrderSubmitted),
            OrderAction::Intercept => Some(Self::OrderIntercepted),
            OrderAction::Ship => Some(Self::OrderShipped),
            OrderAction::Edit | OrderAction::Wave | OrderAction::Pick | OrderAction::Pack | OrderAction::ReportShort => None,
        }
    }
}

/// Stored as a comma list of codes ("order.created,order.shipped"); unknown codes are skipped.
pub fn parse_event_types(list: &str) -> Vec<WebhookEventType> {
    list.split(',').filter_map(|c| WebhookEventType::from_code(c.trim())).collect()
}

pub fn join_event_types(types: &[WebhookEventType]) -> String {
    types.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

/// Why an order event of kind `OrderException` was raised (the payload's `data.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionKind {
    ShortPick,
    OutOfStock,
    LabelFailed,
}

impl ExceptionKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::ShortPick => "short_pick",
            Self::OutOfStock => "out_of_stock",
            Self::LabelFailed => "label_failed",
        }
    }
}

/// The format rules of an endpoint URL: http(s), a host, no credentials, at most
/// `MAX_WEBHOOK_URL_CHARS`. The server adds the network rules (no private addresses) on top.
pub fn validate_webhook_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("Please enter the endpoint URL".into());
    }
    if url.chars().count() > MAX_WEBHOOK_URL_CHARS {
        return Err(format!("The URL must be {MAX_WEBHOOK_URL_CHARS} characters or fewer"));
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) else {
        return Err("The URL must start with https:// or http://".into());
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The URL must not contain spaces".into());
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("The URL must not contain a user name or password".into());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    if host.is_empty() {
        return Err("The URL must include a host name".into());
    }
    Ok(())
}

/// An endpoint as the merchant registers it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpointInput {
    pub url: String,
    pub description: String,
    pub event_types: Vec<WebhookEventType>,
}

impl WebhookEndpointInput {
    /// Trimmed, checked, event types de-duplicated in page order.
    pub fn validated(&self) -> Result<WebhookEndpointInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let url = self.url.trim().to_string();
        if let Err(m) = validate_webhook_url(&url) {
            errors.add(FIELD_WEBHOOK_URL, m);
        }
        let description = checked_description(&self.description, &mut errors);
        let event_types = checked_event_types(&self.event_types, &mut errors);
        if errors.is_empty() {
            Ok(WebhookEndpointInput { url, description, event_types })
        } else {
            Err(errors)
        }
    }
}

/// A change to an endpoint: what is `Some` is replaced (the URL stays; add a new endpoint to
/// send elsewhere, so a secret never starts signing for a different receiver).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookEndpointPatch {
    pub description: Option<String>,
    pub event_types: Option<Vec<WebhookEventType>>,
    pub enabled: Option<bool>,
}

impl WebhookEndpointPatch {
    pub fn validated(&self) -> Result<WebhookEndpointPatch, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let description = self.description.as_deref().map(|d| checked_description(d, &mut errors));
        let event_types = self.event_types.as_deref().map(|t| checked_event_types(t, &mut errors));
        if errors.is_empty() {
            Ok(WebhookEndpointPatch { description, event_types, enabled: self.enabled })
        } else {
            Err(errors)
        }
    }
}

fn checked_description(description: &str, errors: &mut ValidationErrors) -> String {
    let description = description.trim().to_string();
    if description.chars().count() > MAX_WEBHOOK_DESCRIPTION_CHARS {
        errors.add(FIELD_WEBHOOK_DESCRIPTION, format!("The description must be {MAX_WEBHOOK_DESCRIPTION_CHARS} characters or fewer"));
    }
    description
}

fn checked_event_types(types: &[WebhookEventType], errors: &mut ValidationErrors) -> Vec<WebhookEventType> {
    if types.contains(&WebhookEventType::Ping) {
        errors.add(FIELD_WEBHOOK_EVENTS, "The test event cannot be subscribed to; use Send test");
    }
    let chosen: Vec<WebhookEventType> = WebhookEventType::SUBSCRIBABLE.into_iter().filter(|t| types.contains(t)).collect();
    if chosen.is_empty() && !types.contains(&WebhookEventType::Ping) {
        errors.add(FIELD_WEBHOOK_EVENTS, "Choose at least one event");
    }
    chosen
}

/// Where a delivery stands. `Queued` with attempts > 0 is a retry waiting for its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeliveryStatus {
    Queued,
    Delivering,
    Succeeded,
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] = [Self::Queued, Self::Delivering, Self::Succeeded, Self::Failed];

    pub fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Delivering => "delivering",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Delivering => "Sending",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
        }
    }

    /// Still going: the page keeps polling while a delivery is in one of these.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Queued | Self::Delivering)
    }
}

/// A registered endpoint (the secret is never shown again after creation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: WebhookEndpointId,
    pub url: String,
    pub description: String,
    pub event_types: Vec<WebhookEventType>,
    pub enabled: bool,
    pub created_at_ms: i64,
    /// The newest delivery to it: status and the receiver's HTTP status, if any.
    pub last_delivery: Option<(DeliveryStatus, Option<i64>)>,
}

/// What creating an endpoint answers: the endpoint, and its signing secret this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedWebhookEndpoint {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

/// One POST to the receiver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAttempt {
    pub attempt: i64,
    pub at_ms: i64,
    pub duration_ms: i64,
    /// None when no answer came (timeout, refused connection, blocked address).
    pub status_code: Option<i64>,
    pub error: String,
    pub response_snippet: String,
}

/// One event on its way to one endpoint, with every attempt so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookEndpointId,
    pub endpoint_url: String,
    pub event_id: String,
    pub event_type: WebhookEventType,
    pub order_id: Option<OrderId>,
    pub sequence: i64,
    pub status: DeliveryStatus,
    pub attempts: i64,
    /// When the next try is due (queued deliveries only).
    pub next_attempt_at_ms: Option<i64>,
    pub last_status_code: Option<i64>,
    pub last_error: String,
    pub response_snippet: String,
    /// The exact JSON body sent.
    pub request_body: String,
    pub created_at_ms: i64,
    pub delivered_at_ms: Option<i64>,
    pub attempt_log: Vec<WebhookAttempt>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliveryQuery {
    pub endpoint_id: Option<WebhookEndpointId>,
    pub status: Option<DeliveryStatus>,
    /// Keyset cursor: deliveries older than this id.
    pub before_id: Option<WebhookDeliveryId>,
    /// Page size; 0 means the default.
    pub limit: u32,
}

impl DeliveryQuery {
    pub const DEFAULT_LIMIT: u32 = 25;
    pub const MAX_LIMIT: u32 = 100;

    pub fn page_size(&self) -> u32 {
        match self.limit {
            0 => Self::DEFAULT_LIMIT,
            n => n.min(Self::MAX_LIMIT),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPage {
    pub deliveries: Vec<WebhookDelivery>,
    pub next_before_id: Option<WebhookDeliveryId>,
}

/// Finished deliveries (succeeded or failed) stay in the delivery log this long, then the
/// server's housekeeping removes them with their attempts.
pub const WEBHOOK_LOG_KEPT_DAYS: i64 = 30;

/// When failed deliveries are tried again: `base`, then doubling, never more than `cap` apart,
/// until `window` after the event; then the delivery is failed (a re-send can still try).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base_ms: i64,
    pub cap_ms: i64,
    pub window_ms: i64,
}

impl RetryPolicy {
    /// 30 s, 1 min, 2 min, 4 min … at most an hour apart, for 24 hours.
    pub const STANDARD: RetryPolicy = RetryPolicy { base_ms: 30_000, cap_ms: 3_600_000, window_ms: 24 * 3_600_000 };

    /// The wait after the `attempts`-th failed attempt (1 → base, 2 → 2·base, …, ≤ cap).
    pub fn delay_ms(&self, attempts: i64) -> i64 {
        let doublings = attempts.saturating_sub(1).clamp(0, 40) as u32;
        self.base_ms.max(1).saturating_mul(1_i64 << doublings).min(self.cap_ms.max(1))
    }

    /// When to try again after an attempt failed at `now_ms`, or None to give up. The last
    /// try lands on `give_up_at_ms` itself rather than beyond it.
    pub fn next_attempt_ms(&self, now_ms: i64, attempts: i64, give_up_at_ms: i64) -> Option<i64> {
        (now_ms < give_up_at_ms).then(|| now_ms.saturating_add(self.delay_ms(attempts)).min(give_up_at_ms))
    }
}

/// "30 s", "2 min", "1 h" — for the retry hint.
pub fn short_duration(ms: i64) -> String {
    match ms {
        ms if ms < 1_000 => format!("{ms} ms"),
        ms if ms < 60_000 => format!("{} s", ms / 1_000),
        ms if ms < 3_600_000 => format!("{} min", ms / 60_000),
        ms => format!("{} h", ms / 3_600_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_codes_round_trip_and_lists_skip_unknown_codes() {
        for t in WebhookEventType::SUBSCRIBABLE.into_iter().chain([WebhookEventType::Ping]) {
            assert_eq!(WebhookEventType::from_code(t.code()), Some(t));
        }
        let list = join_event_types(&[WebhookEventType::OrderCreated, WebhookEventType::OrderShipped]);
        assert_eq!(list, "order.created,order.shipped");
        assert_eq!(parse_event_types(&format!("{list}, order.nope ,")), vec![WebhookEventType::OrderCreated, WebhookEventType::OrderShipped]);
        assert_eq!(parse_event_types(""), vec![]);
    }

    #[test]
    fn only_lifecycle_actions_raise_events_from_the_history() {
        let raising: Vec<_> = OrderAction::ALL.into_iter().filter_map(WebhookEventType::for_order_action).collect();
        assert_eq!(
            raising,
            vec![WebhookEventType::OrderCreated, WebhookEventType::OrderSubmitted, WebhookEventType::OrderIntercepted, WebhookEventType::OrderShipped]
        );
    }

    #[test]
    fn urls_must_be_http_with_a_host_and_no_credentials() {
        assert_eq!(validate_webhook_url("https://hooks.example.com/dropdock"), Ok(()));
        assert_eq!(validate_webhook_url("  HTTP://example.com:8080?x=1  "), Ok(()));
        assert_eq!(validate_webhook_url("http://[2001:db8::1]:8080/hook"), Ok(()));
        assert_eq!(validate_webhook_url(""), Err("Please enter the endpoint URL".into()));
        assert_eq!(validate_webhook_url("ftp://example.com/x"), Err("The URL must start with https:// or http://".into()));
        assert_eq!(validate_webhook_url("example.com/hook"), Err("The URL must start with https:// or http://".into()));
        assert_eq!(validate_webhook_url("https:///path"), Err("The URL must include a host name".into()));
        assert_eq!(validate_webhook_url("https://:443/path"), Err("The URL must include a host name".into()));
        assert_eq!(validate_webhook_url("https://user:pw@example.com/"), Err("The URL must not contain a user name or password".into()));
        assert_eq!(validate_webhook_url("https://exa mple.com/"), Err("The URL must not contain spaces".into()));
        let long = format!("https://example.com/{}", "a".repeat(MAX_WEBHOOK_URL_CHARS));
        assert_eq!(validate_webhook_url(&long), Err("The URL must be 2000 characters or fewer".into()));
        let just_fits = format!("https://example.com/{}", "a".repeat(MAX_WEBHOOK_URL_CHARS - 20));
        assert_eq!(just_fits.chars().count(), MAX_WEBHOOK_URL_CHARS);
        assert_eq!(validate_webhook_url(&just_fits), Ok(()));
    }

    #[test]
    fn endpoint_input_is_trimmed_and_events_kept_in_page_order() {
        let input = WebhookEndpointInput {
            url: " https://example.com/hook ".into(),
            description: "  ERP  ".into(),
            event_types: vec![WebhookEventType::OrderShipped, WebhookEventType::OrderCreated, WebhookEventType::OrderShipped],
        };
        let valid = input.validated().expect("valid");
        assert_eq!(valid.url, "https://example.com/hook");
        assert_eq!(valid.description, "ERP");
        assert_eq!(valid.event_types, vec![WebhookEventType::OrderCreated, WebhookEventType::OrderShipped]);

        let bad = WebhookEndpointInput { url: "ftp://x".into(), description: "d".repeat(201), event_types: vec![] };
        let errors = bad.validated().expect_err("invalid");
        assert_eq!(errors.first(FIELD_WEBHOOK_URL), Some("The URL must start with https:// or http://"));
        assert_eq!(errors.first(FIELD_WEBHOOK_DESCRIPTION), Some("The description must be 200 characters or fewer"));
        assert_eq!(errors.first(FIELD_WEBHOOK_EVENTS), Some("Choose at least one event"));

        let ping = WebhookEndpointInput { url: "https://x.io".into(), event_types: vec![WebhookEventType::Ping], ..Default::default() };
        assert_eq!(ping.validated().expect_err("ping").first(FIELD_WEBHOOK_EVENTS), Some("The test event cannot be subscribed to; use Send test"));
    }

    #[test]
    fn patches_check_only_what_they_change() {
        let enable = WebhookEndpointPatch { enabled: Some(false), ..Default::default() };
        assert_eq!(enable.validated(), Ok(enable.clone()));
        let none = WebhookEndpointPatch { event_types: Some(vec![]), ..Default::default() };
        assert_eq!(none.validated().expect_err("no events").first(FIELD_WEBHOOK_EVENTS), Some("Choose at least one event"));
    }

    #[test]
    fn standard_backoff_doubles_from_30_seconds_up_to_an_hour() {
        let p = RetryPolicy::STANDARD;
        let delays: Vec<i64> = (1..=9).map(|n| p.delay_ms(n)).collect();
        assert_eq!(delays, vec![30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]);
        assert_eq!(p.delay_ms(0), 30_000, "before any attempt: the base");
        assert_eq!(p.delay_ms(10_000), 3_600_000, "no overflow however many attempts");
    }

    #[test]
    fn retries_stop_at_the_window_and_the_last_lands_on_it() {
        let p = RetryPolicy { base_ms: 100, cap_ms: 1_000, window_ms: 1_500 };
        let created = 10_000;
        let give_up = created + p.window_ms;
        // Failing instantly each time: 0, +100, +200, +400, +800 capped to the window's end.
        let mut now = created;
        let mut schedule = Vec::new();
        let mut attempts = 1;
        while let Some(next) = p.next_attempt_ms(now, attempts, give_up) {
            schedule.push(next - created);
            now = next;
            attempts += 1;
        }
        assert_eq!(schedule, vec![100, 300, 700, 1_500]);
        assert_eq!(p.next_attempt_ms(give_up, 9, give_up), None);
        // A re-send of a finished delivery gives up at once after one try.
        assert_eq!(p.next_attempt_ms(5_000, 1, 5_000), None);
    }

    #[test]
    fn the_standard_schedule_covers_a_day_with_about_thirty_tries() {
        let p = RetryPolicy::STANDARD;
        let mut now = 0;
        let mut attempts = 1;
        while let Some(next) = p.next_attempt_ms(now, attempts, p.window_ms) {
            now = next;
            attempts += 1;
        }
        assert_eq!(now, p.window_ms);
        assert_eq!(attempts, 31, "the first try and 30 retries");
    }

    #[test]
    fn durations_read_short() {
        assert_eq!(short_duration(200), "200 ms");
        assert_eq!(short_duration(30_000), "30 s");
        assert_eq!(short_duration(120_000), "2 min");
        assert_eq!(short_duration(86_400_000), "24 h");
    }

    #[test]
    fn open_statuses_keep_the_page_polling() {
        let open: Vec<_> = DeliveryStatus::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, vec![DeliveryStatus::Queued, DeliveryStatus::Delivering]);
        for s in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::from_code(s.code()), Some(s));
        }
    }
}
