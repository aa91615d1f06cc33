//! `make bench` part 1: the order list at 1,000,000 rows and order-create throughput, on SQLite
//! and PostgreSQL, through the real server functions over HTTP. Prints figures and EXPLAIN
//! plans; writes target/bench/orders.json (scripts/bench.sh merges it into results.json).

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::Row;

use app::domain::*;
use app::ports::OrderScope;
use server::db::{Backend, Db};
use server::stores::orders::{bind_args, list_query};

const ROWS: i64 = 1_000_000;
const SAMPLES: usize = 200;
const CREATE_CLIENTS: usize = 8;
const CREATE_ORDERS: usize = 2_000;

type Res<T> = anyhow::Result<T>;

#[tokio::main]
async fn main() -> Res<()> {
    let rows: i64 = std::env::var("BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(ROWS);
    let out_dir = std::path::Path::new("../target/bench");
    std::fs::create_dir_all(out_dir)?;
    let mut results = Vec::new();
    let sqlite_dir = out_dir.join("sqlite");
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    std::fs::create_dir_all(&sqlite_dir)?;
    results.push(run_backend(format!("sqlite://{}/bench.db", sqlite_dir.display()), "SQLite", rows).await?);
    match std::env::var("DROPDOCK_BENCH_PG_URL") {
        Ok(admin) => {
            let url = fresh_pg_database(&admin).await?;
            results.push(run_backend(url, "PostgreSQL", rows).await?);
        }
        Err(_) => eprintln!("DROPDOCK_BENCH_PG_URL not set: skipping PostgreSQL"),
    }
    std::fs::write(out_dir.join("orders.json"), serde_json::to_string_pretty(&results)?)?;

    println!("\n## Label worker throughput (sandbox carrier, {SANDBOX_LATENCY_MS} ms per call)");
    let mut labels = Vec::new();
    for workers in [1usize, 2] {
        let url = match std::env::var("DROPDOCK_BENCH_PG_URL") {
            Ok(admin) => fresh_pg_named(&admin, &format!("dropdock_bench_labels_{workers}")).await?,
            Err(_) => format!("sqlite://{}/labels-{workers}.db", sqlite_dir.display()),
        };
        let backend = if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
        let rate = label_throughput(url, workers).await?;
        labels.push(json!({ "backend": backend, "workers": workers, "labels_per_s": rate, "orders": LABEL_ORDERS, "carrier_latency_ms": SANDBOX_LATENCY_MS }));
    }
    std::fs::write(out_dir.join("labels.json"), serde_json::to_string_pretty(&labels)?)?;
    Ok(())
}

async fn fresh_pg_database(admin: &str) -> Res<String> {
    fresh_pg_named(admin, "dropdock_bench").await
}

async fn fresh_pg_named(admin: &str, name: &str) -> Res<String> {
    let conn = sqlx::PgPool::connect(admin).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&conn).await?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await?;
    conn.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    Ok(format!("{base}/{name}"))
}

const LABEL_ORDERS: usize = 200;
const SANDBOX_LATENCY_MS: u64 = 30;

/// Label worker throughput against the sandbox carrier (30 ms per call, three calls per
/// label): 200 submitted orders, then `workers` workers start and the clock runs until the
/// last label is stored.
async fn label_throughput(database_url: String, workers: usize) -> Res<f64> {
    use server::sandbox::carrier::{start_sandbox_carrier_with, SandboxConfig};
    let (carrier_addr, _sandbox) = start_sandbox_carrier_with(
        "127.0.0.1:0".parse()?,
        SandboxConfig { latency_ms: SANDBOX_LATENCY_MS, ..SandboxConfig::default() },
    )
    .await?;
    let carrier_url = format!("http://{carrier_addr}");
    let data_dir = std::env::temp_dir().join(format!("dropdock-bench-labels-{}-{workers}", std::process::id()));
    let config = server::Config {
        label_workers: 0,
        carrier_url: Some(carrier_url.clone()),
        ..server::Config::local(database_url, data_dir.clone())
    };
    let server::App { router, db, .. } = server::build(&config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = server::serve(listener, router).await;
    });
    let http = Http::login(&base).await?;
    let catalog: Catalog = serde_json::from_value(http.call("orders/catalog", json!({})).await?)?;
    let draft = server::seed::sample_draft(&catalog, "UPS_GND").ok_or_else(|| anyhow::anyhow!("no UPS_GND order possible at LAX1"))?;
    for _ in 0..LABEL_ORDERS {
        let id = http.call("orders/save", json!({ "id": null, "draft": draft })).await?;
        http.call("orders/submit", json!({ "id": id })).await?;
    }
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM label_jobs WHERE status = 'pending'").fetch_one(&db.pool).await?.try_get(0)?;
    let carrier: std::sync::Arc<dyn app::ports::Carrier> =
        std::sync::Arc::new(server::carrier::HttpCarrier::new(server::carrier::HttpCarrierConfig::new(carrier_url, "bench"))?);
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..workers {
        let worker = server::label_worker::LabelWorker {
            db: db.clone(),
            carrier: carrier.clone(),
            clock: std::sync::Arc::new(server::SystemClock),
            blobs: server::blobs::Blobs::local(&data_dir.join("labels"))?,
            lock: Duration::from_secs(120),
        };
        handles.push(worker.spawn(Duration::from_millis(20)));
    }
    loop {
        let done: i64 = sqlx::query("SELECT COUNT(*) FROM label_jobs WHERE status = 'done'").fetch_one(&db.pool).await?.try_get(0)?;
        if done >= total {
            break;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(300), "labels did not finish ({done}/{total})");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    for h in handles {
        h.abort();
    }
    println!("labels: {total} bought by {workers} worker(s) in {:.1}s = {rate:.1} labels/s", started.elapsed().as_secs_f64());
    Ok(rate)
}

struct Http {
    client: reqwest::Client,
    base: String,
}

impl Http {
    async fn login(base: &str) -> Res<Http> {
        let client = reqwest::Client::builder().cookie_store(true).build()?;
        let res = client
            .post(format!("{base}/api/auth/login"))
            .form(&[("email", server::seed::MERCHANT_EMAIL), ("password", server::seed::DEMO_PASSWORD)])
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "login failed: {}", res.status());
        Ok(Http { client, base: base.to_string() })
    }
    async fn call(&self, endpoint: &str, body: Value) -> Res<Value> {
        let res = self.client.post(format!("{}/api/{endpoint}", self.base)).json(&body).send().await?;
        let status = res.status();
        let v: Value = res.json().await?;
        anyhow::ensure!(status.is_success(), "{endpoint}: {status} {v}");
        Ok(v)
    }
}

async fn run_backend(url: String, name: &str, rows: i64) -> Res<Value> {
    println!("\n## {name}: generating {rows} orders");
    let data_dir = std::env::temp_dir().join(format!("dropdock-bench-{}", std::process::id()));
    let config = server::Config { label_workers: 0, ..server::Config::local(url, data_dir) };
    let server::App { router, db, .. } = server::build(&config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = server::serve(listener, router).await;
    });

    let t = Instant::now();
    generate(&db, rows).await?;
    let gen_s = t.elapsed().as_secs_f64();
    println!("generated in {gen_s:.1}s ({:.0} rows/s)", rows as f64 / gen_s);
    sqlx::query("ANALYZE").execute(&db.pool).await?;

    let http = Http::login(&base).await?;
    let samples = Samples::load(&db).await?;
    let mut list = Vec::new();
    for scenario in Scenario::ALL {
        let mut rng = StdRng::seed_from_u64(7);
        let mut times = Vec::with_capacity(SAMPLES);
        let mut returned = 0usize;
        for _ in 0..SAMPLES {
            let q = scenario.query(&samples, &mut rng);
            let t = Instant::now();
            let page = http.call("orders/list", json!({ "query": q })).await?;
            times.push(t.elapsed());
            returned += page["rows"].as_array().map(|r| r.len()).unwrap_or(0);
        }
        let p = percentiles(&mut times);
        let plan = explain(&db, &scenario.query(&samples, &mut StdRng::seed_from_u64(7))).await?;
        println!(
            "{:<28} p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  (avg {:.1} rows/page)",
            scenario.name(),
            p[0],
            p[1],
            p[2],
            returned as f64 / SAMPLES as f64
        );
        println!("    plan: {}", plan.replace('\n', "\n          "));
        list.push(json!({ "scenario": scenario.name(), "p50_ms": p[0], "p95_ms": p[1], "p99_ms": p[2], "plan": plan }));
    }

    let create = create_throughput(&db, &base).await?;
    Ok(json!({ "backend": name, "rows": rows, "generate_s": gen_s, "list": list, "create": create }))
}

fn percentiles(times: &mut [Duration]) -> [f64; 3] {
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    [at(0.50), at(0.95), at(0.99)]
}

const FIRST: [&str; 20] = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "Wei", "Priya", "Carlos", "Sofia", "Ahmed", "Yuki", "Olga", "Kwame", "Lucia", "Noah",
];
const LAST: [&str; 20] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Chen", "Patel", "Kim", "Nguyen", "Muller", "Rossi", "Dubois", "Tanaka", "Silva", "Okafor",
];

/// Realistic spread: several merchants (the demo merchant has 40%), mostly shipped orders,
/// a year of dates in id order, names from common first/last names.
async fn generate(db: &Db, rows: i64) -> Res<()> {
    let acme: i64 = sqlx::query("SELECT id FROM merchants ORDER BY id LIMIT 1").fetch_one(&db.pool).await?.try_get(0)?;
    let mut merchants = vec![acme];
    for i in 0..8 {
        let id: i64 = sqlx::query("INSERT INTO merchants (name) VALUES ($1) RETURNING id")
            .bind(format!("Bench Merchant {i}"))
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?;
        merchants.push(id);
    }
    let ch = sqlx::query("SELECT id, warehouse_id, business_type_id FROM channels WHERE code NOT LIKE '%\\_A' ESCAPE '\\'")
        .fetch_all(&db.pool)
        .await?;
    let channels: Vec<(i64, i64, i64)> =
        ch.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect::<Result<_, sqlx::Error>>()?;
    let mut rng = StdRng::seed_from_u64(42);
    let now = 1_795_400_000_000_i64;
    let year_ms = 365 * 24 * 3_600_000_i64;
    let batch = 500;
    let cols = "merchant_id, warehouse_id, business_type_id, channel_id, status, platform_order_no, tracking_no, recipient_name, recipient_name_lc, recipient_phone, recipient_email, recipient_country, recipient_state, recipient_city, recipient_address1, recipient_address2, recipient_postal_code, total_units, created_at, updated_at";
    let ncols = 20;
    let mut done = 0i64;
    // Many batches per transaction: one commit per 10,000 rows keeps generation quick.
    let mut tx = db.begin_write().await?;
    while done < rows {
        let n = batch.min(rows - done) as usize;
        let placeholders: Vec<String> = (0..n)
            .map(|r| format!("({})", (1..=ncols).map(|c| format!("${}", r * ncols + c)).collect::<Vec<_>>().join(",")))
            .collect();
        let sql = format!("INSERT INTO orders ({cols}) VALUES {}", placeholders.join(","));
        let mut q = sqlx::query(&sql);
        for i in 0..n as i64 {
            let seq = done + i;
            let merchant = if rng.gen_bool(0.4) { acme } else { merchants[rng.gen_range(1..merchants.len())] };
            let (channel, warehouse, business) = channels[rng.gen_range(0..channels.len())];
            let status = match rng.gen_range(0..100) {
                0..=69 => "shipped",
                70..=72 => "packed",
                73..=74 => "picked",
                75..=79 => "waved",
                80..=89 => "submitted",
                _ => "draft",
            };
            let tracking = if matches!(status, "shipped" | "packed") { format!("1Z{:016}", seq * 7919 % 10_000_000_000_000_000) } else { String::new() };
            let name = format!("{} {}", FIRST[rng.gen_range(0..20)], LAST[rng.gen_range(0..20)]);
            let created = now - year_ms + (seq * year_ms / rows.max(1));
            q = q
                .bind(merchant)
                .bind(warehouse)
                .bind(business)
                .bind(channel)
                .bind(status)
                .bind(format!("#{}", 100_000 + seq))
                .bind(tracking)
                .bind(name.to_lowercase())
                .bind(name.to_lowercase())
                .bind("+1 555 0100")
                .bind("")
                .bind("US")
                .bind("CA")
                .bind("Los Angeles")
                .bind("1 Main St")
                .bind("")
                .bind("90001")
                .bind(rng.gen_range(1..5i64))
                .bind(created)
                .bind(created);
        }
        q.execute(&mut *tx).await?;
        done += n as i64;
        if done % 10_000 == 0 {
            tx.commit().await?;
            tx = db.begin_write().await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Real values to search for, taken from the generated data.
struct Samples {
    platform_nos: Vec<String>,
    tracking_nos: Vec<String>,
    deep_ids: Vec<i64>,
}

impl Samples {
    async fn load(db: &Db) -> Res<Samples> {
        let acme: i64 = sqlx::query("SELECT id FROM merchants ORDER BY id LIMIT 1").fetch_one(&db.pool).await?.try_get(0)?;
        let pick = |sql: &'static str| {
            let pool = db.pool.clone();
            async move {
                let rows = sqlx::query(sql).bind(acme).fetch_all(&pool).await?;
                rows.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>()
            }
        };
        let platform_nos = pick("SELECT platform_order_no FROM orders WHERE merchant_id = $1 AND id % 997 = 0 LIMIT 200").await?;
        let tracking_nos = pick("SELECT tracking_no FROM orders WHERE merchant_id = $1 AND tracking_no <> '' AND id % 991 = 0 LIMIT 200").await?;
        let ids = sqlx::query("SELECT id FROM orders WHERE merchant_id = $1 AND id % 1009 = 0 LIMIT 200").bind(acme).fetch_all(&db.pool).await?;
        let deep_ids = ids.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<Vec<_>, _>>()?;
        anyhow::ensure!(!platform_nos.is_empty() && !tracking_nos.is_empty() && !deep_ids.is_empty(), "no samples");
        Ok(Samples { platform_nos, tracking_nos, deep_ids })
    }
}

#[derive(Clone, Copy)]
enum Scenario {
    FirstPage,
    DeepPage,
    ByStatus,
    ByPlatformNo,
    ByRecipient,
    ByTracking,
}

impl Scenario {
    const ALL: [Scenario; 6] =
        [Scenario::FirstPage, Scenario::DeepPage, Scenario::ByStatus, Scenario::ByPlatformNo, Scenario::ByRecipient, Scenario::ByTracking];

    fn name(self) -> &'static str {
        match self {
            Scenario::FirstPage => "first page",
            Scenario::DeepPage => "deep page (keyset)",
            Scenario::ByStatus => "filter by status",
            Scenario::ByPlatformNo => "search platform order no.",
            Scenario::ByRecipient => "search recipient name",
            Scenario::ByTracking => "search tracking no.",
        }
    }

    fn query(self, s: &Samples, rng: &mut StdRng) -> OrderListQuery {
        let mut q = OrderListQuery::default();
        match self {
            Scenario::FirstPage => {}
            Scenario::DeepPage => q.after = Some(s.deep_ids[rng.gen_range(0..s.deep_ids.len())]),
            Scenario::ByStatus => {
                let statuses = [OrderStatus::Draft, OrderStatus::Submitted, OrderStatus::Waved, OrderStatus::Picked];
                q.status = Some(statuses[rng.gen_range(0..statuses.len())]);
            }
            Scenario::ByPlatformNo => q.search = s.platform_nos[rng.gen_range(0..s.platform_nos.len())].clone(),
            Scenario::ByRecipient => {
                q.search = format!("{} {}", FIRST[rng.gen_range(0..20)], &LAST[rng.gen_range(0..20)][..3]).to_lowercase()
            }
            Scenario::ByTracking => q.search = s.tracking_nos[rng.gen_range(0..s.tracking_nos.len())].clone(),
        }
        q
    }
}

async fn explain(db: &Db, q: &OrderListQuery) -> Res<String> {
    let acme: i64 = sqlx::query("SELECT id FROM merchants ORDER BY id LIMIT 1").fetch_one(&db.pool).await?.try_get(0)?;
    let (sql, args) = list_query(OrderScope::Merchant(acme), q);
    let prefix = match db.backend {
        Backend::Sqlite => "EXPLAIN QUERY PLAN ",
        Backend::Postgres => "EXPLAIN ",
    };
    let full = format!("{prefix}{sql}");
    let rows = bind_args(sqlx::query(&full), &args).fetch_all(&db.pool).await?;
    let col = match db.backend {
        Backend::Sqlite => 3,
        Backend::Postgres => 0,
    };
    Ok(rows.iter().filter_map(|r| r.try_get::<String, _>(col).ok()).collect::<Vec<_>>().join("\n"))
}

/// Orders created over HTTP by concurrent clients, against the same rows inserted by a plain
/// sqlx loop (order + line + event per transaction) on the same database.
async fn create_throughput(db: &Db, base: &str) -> Res<Value> {
    let http = Http::login(base).await?;
    let catalog: Catalog = serde_json::from_value(http.call("orders/catalog", json!({})).await?)?;
    let draft = server::seed::sample_draft(&catalog, "USPS_GA").ok_or_else(|| anyhow::anyhow!("no USPS_GA order possible at LAX1"))?;

    let per_client = CREATE_ORDERS / CREATE_CLIENTS;
    let mut clients = Vec::new();
    for _ in 0..CREATE_CLIENTS {
        clients.push(Http::login(base).await?);
    }
    let t = Instant::now();
    let mut tasks = Vec::new();
    for c in clients {
        let body = json!({ "id": null, "draft": draft.clone() });
        tasks.push(tokio::spawn(async move {
            for _ in 0..per_client {
                c.call("orders/save", body.clone()).await?;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let http_rate = (per_client * CREATE_CLIENTS) as f64 / t.elapsed().as_secs_f64();

    let acme: i64 = sqlx::query("SELECT id FROM merchants ORDER BY id LIMIT 1").fetch_one(&db.pool).await?.try_get(0)?;
    let t = Instant::now();
    for _ in 0..CREATE_ORDERS {
        let mut tx = db.begin_write().await?;
        // The same row the save server function writes for `draft`.
        let r = &draft.recipient;
        let line = &draft.lines[0];
        let id: i64 = sqlx::query(
            "INSERT INTO orders (merchant_id, warehouse_id, business_type_id, channel_id, status, platform_order_no, tracking_no, recipient_name, recipient_name_lc, recipient_phone, recipient_email, recipient_country, recipient_state, recipient_city, recipient_address1, recipient_address2, recipient_postal_code, total_units, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'draft', '', '', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, 0) RETURNING id",
        )
        .bind(acme)
        .bind(draft.warehouse_id)
        .bind(draft.business_type_id)
        .bind(draft.channel_id)
        .bind(r.name.as_str())
        .bind(r.name.to_lowercase())
        .bind(r.phone.as_str())
        .bind(r.email.as_str())
        .bind(r.country.as_str())
        .bind(r.state.as_str())
        .bind(r.city.as_str())
        .bind(r.address1.as_str())
        .bind(r.address2.as_str())
        .bind(r.postal_code.as_str())
        .bind(line.quantity)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        sqlx::query("INSERT INTO order_lines (order_id, line_no, sku_id, quantity) VALUES ($1, 0, $2, $3)")
            .bind(id)
            .bind(line.sku_id)
            .bind(line.quantity)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO order_events (order_id, at, actor_user_id, actor_name, action, from_status, to_status) VALUES ($1, 0, 1, 'bench', 'create', NULL, 'draft')")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let raw_rate = CREATE_ORDERS as f64 / t.elapsed().as_secs_f64();
    println!(
        "create: {http_rate:.0} orders/s over HTTP ({CREATE_CLIENTS} clients) vs {raw_rate:.0} orders/s raw sqlx loop (ratio {:.2})",
        http_rate / raw_rate
    );
    Ok(json!({ "clients": CREATE_CLIENTS, "orders": CREATE_ORDERS, "http_per_s": http_rate, "raw_per_s": raw_rate, "ratio": http_rate / raw_rate }))
}
