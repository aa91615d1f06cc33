//! Merchant webhooks, the parts the writers and the delivery worker share:
//! - `enqueue_order_event`: the outbox. Called inside the transaction of the change it reports,
//!   so an event exists exactly when its change committed; it fans out to one delivery per
//!   subscribed endpoint in that same transaction, so none is lost between the two.
//! - the signature (`Dropdock-Signature: t=…,v1=…`, HMAC-SHA256 of "t.body", Stripe style);
//! - which URLs may be called (`check_target_url`, `PublicOnlyResolver`): no private, loopback or
//!   link-local targets unless the deployment allows them, checked when an endpoint is saved and
//!   again when each request is sent (a name may resolve elsewhere by then).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use app::domain::*;
use app::ports::AppResult;

use crate::stores::orders::Tx;
use crate::stores::{db_error, RowExt};

/// The body every delivery of one event carries (stored once, sent byte for byte).
#[derive(Serialize)]
pub struct EventPayload<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub event_type: &'a str,
    pub created_at: i64,
    /// Per order: 1, 2, 3 … in the order the changes committed (0 for a test event).
    pub sequence: i64,
    pub order: Option<OrderPayload>,
    pub data: serde_json::Value,
}

/// The order as it is right after the change.
#[derive(Serialize)]
pub struct OrderPayload {
    pub id: OrderId,
    pub order_no: String,
    pub status: String,
    pub platform_order_no: String,
    pub tracking_no: String,
    pub warehouse: String,
    pub channel: String,
    pub carrier: String,
    /// Why the order is held ("" when it is not).
    pub exception: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Records `event` for `order_id` in the caller's transaction: takes the order's next sequence
/// number, stores the payload and queues one delivery per enabled endpoint of the order's
/// merchant subscribed to the type. When nobody listens nothing is written (no number taken).
pub async fn enqueue_order_event(tx: &mut Tx, order_id: OrderId, event: WebhookEventType, data: serde_json::Value, now_ms: i64) -> AppResult<()> {
    let endpoints = sqlx::query(
        "SELECT e.id, e.event_types FROM webhook_endpoints e JOIN orders o ON o.merchant_id = e.merchant_id
         WHERE o.id = $1 AND e.enabled = 1 ORDER BY e.id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    let mut subscribed = Vec::new();
    for row in &endpoints {
        if parse_event_types(&row.col::<String>("event_types")?).contains(&event) {
            subscribed.push(row.col::<WebhookEndpointId>("id")?);
        }
    }
    if subscribed.is_empty() {
        return Ok(());
    }
    // The row lock this takes (PostgreSQL) orders concurrent changes of one order, so numbers
    // follow commit order.
    let seq = sqlx::query("UPDATE orders SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq, merchant_id")
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_error)?;
    let sequence: i64 = seq.col("event_seq")?;
    let merchant: MerchantId = seq.col("merchant_id")?;
    let o = sqlx::query(
        "SELECT o.status, o.platform_order_no, o.tracking_no, o.exception, o.created_at, o.updated_at,
                w.code AS warehouse_code, c.code AS channel_code, c.carrier
         FROM orders o JOIN warehouses w ON w.id = o.warehouse_id JOIN channels c ON c.id = o.channel_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_error)?;
    let order = OrderPayload {
        id: order_id,
        order_no: order_no(order_id),
        status: o.col("status")?,
        platform_order_no: o.col("platform_order_no")?,
        tracking_no: o.col("tracking_no")?,
        warehouse: o.col("warehouse_code")?,
        channel: o.col("channel_code")?,
        carrier: o.col("carrier")?,
        exception: o.col("exception")?,
        created_at: o.col("created_at")?,
        updated_at: o.col("updated_at")?,
    };
    let event_id = uuid::Uuid::new_v4().to_string();
    let payload = EventPayload { id: &event_id, event_type: event.code(), created_at: now_ms, sequence, order: Some(order), data };
    insert_event(tx, &event_id, merchant, Some(order_id), event, sequence, &payload, now_ms).await?;
    for endpoint in subscribed {
        queue_delivery(tx, endpoint, &event_id, merchant, Some(order_id), sequence, now_ms).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_event(
    tx: &mut Tx,
    event_id: &str,
    merchant: MerchantId,
    order_id: Option<OrderId>,
    event: WebhookEventType,
    sequence: i64,
    payload: &EventPayload<'_>,
    now_ms: i64,
) -> AppResult<()> {
    let body = serde_json::to_string(payload).map_err(|e| {
        tracing::error!(error = %e, "webhook payload does not serialize");
        app::error::AppError::Internal
    })?;
    sqlx::query(
        "INSERT INTO webhook_events (id, merchant_id, order_id, event_type, sequence, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event_id)
    .bind(merchant)
    .bind(order_id)
    .bind(event.code())
    .bind(sequence)
    .bind(body)
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A delivery due now. `give_up_at` stays NULL: the worker reads it as the event's time plus
/// the configured retry window.
pub(crate) async fn queue_delivery(
    tx: &mut Tx,
    endpoint: WebhookEndpointId,
    event_id: &str,
    merchant: MerchantId,
    order_id: Option<OrderId>,
    sequence: i64,
    now_ms: i64,
) -> AppResult<WebhookDeliveryId> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, merchant_id, order_id, sequence, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6, $6) RETURNING id",
    )
    .bind(endpoint)
    .bind(event_id)
    .bind(merchant)
    .bind(order_id)
    .bind(sequence)
    .bind(now_ms)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_error)?
    .col("id")
}

// ------------------------------------------------------------------------------- signature

/// Hex HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// The signed text is "<unix seconds>.<raw body>"; the key is the whole secret string
/// (`whsec_…`) as UTF-8 bytes.
pub fn signed_text(timestamp_secs: i64, body: &[u8]) -> Vec<u8> {
    let mut text = format!("{timestamp_secs}.").into_bytes();
    text.extend_from_slice(body);
    text
}

/// The `Dropdock-Signature` header value: `t=<unix seconds>,v1=<hex HMAC>`.
pub fn signature_header(secret: &str, timestamp_secs: i64, body: &[u8]) -> String {
    format!("t={timestamp_secs},v1={}", hmac_sha256_hex(secret.as_bytes(), &signed_text(timestamp_secs, body)))
}

/// What a receiver does (the README shows the same steps): read `t` and every `v1`, refuse a
/// timestamp more than `tolerance_secs` from `now_secs` (replays), compare in constant time.
pub fn verify_signature(secret: &str, header: &str, body: &[u8], now_secs: i64, tolerance_secs: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => signatures.extend(hex::decode(sig).ok()),
            _ => {}
        }
    }
    let Some(t) = timestamp else { return false };
    if (now_secs - t).abs() > tolerance_secs {
        return false;
    }
    signatures.iter().any(|sig| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
        mac.update(&signed_text(t, body));
        mac.verify_slice(sig).is_ok()
    })
}

/// A new signing secret: `whsec_` and 32 random bytes in hex.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{WEBHOOK_SECRET_PREFIX}{}", hex::encode(bytes))
}

// ------------------------------------------------------------------------------- targets

pub const MSG_PRIVATE_TARGET: &str = "The URL must point to a public internet address (private, loopback and link-local addresses are not allowed)";

/// The domain's format rules, then the network rules: an address literal (in any spelling the
/// URL parser understands, e.g. `http://2130706433/`) or `localhost` must be public unless
/// `allow_private`. Names are checked again on every send by `PublicOnlyResolver`.
pub fn check_target_url(raw: &str, allow_private: bool) -> Result<url::Url, String> {
    validate_webhook_url(raw)?;
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("The URL is not valid ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("The URL must start with https:// or http://".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("The URL must not contain a user name or password".into());
    }
    if allow_private {
        return Ok(url);
    }
    let public = match url.host() {
        None => return Err("The URL must include a host name".into()),
        Some(url::Host::Ipv4(ip)) => is_public_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_public_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name != "localhost" && !name.ends_with(".localhost")
        }
    };
    if public { Ok(url) } else { Err(MSG_PRIVATE_TARGET.into()) }
}

/// Whether an address is on the public internet (not private, loopback, link-local, shared,
/// documentation, benchmarking, multicast or reserved; IPv4-mapped IPv6 judged as IPv4).
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10, carrier-grade NAT
    let this_network = a == 0; // 0.0.0.0/8
    let protocol_assignments = a == 192 && b == 0 && c == 0; // 192.0.0.0/24
    let benchmarking = a == 198 && (18..20).contains(&b); // 198.18.0.0/15
    let reserved = a >= 240; // 240.0.0.0/4 and broadcast
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || this_network
        || protocol_assignments
        || benchmarking
        || reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // ::/96 holds :: and ::1 and the old IPv4-compatible form.
    let ipv4_compatible = s[..6].iter().all(|&x| x == 0);
    let documentation = s[0] == 0x2001 && s[1] == 0x0db8;
    let site_local = (s[0] & 0xffc0) == 0xfec0;
    let nat64 = s[0] == 0x0064 && s[1] == 0xff9b; // 64:ff9b::/96 reaches IPv4 space
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || ipv4_compatible
        || documentation
        || site_local
        || nat64)
}

/// Resolves names like the system does, then keeps only public addresses: the connection can
/// only go where `is_public_ip` allows, even if the name's DNS answer changed since the
/// endpoint was saved (DNS rebinding).
pub struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(resolve_public(name.as_str().to_string()))
    }
}

async fn resolve_public(host: String) -> Result<reqwest::dns::Addrs, Box<dyn std::error::Error + Send + Sync>> {
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
    let public: Vec<SocketAddr> = resolved.into_iter().filter(|a| is_public_ip(a.ip())).collect();
    if public.is_empty() {
        return Err(format!("{host} does not resolve to a public address").into());
    }
    Ok(Box::new(public.into_iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_header_signs_timestamp_dot_body() {
        let body = br#"{"id":"e1","type":"ping"}"#;
        let header = signature_header("whsec_test", 1_700_000_000, body);
        let expected = hmac_sha256_hex(b"whsec_test", br#"1700000000.{"id":"e1","type":"ping"}"#);
        assert_eq!(header, format!("t=1700000000,v1={expected}"));
    }

    #[test]
    fn verification_accepts_the_right_secret_only_and_fresh_timestamps() {
        let body = br#"{"sequence":1}"#;
        let header = signature_header("whsec_right", 1_000, body);
        assert!(verify_signature("whsec_right", &header, body, 1_100, 300));
        assert!(!verify_signature("whsec_wrong", &header, body, 1_100, 300), "wrong secret");
        assert!(!verify_signature("whsec_right", &header, br#"{"sequence":2}"#, 1_100, 300), "altered body");
        assert!(!verify_signature("whsec_right", &header, body, 1_400, 300), "too old: a replay");
        assert!(!verify_signature("whsec_right", "v1=00", body, 1_000, 300), "no timestamp");
        assert!(!verify_signature("whsec_right", "garbage", body, 1_000, 300));
        // Several v1 values (a receiver during secret rotation): any one may match.
        let rotated = format!("{header},v1={}", "ab".repeat(32));
        assert!(verify_signature("whsec_right", &rotated, body, 1_000, 300));
    }

    #[test]
    fn secrets_are_prefixed_random_and_long() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert!(a.starts_with("whsec_") && a.len() == 6 + 64, "{a}");
    }

    #[test]
    fn public_addresses_only() {
        for private in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "255.255.255.255",
            "224.0.0.1", "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd12::1", "::ffff:127.0.0.1",
            "::ffff:10.0.0.1", "64:ff9b::a00:1", "2001:db8::1",
        ] {
            let ip: IpAddr = private.parse().expect("address");
            assert!(!is_public_ip(ip), "{private} must not count as public");
        }
        for public in ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            let ip: IpAddr = public.parse().expect("address");
            assert!(is_public_ip(ip), "{public} is public");
        }
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_point_inside() {
        use reqwest::dns::Resolve;
        let name: reqwest::dns::Name = "localhost".parse().expect("a name");
        let err = PublicOnlyResolver.resolve(name).await.err().expect("localhost is loopback");
        assert_eq!(err.to_string(), "localhost does not resolve to a public address");
    }

    #[test]
    fn target_urls_follow_the_format_and_network_rules() {
        assert!(check_target_url("https://hooks.example.com/x", false).is_ok());
        assert!(check_target_url("http://8.8.8.8:8080/x", false).is_ok());
        for private in [
            "http://127.0.0.1:9000/hook", "http://localhost/x", "http://api.localhost./x", "http://[::1]/x", "http://2130706433/",
            "http://0x7f.0.0.1/", "http://169.254.169.254/latest/meta-data", "http://[::ffff:192.168.0.1]/",
        ] {
            assert_eq!(check_target_url(private, false).err().as_deref(), Some(MSG_PRIVATE_TARGET), "{private}");
            assert!(check_target_url(private, true).is_ok(), "{private} allowed when private targets are");
        }
        assert_eq!(check_target_url("ftp://example.com/", true).err().as_deref(), Some("The URL must start with https:// or http://"));
        assert!(check_target_url("http://exa%mple.com/", true).is_err(), "not a valid host");
    }
}
