//! Dropdock server: configuration, storage, HTTP surface. `main.rs` is a thin wrapper so the
//! integration tests can start the very same app in-process.

pub mod blobs;
pub mod carrier;
pub mod db;
pub mod documents;
pub mod exports;
pub mod housekeeping;
pub mod label_worker;
pub mod pdf;
pub mod picklist;
pub mod platform_worker;
mod polling;
pub mod rest;
pub mod secrets;
pub mod seed;
pub mod shopify;
pub mod sandbox;
pub mod stores;
pub mod tabular;
pub mod web;
pub mod webhook_worker;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use app::ports::{Clock, Services};
use leptos::config::LeptosOptions;

use crate::db::Db;
use crate::stores::*;
use crate::web::AppState;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub seed_demo: bool,
    pub addr: SocketAddr,
    /// Where cargo-leptos put the compiled site (WASM, JS, CSS, assets).
    pub site_root: String,
    /// Carrier API base URL; None starts the sandbox carrier on a loopback port (demo, tests).
    pub carrier_url: Option<String>,
    pub carrier_api_key: String,
    /// Delay the sandbox carrier adds to every call (demo realism, browser tests of "pending").
    pub sandbox_latency_ms: u64,
    /// `s3://bucket/prefix` to keep label documents in S3 (AWS_* variables for credentials,
    /// region and endpoint); None keeps them under `data_dir/labels`.
    pub label_store_url: Option<String>,
    /// Label workers in this process (0: another process does the work).
    pub label_workers: usize,
    /// How often an idle label worker looks for due jobs.
    pub label_poll: std::time::Duration,
    /// How long a claimed label job stays a worker's before another may take it over (crash recovery).
    pub label_lock: std::time::Duration,
    /// Platform workers (store sync, writeback) in this process.
    pub platform_workers: usize,
    pub platform_poll: std::time::Duration,
    /// How often old sign-in attempts, sessions, idempotency keys and webhook log rows are removed.
    pub housekeeping_every: std::time::Duration,
    /// How long a claimed sync task / writeback stays a worker's (renewed per page).
    pub platform_lock: std::time::Duration,
    pub auto_sync_interval_ms: i64,
    /// First retry delay of a failed shipment writeback (doubles per attempt).
    pub writeback_backoff: std::time::Duration,
    /// Where the Shopify connector goes: None starts the sandbox store on a loopback port (demo,
    /// tests); [`REAL_SHOPIFY`] means each shop's own `https://{shop_domain}`; anything else is
    /// a sandbox-style base URL serving `{url}/{shop_domain}/admin/api/…`.
    pub shopify_url: Option<String>,
    /// The site's public origin (`https://…`): cross-site write checks compare against it, and
    /// an https origin makes session cookies `Secure`. None: the request's own Host.
    pub public_origin: Option<String>,
    /// Header a trusted reverse proxy sets with the client address (e.g. `x-forwarded-for`).
    pub client_ip_header: Option<String>,
    /// Webhook delivery workers in this process (0: another process sends them).
    pub webhook_workers: usize,
    pub webhook_poll: std::time::Duration,
    /// How long a claimed delivery stays a worker's; longer than `webhook_timeout`.
    pub webhook_lock: std::time::Duration,
    /// Total time one POST to a merchant's endpoint may take.
    pub webhook_timeout: std::time::Duration,
    /// Backoff of failed deliveries and the window after the event when they are given up.
    pub webhook_retry: app::domain::RetryPolicy,
    /// Endpoints may point at private, loopback and link-local addresses (tests, local demos;
    /// never on a shared server: it would let merchants probe the internal network).
    pub webhook_allow_private: bool,
}

/// `DROPDOCK_SHOPIFY_URL` value that points the connector at real Shopify.
pub const REAL_SHOPIFY: &str = "shopify";

impl Config {
    /// Reads the environment; every setting has a default that works for the demo.
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |k: &str, default: &str| std::env::var(k).unwrap_or_else(|_| default.to_string());
        let addr = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
        Ok(Config {
            database_url: var("DATABASE_URL", "sqlite://dropdock.db"),
            data_dir: PathBuf::from(var("DROPDOCK_DATA_DIR", "data")),
            seed_demo: var("DROPDOCK_SEED_DEMO", "1") != "0",
            addr: addr.parse().map_err(|e| anyhow::anyhow!("LEPTOS_SITE_ADDR {addr:?} is not host:port: {e}"))?,
            site_root: var("LEPTOS_SITE_ROOT", "target/site"),
            carrier_url: std::env::var("DROPDOCK_CARRIER_URL").ok().filter(|u| !u.is_empty()),
            carrier_api_key: var("DROPDOCK_CARRIER_API_KEY", "sandbox"),
            sandbox_latency_ms: var("DROPDOCK_SANDBOX_LATENCY_MS", "0").parse().map_err(|e| anyhow::anyhow!("DROPDOCK_SANDBOX_LATENCY_MS: {e}"))?,
            label_store_url: std::env::var("DROPDOCK_LABEL_STORE_URL").ok().filter(|u| !u.is_empty()),
            label_workers: var("DROPDOCK_LABEL_WORKERS", "1").parse().map_err(|e| anyhow::anyhow!("DROPDOCK_LABEL_WORKERS: {e}"))?,
            label_poll: std::time::Duration::from_millis(500),
            label_lock: std::time::Duration::from_millis(
                var("DROPDOCK_LABEL_LOCK_MS", "120000").parse().map_err(|e| anyhow::anyhow!("DROPDOCK_LABEL_LOCK_MS: {e}"))?,
            ),
            platform_workers: var("DROPDOCK_PLATFORM_WORKERS", "1").parse().map_err(|e| anyhow::anyhow!("DROPDOCK_PLATFORM_WORKERS: {e}"))?,
            platform_poll: std::time::Duration::from_millis(500),
            housekeeping_every: std::time::Duration::from_secs(3600),
            platform_lock: std::time::Duration::from_millis(
                var("DROPDOCK_PLATFORM_LOCK_MS", "60000").parse().map_err(|e| anyhow::anyhow!("DROPDOCK_PLATFORM_LOCK_MS: {e}"))?,
            ),
            auto_sync_interval_ms: app::domain::AUTO_SYNC_INTERVAL_MS,
            writeback_backoff: std::time::Duration::from_secs(30),
            shopify_url: std::env::var("DROPDOCK_SHOPIFY_URL").ok().filter(|u| !u.trim().is_empty()),
            public_origin: std::env::var("DROPDOCK_PUBLIC_URL").ok().map(|u| u.trim().trim_end_matches('/').to_string()).filter(|u| !u.is_empty()),
            client_ip_header: std::env::var("DROPDOCK_CLIENT_IP_HEADER").ok().map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()),
            webhook_workers: var("DROPDOCK_WEBHOOK_WORKERS", "1").parse().map_err(|e| anyhow::anyhow!("DROPDOCK_WEBHOOK_WORKERS: {e}"))?,
            webhook_poll: std::time::Duration::from_millis(500),
            webhook_lock: std::time::Duration::from_secs(60),
            webhook_timeout: std::time::Duration::from_secs(10),
            webhook_retry: app::domain::RetryPolicy::STANDARD,
            webhook_allow_private: var("DROPDOCK_WEBHOOK_ALLOW_PRIVATE", "0") == "1",
        })
    }

    /// Defaults for an in-process app (tests, benchmarks): sandbox carrier, one fast worker.
    pub fn local(database_url: String, data_dir: PathBuf) -> Config {
        Config {
            database_url,
            site_root: data_dir.join("site").display().to_string(),
            data_dir,
            seed_demo: true,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            carrier_url: None,
            carrier_api_key: "sandbox".into(),
            sandbox_latency_ms: 0,
            label_store_url: None,
            label_workers: 1,
            label_poll: std::time::Duration::from_millis(100),
            label_lock: std::time::Duration::from_secs(120),
            platform_workers: 1,
            platform_poll: std::time::Duration::from_millis(100),
            housekeeping_every: std::time::Duration::from_secs(3600),
            platform_lock: std::time::Duration::from_secs(60),
            auto_sync_interval_ms: app::domain::AUTO_SYNC_INTERVAL_MS,
            writeback_backoff: std::time::Duration::from_millis(200),
            shopify_url: None,
            public_origin: None,
            client_ip_header: None,
            webhook_workers: 1,
            webhook_poll: std::time::Duration::from_millis(50),
            webhook_lock: std::time::Duration::from_secs(60),
            webhook_timeout: std::time::Duration::from_secs(10),
            webhook_retry: app::domain::RetryPolicy { base_ms: 200, ..app::domain::RetryPolicy::STANDARD },
            // Tests run their receivers on 127.0.0.1.
            webhook_allow_private: true,
        }
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("dropdock")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        since.as_millis() as i64
    }
}

/// A running app: its HTTP router plus what tests and tools may want to reach.
pub struct App {
    pub router: axum::Router,
    pub db: Db,
    /// Set when the app started its own sandbox carrier.
    pub sandbox: Option<sandbox::carrier::SandboxHandle>,
    /// Set when the app started its own sandbox Shopify store.
    pub shopify: Option<sandbox::shopify::ShopifySandboxHandle>,
    /// The Shopify base URL in use (`https://{shop_domain}` for real Shopify).
    pub shopify_url: String,
    /// Seals store tokens at rest.
    pub secrets: secrets::SecretBox,
}

/// Connects, migrates, seeds (if asked), starts the carrier sandbox and the label, platform and
/// webhook workers, and wires the ports together.
pub async fn build(config: &Config) -> anyhow::Result<App> {
    let db = Db::connect(&config.database_url).await?;
    let clock = Arc::new(SystemClock);
    let secrets = secrets::SecretBox::load_or_create(&config.data_dir)?;
    if config.seed_demo && seed::seed_demo(&db, &secrets, clock.now_ms()).await? {
        tracing::info!("seeded demo data (users: {}, {}; password {})", seed::MERCHANT_EMAIL, seed::WAREHOUSE_EMAIL, seed::DEMO_PASSWORD);
    }
    let (carrier_url, sandbox) = match &config.carrier_url {
        Some(url) => (url.clone(), None),
        None => {
            let sandbox_config = sandbox::carrier::SandboxConfig { latency_ms: config.sandbox_latency_ms, ..Default::default() };
            let (addr, handle) =
                sandbox::carrier::start_sandbox_carrier_with(SocketAddr::from(([127, 0, 0, 1], 0)), sandbox_config).await?;
            tracing::info!("sandbox carrier on http://{addr}");
            (format!("http://{addr}"), Some(handle))
        }
    };
    let carrier: Arc<dyn app::ports::Carrier> =
        Arc::new(carrier::HttpCarrier::new(carrier::HttpCarrierConfig::new(carrier_url, config.carrier_api_key.clone()))?);
    let blobs = blobs::Blobs::from_config(config.label_store_url.as_deref(), &config.data_dir.join("labels"))?;
    for _ in 0..config.label_workers {
        let worker = label_worker::LabelWorker {
            db: db.clone(),
            carrier: carrier.clone(),
            clock: clock.clone(),
            blobs: blobs.clone(),
            lock: config.label_lock,
        };
        worker.spawn(config.label_poll);
    }
    let (shopify_base, shopify) = start_shopify(config, &db).await?;
    let shopify_url = shopify_base.clone().unwrap_or_else(|| "https://{shop_domain}".to_string());
    let platform: Arc<dyn app::ports::Platform> =
        Arc::new(shopify::HttpShopify::new(shopify::ShopifyConfig { base_url: shopify_base, ..Default::default() })?);
    for _ in 0..config.platform_workers {
        let worker = platform_worker::PlatformWorker {
            db: db.clone(),
            platform: platform.clone(),
            secrets: secrets.clone(),
            clock: clock.clone(),
            lock: config.platform_lock,
            writeback_backoff: config.writeback_backoff,
            auto_sync_interval_ms: config.auto_sync_interval_ms,
        };
        worker.spawn(config.platform_poll);
    }
    let webhook_http = webhook_worker::http_client(config.webhook_timeout, config.webhook_allow_private)?;
    for _ in 0..config.webhook_workers {
        let worker = webhook_worker::WebhookWorker {
            db: db.clone(),
            secrets: secrets.clone(),
            clock: clock.clone(),
            http: webhook_http.clone(),
            retry: config.webhook_retry,
            lock: config.webhook_lock,
            allow_private: config.webhook_allow_private,
        };
        worker.spawn(config.webhook_poll);
    }
    housekeeping::spawn(db.clone(), clock.clone(), config.housekeeping_every);
    let labels = Arc::new(SqlLabelStore::new(db.clone(), blobs));
    let services = Services {
        orders: Arc::new(SqlOrderStore::new(db.clone())),
        catalog: Arc::new(SqlCatalogStore::new(db.clone())),
        accounts: Arc::new(SqlAccountStore::new(db.clone())),
        api_tokens: Arc::new(SqlApiTokenStore::new(db.clone())),
        admin: Arc::new(SqlAdminStore::new(db.clone())),
        products: Arc::new(stores::products::SqlProductStore::new(db.clone())),
        labels: labels.clone(),
        floor: Arc::new(stores::SqlFloorStore::new(db.clone())),
        platform_orders: Arc::new(stores::platform::SqlPlatformStore::new(db.clone(), secrets.clone())),
        platform,
        webhooks: Arc::new(stores::webhooks::SqlWebhookStore::new(db.clone(), secrets.clone(), config.webhook_allow_private)),
        carrier,
        clock,
        secure_cookies: config.public_origin.as_deref().is_some_and(|o| o.starts_with("https://")),
    };
    let idempotency = rest::idempotency::IdempotencyStore::new(db.clone(), services.clock.clone());
    let web = web::WebSecurity { public_origin: config.public_origin.clone(), client_ip_header: config.client_ip_header.clone() };
    let router = web::router(config.leptos_options(), AppState { services, labels, web, idempotency });
    Ok(App { router, db, sandbox, shopify, shopify_url, secrets })
}

/// Serves `router` on `listener`, telling handlers the peer address (sign-in throttling).
pub async fn serve(listener: tokio::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await
}

/// The Shopify base URL to use (None: real Shopify), starting (and, for the demo, stocking)
/// the sandbox store when none is configured.
async fn start_shopify(config: &Config, db: &Db) -> anyhow::Result<(Option<String>, Option<sandbox::shopify::ShopifySandboxHandle>)> {
    match config.shopify_url.as_deref().map(str::trim) {
        Some(REAL_SHOPIFY) => Ok((None, None)),
        Some(url) => Ok((Some(url.trim_end_matches('/').to_string()), None)),
        None => {
            let (addr, handle) = sandbox::shopify::start_sandbox_store(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
            if config.seed_demo {
                // The demo shop sells the first merchant's warehouse SKUs (and a few it does not stock).
                let codes: Vec<String> = sqlx::query_scalar("SELECT DISTINCT code FROM skus WHERE merchant_id = 1 ORDER BY code")
                    .fetch_all(&db.pool)
                    .await?;
                let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
                sandbox::shopify::seed_demo_shop(&handle, &codes)?;
            }
            tracing::info!("sandbox Shopify store on http://{addr}");
            Ok((Some(format!("http://{addr}")), Some(handle)))
        }
    }
}
