//! The label worker across real server processes (the `server` binary, configured through its
//! environment like in production), all buying from one sandbox carrier that runs in this test:
//! - two app servers on one PostgreSQL database buy exactly one label per order (SKIP LOCKED);
//! - an app server killed with SIGKILL while a purchase is in flight loses no order, and the
//!   restarted server takes the job over and gets the same label back (idempotency key);
//! - an app server killed with SIGKILL in the middle of a store sync: the restarted server
//!   resumes the sync from the saved page cursor, and every platform order arrives exactly once.

mod common;

use std::collections::HashSet;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use server::db::Db;
use server::sandbox::carrier::{start_sandbox_carrier_with, SandboxConfig, SandboxHandle};

const MERCHANT: &str = "merchant@demo.test";
/// The demo seed submits this many orders that need a carrier label.
const SEED_LABELS: u64 = 3;

// ---------------------------------------------------------------------------------------------
// Processes, directories, databases: each cleans up in Drop, so a failing assert leaks nothing.

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!("dropdock-proc-test-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh PostgreSQL database, dropped (WITH FORCE) when the guard goes.
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create() -> PgDatabase {
        let admin = std::env::var("DROPDOCK_TEST_PG_URL")
            .expect("DROPDOCK_TEST_PG_URL is not set: PostgreSQL tests need a server (run `make test`, which starts one)");
        let name = format!("dd_test_{}", uuid::Uuid::new_v4().simple());
        let conn = sqlx::PgPool::connect(&admin).await.expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await.expect("create test database");
        conn.close().await;
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
        let url = format!("{base}/{name}");
        PgDatabase { admin, name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime: do the async work on a thread of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime for DROP DATABASE");
            rt.block_on(async {
                if let Ok(conn) = sqlx::PgPool::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&conn).await;
                    conn.close().await;
                }
            })
        })
        .join();
        if dropped.is_err() {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// How one server process is configured (through the same env vars as production).
#[derive(Clone)]
struct ServerEnv {
    database_url: String,
    dir: PathBuf,
    carrier_url: String,
    label_workers: usize,
    seed_demo: bool,
    label_lock_ms: u64,
    /// None: the server starts its own sandbox store.
    shopify_url: Option<String>,
    platform_lock_ms: u64,
}

/// A running `server` binary; killed (SIGKILL) and reaped when dropped.
struct ServerProcess {
    name: &'static str,
    child: Child,
    addr: SocketAddr,
}

impl ServerProcess {
    async fn start(name: &'static str, env: &ServerEnv) -> ServerProcess {
        let addr = free_loopback_addr();
        let data_dir = env.dir.join(format!("data-{name}"));
        let site_root = env.dir.join("site");
        std::fs::create_dir_all(&site_root).expect("create site root");
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("DATABASE_URL", &env.database_url)
            .env("DROPDOCK_DATA_DIR", &data_dir)
            .env("LEPTOS_SITE_ADDR", addr.to_string())
            .env("LEPTOS_SITE_ROOT", &site_root)
            .env("DROPDOCK_SEED_DEMO", if env.seed_demo { "1" } else { "0" })
            .env("DROPDOCK_CARRIER_URL", &env.carrier_url)
            .env("DROPDOCK_LABEL_WORKERS", env.label_workers.to_string())
            .env("DROPDOCK_LABEL_LOCK_MS", env.label_lock_ms.to_string())
            // Every process of one deployment shares the key that seals store tokens.
            .env("DROPDOCK_SECRET_KEY", "7f".repeat(32))
            .env("DROPDOCK_SHOPIFY_URL", env.shopify_url.as_deref().unwrap_or(""))
            .env("DROPDOCK_PLATFORM_LOCK_MS", env.platform_lock_ms.to_string())
            .env("RUST_LOG", "warn")
            .spawn()
            .expect("start the server binary");
        let mut process = ServerProcess { name, child, addr };
        process.wait_healthy(Duration::from_secs(30)).await;
        process
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    async fn wait_healthy(&mut self, within: Duration) {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().expect("health client");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the server process") {
                panic!("server {} exited during start-up: {status}", self.name);
            }
            if let Ok(res) = http.get(self.url("/healthz")).send().await {
                if res.status().is_success() {
                    return;
                }
            }
            assert!(start.elapsed() < within, "server {} not healthy on {} within {within:?}", self.name, self.addr);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL on Unix: no shutdown hook, no flush, in-flight work simply stops.
    fn kill9(&mut self) {
        self.child.kill().expect("kill the server process");
        self.child.wait().expect("reap the server process");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now (bound, read, released).
fn free_loopback_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr")
}

async fn sandbox(latency_ms: u64) -> (SocketAddr, SandboxHandle) {
    let config = SandboxConfig { latency_ms, ..SandboxConfig::default() };
    start_sandbox_carrier_with(SocketAddr::from(([127, 0, 0, 1], 0)), config).await.expect("start the sandbox carrier")
}

/// Waits until the seed's submitted orders have their labels, so counts below are ours only.
async fn seed_labels_settled(sandbox: &SandboxHandle) -> u64 {
    let start = Instant::now();
    while sandbox.stats().labels_bought < SEED_LABELS && start.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let bought = sandbox.stats().labels_bought;
    assert_eq!(bought, SEED_LABELS, "the seed's submitted orders get one label each");
    bought
}

// ---------------------------------------------------------------------------------------------
// HTTP, like the browser

/// A signed-in merchant session on one server.
#[derive(Clone)]
struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    async fn login(server: &ServerProcess) -> Session {
        let http = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(30)).build().expect("client");
        let base = server.url("");
        let res = http
            .post(format!("{base}/api/auth/login"))
            .form(&[("email", MERCHANT), ("password", "demo1234")])
            .send()
            .await
            .expect("login request");
        assert!(res.status().is_success(), "login on {} failed: {}", server.name, res.status());
        Session { http, base }
    }

    async fn call<T: DeserializeOwned>(&self, endpoint: &str, args: Value) -> T {
        let res = self.http.post(format!("{}/api/{endpoint}", self.base)).json(&args).send().await.expect("server function request");
        let status = res.status();
        let text = res.text().await.expect("server function body");
        assert!(status.is_success(), "{endpoint} on {} answered {status}: {text}", self.base);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{endpoint} answered an unexpected shape ({e}): {text}"))
    }
}

async fn draft(s: &Session) -> OrderDraft {
    let cat: Catalog = s.call("orders/catalog", json!({})).await;
    common::miami_draft(&cat, "UPS_GND")
}

/// Runs `f(i)` for i in 0..n with at most `lanes` calls in flight; results in index order.
async fn in_lanes<T, F, Fut>(n: usize, lanes: usize, f: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = T> + Send,
{
    let mut set = tokio::task::JoinSet::new();
    for lane in 0..lanes {
        let f = f.clone();
        set.spawn(async move {
            let mut out = Vec::new();
            for i in (lane..n).step_by(lanes) {
                out.push((i, f(i).await));
            }
            out
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(lane) = set.join_next().await {
        all.extend(lane.expect("a request lane panicked"));
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, t)| t).collect()
}

/// Saves `n` drafts, spread round-robin over the sessions (one per server).
async fn create_drafts(sessions: &[Session], n: usize) -> Vec<OrderId> {
    let draft = draft(&sessions[0]).await;
    let sessions = sessions.to_vec();
    in_lanes(n, 16, move |i| {
        let (s, draft) = (sessions[i % sessions.len()].clone(), draft.clone());
        async move { s.call::<OrderId>("orders/save", json!({ "id": null, "draft": draft })).await }
    })
    .await
}

/// Submits every order, spread round-robin over the sessions (not the ones that created them).
async fn submit_all(sessions: &[Session], ids: &[OrderId]) {
    let (sessions, ids) = (sessions.to_vec(), ids.to_vec());
    in_lanes(ids.len(), 16, move |i| {
        let (s, id) = (sessions[(i + 1) % sessions.len()].clone(), ids[i]);
        async move {
            let status: OrderStatus = s.call("orders/submit", json!({ "id": id })).await;
            assert_eq!(status, OrderStatus::Submitted, "order {id} after submit");
        }
    })
    .await;
}

/// Every order's detail over HTTP: all Ready, each with its own tracking number.
async fn assert_all_ready_with_distinct_tracking(s: &Session, ids: &[OrderId]) {
    let (s2, ids2) = (s.clone(), ids.to_vec());
    let details = in_lanes(ids.len(), 16, move |i| {
        let (s, id) = (s2.clone(), ids2[i]);
        async move { s.call::<OrderDetail>("orders/get", json!({ "id": id })).await }
    })
    .await;
    let mut tracking = HashSet::new();
    for d in &details {
        assert_eq!(d.label_status, LabelStatus::Ready, "order {} label: {:?}", d.id, d.label_error);
        assert!(!d.draft.tracking_no.is_empty(), "order {} is Ready without a tracking number", d.id);
        assert!(tracking.insert(d.draft.tracking_no.clone()), "tracking number {} given to two orders", d.draft.tracking_no);
    }
    assert_eq!(tracking.len(), ids.len());
}

// ---------------------------------------------------------------------------------------------
// The database, read directly

async fn count(db: &Db, sql: &str, first_id: OrderId) -> i64 {
    let row = sqlx::query(sql).bind(first_id).fetch_one(&db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    sqlx::Row::try_get::<i64, _>(&row, 0).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Label statuses of the orders with id ≥ `first_id` (the test's; the seed's come first).
async fn ready_and_failed(db: &Db, first_id: OrderId) -> (i64, i64) {
    let ready = count(db, "SELECT COUNT(*) FROM orders WHERE id >= $1 AND label_status = 'ready'", first_id).await;
    let failed = count(db, "SELECT COUNT(*) FROM orders WHERE id >= $1 AND label_status = 'failed'", first_id).await;
    (ready, failed)
}

/// Polls until at least `want` of the test's orders are Ready; panics on a failed label or time-out.
async fn wait_ready(db: &Db, first_id: OrderId, want: i64, within: Duration) {
    let start = Instant::now();
    loop {
        let (ready, failed) = ready_and_failed(db, first_id).await;
        if failed > 0 {
            let row = sqlx::query("SELECT id, label_error FROM orders WHERE id >= $1 AND label_status = 'failed' ORDER BY id LIMIT 1")
                .bind(first_id)
                .fetch_one(&db.pool)
                .await
                .expect("read a failed label");
            let (id, error): (i64, String) = (sqlx::Row::get(&row, 0), sqlx::Row::get(&row, 1));
            panic!("{failed} label purchase(s) failed, e.g. order {id}: {error}");
        }
        if ready >= want {
            return;
        }
        assert!(start.elapsed() < within, "only {ready} of {want} labels ready after {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Two app servers, one PostgreSQL database

const FLEET_ORDERS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_app_servers_on_one_postgres_buy_exactly_one_label_per_order() {
    let pg = PgDatabase::create().await;
    let dir = TempDir::new();
    let (carrier_addr, carrier) = sandbox(30).await;
    let env = ServerEnv {
        database_url: pg.url.clone(),
        dir: dir.0.clone(),
        carrier_url: format!("http://{carrier_addr}"),
        label_workers: 2,
        seed_demo: true,
        label_lock_ms: 120_000,
        shopify_url: None,
        platform_lock_ms: 60_000,
    };
    // The first one migrates and seeds; the second starts on a ready database.
    let a = ServerProcess::start("a", &env).await;
    let b = ServerProcess::start("b", &ServerEnv { seed_demo: false, ..env.clone() }).await;
    let seed_bought = seed_labels_settled(&carrier).await;
    let db = Db::connect(&pg.url).await.expect("connect to the test database");

    let sessions = [Session::login(&a).await, Session::login(&b).await];
    let ids = create_drafts(&sessions, FLEET_ORDERS).await;
    let first_id = *ids.iter().min().expect("orders were created");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), FLEET_ORDERS, "every save created its own order");

    let start = Instant::now();
    submit_all(&sessions, &ids).await;
    let submitted_in = start.elapsed();
    wait_ready(&db, first_id, FLEET_ORDERS as i64, Duration::from_secs(120)).await;
    let elapsed = start.elapsed();
    println!(
        "2 processes x {} label workers, sandbox latency 30 ms/call: {FLEET_ORDERS} labels in {:.2} s \
         (submits took {:.2} s) = {:.1} labels/s",
        env.label_workers,
        elapsed.as_secs_f64(),
        submitted_in.as_secs_f64(),
        FLEET_ORDERS as f64 / elapsed.as_secs_f64()
    );

    assert_all_ready_with_distinct_tracking(&sessions[1], &ids).await;
    assert_eq!(carrier.stats().labels_bought, seed_bought + FLEET_ORDERS as u64, "exactly one label bought per order");
    let done = count(&db, "SELECT COUNT(*) FROM label_jobs WHERE order_id >= $1 AND status = 'done'", first_id).await;
    let jobs = count(&db, "SELECT COUNT(*) FROM label_jobs WHERE order_id >= $1", first_id).await;
    assert_eq!((done, jobs), (FLEET_ORDERS as i64, FLEET_ORDERS as i64), "one job per order, every one done");
    // The carrier's idempotency would hide a job claimed by two workers at once; `attempts` does not.
    let claimed_twice = count(&db, "SELECT COUNT(*) FROM label_jobs WHERE order_id >= $1 AND attempts <> 1", first_id).await;
    assert_eq!(claimed_twice, 0, "every job claimed exactly once (no carrier errors were injected)");
    let all_done = count(&db, "SELECT COUNT(*) FROM label_jobs WHERE status = 'done' AND order_id >= $1", 0).await;
    assert_eq!(all_done, FLEET_ORDERS as i64 + seed_bought as i64, "the seed's jobs are done too");

    db.pool.close().await;
    drop((a, b));
}

// ---------------------------------------------------------------------------------------------
// 2. SIGKILL mid-purchase, restart, nothing lost, nothing bought twice (SQLite file database)

/// A pass-through proxy in front of the sandbox that can hold back the carrier's answer to a
/// label purchase. While held, the label is bought (the sandbox counted it) but the app has not
/// heard back: killing the app then is exactly the crash the idempotency key is for.
#[derive(Clone)]
struct HoldingProxy {
    upstream: String,
    http: reqwest::Client,
    hold: Arc<AtomicBool>,
    /// `POST /v1/transactions` answered by the sandbox (new purchases and replays).
    transactions: Arc<AtomicU64>,
}

impl HoldingProxy {
    async fn start(upstream: SocketAddr) -> (SocketAddr, HoldingProxy) {
        let proxy = HoldingProxy {
            upstream: format!("http://{upstream}"),
            http: reqwest::Client::new(),
            hold: Arc::default(),
            transactions: Arc::default(),
        };
        let router = axum::Router::new().fallback(forward).with_state(proxy.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (addr, proxy)
    }
}

async fn forward(
    axum::extract::State(p): axum::extract::State<HoldingProxy>,
    req: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return axum::http::StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/").to_string();
    let mut upstream = p.http.request(parts.method.clone(), format!("{}{path}", p.upstream)).body(body);
    // Host is kept: the sandbox builds label URLs from it, and they must point at the proxy too.
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_LENGTH {
            upstream = upstream.header(name, value);
        }
    }
    let res = match upstream.send().await {
        Ok(res) => res,
        Err(e) => return (axum::http::StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = res.status();
    let content_type = res.headers().get(axum::http::header::CONTENT_TYPE).cloned();
    let bytes = res.bytes().await.unwrap_or_default();
    if parts.method == axum::http::Method::POST && parts.uri.path() == "/v1/transactions" {
        p.transactions.fetch_add(1, Ordering::SeqCst);
        if p.hold.load(Ordering::SeqCst) {
            // Longer than it takes the test to notice the purchase and kill the app.
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
    }
    let mut out = (status, bytes).into_response();
    if let Some(ct) = content_type {
        out.headers_mut().insert(axum::http::header::CONTENT_TYPE, ct);
    }
    out
}

const CRASH_ORDERS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_an_app_server_mid_purchase_loses_nothing_and_buys_nothing_twice() {
    let dir = TempDir::new();
    let database_url = format!("sqlite://{}", dir.0.join("dropdock.db").display());
    let (carrier_addr, carrier) = sandbox(250).await;
    let (proxy_addr, proxy) = HoldingProxy::start(carrier_addr).await;
    let env = ServerEnv {
        database_url: database_url.clone(),
        dir: dir.0.clone(),
        carrier_url: format!("http://{proxy_addr}"),
        label_workers: 2,
        seed_demo: true,
        // A crashed worker's job may be taken over after 2 s (each purchase takes ~0.5 s).
        label_lock_ms: 2_000,
        shopify_url: None,
        platform_lock_ms: 60_000,
    };
    let mut first = ServerProcess::start("first", &env).await;
    let seed_bought = seed_labels_settled(&carrier).await;
    let db = Db::connect(&database_url).await.expect("open the SQLite test database");

    let session = Session::login(&first).await;
    let ids = create_drafts(std::slice::from_ref(&session), CRASH_ORDERS).await;
    let first_id = *ids.iter().min().expect("orders were created");
    submit_all(std::slice::from_ref(&session), &ids).await;
    wait_ready(&db, first_id, 4, Duration::from_secs(30)).await;

    // Hold the carrier's next answer, wait for that purchase to happen, then SIGKILL the app.
    let bought_before_hold = carrier.stats().labels_bought;
    proxy.hold.store(true, Ordering::SeqCst);
    let start = Instant::now();
    while carrier.stats().labels_bought == bought_before_hold {
        assert!(start.elapsed() < Duration::from_secs(10), "no label purchase started within 10 s");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.kill9();
    proxy.hold.store(false, Ordering::SeqCst);

    let bought_at_kill = carrier.stats().labels_bought - seed_bought;
    let (ready_at_kill, _) = ready_and_failed(&db, first_id).await;
    let running_at_kill = count(&db, "SELECT COUNT(*) FROM label_jobs WHERE order_id >= $1 AND status = 'running'", first_id).await;
    println!("killed with {ready_at_kill}/{CRASH_ORDERS} labels recorded, {bought_at_kill} bought, {running_at_kill} jobs running");
    assert!(ready_at_kill < CRASH_ORDERS as i64, "the kill came before all labels were recorded");
    assert!(
        bought_at_kill as i64 > ready_at_kill,
        "at least one label was bought whose answer the killed process never recorded ({bought_at_kill} bought, {ready_at_kill} recorded)"
    );
    assert!(running_at_kill >= 1, "the killed process left its job running");

    // A new process on the same database and carrier finishes the work.
    let restarted = Instant::now();
    let second = ServerProcess::start("second", &ServerEnv { seed_demo: false, ..env.clone() }).await;
    wait_ready(&db, first_id, CRASH_ORDERS as i64, Duration::from_secs(30)).await;
    println!("restarted process finished the remaining labels in {:.2} s", restarted.elapsed().as_secs_f64());

    let session = Session::login(&second).await;
    let page: OrderPage = session.call("orders/list", json!({ "query": { "limit": 100 } })).await;
    assert!(
        ids.iter().all(|id| page.rows.iter().any(|r| r.id == *id)),
        "every order created before the kill is still listed"
    );
    assert_all_ready_with_distinct_tracking(&session, &ids).await;
    let bought = carrier.stats().labels_bought;
    assert_eq!(bought, seed_bought + CRASH_ORDERS as u64, "one label per order: the taken-over job got the label already bought");
    let answered = proxy.transactions.load(Ordering::SeqCst);
    assert!(answered > bought, "the taken-over job replayed its purchase ({answered} purchase calls, {bought} labels)");
    let done = count(&db, "SELECT COUNT(*) FROM label_jobs WHERE order_id >= $1 AND status = 'done'", first_id).await;
    assert_eq!(done, CRASH_ORDERS as i64, "every job done");

    db.pool.close().await;
    drop(second);
}

/// Orders in the sandbox shop for the crash test: 3 pages of 250 (the connector's page size).
const SYNC_ORDERS: usize = 600;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sync_killed_midway_resumes_and_imports_every_order_once() {
    use server::sandbox::shopify::{start_sandbox_store, OrderSpec, DEMO_SHOP_DOMAIN, DEMO_SHOP_NAME, DEMO_SHOP_TOKEN};
    let dir = TempDir::new();
    let database_url = format!("sqlite://{}/sync.db", dir.0.display());
    let (carrier_addr, _carrier) = sandbox(0).await;
    let (shop_addr, shop) = start_sandbox_store(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("start the sandbox store");
    shop.add_shop(DEMO_SHOP_DOMAIN, DEMO_SHOP_TOKEN, DEMO_SHOP_NAME);
    shop.generate_orders(DEMO_SHOP_DOMAIN, SYNC_ORDERS, &OrderSpec::new(&["MUG-CER-11", "TWL-BTH-GRY"])).expect("sandbox orders");
    // Slow pages, so the kill lands between two of them.
    shop.set_latency(400);
    let env = ServerEnv {
        database_url: database_url.clone(),
        dir: dir.0.clone(),
        carrier_url: format!("http://{carrier_addr}"),
        label_workers: 1,
        seed_demo: true,
        label_lock_ms: 120_000,
        shopify_url: Some(format!("http://{shop_addr}")),
        // A crashed worker's sync task may be taken over after 1.5 s.
        platform_lock_ms: 1_500,
    };
    // The demo store has auto sync on: the first process starts syncing at once.
    let mut first = ServerProcess::start("first", &env).await;
    let db = Db::connect(&database_url).await.expect("open the SQLite test database");
    let progress = |db: Db| async move {
        let row = sqlx::query("SELECT id, status, fetched, created FROM sync_tasks ORDER BY id LIMIT 1").fetch_optional(&db.pool).await.expect("read sync tasks");
        row.map(|r| {
            use sqlx::Row;
            (r.get::<i64, _>("id"), r.get::<String, _>("status"), r.get::<i64, _>("fetched"), r.get::<i64, _>("created"))
        })
    };
    let start = Instant::now();
    let (task, status, fetched, _) = loop {
        if let Some(p) = progress(db.clone()).await {
            if p.2 > 0 {
                break p;
            }
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the auto sync did not save a first page");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    first.kill9();
    assert_eq!(status, "running", "killed mid-sync");
    assert!(fetched > 0 && (fetched as usize) < SYNC_ORDERS, "one page saved before the kill ({fetched})");

    let second = ServerProcess::start("second", &ServerEnv { seed_demo: false, ..env.clone() }).await;
    let start = Instant::now();
    loop {
        let (id, status, fetched, created) = progress(db.clone()).await.expect("the task is still there");
        assert_eq!(id, task);
        if status == "done" {
            assert_eq!((fetched, created), (SYNC_ORDERS as i64, SYNC_ORDERS as i64), "pages after the kill were fetched once, on top of the saved one");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the restarted server did not finish the sync ({status}, {fetched})");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total = count(&db, "SELECT COUNT(*) FROM platform_orders WHERE id >= $1", 0).await;
    let distinct = count(&db, "SELECT COUNT(DISTINCT platform_order_id) FROM platform_orders WHERE id >= $1", 0).await;
    assert_eq!((total, distinct), (SYNC_ORDERS as i64, SYNC_ORDERS as i64), "every order once, nothing lost");
    db.pool.close().await;
    drop(second);
}
