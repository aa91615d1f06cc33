//! Background work for connected stores: auto sync scheduling, sync tasks (manual and auto),
//! and shipment writebacks. Tasks and jobs are rows claimed with a lock that expires, so any
//! number of processes can run workers, and a process killed mid-task leaves work another
//! worker picks up: a sync resumes from the page cursor saved with each page's upserts.

use std::sync::Arc;
use std::time::Duration;

use app::domain::*;
use app::error::AppError;
use app::ports::{AppResult, Clock, PageCursor, Platform, PlatformError, StoreCredentials};

use crate::db::{Backend, Cell, Column, Db, JsonRows};
use crate::secrets::SecretBox;
use crate::stores::orders::Tx;
use crate::stores::platform::{credentials_of, insert_sync_task};
use crate::stores::{db_error, RowExt};

/// First Immediate / Auto sync of a new store looks this far back.
const FIRST_SYNC_LOOKBACK_MS: i64 = 30 * 24 * 3_600_000;
/// Writebacks that keep failing transiently give up after this many attempts (then the
/// merchant sees the exception and can press Mark Shipped).
pub const MAX_WRITEBACK_ATTEMPTS: i64 = 5;

/// Rung when this process queues a sync task, so an idle worker here starts it at once
/// instead of at its next poll ("Sync now" means now).
pub(crate) static SYNC_QUEUED: std::sync::LazyLock<tokio::sync::Notify> = std::sync::LazyLock::new(tokio::sync::Notify::new);

#[derive(Clone)]
pub struct PlatformWorker {
    pub db: Db,
    pub platform: Arc<dyn Platform>,
    pub secrets: SecretBox,
    pub clock: Arc<dyn Clock>,
    /// How long a claimed task or job stays ours (renewed on every sync page).
    pub lock: Duration,
    /// First retry delay of a writeback; doubled per attempt.
    pub writeback_backoff: Duration,
    pub auto_sync_interval_ms: i64,
}

struct ClaimedSync {
    id: SyncTaskId,
    store_id: StoreId,
    mode: SyncMode,
    page_cursor: String,
}

impl PlatformWorker {
    pub fn spawn(self, idle: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                crate::polling::pause_after(self.run_once().await, "platform worker", idle, Some(&SYNC_QUEUED)).await;
            }
        })
    }

    /// One step: schedule due auto syncs, then run one sync task or one writeback.
    /// Returns false when there was nothing to do.
    pub async fn run_once(&self) -> AppResult<bool> {
        self.schedule_auto_syncs().await?;
        if let Some(task) = self.claim_sync().await? {
            self.run_sync(task).await?;
            return Ok(true);
        }
        self.run_writeback().await
    }

    /// Queues an Auto task for each store with auto sync on whose last auto task is older
    /// than the interval and that has nothing queued or running.
    async fn schedule_auto_syncs(&self) -> AppResult<()> {
        let now = self.clock.now_ms();
        let due = sqlx::query(
            "SELECT s.id FROM stores s WHERE s.auto_sync = 1
               AND NOT EXISTS (SELECT 1 FROM sync_tasks t WHERE t.store_id = s.id AND t.status IN ('queued', 'running'))
               AND NOT EXISTS (SELECT 1 FROM sync_tasks t WHERE t.store_id = s.id AND t.mode = 'auto' AND t.created_at > $1)",
        )
        .bind(now - self.auto_sync_interval_ms)
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        for row in due {
            insert_sync_task(&self.db, row.col("id")?, &SyncMode::Auto, now).await?;
        }
        Ok(())
    }

    async fn claim_sync(&self) -> AppResult<Option<ClaimedSync>> {
        let now = self.clock.now_ms();
        let sql = format!(
            "UPDATE sync_tasks SET status = 'running', locked_until = $1, started_at = COALESCE(started_at, $2)
             WHERE id = (
                 SELECT id FROM sync_tasks
                 WHERE status = 'queued' OR (status = 'running' AND locked_until < $2)
                 ORDER BY id LIMIT 1{})
             RETURNING id, store_id, params, page_cursor",
            self.db.skip_locked()
        );
        let row = sqlx::query(&sql).bind(now + self.lock.as_millis() as i64).bind(now).fetch_optional(&self.db.pool).await.map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let params: String = row.col("params")?;
        let mode = serde_json::from_str(&params).map_err(|e| {
            tracing::error!(error = %e, "bad sync task params");
            AppError::Internal
        })?;
        Ok(Some(ClaimedSync { id: row.col("id")?, store_id: row.col("store_id")?, mode, page_cursor: row.col("page_cursor")? }))
    }

    async fn store(&self, store: StoreId) -> AppResult<(MerchantId, StoreCredentials, i64)> {
        let row = sqlx::query("SELECT merchant_id, shop_domain, token_sealed, sync_cursor_ms FROM stores WHERE id = $1")
            .bind(store)
            .fetch_one(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok((row.col("merchant_id")?, credentials_of(&self.secrets, store, &row)?, row.col("sync_cursor_ms")?))
    }

    async fn run_sync(&self, task: ClaimedSync) -> AppResult<()> {
        let result = match self.store(task.store_id).await {
            Ok((merchant, credentials, sync_cursor)) => self.fetch_and_save(&task, merchant, &credentials, sync_cursor).await,
            // e.g. a token sealed with another key: retrying cannot help; the log says why.
            Err(e) => Err(SyncFailure::App(e)),
        };
        if let Err(e) = result {
            let message = match &e {
                SyncFailure::Platform(PlatformError::Permanent(m)) => format!("The platform refused: {m}"),
                SyncFailure::Platform(PlatformError::Transient(m)) => format!("The platform did not answer: {m}"),
                SyncFailure::App(e) => e.user_message(),
            };
            tracing::warn!(task = task.id, error = %message, "sync task failed");
            sqlx::query("UPDATE sync_tasks SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1")
                .bind(task.id)
                .bind(message)
                .bind(self.clock.now_ms())
                .execute(&self.db.pool)
                .await
                .map_err(db_error)?;
        }
        Ok(())
    }

    /// Fetches the task's orders page by page, saving each page as it arrives.
    async fn fetch_and_save(&self, task: &ClaimedSync, merchant: MerchantId, credentials: &StoreCredentials, sync_cursor: i64) -> Result<(), SyncFailure> {
        match &task.mode {
            SyncMode::OrderNumbers(numbers) => match self.platform.orders_by_number(credentials, numbers).await {
                Ok(orders) => self.save_page(task, merchant, &orders, None, true).await,
                Err(e) => Err(e.into()),
            },
            mode => {
                let now = self.clock.now_ms();
                let window = match mode {
                    SyncMode::TimeRange { from_ms, to_ms } => PageCursor::UpdatedBetween { from_ms: *from_ms, to_ms: *to_ms },
                    _ if sync_cursor == 0 => PageCursor::UpdatedBetween { from_ms: now - FIRST_SYNC_LOOKBACK_MS, to_ms: now },
                    _ => PageCursor::UpdatedBetween { from_ms: sync_cursor, to_ms: now },
                };
                // Resume where a crashed worker stopped.
                let first = if task.page_cursor.is_empty() { window } else { PageCursor::Next(task.page_cursor.clone()) };
                let mut fetched = self.platform.orders_page(credentials, &first).await;
                loop {
                    let page = fetched?;
                    let Some(next) = page.next.clone() else {
                        return self.save_page(task, merchant, &page.orders, None, true).await;
                    };
                    // The next page is fetched (and parsed, on another thread) while this one
                    // is written: the platform's latency and the database's overlap. Progress is
                    // still saved page by page.
                    let prefetch = {
                        let (platform, credentials, cursor) = (self.platform.clone(), credentials.clone(), PageCursor::Next(next.clone()));
                        tokio::spawn(async move { platform.orders_page(&credentials, &cursor).await })
                    };
                    if let Err(e) = self.save_page(task, merchant, &page.orders, Some(&next), false).await {
                        prefetch.abort();
                        return Err(e);
                    }
                    fetched = prefetch.await.map_err(|e| {
                        tracing::error!(error = %e, "page fetch task failed");
                        SyncFailure::App(AppError::Internal)
                    })?;
                }
            }
        }
    }

    /// Upserts one page and records progress (counts, resume cursor, lock renewal) in the same
    /// transaction, so a crash either keeps the whole page and its cursor or neither.
    async fn save_page(&self, task: &ClaimedSync, merchant: MerchantId, orders: &[Result<ImportedOrder, String>], next: Option<&str>, last: bool) -> Result<(), SyncFailure> {
        let now = self.clock.now_ms();
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let mut counts = SyncCounts { fetched: orders.len() as i64, ..Default::default() };
        let mut imported = Vec::with_capacity(orders.len());
        for order in orders {
            match order {
                Ok(order) => imported.push(order),
                Err(reason) => {
                    tracing::warn!(task = task.id, reason, "platform order not imported");
                    counts.failed += 1;
                }
            }
        }
        let newest = imported.iter().map(|o| o.platform_updated_at_ms).max().unwrap_or(0);
        for outcome in upsert_orders(&mut tx, self.db.backend, merchant, task.store_id, &imported, now).await? {
            match outcome {
                Upsert::Created => counts.created += 1,
                Upsert::Updated => counts.updated += 1,
                Upsert::Unchanged => {}
            }
        }
        let failures: Vec<&str> = orders.iter().filter_map(|o| o.as_ref().err()).map(String::as_str).take(3).collect();
        let status = if last { "done" } else { "running" };
        sqlx::query(
            "UPDATE sync_tasks SET fetched = fetched + $2, created = created + $3, updated = updated + $4, failed = failed + $5,
                    page_cursor = $6, status = $7, locked_until = $8, finished_at = $9,
                    error = CASE WHEN $10 = '' THEN error ELSE $10 END
             WHERE id = $1",
        )
        .bind(task.id)
        .bind(counts.fetched)
        .bind(counts.created)
        .bind(counts.updated)
        .bind(counts.failed)
        .bind(next.unwrap_or(""))
        .bind(status)
        .bind(now + self.lock.as_millis() as i64)
        .bind(if last { Some(now) } else { None })
        .bind(failures.join("; "))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        // Auto / Immediate continue from the newest change seen (inclusive: the boundary
        // orders are fetched again and found unchanged).
        let moves_cursor = matches!(task.mode, SyncMode::Auto | SyncMode::Immediate);
        sqlx::query(
            "UPDATE stores SET last_synced_at = $2,
                    sync_cursor_ms = CASE WHEN $3 = 1 AND $4 > sync_cursor_ms THEN $4 ELSE sync_cursor_ms END
             WHERE id = $1",
        )
        .bind(task.store_id)
        .bind(now)
        .bind(i64::from(moves_cursor))
        .bind(newest)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    /// Claims one due writeback and creates the fulfillment at the platform.
    async fn run_writeback(&self) -> AppResult<bool> {
        let now = self.clock.now_ms();
        let sql = format!(
            "UPDATE platform_writebacks SET status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2
             WHERE platform_order_id = (
                 SELECT platform_order_id FROM platform_writebacks
                 WHERE (status = 'pending' AND next_attempt_at <= $2) OR (status = 'running' AND locked_until < $2)
                 ORDER BY next_attempt_at LIMIT 1{})
             RETURNING platform_order_id, tracking_no, carrier, service_type, attempts",
            self.db.skip_locked()
        );
        let row = sqlx::query(&sql).bind(now + self.lock.as_millis() as i64).bind(now).fetch_optional(&self.db.pool).await.map_err(db_error)?;
        let Some(row) = row else { return Ok(false) };
        let id: PlatformOrderId = row.col("platform_order_id")?;
        let attempts: i64 = row.col("attempts")?;
        let shipment = ManualShipInput { tracking_no: row.col("tracking_no")?, channel: row.col("carrier")?, service_type: row.col("service_type")? };
        let head = sqlx::query("SELECT merchant_id, store_id FROM platform_orders WHERE id = $1").bind(id).fetch_one(&self.db.pool).await.map_err(db_error)?;
        let (merchant, store): (MerchantId, StoreId) = (head.col("merchant_id")?, head.col("store_id")?);
        let orders = crate::stores::platform::SqlPlatformStore::new(self.db.clone(), self.secrets.clone());
        let order = app::ports::PlatformStore::get(&orders, merchant, id).await?.ok_or(AppError::NotFound)?;
        let (_, credentials, _) = self.store(store).await?;
        let fulfillment = fulfillment_for(&order, &shipment.tracking_no, &shipment.channel, &shipment.service_type);
        match self.platform.create_fulfillment(&credentials, &fulfillment).await {
            Ok(_) => {
                app::ports::PlatformStore::record_shipment(&orders, merchant, None, id, &shipment, PlatformStatus::Shipped, self.clock.now_ms()).await?;
            }
            Err(PlatformError::Transient(m)) if attempts < MAX_WRITEBACK_ATTEMPTS => {
                let delay = self.writeback_backoff.as_millis() as i64 * (1i64 << (attempts - 1).clamp(0, 16));
                sqlx::query("UPDATE platform_writebacks SET status = 'pending', next_attempt_at = $2, last_error = $3, updated_at = $4 WHERE platform_order_id = $1")
                    .bind(id)
                    .bind(self.clock.now_ms() + delay)
                    .bind(m)
                    .bind(self.clock.now_ms())
                    .execute(&self.db.pool)
                    .await
                    .map_err(db_error)?;
            }
            Err(e) => {
                let message = match e {
                    PlatformError::Permanent(m) => format!("Writeback failed: the platform refused ({m})"),
                    PlatformError::Transient(m) => format!("Writeback failed after {attempts} attempts: the platform did not answer ({m})"),
                };
                let mut tx = self.db.begin_write().await.map_err(db_error)?;
                let before = crate::stores::platform::platform_order_state(&mut tx, merchant, id).await?.ok_or(AppError::NotFound)?;
                sqlx::query("UPDATE platform_writebacks SET status = 'failed', last_error = $2, updated_at = $3 WHERE platform_order_id = $1")
                    .bind(id)
                    .bind(message.as_str())
                    .bind(self.clock.now_ms())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                sqlx::query("UPDATE platform_orders SET writeback_failed = 1, exception = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(message.as_str())
                    .bind(self.clock.now_ms())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                crate::stores::platform::audit_platform_order(&mut tx, merchant, None, id, "Writeback failed", &before, self.clock.now_ms()).await?;
                tx.commit().await.map_err(db_error)?;
            }
        }
        Ok(true)
    }
}

enum SyncFailure {
    Platform(PlatformError),
    App(AppError),
}

impl From<PlatformError> for SyncFailure {
    fn from(e: PlatformError) -> Self {
        SyncFailure::Platform(e)
    }
}

impl From<AppError> for SyncFailure {
    fn from(e: AppError) -> Self {
        SyncFailure::App(e)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Upsert {
    Created,
    Updated,
    Unchanged,
}

/// The columns the platform owns: written on insert and refreshed by every sync.
fn platform_owned(order: &ImportedOrder) -> Vec<Column<'_>> {
    let r = &order.recipient;
    vec![
        ("order_no", Cell::text(&order.order_no)),
        ("source_channel", Cell::text(&order.source_channel)),
        ("currency", Cell::text(&order.currency)),
        ("total_minor", Cell::Int(order.total_minor)),
        ("subtotal_minor", Cell::Int(order.subtotal_minor)),
        ("tax_minor", Cell::Int(order.tax_minor)),
        ("shipping_minor", Cell::Int(order.shipping_minor)),
        ("discount_minor", Cell::Int(order.discount_minor)),
        ("financial_status", Cell::text(&order.financial_status)),
        ("payment_gateway", Cell::text(&order.payment_gateway)),
        ("fulfillment_status", Cell::text(&order.fulfillment_status)),
        ("platform_updated_at", Cell::Int(order.platform_updated_at_ms)),
        ("recipient_name", Cell::text(&r.name)),
        ("recipient_name_lc", Cell::text(&r.name.to_lowercase()).into_owned()),
        ("recipient_phone", Cell::text(&r.phone)),
        ("recipient_email", Cell::text(&r.email)),
        ("recipient_country", Cell::text(&r.country)),
        ("recipient_state", Cell::text(&r.state)),
        ("recipient_city", Cell::text(&r.city)),
        ("recipient_address1", Cell::text(&r.address1)),
        ("recipient_address2", Cell::text(&r.address2)),
        ("recipient_postal_code", Cell::text(&r.postal_code)),
    ]
}

/// A new order's row: its local columns, then the platform-owned ones.
fn new_order_row(order: &ImportedOrder) -> Vec<Column<'_>> {
    let mut row = vec![
        ("platform_order_id", Cell::Int(order.platform_order_id)),
        ("kind", Cell::text(order.kind.code())),
        ("status", Cell::text(initial_status(order).code())),
        ("ordered_at", Cell::Int(order.ordered_at_ms)),
    ];
    row.extend(platform_owned(order));
    row
}

/// A known order's new state: its id, the status the sync moves it to, the platform-owned columns.
fn changed_order_row(id: PlatformOrderId, status: PlatformStatus, order: &ImportedOrder) -> Vec<Column<'_>> {
    let mut row = vec![("id", Cell::Int(id)), ("status", Cell::text(status.code()))];
    row.extend(platform_owned(order));
    row
}

fn line_row(order: PlatformOrderId, position: usize, line: &ImportedLine) -> Vec<Column<'_>> {
    vec![
        ("platform_order_id", Cell::Int(order)),
        ("line_id", Cell::Int(line.platform_line_id)),
        ("position", Cell::Int(position as i64)),
        ("platform_sku", Cell::text(&line.platform_sku)),
        ("title", Cell::text(&line.title)),
        ("quantity", Cell::Int(line.quantity)),
        ("fulfillable_quantity", Cell::Int(line.fulfillable_quantity)),
        ("price_minor", Cell::Int(line.price_minor)),
        ("requires_shipping", Cell::Int(i64::from(line.requires_shipping))),
    ]
}

/// At most this many orders per batch. Far more than a page: every batch is a fixed number of
/// statements whatever its size (see `JsonRows`), so a page is normally one batch.
const ORDER_BATCH: usize = 1_000;

/// Inserts new platform orders, or refreshes the platform-owned fields of known ones
/// (amounts, payment, number, recipient, lines' quantities) without touching local work
/// (dispatch link, acknowledgment, exception). Idempotent on (store, platform order id).
/// A page is written with a few statements (new orders, the known ones' current state, the
/// changed ones, every line) instead of two or three per order, so a page of 250 costs a
/// handful of round trips, not hundreds. One outcome per order, in order.
pub async fn upsert_orders(tx: &mut Tx, backend: Backend, merchant: MerchantId, store: StoreId, orders: &[&ImportedOrder], now_ms: i64) -> AppResult<Vec<Upsert>> {
    let mut outcomes = Vec::with_capacity(orders.len());
    for batch in distinct_batches(orders, |o| o.platform_order_id) {
        outcomes.extend(upsert_batch(tx, backend, merchant, store, batch, now_ms).await?);
    }
    Ok(outcomes)
}

/// Consecutive runs of at most `ORDER_BATCH` orders in which no platform order id repeats, so
/// an order listed twice is inserted by the first run and compared by the next, as if the
/// orders were written one by one.
fn distinct_batches<T>(items: &[T], id: impl Fn(&T) -> i64) -> Vec<&[T]> {
    let mut batches = Vec::new();
    let (mut start, mut seen) = (0, std::collections::HashSet::new());
    for (i, item) in items.iter().enumerate() {
        if i - start == ORDER_BATCH || !seen.insert(id(item)) {
            batches.push(&items[start..i]);
            start = i;
            seen.clear();
            seen.insert(id(item));
        }
    }
    if start < items.len() {
        batches.push(&items[start..]);
    }
    batches
}

fn json_rows<'a>(rows: impl IntoIterator<Item = Vec<Column<'a>>>) -> AppResult<JsonRows> {
    JsonRows::new(rows).map_err(|e| {
        tracing::error!(error = %e, "batch rows not serialized");
        AppError::Internal
    })
}

async fn upsert_batch(tx: &mut Tx, backend: Backend, merchant: MerchantId, store: StoreId, batch: &[&ImportedOrder], now_ms: i64) -> AppResult<Vec<Upsert>> {
    // New orders. (`WHERE true` keeps SQLite from reading ON CONFLICT as a join's ON.)
    let rows = json_rows(batch.iter().map(|o| new_order_row(o)))?;
    let insert = format!(
        "INSERT INTO platform_orders (merchant_id, store_id, created_at, updated_at, {})
         SELECT $1, $2, $3, $3, {} FROM {} WHERE true
         ON CONFLICT (store_id, platform_order_id) DO NOTHING
         RETURNING id, platform_order_id",
        rows.columns(),
        rows.values(),
        backend.json_table("$4")
    );
    let mut created = std::collections::HashMap::new();
    for row in sqlx::query(&insert).bind(merchant).bind(store).bind(now_ms).bind(rows.json()).fetch_all(&mut **tx).await.map_err(db_error)? {
        created.insert(row.col::<i64>("platform_order_id")?, row.col::<PlatformOrderId>("id")?);
    }

    // Known orders: their local state decides whether anything changed.
    let mut known = std::collections::HashMap::new();
    let known_ids: Vec<i64> = batch.iter().map(|o| o.platform_order_id).filter(|id| !created.contains_key(id)).collect();
    if !known_ids.is_empty() {
        let list: Vec<String> = (0..known_ids.len()).map(|i| format!("${}", i + 2)).collect();
        let select = format!(
            "SELECT id, platform_order_id, status, platform_updated_at FROM platform_orders WHERE store_id = $1 AND platform_order_id IN ({})",
            list.join(", ")
        );
        let mut q = sqlx::query(&select).bind(store);
        for id in &known_ids {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut **tx).await.map_err(db_error)? {
            let status_code: String = row.col("status")?;
            let local = PlatformStatus::from_code(&status_code).ok_or(AppError::Internal)?;
            let seen: i64 = row.col("platform_updated_at")?;
            known.insert(row.col::<i64>("platform_order_id")?, (row.col::<PlatformOrderId>("id")?, local, seen));
        }
    }

    let mut outcomes = Vec::with_capacity(batch.len());
    let mut lines = Vec::new();
    let mut changed = Vec::new();
    // Status moves made by the platform (fulfilled → Completed, cancelled there) are audited:
    // their state before the update, read while it is still there.
    let mut moved = Vec::new();
    for order in batch {
        let (id, outcome) = match created.get(&order.platform_order_id) {
            Some(id) => (*id, Upsert::Created),
            None => {
                let &(id, local, seen) = known.get(&order.platform_order_id).ok_or_else(|| {
                    tracing::error!(order = order.platform_order_id, "platform order neither inserted nor found");
                    AppError::Internal
                })?;
                let status = status_after_sync(local, order);
                if seen == order.platform_updated_at_ms && status == local {
                    outcomes.push(Upsert::Unchanged);
                    continue;
                }
                if status != local {
                    if let Some(before) = crate::stores::platform::platform_order_state(tx, merchant, id).await? {
                        moved.push((id, before));
                    }
                }
                changed.push(changed_order_row(id, status, order));
                (id, Upsert::Updated)
            }
        };
        outcomes.push(outcome);
        lines.extend(order.lines.iter().enumerate().map(|(position, line)| line_row(id, position, line)));
    }

    let changed = json_rows(changed)?;
    if !changed.is_empty() {
        let sets: Vec<String> = changed.names().filter(|col| *col != "id").map(|col| format!("{col} = u.{col}")).collect();
        let update = format!(
            "UPDATE platform_orders SET updated_at = $1, {} FROM (SELECT {} FROM {}) AS u WHERE platform_orders.id = u.id",
            sets.join(", "),
            changed.values(),
            backend.json_table("$2")
        );
        sqlx::query(&update).bind(now_ms).bind(changed.json()).execute(&mut **tx).await.map_err(db_error)?;
    }
    for (id, before) in moved {
        crate::stores::platform::audit_platform_order(tx, merchant, None, id, "Changed at the platform", &before, now_ms).await?;
    }

    let lines = json_rows(lines)?;
    if !lines.is_empty() {
        let key = ["platform_order_id", "line_id"];
        let sets: Vec<String> = lines.names().filter(|col| !key.contains(col)).map(|col| format!("{col} = excluded.{col}")).collect();
        let sql = format!(
            "INSERT INTO platform_order_lines ({}) SELECT {} FROM {} WHERE true
             ON CONFLICT ({}) DO UPDATE SET {}",
            lines.columns(),
            lines.values(),
            backend.json_table("$1"),
            key.join(", "),
            sets.join(", ")
        );
        sqlx::query(&sql).bind(lines.json()).execute(&mut **tx).await.map_err(db_error)?;
    }
    Ok(outcomes)
}

/// Queues the writeback of a dispatched order's shipment (called in the floor's Ship
/// transaction, so a shipped order can never miss its writeback).
pub async fn queue_writeback(tx: &mut Tx, order: OrderId, now_ms: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO platform_writebacks (platform_order_id, status, tracking_no, carrier, service_type, next_attempt_at, created_at, updated_at)
         SELECT po.id, 'pending', o.tracking_no, c.carrier, c.service_type, $2, $2, $2
         FROM platform_orders po JOIN orders o ON o.id = po.dropship_order_id JOIN channels c ON c.id = o.channel_id
         WHERE po.dropship_order_id = $1
         ON CONFLICT (platform_order_id) DO UPDATE SET status = 'pending', tracking_no = excluded.tracking_no,
             carrier = excluded.carrier, service_type = excluded.service_type, attempts = 0,
             next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at",
    )
    .bind(order)
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_bounded_and_never_repeat_an_order() {
        let ids: Vec<i64> = (0..2_500).collect();
        let sizes: Vec<usize> = distinct_batches(&ids, |id| *id).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [1_000, 1_000, 500]);
        let repeated = [1i64, 2, 1, 3, 3];
        assert_eq!(distinct_batches(&repeated, |id| *id), [&[1, 2][..], &[1, 3][..], &[3][..]]);
        assert!(distinct_batches(&[] as &[i64], |id| *id).is_empty());
    }
}
