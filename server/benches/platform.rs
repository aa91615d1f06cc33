//! `make bench` part 2: platform orders. Sync throughput from the sandbox Shopify store (orders/s
//! through the real connector, paging and upserts) against a raw batched INSERT of the same rows,
//! and the time to batch-dispatch 1,000 orders through the server function over HTTP, on SQLite
//! and PostgreSQL. Writes target/bench/platform.json (merged into results.json by report.mjs).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use app::domain::*;
use server::db::Db;
use app::ports::{PageCursor, Platform, StoreCredentials};
use server::sandbox::shopify::{OrderSpec, DEMO_SHOP_DOMAIN, DEMO_SHOP_TOKEN};

const INGEST_ORDERS: usize = 5_000;
const DISPATCH_ORDERS: usize = 1_000;
/// Orders per dispatch request, as the page sends them (it shows progress between requests).
const DISPATCH_CHUNK: usize = 10;
/// Rows per statement of the raw batched INSERT.
const RAW_BATCH: usize = 100;

type Res<T> = anyhow::Result<T>;

#[tokio::main]
async fn main() -> Res<()> {
    let out_dir = std::path::Path::new("../target/bench");
    let dir = out_dir.join("platform");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut results = vec![run(format!("sqlite://{}/platform.db", dir.display()), "SQLite", &dir).await?];
    match std::env::var("DROPDOCK_BENCH_PG_URL") {
        Ok(admin) => {
            let conn = sqlx::PgPool::connect(&admin).await?;
            sqlx::query("DROP DATABASE IF EXISTS dropdock_bench_platform WITH (FORCE)").execute(&conn).await?;
            sqlx::query("CREATE DATABASE dropdock_bench_platform").execute(&conn).await?;
            conn.close().await;
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            results.push(run(format!("{base}/dropdock_bench_platform"), "PostgreSQL", &dir).await?);
        }
        Err(_) => eprintln!("DROPDOCK_BENCH_PG_URL not set: skipping PostgreSQL"),
    }
    std::fs::write(out_dir.join("platform.json"), serde_json::to_string_pretty(&results)?)?;
    Ok(())
}

async fn run(url: String, backend: &str, dir: &std::path::Path) -> Res<Value> {
    let mut config = server::Config::local(url, dir.join(format!("data-{backend}")));
    config.label_workers = 0; // labels are not what is measured here
    let app = server::build(&config).await?;
    let shop = app.shopify.clone().ok_or_else(|| anyhow::anyhow!("the bench needs the sandbox store"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = app.router.clone();
    tokio::spawn(async move {
        let _ = server::serve(listener, router).await;
    });
    let http = reqwest::Client::builder().cookie_store(true).build()?;
    http.post(format!("{base}/api/auth/login")).form(&[("email", "merchant@demo.test"), ("password", "demo1234")]).send().await?.error_for_status()?;
    let call = |endpoint: &str, args: Value| {
        let (http, url) = (http.clone(), format!("{base}/api/{endpoint}"));
        async move {
            let res = http.post(url).json(&args).send().await?;
            let status = res.status();
            let body: Value = res.json().await?;
            anyhow::ensure!(status.is_success(), "{status}: {body}");
            Ok::<Value, anyhow::Error>(body)
        }
    };
    // The demo store's first auto sync runs at start; let it finish so it is not measured.
    wait_for_idle_syncs(&app.db).await?;
    // Throughput is measured here, not Shopify's 2 calls/s leak (the fetch-only pass below
    // would otherwise wait for the bucket).
    shop.set_rate_limit(10_000, 10_000.0);

    // Mapped SKUs only, so every order can be dispatched.
    let spec = OrderSpec::new(&["MUG-CER-11", "TWL-BTH-GRY", "CND-SOY-LAV", "MUG-CER-15"]);
    let ids = shop.generate_orders(DEMO_SHOP_DOMAIN, INGEST_ORDERS, &spec)?;
    let wanted: std::collections::HashSet<i64> = ids.into_iter().collect();
    // The generated orders as the sandbox holds them now.
    let generated = || -> Vec<Value> { shop.orders(DEMO_SHOP_DOMAIN).into_iter().filter(|o| o["id"].as_i64().is_some_and(|id| wanted.contains(&id))).collect() };
    let now = now_ms();
    let mode = SyncMode::TimeRange { from_ms: spec.from_ms - 60_000, to_ms: now };
    let started = Instant::now();
    let counts = run_sync(&call, mode).await?;
    let ingest_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(counts.created as usize >= INGEST_ORDERS, "created {} of {INGEST_ORDERS}", counts.created);
    let ingest_per_s = counts.created as f64 / ingest_s;

    // Where the sync's time goes: the same pages fetched and parsed by the connector, nothing
    // written. The sync cannot beat this; the rest of its time is the database writes.
    let connector = server::shopify::HttpShopify::new(server::shopify::ShopifyConfig::sandbox(app.shopify_url.clone()))?;
    let credentials = StoreCredentials { store_id: 1, shop_domain: DEMO_SHOP_DOMAIN.into(), access_token: DEMO_SHOP_TOKEN.into() };
    let started = Instant::now();
    let (mut cursor, mut fetched) = (PageCursor::UpdatedBetween { from_ms: spec.from_ms - 60_000, to_ms: now }, 0usize);
    loop {
        let page = connector.orders_page(&credentials, &cursor).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        fetched += page.orders.len();
        match page.next {
            Some(next) => cursor = PageCursor::Next(next),
            None => break,
        }
    }
    let fetch_per_s = fetched as f64 / started.elapsed().as_secs_f64();

    // A re-sync after every one of those orders changed at the platform (the steady state of
    // auto sync: most orders it sees are ones it has imported before).
    let changed_at = server::shopify::format_utc_seconds(now / 1000).map_err(anyhow::Error::msg)?;
    for mut order in generated() {
        order["updated_at"] = json!(changed_at);
        order["shipping_address"]["address2"] = json!("Suite 100");
        shop.add_raw_order(DEMO_SHOP_DOMAIN, order)?;
    }
    let started = Instant::now();
    let resync = run_sync(&call, SyncMode::TimeRange { from_ms: spec.from_ms - 60_000, to_ms: now + 1_000 }).await?;
    let update_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(resync.updated as usize >= INGEST_ORDERS, "updated {} of {INGEST_ORDERS}", resync.updated);
    let update_per_s = resync.updated as f64 / update_s;
    println!("{backend}: re-sync of {} changed orders in {update_s:.2} s = {update_per_s:.0} orders/s", resync.updated);

    // The same rows, as the connector imports them, inserted raw in batches. Judged against
    // the real tables (the sync has to keep their indexes, foreign keys and id sequence, and so
    // would any import); into copies with only the indexes, and into bare copies, is printed
    // for reference.
    let imported: Vec<ImportedOrder> = server::shopify::import_orders(&generated()).into_iter().collect::<Result<_, _>>().map_err(anyhow::Error::msg)?;
    let raw_per_s = imported.len() as f64 / raw_batched_insert(&app.db, &imported, Target::RealTables).await?;
    let indexed_per_s = imported.len() as f64 / raw_batched_insert(&app.db, &imported, Target::IndexedCopies).await?;
    let bare_per_s = imported.len() as f64 / raw_batched_insert(&app.db, &imported, Target::BareCopies).await?;
    println!(
        "{backend}: sync {} orders in {ingest_s:.2} s = {ingest_per_s:.0} orders/s; fetch + parse only {fetch_per_s:.0} orders/s; \
         raw batched INSERT {raw_per_s:.0} orders/s (the real tables), {indexed_per_s:.0} orders/s (copies with their indexes, no foreign keys), \
         {bare_per_s:.0} orders/s (bare copies); ratio {:.2} (vs indexed copies {:.2}, vs bare copies {:.2})",
        counts.created,
        ingest_per_s / raw_per_s,
        ingest_per_s / indexed_per_s,
        ingest_per_s / bare_per_s
    );

    // Batch dispatch of 1,000 Pending B2C orders to LAX1 / USPS_GA, in the page's chunk size.
    let catalog: Catalog = serde_json::from_value(call("orders/catalog", json!({})).await?)?;
    let lax = catalog.warehouses.iter().find(|w| w.code == "LAX1").ok_or_else(|| anyhow::anyhow!("LAX1"))?.id;
    let usps = catalog.channels.iter().find(|c| c.warehouse_id == lax && c.code == "USPS_GA").ok_or_else(|| anyhow::anyhow!("USPS_GA"))?.id;
    let mut pending = Vec::new();
    let mut before_id = None;
    while pending.len() < DISPATCH_ORDERS {
        let q = PlatformOrderQuery { kind: Some(OrderKind::B2C), status: Some(PlatformStatus::Pending), before_id, limit: 200, ..Default::default() };
        let page: PlatformOrderPage = serde_json::from_value(call("platform/orders", json!({ "query": q })).await?)?;
        pending.extend(page.orders.iter().map(|o| o.id));
        match page.next_before_id {
            Some(id) => before_id = Some(id),
            None => break,
        }
    }
    pending.truncate(DISPATCH_ORDERS);
    let started = Instant::now();
    let mut dispatched = 0usize;
    let mut failures = std::collections::BTreeMap::new();
    for chunk in pending.chunks(DISPATCH_CHUNK) {
        let results: Vec<DispatchResult> =
            serde_json::from_value(call("platform/dispatch-batch", json!({ "ids": chunk, "warehouse_id": lax, "channel_id": usps })).await?)?;
        dispatched += results.iter().filter(|r| r.outcome.is_ok()).count();
        for r in &results {
            if let Err(reason) = &r.outcome {
                failures.entry(reason.clone()).and_modify(|n| *n += 1).or_insert(1usize);
            }
        }
    }
    for (reason, n) in &failures {
        println!("{backend}: {n} not dispatched: {reason}");
    }
    let dispatch_s = started.elapsed().as_secs_f64();
    println!("{backend}: batch dispatch of {} orders in {dispatch_s:.2} s ({dispatched} dispatched)", pending.len());
    app.db.pool.close().await;
    Ok(json!({
        "backend": backend, "ingest_orders": counts.created, "ingest_s": ingest_s, "ingest_per_s": ingest_per_s,
        "fetch_per_s": fetch_per_s, "update_orders": resync.updated, "update_per_s": update_per_s, "raw_per_s": raw_per_s, "ratio": ingest_per_s / raw_per_s,
        "raw_indexed_copies_per_s": indexed_per_s, "ratio_indexed_copies": ingest_per_s / indexed_per_s,
        "raw_unindexed_per_s": bare_per_s, "ratio_unindexed": ingest_per_s / bare_per_s,
        "dispatch_orders": pending.len(), "dispatched": dispatched, "dispatch_s": dispatch_s,
    }))
}

/// Queues a manual sync of the demo store and waits for it to finish.
async fn run_sync<F, Fut>(call: &F, mode: SyncMode) -> Res<SyncCounts>
where
    F: Fn(&str, Value) -> Fut,
    Fut: std::future::Future<Output = Res<Value>>,
{
    let task: SyncTaskId = serde_json::from_value(call("platform/sync", json!({ "store_id": 1, "mode": mode })).await?)?;
    loop {
        let log: Vec<SyncTask> = serde_json::from_value(call("platform/sync-log", json!({ "store_id": 1 })).await?)?;
        let t = log.into_iter().find(|t| t.id == task).ok_or_else(|| anyhow::anyhow!("task missing"))?;
        match t.status {
            SyncTaskStatus::Done => return Ok(t.counts),
            SyncTaskStatus::Failed => anyhow::bail!("sync failed: {}", t.error),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

async fn wait_for_idle_syncs(db: &Db) -> Res<()> {
    let start = Instant::now();
    loop {
        let busy: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_tasks WHERE status IN ('queued', 'running')").fetch_one(&db.pool).await?;
        let any: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_tasks").fetch_one(&db.pool).await?;
        if busy == 0 && any > 0 {
            return Ok(());
        }
        anyhow::ensure!(start.elapsed() < Duration::from_secs(60), "the first auto sync did not finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    /// platform_orders and platform_order_lines themselves; the rows are deleted afterwards.
    RealTables,
    /// Empty copies with the real tables' indexes (primary key and unique ones included) but
    /// no foreign keys.
    IndexedCopies,
    BareCopies,
}

/// Raw rows get ids far above the sync's, so they can go into the real tables beside its rows.
const RAW_ID_OFFSET: i64 = 1_000_000_000_000;

/// Multi-row INSERTs of the orders and their lines, one transaction: the fastest plain way to
/// put these rows into this database. Seconds taken.
async fn raw_batched_insert(db: &Db, orders: &[ImportedOrder], target: Target) -> Res<f64> {
    let (orders_table, lines_table) = match target {
        Target::RealTables => ("platform_orders", "platform_order_lines"),
        Target::IndexedCopies | Target::BareCopies => ("bench_orders", "bench_lines"),
    };
    if target != Target::RealTables {
        for (copy, table) in [("bench_orders", "platform_orders"), ("bench_lines", "platform_order_lines")] {
            sqlx::query(&format!("DROP TABLE IF EXISTS {copy}")).execute(&db.pool).await?;
            sqlx::query(&format!("CREATE TABLE {copy} AS SELECT * FROM {table} WHERE 1 = 0")).execute(&db.pool).await?;
            if target == Target::IndexedCopies {
                for sql in index_definitions(db, table, copy).await? {
                    sqlx::query(&sql).execute(&db.pool).await?;
                }
            }
        }
    }
    let started = Instant::now();
    let mut tx = db.begin_write().await?;
    for (batch_no, batch) in orders.chunks(RAW_BATCH).enumerate() {
        let mut sql = String::from(
            "INSERT INTO {orders_table} (id, merchant_id, store_id, platform_order_id, order_no, source_channel, kind, status, currency, total_minor,
             subtotal_minor, tax_minor, shipping_minor, discount_minor, financial_status, payment_gateway, fulfillment_status, ordered_at,
             platform_updated_at, recipient_name, recipient_name_lc, recipient_phone, recipient_email, recipient_country, recipient_state,
             recipient_city, recipient_address1, recipient_address2, recipient_postal_code, created_at, updated_at) VALUES ",
        )
        .replace("{orders_table}", orders_table);
        let cols = 31;
        for i in 0..batch.len() {
            let ps: Vec<String> = (1..=cols).map(|c| format!("${}", i * cols + c)).collect();
            sql.push_str(&format!("{}({})", if i == 0 { "" } else { ", " }, ps.join(", ")));
        }
        let mut q = sqlx::query(&sql);
        for (i, o) in batch.iter().enumerate() {
            let r = &o.recipient;
            q = q
                .bind(RAW_ID_OFFSET + (batch_no * RAW_BATCH + i) as i64 + 1)
                .bind(1i64)
                .bind(1i64)
                .bind(RAW_ID_OFFSET + o.platform_order_id)
                .bind(o.order_no.clone())
                .bind(o.source_channel.clone())
                .bind(o.kind.code())
                .bind("pending")
                .bind(o.currency.clone())
                .bind(o.total_minor)
                .bind(o.subtotal_minor)
                .bind(o.tax_minor)
                .bind(o.shipping_minor)
                .bind(o.discount_minor)
                .bind(o.financial_status.clone())
                .bind(o.payment_gateway.clone())
                .bind(o.fulfillment_status.clone())
                .bind(o.ordered_at_ms)
                .bind(o.platform_updated_at_ms)
                .bind(r.name.clone())
                .bind(r.name.to_lowercase())
                .bind(r.phone.clone())
                .bind(r.email.clone())
                .bind(r.country.clone())
                .bind(r.state.clone())
                .bind(r.city.clone())
                .bind(r.address1.clone())
                .bind(r.address2.clone())
                .bind(r.postal_code.clone())
                .bind(0i64)
                .bind(0i64);
        }
        q.execute(&mut *tx).await?;
        let lines: Vec<(i64, &ImportedLine)> = batch.iter().enumerate().flat_map(|(i, o)| o.lines.iter().map(move |l| (RAW_ID_OFFSET + (batch_no * RAW_BATCH + i) as i64 + 1, l))).collect();
        let mut sql = String::from(
            "INSERT INTO {lines_table} (platform_order_id, line_id, position, platform_sku, title, quantity, fulfillable_quantity, price_minor, requires_shipping, reject_reason) VALUES ",
        )
        .replace("{lines_table}", lines_table);
        for i in 0..lines.len() {
            let ps: Vec<String> = (1..=10).map(|c| format!("${}", i * 10 + c)).collect();
            sql.push_str(&format!("{}({})", if i == 0 { "" } else { ", " }, ps.join(", ")));
        }
        let mut q = sqlx::query(&sql);
        for (position, (order, l)) in lines.iter().enumerate() {
            q = q
                .bind(*order)
                .bind(l.platform_line_id)
                .bind(position as i64)
                .bind(l.platform_sku.clone())
                .bind(l.title.clone())
                .bind(l.quantity)
                .bind(l.fulfillable_quantity)
                .bind(l.price_minor)
                .bind(i64::from(l.requires_shipping))
                .bind("");
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let seconds = started.elapsed().as_secs_f64();
    if target == Target::RealTables {
        sqlx::query("DELETE FROM platform_order_lines WHERE platform_order_id > $1").bind(RAW_ID_OFFSET).execute(&db.pool).await?;
        sqlx::query("DELETE FROM platform_orders WHERE id > $1").bind(RAW_ID_OFFSET).execute(&db.pool).await?;
    }
    Ok(seconds)
}

/// `CREATE [UNIQUE] INDEX` statements that give `copy` the same indexes as `table`, including
/// those behind its primary key and unique constraints, read from the database's catalog.
async fn index_definitions(db: &Db, table: &str, copy: &str) -> Res<Vec<String>> {
    use sqlx::Row;
    let mut out = Vec::new();
    if db.backend == server::db::Backend::Postgres {
        let rows = sqlx::query("SELECT indexname::text AS indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1").bind(table).fetch_all(&db.pool).await?;
        for row in rows {
            let (name, def): (String, String) = (row.try_get("indexname")?, row.try_get("indexdef")?);
            let on = def.find(" ON ").ok_or_else(|| anyhow::anyhow!("unexpected index definition {def}"))?;
            let using = def.find(" USING ").ok_or_else(|| anyhow::anyhow!("unexpected index definition {def}"))?;
            out.push(format!("{} ON {copy}{}", def[..on].replace(&name, &format!("{copy}_{name}")), &def[using..]));
        }
    } else {
        // Named indexes and the automatic ones behind PRIMARY KEY / UNIQUE (an INTEGER PRIMARY
        // KEY is the rowid itself and has none).
        let rows = sqlx::query(&format!("SELECT name, \"unique\" AS is_unique FROM pragma_index_list('{table}')")).fetch_all(&db.pool).await?;
        for row in rows {
            let (name, unique): (String, i64) = (row.try_get("name")?, row.try_get("is_unique")?);
            let cols = sqlx::query(&format!("SELECT name FROM pragma_index_info('{name}') ORDER BY seqno")).fetch_all(&db.pool).await?;
            let cols: Vec<String> = cols.iter().map(|c| c.try_get::<String, _>("name")).collect::<Result<_, _>>()?;
            let kind = if unique == 1 { "UNIQUE INDEX" } else { "INDEX" };
            out.push(format!("CREATE {kind} \"{copy}_{name}\" ON {copy} ({})", cols.join(", ")));
        }
    }
    anyhow::ensure!(!out.is_empty(), "{table} has no indexes to copy");
    Ok(out)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
