//! Stores, synced platform orders, SKU mappings, dispatch links, B2B acknowledgments and the
//! writeback queue. Platform-owned fields are written only by `upsert_orders` (sync); local
//! work (dispatch, bindings, acknowledgment) only by the merchant's actions.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::*;

use super::audit::{self, Change};
use super::inventory::{change_stock, shortage, Movement};
use super::orders::{bind_args, recipient_of, SqlArg, SqlBuilder, Tx};
use super::{db_error, RowExt};
use crate::db::Db;
use crate::secrets::SecretBox;

pub struct SqlPlatformStore {
    db: Db,
    secrets: SecretBox,
}

impl SqlPlatformStore {
    pub fn new(db: Db, secrets: SecretBox) -> Self {
        Self { db, secrets }
    }
}

const SUMMARY_SELECT: &str = "SELECT po.*, s.name AS store_name,
        COALESCE(w.name, aw.name, '') AS warehouse_name, o.shipping_cost_minor AS wms_cost,
        COALESCE(NULLIF(po.shipped_tracking_no, ''), o.tracking_no, '') AS tracking,
        COALESCE(NULLIF(po.shipped_carrier, ''), c.carrier, '') AS carrier_name,
        COALESCE(NULLIF(po.shipped_service, ''), c.service_type, '') AS service_name,
        (SELECT CAST(COALESCE(SUM(l.accepted_quantity), 0) AS BIGINT) FROM platform_order_lines l WHERE l.platform_order_id = po.id) AS accepted_units
    FROM platform_orders po
    JOIN stores s ON s.id = po.store_id
    LEFT JOIN orders o ON o.id = po.dropship_order_id
    LEFT JOIN warehouses w ON w.id = o.warehouse_id
    LEFT JOIN channels c ON c.id = o.channel_id
    LEFT JOIN warehouses aw ON aw.id = po.ack_warehouse_id";

fn status_of(row: &AnyRow) -> AppResult<PlatformStatus> {
    let code: String = row.col("status")?;
    PlatformStatus::from_code(&code).ok_or_else(|| {
        tracing::error!(code, "unknown platform order status in database");
        AppError::Internal
    })
}

fn summary_of(row: &AnyRow) -> AppResult<PlatformOrderSummary> {
    let kind: String = row.col("kind")?;
    Ok(PlatformOrderSummary {
        id: row.col("id")?,
        store_id: row.col("store_id")?,
        store_name: row.col("store_name")?,
        order_no: row.col("order_no")?,
        source_channel: row.col("source_channel")?,
        kind: OrderKind::from_code(&kind).ok_or(AppError::Internal)?,
        status: status_of(row)?,
        total_minor: row.col("total_minor")?,
        currency: row.col("currency")?,
        wms_shipping_cost_minor: row.col("wms_cost")?,
        ordered_at_ms: row.col("ordered_at")?,
        warehouse_name: row.col("warehouse_name")?,
        recipient_name: row.col("recipient_name")?,
        tracking_no: row.col("tracking")?,
        exception: row.col("exception")?,
        dropship_order_id: row.col("dropship_order_id")?,
        writeback_failed: row.col::<i64>("writeback_failed")? != 0,
        accepted_units: row.col("accepted_units")?,
    })
}

fn store_of(row: &AnyRow) -> AppResult<StoreInfo> {
    let platform: String = row.col("platform")?;
    Ok(StoreInfo {
        id: row.col("id")?,
        name: row.col("name")?,
        platform: PlatformKind::from_code(&platform).ok_or(AppError::Internal)?,
        shop_domain: row.col("shop_domain")?,
        token_hint: row.col("token_hint")?,
        auto_sync: row.col::<i64>("auto_sync")? != 0,
        last_synced_at_ms: row.col("last_synced_at")?,
        created_at_ms: row.col("created_at")?,
    })
}

pub(crate) fn sync_task_of(row: &AnyRow) -> AppResult<SyncTask> {
    let params: String = row.col("params")?;
    let status: String = row.col("status")?;
    Ok(SyncTask {
        id: row.col("id")?,
        store_id: row.col("store_id")?,
        store_name: row.col("store_name")?,
        mode: serde_json::from_str(&params).map_err(|e| {
            tracing::error!(error = %e, "bad sync task params");
            AppError::Internal
        })?,
        status: SyncTaskStatus::from_code(&status).ok_or(AppError::Internal)?,
        created_at_ms: row.col("created_at")?,
        started_at_ms: row.col("started_at")?,
        finished_at_ms: row.col("finished_at")?,
        counts: SyncCounts { fetched: row.col("fetched")?, created: row.col("created")?, updated: row.col("updated")?, failed: row.col("failed")? },
        error: row.col("error")?,
    })
}

fn mode_code(mode: &SyncMode) -> &'static str {
    match mode {
        SyncMode::Auto => "auto",
        SyncMode::Immediate => "immediate",
        SyncMode::TimeRange { .. } => "range",
        SyncMode::OrderNumbers(_) => "numbers",
    }
}

/// Inserts a queued sync task (manual request or auto schedule).
pub(crate) async fn insert_sync_task(db: &Db, store: StoreId, mode: &SyncMode, now_ms: i64) -> AppResult<SyncTaskId> {
    let params = serde_json::to_string(mode).map_err(|_| AppError::Internal)?;
    let row = sqlx::query("INSERT INTO sync_tasks (store_id, mode, params, status, created_at) VALUES ($1, $2, $3, 'queued', $4) RETURNING id")
        .bind(store)
        .bind(mode_code(mode))
        .bind(params)
        .bind(now_ms)
        .fetch_one(&db.pool)
        .await
        .map_err(db_error)?;
    // Every idle worker of this process wakes (one finds the task); and if none was idle,
    // the stored permit sends the next one to idle straight back to look.
    crate::platform_worker::SYNC_QUEUED.notify_waiters();
    crate::platform_worker::SYNC_QUEUED.notify_one();
    row.col("id")
}

/// The warehouse SKU (id) with `code` in `warehouse` for the merchant.
async fn sku_in_warehouse(tx: &mut Tx, merchant: MerchantId, warehouse: WarehouseId, code: &str) -> AppResult<Option<SkuId>> {
    let row = sqlx::query("SELECT id FROM skus WHERE merchant_id = $1 AND warehouse_id = $2 AND code = $3")
        .bind(merchant)
        .bind(warehouse)
        .bind(code)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    row.map(|r| r.col("id")).transpose()
}

async fn upsert_mapping(tx: &mut Tx, merchant: MerchantId, store: StoreId, platform_sku: &str, warehouse_sku: &str, now_ms: i64) -> AppResult<MappingId> {
    let row = sqlx::query(
        "INSERT INTO sku_mappings (merchant_id, store_id, platform_sku, warehouse_sku, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (store_id, platform_sku) DO UPDATE SET warehouse_sku = excluded.warehouse_sku, updated_at = excluded.updated_at
         RETURNING id",
    )
    .bind(merchant)
    .bind(store)
    .bind(platform_sku)
    .bind(warehouse_sku)
    .bind(now_ms)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_error)?;
    row.col("id")
}

/// Refuses a store id that is not the merchant's (NotFound, like any other tenant's object).
async fn own_store(db: &Db, merchant: MerchantId, store: StoreId) -> AppResult<()> {
    let found = sqlx::query("SELECT id FROM stores WHERE id = $1 AND merchant_id = $2")
        .bind(store)
        .bind(merchant)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_error)?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

/// The locally decided state of a platform order, as its history records it.
#[derive(serde::Serialize)]
pub(crate) struct PlatformOrderState {
    status: String,
    exception: String,
    dropship_order: Option<String>,
    tracking_no: String,
}

pub(crate) async fn platform_order_state(tx: &mut Tx, merchant: MerchantId, id: PlatformOrderId) -> AppResult<Option<PlatformOrderState>> {
    let row = sqlx::query("SELECT status, exception, dropship_order_id, shipped_tracking_no FROM platform_orders WHERE id = $1 AND merchant_id = $2")
        .bind(id)
        .bind(merchant)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    row.map(|r| {
        Ok(PlatformOrderState {
            status: status_of(&r)?.label().to_string(),
            exception: r.col("exception")?,
            dropship_order: r.col::<Option<OrderId>>("dropship_order_id")?.map(order_no),
            tracking_no: r.col("shipped_tracking_no")?,
        })
    })
    .transpose()
}

/// Records what `action` did to a platform order, given its state before (read again after).
pub(crate) async fn audit_platform_order(tx: &mut Tx, merchant: MerchantId, actor: Option<&Actor>, id: PlatformOrderId, action: &str, before: &PlatformOrderState, now_ms: i64) -> AppResult<()> {
    let after = platform_order_state(tx, merchant, id).await?;
    let change = Change { merchant: Some(merchant), object_type: audit::PLATFORM_ORDER, object_id: id.to_string(), action, before: Some(before), after: after.as_ref() };
    audit::record(tx, actor, change, now_ms).await
}

/// A mapping as its history records it.
#[derive(serde::Serialize)]
struct MappingState {
    store_id: StoreId,
    platform_sku: String,
    warehouse_sku: String,
}

async fn mapping_state(tx: &mut Tx, merchant: MerchantId, id: MappingId) -> AppResult<Option<MappingState>> {
    let row = sqlx::query("SELECT store_id, platform_sku, warehouse_sku FROM sku_mappings WHERE id = $1 AND merchant_id = $2")
        .bind(id)
        .bind(merchant)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    row.map(|r| Ok(MappingState { store_id: r.col("store_id")?, platform_sku: r.col("platform_sku")?, warehouse_sku: r.col("warehouse_sku")? })).transpose()
}

/// Inserts or rebinds a mapping and records the change (nothing when it was already so).
async fn save_mapping_audited(tx: &mut Tx, merchant: MerchantId, actor: &Actor, store: StoreId, platform_sku: &str, warehouse_sku: &str, action: &str, now_ms: i64) -> AppResult<MappingId> {
    let existing = sqlx::query("SELECT id FROM sku_mappings WHERE store_id = $1 AND platform_sku = $2")
        .bind(store)
        .bind(platform_sku)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    let before = match existing {
        Some(row) => mapping_state(tx, merchant, row.col("id")?).await?,
        None => None,
    };
    let id = upsert_mapping(tx, merchant, store, platform_sku, warehouse_sku, now_ms).await?;
    if before.as_ref().is_some_and(|b| b.warehouse_sku == warehouse_sku) {
        return Ok(id);
    }
    let after = mapping_state(tx, merchant, id).await?;
    let change = Change { merchant: Some(merchant), object_type: audit::SKU_MAPPING, object_id: id.to_string(), action, before: before.as_ref(), after: after.as_ref() };
    audit::record(tx, Some(actor), change, now_ms).await?;
    Ok(id)
}

/// What an acknowledgment accepted: (warehouse SKU code, units) per line, for the warehouse.
struct Accepted {
    warehouse: Option<WarehouseId>,
    order_no: String,
    lines: Vec<(String, i64)>,
}

async fn accepted_lines(tx: &mut Tx, merchant: MerchantId, id: PlatformOrderId) -> AppResult<Accepted> {
    let head = sqlx::query("SELECT ack_warehouse_id, order_no, store_id FROM platform_orders WHERE id = $1 AND merchant_id = $2")
        .bind(id)
        .bind(merchant)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let rows = sqlx::query(
        "SELECT m.warehouse_sku, l.accepted_quantity FROM platform_order_lines l
         JOIN platform_orders po ON po.id = l.platform_order_id
         JOIN sku_mappings m ON m.store_id = po.store_id AND m.platform_sku = l.platform_sku
         WHERE l.platform_order_id = $1 AND l.accepted_quantity > 0 ORDER BY m.warehouse_sku",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    let lines = rows.iter().map(|r| Ok((r.col("warehouse_sku")?, r.col("accepted_quantity")?))).collect::<AppResult<Vec<_>>>()?;
    Ok(Accepted { warehouse: head.col("ack_warehouse_id")?, order_no: head.col("order_no")?, lines })
}

/// Reserves (`sign` = 1) or releases (-1) accepted units; refused when stock is short.
async fn move_reservation(tx: &mut Tx, merchant: MerchantId, warehouse: WarehouseId, accepted: &Accepted, sign: i64, actor: &Actor, now_ms: i64) -> AppResult<()> {
    let reason = format!("B2B {}", accepted.order_no);
    let why = Movement { kind: if sign > 0 { "reserve" } else { "release" }, order_id: None, reason: &reason, actor, now_ms };
    // SKU-code order: concurrent acknowledgments lock inventory rows in the same order.
    for (code, units) in &accepted.lines {
        let sku = sku_in_warehouse(tx, merchant, warehouse, code).await?.ok_or_else(|| AppError::Conflict(format!("Warehouse SKU {code} is not stocked in this warehouse")))?;
        if change_stock(tx, sku, 0, sign * units, &why).await?.is_none() {
            return Err(shortage(tx, sku, code, *units).await);
        }
    }
    Ok(())
}

#[async_trait]
impl PlatformStore for SqlPlatformStore {
    async fn stores(&self, merchant: MerchantId) -> AppResult<Vec<StoreInfo>> {
        let rows = sqlx::query("SELECT * FROM stores WHERE merchant_id = $1 ORDER BY id")
            .bind(merchant)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(store_of).collect()
    }

    async fn add_store(&self, merchant: MerchantId, actor: &Actor, input: &StoreInput, now_ms: i64) -> AppResult<StoreId> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let exists = sqlx::query("SELECT id FROM stores WHERE merchant_id = $1 AND shop_domain = $2")
            .bind(merchant)
            .bind(input.shop_domain.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if exists.is_some() {
            return Err(ValidationErrors::single("shop_domain", "This store is already connected").into());
        }
        let hint: String = input.access_token.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        let row = sqlx::query(
            "INSERT INTO stores (merchant_id, name, platform, shop_domain, token_sealed, token_hint, auto_sync, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(merchant)
        .bind(input.name.as_str())
        .bind(PlatformKind::Shopify.code())
        .bind(input.shop_domain.as_str())
        .bind(self.secrets.seal(&input.access_token))
        .bind(hint.as_str())
        .bind(i64::from(input.auto_sync))
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let id: StoreId = row.col("id")?;
        // The token never goes into the log, only its last characters.
        let after = serde_json::json!({ "name": input.name, "shop_domain": input.shop_domain, "auto_sync": input.auto_sync, "token": format!("…{hint}") });
        let change = Change::<(), _> { merchant: Some(merchant), object_type: audit::STORE, object_id: id.to_string(), action: "Connected", before: None, after: Some(&after) };
        audit::record(&mut tx, Some(actor), change, now_ms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn set_auto_sync(&self, merchant: MerchantId, actor: &Actor, store: StoreId, on: bool, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = sqlx::query("SELECT auto_sync FROM stores WHERE id = $2 AND merchant_id = $1")
            .bind(merchant)
            .bind(store)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?
            .col::<i64>("auto_sync")?
            != 0;
        sqlx::query("UPDATE stores SET auto_sync = $3 WHERE id = $2 AND merchant_id = $1")
            .bind(merchant)
            .bind(store)
            .bind(i64::from(on))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if before != on {
            let action = if on { "Auto sync on" } else { "Auto sync off" };
            let (b, a) = (serde_json::json!({ "auto_sync": before }), serde_json::json!({ "auto_sync": on }));
            let change = Change { merchant: Some(merchant), object_type: audit::STORE, object_id: store.to_string(), action, before: Some(&b), after: Some(&a) };
            audit::record(&mut tx, Some(actor), change, now_ms).await?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn credentials(&self, merchant: MerchantId, store: StoreId) -> AppResult<StoreCredentials> {
        let row = sqlx::query("SELECT shop_domain, token_sealed FROM stores WHERE id = $1 AND merchant_id = $2")
            .bind(store)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        credentials_of(&self.secrets, store, &row)
    }

    async fn queue_sync(&self, merchant: MerchantId, store: StoreId, mode: &SyncMode, now_ms: i64) -> AppResult<SyncTaskId> {
        own_store(&self.db, merchant, store).await?;
        insert_sync_task(&self.db, store, mode, now_ms).await
    }

    async fn sync_log(&self, merchant: MerchantId, store: Option<StoreId>) -> AppResult<Vec<SyncTask>> {
        let mut q = SqlBuilder::new(
            "SELECT t.*, s.name AS store_name FROM sync_tasks t JOIN stores s ON s.id = t.store_id WHERE s.merchant_id = $1".into(),
            vec![SqlArg::Int(merchant)],
        );
        if let Some(store) = store {
            q.push(" AND t.store_id = ?", SqlArg::Int(store));
        }
        q.sql.push_str(" ORDER BY t.id DESC LIMIT 100");
        let rows = bind_args(sqlx::query(&q.sql), &q.args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        rows.iter().map(sync_task_of).collect()
    }

    async fn list(&self, merchant: MerchantId, query: &PlatformOrderQuery) -> AppResult<PlatformOrderPage> {
        let (sql, args) = platform_list_query(merchant, query);
        let rows = bind_args(sqlx::query(&sql), &args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        let limit = page_limit(query) as usize;
        let mut orders = rows.iter().map(summary_of).collect::<AppResult<Vec<_>>>()?;
        let next_before_id = if orders.len() > limit {
            orders.truncate(limit);
            orders.last().map(|o| o.id)
        } else {
            None
        };
        Ok(PlatformOrderPage { orders, next_before_id })
    }

    async fn get(&self, merchant: MerchantId, id: PlatformOrderId) -> AppResult<Option<PlatformOrderDetail>> {
        let row = sqlx::query(&format!("{SUMMARY_SELECT} WHERE po.id = $1 AND po.merchant_id = $2"))
            .bind(id)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let lines = sqlx::query(
            "SELECT l.*, m.warehouse_sku FROM platform_order_lines l
             JOIN platform_orders po ON po.id = l.platform_order_id
             LEFT JOIN sku_mappings m ON m.store_id = po.store_id AND m.platform_sku = l.platform_sku
             WHERE l.platform_order_id = $1 ORDER BY l.position",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        let lines = lines
            .iter()
            .map(|l| {
                Ok(PlatformLine {
                    line_id: l.col("line_id")?,
                    platform_sku: l.col("platform_sku")?,
                    title: l.col("title")?,
                    quantity: l.col("quantity")?,
                    fulfillable_quantity: l.col("fulfillable_quantity")?,
                    price_minor: l.col("price_minor")?,
                    requires_shipping: l.col::<i64>("requires_shipping")? != 0,
                    warehouse_sku: l.col("warehouse_sku")?,
                    accepted_quantity: l.col("accepted_quantity")?,
                    reject_reason: l.col("reject_reason")?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let warehouse_id: Option<WarehouseId> = row.col("ack_warehouse_id")?;
        Ok(Some(PlatformOrderDetail {
            summary: summary_of(&row)?,
            platform_order_id: row.col("platform_order_id")?,
            financial_status: row.col("financial_status")?,
            payment_gateway: row.col("payment_gateway")?,
            subtotal_minor: row.col("subtotal_minor")?,
            tax_minor: row.col("tax_minor")?,
            shipping_minor: row.col("shipping_minor")?,
            discount_minor: row.col("discount_minor")?,
            recipient: recipient_of(&row)?,
            lines,
            warehouse_id,
            carrier: row.col("carrier_name")?,
            service_type: row.col("service_name")?,
        }))
    }

    async fn source_channels(&self, merchant: MerchantId) -> AppResult<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT source_channel FROM platform_orders WHERE merchant_id = $1 AND source_channel <> '' ORDER BY source_channel")
            .bind(merchant)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(|r| r.col("source_channel")).collect()
    }

    async fn mappings(&self, merchant: MerchantId, store: Option<StoreId>, search: &str) -> AppResult<Vec<SkuMapping>> {
        let mut q = SqlBuilder::new(
            "SELECT m.*, s.name AS store_name FROM sku_mappings m JOIN stores s ON s.id = m.store_id WHERE m.merchant_id = $1".into(),
            vec![SqlArg::Int(merchant)],
        );
        if let Some(store) = store {
            q.push(" AND m.store_id = ?", SqlArg::Int(store));
        }
        if !search.is_empty() {
            let pattern = format!("%{}%", search.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            q.push(" AND (LOWER(m.platform_sku) LIKE ? ESCAPE '\\'", SqlArg::Text(pattern.clone()));
            q.push(" OR LOWER(m.warehouse_sku) LIKE ? ESCAPE '\\')", SqlArg::Text(pattern));
        }
        q.sql.push_str(" ORDER BY s.name, m.platform_sku LIMIT 500");
        let rows = bind_args(sqlx::query(&q.sql), &q.args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(SkuMapping {
                    id: r.col("id")?,
                    store_id: r.col("store_id")?,
                    store_name: r.col("store_name")?,
                    platform_sku: r.col("platform_sku")?,
                    warehouse_sku: r.col("warehouse_sku")?,
                    updated_at_ms: r.col("updated_at")?,
                })
            })
            .collect()
    }

    async fn mapping_table(&self, merchant: MerchantId, store: StoreId) -> AppResult<BTreeMap<String, String>> {
        let rows = sqlx::query("SELECT platform_sku, warehouse_sku FROM sku_mappings WHERE merchant_id = $1 AND store_id = $2")
            .bind(merchant)
            .bind(store)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(|r| Ok((r.col("platform_sku")?, r.col("warehouse_sku")?))).collect()
    }

    async fn save_mapping(&self, merchant: MerchantId, actor: &Actor, input: &MappingInput, now_ms: i64) -> AppResult<MappingId> {
        own_store(&self.db, merchant, input.store_id).await?;
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let id = save_mapping_audited(&mut tx, merchant, actor, input.store_id, &input.platform_sku, &input.warehouse_sku, "Saved", now_ms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn delete_mapping(&self, merchant: MerchantId, actor: &Actor, id: MappingId, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = mapping_state(&mut tx, merchant, id).await?.ok_or(AppError::NotFound)?;
        sqlx::query("DELETE FROM sku_mappings WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let change = Change::<_, ()> { merchant: Some(merchant), object_type: audit::SKU_MAPPING, object_id: id.to_string(), action: "Deleted", before: Some(&before), after: None };
        audit::record(&mut tx, Some(actor), change, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn set_exception(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, exception: &str, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = platform_order_state(&mut tx, merchant, id).await?.ok_or(AppError::NotFound)?;
        sqlx::query("UPDATE platform_orders SET exception = $3, updated_at = $4 WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .bind(exception)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        audit_platform_order(&mut tx, merchant, Some(actor), id, "Exception", &before, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn link_dispatched(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, order: OrderId, bindings: &BTreeMap<String, String>, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = platform_order_state(&mut tx, merchant, id).await?.ok_or(AppError::NotFound)?;
        let done = sqlx::query(
            "UPDATE platform_orders SET dropship_order_id = $3, status = 'processing', exception = '', updated_at = $4
             WHERE id = $1 AND merchant_id = $2 AND dropship_order_id IS NULL AND status IN ('pending', 'acknowledged')",
        )
        .bind(id)
        .bind(merchant)
        .bind(order)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(AppError::Conflict("This order was dispatched or changed meanwhile; refresh the list".into()));
        }
        let store: StoreId = sqlx::query("SELECT store_id FROM platform_orders WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?
            .col("store_id")?;
        for (platform_sku, warehouse_sku) in bindings {
            save_mapping_audited(&mut tx, merchant, actor, store, platform_sku, warehouse_sku, "Bound while dispatching", now_ms).await?;
        }
        audit_platform_order(&mut tx, merchant, Some(actor), id, "Dispatched", &before, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn ack_lines(&self, merchant: MerchantId, id: PlatformOrderId, warehouse: WarehouseId) -> AppResult<Vec<AckLineView>> {
        let head = sqlx::query("SELECT id FROM platform_orders WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        head.ok_or(AppError::NotFound)?;
        let rows = sqlx::query(
            "SELECT l.line_id, l.platform_sku, l.title, l.quantity, m.warehouse_sku,
                    COALESCE((SELECT i.on_hand - i.allocated FROM skus s JOIN inventory i ON i.sku_id = s.id
                              WHERE s.merchant_id = $2 AND s.warehouse_id = $3 AND s.code = m.warehouse_sku), 0) AS available
             FROM platform_order_lines l
             JOIN platform_orders po ON po.id = l.platform_order_id
             LEFT JOIN sku_mappings m ON m.store_id = po.store_id AND m.platform_sku = l.platform_sku
             WHERE l.platform_order_id = $1 AND l.requires_shipping = 1 ORDER BY l.position",
        )
        .bind(id)
        .bind(merchant)
        .bind(warehouse)
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(AckLineView {
                    line_id: r.col("line_id")?,
                    platform_sku: r.col("platform_sku")?,
                    title: r.col("title")?,
                    ordered: r.col("quantity")?,
                    warehouse_sku: r.col("warehouse_sku")?,
                    available: r.col::<i64>("available")?.max(0),
                })
            })
            .collect()
    }

    async fn acknowledge(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, warehouse: WarehouseId, answers: &[AckLineInput], now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = platform_order_state(&mut tx, merchant, id).await?.ok_or(AppError::NotFound)?;
        let done = sqlx::query(
            "UPDATE platform_orders SET status = 'acknowledged', ack_warehouse_id = $3, exception = '', updated_at = $4
             WHERE id = $1 AND merchant_id = $2 AND status = 'pending' AND kind = 'b2b'",
        )
        .bind(id)
        .bind(merchant)
        .bind(warehouse)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(AppError::Conflict("This order was acknowledged or changed meanwhile; refresh the list".into()));
        }
        for answer in answers {
            sqlx::query("UPDATE platform_order_lines SET accepted_quantity = $3, reject_reason = $4 WHERE platform_order_id = $1 AND line_id = $2")
                .bind(id)
                .bind(answer.line_id)
                .bind(answer.accepted)
                .bind(answer.reason.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        let accepted = accepted_lines(&mut tx, merchant, id).await?;
        // Guarded stock updates: of two acknowledgments racing for the last units, one fails here.
        move_reservation(&mut tx, merchant, warehouse, &accepted, 1, actor, now_ms).await?;
        let units: i64 = accepted.lines.iter().map(|(_, n)| n).sum();
        audit_platform_order(&mut tx, merchant, Some(actor), id, &format!("Acknowledged ({units} units accepted)"), &before, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn set_reservation(&self, merchant: MerchantId, id: PlatformOrderId, actor: &Actor, reserved: bool, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let accepted = accepted_lines(&mut tx, merchant, id).await?;
        let Some(warehouse) = accepted.warehouse else { return Ok(()) };
        move_reservation(&mut tx, merchant, warehouse, &accepted, if reserved { 1 } else { -1 }, actor, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn set_status(&self, merchant: MerchantId, actor: &Actor, id: PlatformOrderId, from: &[PlatformStatus], to: PlatformStatus, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = platform_order_state(&mut tx, merchant, id).await?.ok_or(AppError::NotFound)?;
        let mut q = SqlBuilder::new(
            "UPDATE platform_orders SET status = $1, exception = '', updated_at = $2 WHERE id = $3 AND merchant_id = $4".into(),
            vec![SqlArg::Text(to.code().into()), SqlArg::Int(now_ms), SqlArg::Int(id), SqlArg::Int(merchant)],
        );
        let codes: Vec<String> = from.iter().map(|s| format!("'{}'", s.code())).collect();
        q.sql.push_str(&format!(" AND status IN ({})", codes.join(", ")));
        let done = bind_args(sqlx::query(&q.sql), &q.args).execute(&mut *tx).await.map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(AppError::Conflict("This order changed meanwhile; refresh the list".into()));
        }
        audit_platform_order(&mut tx, merchant, Some(actor), id, to.label(), &before, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn record_shipment(&self, merchant: MerchantId, actor: Option<&Actor>, id: PlatformOrderId, shipment: &ManualShipInput, to: PlatformStatus, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = platform_order_state(&mut tx, merchant, id).await?.ok_or(AppError::NotFound)?;
        let done = sqlx::query(
            "UPDATE platform_orders SET status = $3, shipped_tracking_no = $4, shipped_carrier = $5, shipped_service = $6,
                    writeback_failed = 0, exception = '', updated_at = $7
             WHERE id = $1 AND merchant_id = $2",
        )
        .bind(id)
        .bind(merchant)
        .bind(to.code())
        .bind(shipment.tracking_no.as_str())
        .bind(shipment.channel.as_str())
        .bind(shipment.service_type.as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        sqlx::query("UPDATE platform_writebacks SET status = 'done', last_error = '', updated_at = $2 WHERE platform_order_id = $1")
            .bind(id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let action = format!("Shipment written back ({})", shipment.tracking_no);
        audit_platform_order(&mut tx, merchant, actor, id, &action, &before, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn history(&self, merchant: MerchantId, object: HistoryOf) -> AppResult<Vec<AuditEntry>> {
        let (object_type, id) = match object {
            HistoryOf::PlatformOrder(id) => (audit::PLATFORM_ORDER, id),
            HistoryOf::Mapping(id) => (audit::SKU_MAPPING, id),
            HistoryOf::Store(id) => (audit::STORE, id),
            HistoryOf::ApiToken(id) => (audit::API_TOKEN, id),
        };
        let entries = audit::history(&self.db, Some(merchant), object_type, &id.to_string()).await?;
        if entries.is_empty() {
            // Nothing recorded yet, or not this merchant's: only the first is an empty history.
            let table = match object {
                HistoryOf::PlatformOrder(_) => "platform_orders",
                HistoryOf::Mapping(_) => "sku_mappings",
                HistoryOf::Store(_) => "stores",
                HistoryOf::ApiToken(_) => "api_tokens",
            };
            let found = sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1 AND merchant_id = $2"))
                .bind(id)
                .bind(merchant)
                .fetch_optional(&self.db.pool)
                .await
                .map_err(db_error)?;
            found.ok_or(AppError::NotFound)?;
        }
        Ok(entries)
    }
}

pub(crate) fn credentials_of(secrets: &SecretBox, store: StoreId, row: &AnyRow) -> AppResult<StoreCredentials> {
    let sealed: String = row.col("token_sealed")?;
    let access_token = secrets.open(&sealed).map_err(|e| {
        tracing::error!(store, error = %e, "store token cannot be decrypted (secret key changed?)");
        AppError::Conflict("The store's access token cannot be read; please connect the store again".into())
    })?;
    Ok(StoreCredentials { store_id: store, shop_domain: row.col("shop_domain")?, access_token })
}

fn page_limit(query: &PlatformOrderQuery) -> u32 {
    if query.limit == 0 {
        PLATFORM_PAGE_SIZE
    } else {
        query.limit.min(200)
    }
}

/// The list statement (newest first, keyset on id), one row more than the page.
pub fn platform_list_query(merchant: MerchantId, query: &PlatformOrderQuery) -> (String, Vec<SqlArg>) {
    let mut q = SqlBuilder::new(format!("{SUMMARY_SELECT} WHERE po.merchant_id = $1"), vec![SqlArg::Int(merchant)]);
    if let Some(kind) = query.kind {
        q.push(" AND po.kind = ?", SqlArg::Text(kind.code().into()));
    }
    if let Some(status) = query.status {
        q.push(" AND po.status = ?", SqlArg::Text(status.code().into()));
    }
    if let Some(store) = query.store_id {
        q.push(" AND po.store_id = ?", SqlArg::Int(store));
    }
    let order_no = query.order_no.trim();
    if !order_no.is_empty() {
        let with_hash = if order_no.starts_with('#') { order_no.to_string() } else { format!("#{order_no}") };
        q.push(" AND po.order_no = ?", SqlArg::Text(with_hash));
    }
    if !query.source_channel.trim().is_empty() {
        q.push(" AND po.source_channel = ?", SqlArg::Text(query.source_channel.trim().into()));
    }
    if let Some(from) = query.ordered_from_ms {
        q.push(" AND po.ordered_at >= ?", SqlArg::Int(from));
    }
    if let Some(to) = query.ordered_to_ms {
        q.push(" AND po.ordered_at < ?", SqlArg::Int(to));
    }
    let name = query.recipient_name.trim().to_lowercase();
    if !name.is_empty() {
        q.push(" AND po.recipient_name_lc >= ?", SqlArg::Text(name.clone()));
        q.push(" AND po.recipient_name_lc < ?", SqlArg::Text(format!("{name}\u{10FFFF}")));
    }
    let tracking = query.tracking_no.trim();
    if !tracking.is_empty() {
        q.push(" AND (po.shipped_tracking_no = ?", SqlArg::Text(tracking.into()));
        q.push(" OR o.tracking_no = ?)", SqlArg::Text(tracking.into()));
    }
    if let Some(before) = query.before_id {
        q.push(" AND po.id < ?", SqlArg::Int(before));
    }
    q.push(" ORDER BY po.id DESC LIMIT ?", SqlArg::Int(i64::from(page_limit(query)) + 1));
    (q.sql, q.args)
}
