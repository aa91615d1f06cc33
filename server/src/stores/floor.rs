//! The warehouse floor in SQL: stock, waves, pick / pack / ship. Status changes reuse the
//! order store's conditional transitions; stock changes go through `inventory`.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::{Actor, AppResult, FloorStore, OrderScope};

use super::inventory::{self, Movement};
use super::orders::{apply_transition, bind_args, insert_event, refusal, summary_from_row, SqlArg, SqlBuilder, Tx, SUMMARY_SELECT};
use super::{db_error, RowExt};
use crate::db::{Backend, Db};

/// Most orders one wave takes (a cart's worth; make another wave for the rest).
pub const MAX_WAVE_ORDERS: i64 = 500;

pub struct SqlFloorStore {
    db: Db,
}

impl SqlFloorStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// `FOR UPDATE` where the database has row locks; SQLite's write transaction already
    /// holds the whole database.
    fn for_update(&self) -> &'static str {
        match self.db.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }
}

/// The candidate query for a wave filter: (SQL after SELECT …, arguments).
fn candidate_filter(warehouse: WarehouseId, filter: &WaveFilter) -> (String, Vec<SqlArg>) {
    let mut q = SqlBuilder::new(
        String::from(" WHERE o.warehouse_id = $1 AND o.status = 'submitted' AND o.exception = ''"),
        vec![SqlArg::Int(warehouse)],
    );
    if let Some(ch) = filter.channel_id {
        q.push(" AND o.channel_id = ?", SqlArg::Int(ch));
    }
    if let Some(carrier) = filter.carrier.as_deref().filter(|c| !c.is_empty()) {
        q.push(" AND c.carrier = ?", SqlArg::Text(carrier.into()));
    }
    if let Some(cutoff) = filter.cutoff_ms {
        q.push(" AND COALESCE(o.submitted_at, o.created_at) <= ?", SqlArg::Int(cutoff));
    }
    match filter.item_mix {
        ItemMix::Any => {}
        ItemMix::Single => q.sql.push_str(" AND o.total_units = 1"),
        ItemMix::Multi => q.sql.push_str(" AND o.total_units > 1"),
    }
    if !filter.order_ids.is_empty() {
        q.push_in("o.id", filter.order_ids.iter().copied().take(MAX_WAVE_ORDERS as usize));
    }
    q.push(" ORDER BY o.id LIMIT ?", SqlArg::Int(MAX_WAVE_ORDERS));
    (q.sql, q.args)
}

fn wave_from_row(r: &AnyRow) -> AppResult<WaveSummary> {
    let status: String = r.col("status")?;
    Ok(WaveSummary {
        id: r.col("id")?,
        warehouse_id: r.col("warehouse_id")?,
        status: WaveStatus::from_code(&status).ok_or(AppError::Internal)?,
        description: r.col("description")?,
        order_count: r.col("order_count")?,
        units: r.col("units")?,
        picked_units: r.col("picked_units")?,
        created_at_ms: r.col("created_at")?,
        created_by: r.col("created_by")?,
    })
}

const WAVE_SELECT: &str = "SELECT w.*,
        (SELECT COUNT(*) FROM orders o WHERE o.wave_id = w.id) AS order_count,
        COALESCE((SELECT CAST(SUM(p.needed) AS BIGINT) FROM wave_picks p WHERE p.wave_id = w.id), 0) AS units,
        COALESCE((SELECT CAST(SUM(p.picked) AS BIGINT) FROM wave_picks p WHERE p.wave_id = w.id), 0) AS picked_units
    FROM waves w";

/// How a wave's filter reads on the floor ("UPS · single-item · before 14:00").
fn describe_filter(filter: &WaveFilter, channel_code: Option<String>) -> String {
    let mut parts = Vec::new();
    if let Some(code) = channel_code {
        parts.push(code);
    }
    if let Some(carrier) = filter.carrier.as_deref().filter(|c| !c.is_empty()) {
        parts.push(carrier.to_string());
    }
    match filter.item_mix {
        ItemMix::Any => {}
        ItemMix::Single => parts.push("single-item".into()),
        ItemMix::Multi => parts.push("multi-item".into()),
    }
    if let Some(cutoff) = filter.cutoff_ms {
        parts.push(format!("submitted by {}", app::domain::time::format_utc_minutes(cutoff)));
    }
    if !filter.order_ids.is_empty() {
        parts.push(filter.order_ids.iter().map(|id| order_no(*id)).collect::<Vec<_>>().join(", "));
    }
    if parts.is_empty() { "All submitted orders".into() } else { parts.join(" · ") }
}

async fn wave_in(tx: &mut Tx, warehouse: WarehouseId, wave: WaveId) -> AppResult<WaveStatus> {
    let row = sqlx::query("SELECT status FROM waves WHERE id = $1 AND warehouse_id = $2")
        .bind(wave)
        .bind(warehouse)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let status: String = row.col("status")?;
    WaveStatus::from_code(&status).ok_or(AppError::Internal)
}

async fn pick_lines(tx: &mut Tx, wave: WaveId) -> AppResult<Vec<PickLine>> {
    let rows = sqlx::query(
        "SELECT p.sku_id, p.needed, p.picked, p.short, p.short_reason, s.code, s.name, s.barcode, COALESCE(i.bin, '') AS bin
         FROM wave_picks p JOIN skus s ON s.id = p.sku_id LEFT JOIN inventory i ON i.sku_id = p.sku_id
         WHERE p.wave_id = $1",
    )
    .bind(wave)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    let mut lines = rows
        .iter()
        .map(|r| {
            Ok(PickLine {
                sku_id: r.col("sku_id")?,
                sku_code: r.col("code")?,
                sku_name: r.col("name")?,
                barcode: r.col("barcode")?,
                bin: r.col("bin")?,
                needed: r.col("needed")?,
                picked: r.col("picked")?,
                short: r.col("short")?,
                short_reason: r.col("short_reason")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    sort_walking_order(&mut lines);
    Ok(lines)
}

async fn pack_lines(tx: &mut Tx, order: OrderId) -> AppResult<Vec<PackLine>> {
    let rows = sqlx::query(
        "SELECT l.sku_id, CAST(SUM(l.quantity) AS BIGINT) AS quantity, s.code, s.name, s.barcode
         FROM order_lines l JOIN skus s ON s.id = l.sku_id WHERE l.order_id = $1
         GROUP BY l.sku_id, s.code, s.name, s.barcode ORDER BY s.code",
    )
    .bind(order)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok(PackLine {
                sku_id: r.col("sku_id")?,
                sku_code: r.col("code")?,
                sku_name: r.col("name")?,
                barcode: r.col("barcode")?,
                quantity: r.col("quantity")?,
            })
        })
        .collect()
}

fn stock_from_row(r: &AnyRow) -> AppResult<StockRow> {
    Ok(StockRow {
        sku_id: r.col("sku_id")?,
        sku_code: r.col("code")?,
        sku_name: r.col("name")?,
        merchant_name: r.col("merchant_name")?,
        bin: r.col("bin")?,
        on_hand: r.col("on_hand")?,
        allocated: r.col("allocated")?,
    })
}

const STOCK_SELECT: &str = "SELECT s.id AS sku_id, s.code, s.name, m.name AS merchant_name,
        COALESCE(i.bin, '') AS bin, COALESCE(i.on_hand, 0) AS on_hand, COALESCE(i.allocated, 0) AS allocated
    FROM skus s JOIN merchants m ON m.id = s.merchant_id LEFT JOIN inventory i ON i.sku_id = s.id";

impl SqlFloorStore {
    async fn pick_unit(&self, tx: &mut Tx, warehouse: WarehouseId, wave: WaveId, sku: SkuId) -> AppResult<String> {
        if wave_in(tx, warehouse, wave).await? != WaveStatus::Picking {
            return Err(AppError::Conflict(format!("Wave {} is already picked", wave_no(wave))));
        }
        let row = sqlx::query(
            "UPDATE wave_picks SET picked = picked + 1 WHERE wave_id = $1 AND sku_id = $2 AND picked + short < needed
             RETURNING picked, needed",
        )
        .bind(wave)
        .bind(sku)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
        let code: String = sqlx::query("SELECT code FROM skus WHERE id = $1")
            .bind(sku)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?
            .map(|r| r.col("code"))
            .transpose()?
            .unwrap_or_default();
        match row {
            Some(r) => Ok(format!("Picked {code} ({}/{})", r.col::<i64>("picked")?, r.col::<i64>("needed")?)),
            None if code.is_empty() => Err(AppError::NotFound),
            None => Err(AppError::Conflict(format!("Over-pick: {code} is complete on wave {}", wave_no(wave)))),
        }
    }

    async fn ship_parcel(&self, tx: &mut Tx, warehouse: WarehouseId, actor: &Actor, tracking_no: &str, now_ms: i64) -> AppResult<String> {
        let tracking_no = tracking_no.trim();
        let row = sqlx::query(
            "SELECT o.id, o.status, o.exception, c.carrier FROM orders o JOIN channels c ON c.id = o.channel_id
             WHERE o.warehouse_id = $1 AND o.tracking_no = $2 ORDER BY (o.status = 'packed') DESC, o.id DESC LIMIT 1",
        )
        .bind(warehouse)
        .bind(tracking_no)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?
        .ok_or_else(|| AppError::Conflict(format!("No parcel with tracking number {tracking_no} in this warehouse")))?;
        let id: OrderId = row.col("id")?;
        let carrier: String = row.col("carrier")?;
        apply_transition(tx, OrderScope::Warehouse(warehouse), id, OrderAction::Ship, actor, now_ms).await?;
        inventory::settle_order(tx, id, true, actor, now_ms).await?;
        sqlx::query("UPDATE orders SET shipped_at = $2 WHERE id = $1").bind(id).bind(now_ms).execute(&mut **tx).await.map_err(db_error)?;
        crate::platform_worker::queue_writeback(tx, id, now_ms).await?;
        Ok(format!("Shipped {} with {carrier}", order_no(id)))
    }
}

#[async_trait]
impl FloorStore for SqlFloorStore {
    async fn warehouse_code(&self, warehouse: WarehouseId) -> AppResult<String> {
        sqlx::query("SELECT code FROM warehouses WHERE id = $1")
            .bind(warehouse)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?
            .col("code")
    }

    async fn channels(&self, warehouse: WarehouseId) -> AppResult<Vec<Channel>> {
        let rows = sqlx::query("SELECT * FROM channels WHERE warehouse_id = $1 ORDER BY code, id")
            .bind(warehouse)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(super::catalog::channel_from_row).collect()
    }

    async fn stock(&self, warehouse: WarehouseId, search: &str) -> AppResult<Vec<StockRow>> {
        let search = search.trim().to_lowercase();
        let rows = sqlx::query(&format!(
            "{STOCK_SELECT} WHERE s.warehouse_id = $1
               AND ($2 = '' OR LOWER(s.code) LIKE $3 OR LOWER(s.name) LIKE $3 OR s.barcode = $2 OR LOWER(COALESCE(i.bin, '')) = $2)
             ORDER BY COALESCE(i.bin, ''), s.code LIMIT 300"
        ))
        .bind(warehouse)
        .bind(search.as_str())
        .bind(format!("%{}%", search.replace(['%', '_'], "")))
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(stock_from_row).collect()
    }

    async fn adjust_stock(&self, warehouse: WarehouseId, actor: &Actor, adj: &StockAdjustment, now_ms: i64) -> AppResult<StockRow> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let sku_here = sqlx::query("SELECT 1 FROM skus WHERE id = $1 AND warehouse_id = $2")
            .bind(adj.sku_id)
            .bind(warehouse)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if sku_here.is_none() {
            return Err(AppError::NotFound);
        }
        sqlx::query("INSERT INTO inventory (sku_id, bin, on_hand, allocated, updated_at) VALUES ($1, '', 0, 0, $2) ON CONFLICT (sku_id) DO NOTHING")
            .bind(adj.sku_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let level = sqlx::query(&format!("SELECT on_hand, allocated FROM inventory WHERE sku_id = $1{}", self.for_update()))
            .bind(adj.sku_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        let delta = adjustment_delta(adj, level.col("on_hand")?, level.col("allocated")?)?;
        let why = Movement { kind: adj.kind.code(), order_id: None, reason: adj.reason.trim(), actor, now_ms };
        if inventory::change_stock(&mut tx, adj.sku_id, delta, 0, &why).await?.is_none() {
            return Err(AppError::Conflict("The stock level changed meanwhile; please try again".into()));
        }
        let row = sqlx::query(&format!("{STOCK_SELECT} WHERE s.id = $1")).bind(adj.sku_id).fetch_one(&mut *tx).await.map_err(db_error)?;
        let stock = stock_from_row(&row)?;
        tx.commit().await.map_err(db_error)?;
        Ok(stock)
    }

    async fn movements(&self, warehouse: WarehouseId, sku: SkuId) -> AppResult<Vec<StockMovement>> {
        // Another warehouse's SKU is not found, rather than found without movements.
        sqlx::query("SELECT id FROM skus WHERE id = $1 AND warehouse_id = $2")
            .bind(sku)
            .bind(warehouse)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let rows = sqlx::query(
            "SELECT m.* FROM inventory_movements m JOIN skus s ON s.id = m.sku_id
             WHERE m.sku_id = $1 AND s.warehouse_id = $2 ORDER BY m.id DESC LIMIT 100",
        )
        .bind(sku)
        .bind(warehouse)
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(StockMovement {
                    at_ms: r.col("at")?,
                    kind: r.col("kind")?,
                    on_hand_delta: r.col("on_hand_delta")?,
                    allocated_delta: r.col("allocated_delta")?,
                    on_hand_after: r.col("on_hand_after")?,
                    allocated_after: r.col("allocated_after")?,
                    order_id: r.col("order_id")?,
                    reason: r.col("reason")?,
                    actor: r.col("actor_name")?,
                })
            })
            .collect()
    }

    async fn wave_candidates(&self, warehouse: WarehouseId, filter: &WaveFilter) -> AppResult<Vec<OrderSummary>> {
        let (tail, args) = candidate_filter(warehouse, filter);
        let sql = format!("{SUMMARY_SELECT}{tail}");
        let rows = bind_args(sqlx::query(&sql), &args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn create_wave(&self, warehouse: WarehouseId, actor: &Actor, filter: &WaveFilter, now_ms: i64) -> AppResult<WaveSummary> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let (tail, args) = candidate_filter(warehouse, filter);
        let sql = format!("SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id{tail}");
        let ids: Vec<OrderId> = bind_args(sqlx::query(&sql), &args)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| r.col("id"))
            .collect::<AppResult<_>>()?;
        if ids.is_empty() {
            // Waving one order from the queue: say why that order cannot be waved.
            if let [id] = filter.order_ids[..] {
                return Err(refusal(&mut tx, OrderScope::Warehouse(warehouse), id, OrderAction::Wave).await);
            }
            return Err(AppError::Conflict("No Submitted orders match these filters".into()));
        }
        let channel_code = match filter.channel_id {
            Some(ch) => sqlx::query("SELECT code FROM channels WHERE id = $1")
                .bind(ch)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?
                .map(|r| r.col("code"))
                .transpose()?,
            None => None,
        };
        let wave: WaveId = sqlx::query("INSERT INTO waves (warehouse_id, status, description, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(warehouse)
            .bind(WaveStatus::Picking.code())
            .bind(describe_filter(filter, channel_code))
            .bind(now_ms)
            .bind(actor.name.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?
            .col("id")?;
        for id in ids {
            // Conditional per order: an intercept that won the race simply leaves it out.
            let moved = sqlx::query("UPDATE orders SET status = 'waved', wave_id = $2, updated_at = $3 WHERE id = $1 AND warehouse_id = $4 AND status = 'submitted'")
                .bind(id)
                .bind(wave)
                .bind(now_ms)
                .bind(warehouse)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            if moved.rows_affected() == 1 {
                insert_event(&mut tx, id, actor, OrderAction::Wave, Some(OrderStatus::Submitted), OrderStatus::Waved, now_ms).await?;
            }
        }
        sqlx::query(
            "INSERT INTO wave_picks (wave_id, sku_id, needed)
             SELECT $1, l.sku_id, SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.wave_id = $1 GROUP BY l.sku_id",
        )
        .bind(wave)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let row = sqlx::query(&format!("{WAVE_SELECT} WHERE w.id = $1")).bind(wave).fetch_one(&mut *tx).await.map_err(db_error)?;
        let summary = wave_from_row(&row)?;
        if summary.order_count == 0 {
            return Err(AppError::Conflict("These orders were intercepted or waved meanwhile".into()));
        }
        tx.commit().await.map_err(db_error)?;
        Ok(summary)
    }

    async fn waves(&self, warehouse: WarehouseId) -> AppResult<Vec<WaveSummary>> {
        let rows = sqlx::query(&format!("{WAVE_SELECT} WHERE w.warehouse_id = $1 ORDER BY (w.status = 'picking') DESC, w.id DESC LIMIT 50"))
            .bind(warehouse)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(wave_from_row).collect()
    }

    async fn pick_sheet(&self, warehouse: WarehouseId, wave: WaveId) -> AppResult<PickSheet> {
        let mut tx = self.db.pool.begin().await.map_err(db_error)?;
        let row = sqlx::query(&format!("{WAVE_SELECT} WHERE w.id = $1 AND w.warehouse_id = $2"))
            .bind(wave)
            .bind(warehouse)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let summary = wave_from_row(&row)?;
        let lines = pick_lines(&mut tx, wave).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(PickSheet { wave: summary, lines })
    }

    async fn apply_command(&self, warehouse: WarehouseId, actor: &Actor, command: &FloorCommand, now_ms: i64) -> AppResult<CommandOutcome> {
        validate_command(command).map_err(AppError::BadRequest)?;
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        // Claim the id first: a concurrent replay waits here and then finds it taken.
        let claimed = sqlx::query("INSERT INTO floor_commands (id, user_id, at, message) VALUES ($1, $2, $3, '') ON CONFLICT (id) DO NOTHING")
            .bind(command.id.as_str())
            .bind(actor.user_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if claimed.rows_affected() == 0 {
            drop(tx);
            let message: String = sqlx::query("SELECT message FROM floor_commands WHERE id = $1")
                .bind(command.id.as_str())
                .fetch_one(&self.db.pool)
                .await
                .map_err(db_error)?
                .col("message")?;
            return Ok(CommandOutcome { applied: false, message });
        }
        let message = match &command.action {
            FloorAction::PickUnit { wave_id, sku_id } => self.pick_unit(&mut tx, warehouse, *wave_id, *sku_id).await?,
            FloorAction::ShipParcel { tracking_no } => self.ship_parcel(&mut tx, warehouse, actor, tracking_no, now_ms).await?,
        };
        sqlx::query("UPDATE floor_commands SET message = $2 WHERE id = $1")
            .bind(command.id.as_str())
            .bind(message.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(CommandOutcome { applied: true, message })
    }

    async fn report_short(&self, warehouse: WarehouseId, wave: WaveId, sku: SkuId, reason: &str) -> AppResult<()> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(ValidationErrors::single(FIELD_REASON, "Enter why the item is short (up to 200 characters)").into());
        }
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        if wave_in(&mut tx, warehouse, wave).await? != WaveStatus::Picking {
            return Err(AppError::Conflict(format!("Wave {} is already picked", wave_no(wave))));
        }
        let updated = sqlx::query("UPDATE wave_picks SET short = needed - picked, short_reason = $3 WHERE wave_id = $1 AND sku_id = $2 AND picked < needed")
            .bind(wave)
            .bind(sku)
            .bind(reason)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if updated.rows_affected() == 0 {
            return Err(AppError::Conflict("That item is fully picked; nothing is short".into()));
        }
        tx.commit().await.map_err(db_error)
    }

    async fn complete_pick(&self, warehouse: WarehouseId, actor: &Actor, wave: WaveId, now_ms: i64) -> AppResult<PickResult> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        if wave_in(&mut tx, warehouse, wave).await? != WaveStatus::Picking {
            return Err(AppError::Conflict(format!("Wave {} is already picked", wave_no(wave))));
        }
        let lines = pick_lines(&mut tx, wave).await?;
        let open: i64 = lines.iter().map(PickLine::remaining).sum();
        if open > 0 {
            return Err(AppError::Conflict(format!("{open} unit(s) still to pick; pick them or report them short")));
        }
        // Hand the picked units to the wave's orders oldest first; whoever comes up short is held.
        let mut left: HashMap<SkuId, i64> = lines.iter().map(|l| (l.sku_id, l.picked)).collect();
        let reasons: HashMap<SkuId, (String, String)> = lines.iter().map(|l| (l.sku_id, (l.sku_code.clone(), l.short_reason.clone()))).collect();
        let rows = sqlx::query(
            "SELECT o.id, l.sku_id, l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.id
             WHERE o.wave_id = $1 AND o.status = 'waved' ORDER BY o.id, l.line_no",
        )
        .bind(wave)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut orders: BTreeMap<OrderId, Vec<(SkuId, i64)>> = BTreeMap::new();
        for r in &rows {
            orders.entry(r.col("id")?).or_default().push((r.col("sku_id")?, r.col("quantity")?));
        }
        let mut result = PickResult { picked_orders: 0, held: Vec::new() };
        for (id, order_lines) in orders {
            let covered = order_lines.iter().all(|(sku, q)| left.get(sku).copied().unwrap_or(0) >= *q);
            if covered {
                for (sku, q) in &order_lines {
                    *left.entry(*sku).or_default() -= q;
                }
                apply_transition(&mut tx, OrderScope::Warehouse(warehouse), id, OrderAction::Pick, actor, now_ms).await?;
                result.picked_orders += 1;
            } else {
                let short: Vec<String> = order_lines
                    .iter()
                    .filter(|(sku, q)| left.get(sku).copied().unwrap_or(0) < *q)
                    .filter_map(|(sku, _)| reasons.get(sku))
                    .map(|(code, reason)| format!("{code} ({reason})"))
                    .collect();
                let reason = format!("Short pick: {}", short.join(", "));
                sqlx::query("UPDATE orders SET exception = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(reason.as_str())
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                insert_event(&mut tx, id, actor, OrderAction::ReportShort, Some(OrderStatus::Waved), OrderStatus::Waved, now_ms).await?;
                let data = serde_json::json!({ "kind": ExceptionKind::ShortPick.code(), "message": reason });
                crate::webhooks::enqueue_order_event(&mut tx, id, WebhookEventType::OrderException, data, now_ms).await?;
                result.held.push((id, reason));
            }
        }
        sqlx::query("UPDATE waves SET status = $2, completed_at = $3 WHERE id = $1")
            .bind(wave)
            .bind(WaveStatus::Picked.code())
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(result)
    }

    async fn pack_order(&self, warehouse: WarehouseId, code: &str) -> AppResult<PackOrder> {
        let code = code.trim();
        let mut tx = self.db.pool.begin().await.map_err(db_error)?;
        let by_no = parse_order_no(code);
        let row = sqlx::query(
            "SELECT o.id, o.status, o.exception, o.tracking_no, o.label_id, o.label_status, c.code AS channel_code, c.carrier
             FROM orders o JOIN channels c ON c.id = o.channel_id
             WHERE o.warehouse_id = $1 AND (o.id = $2 OR (o.tracking_no = $3 AND o.tracking_no <> ''))
             ORDER BY (o.status = 'picked') DESC, o.id DESC LIMIT 1",
        )
        .bind(warehouse)
        .bind(by_no.unwrap_or(-1))
        .bind(code)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or_else(|| AppError::Conflict(format!("No order {code} in this warehouse")))?;
        let id: OrderId = row.col("id")?;
        let status: String = row.col("status")?;
        let status = OrderStatus::from_code(&status).ok_or(AppError::Internal)?;
        let exception: String = row.col("exception")?;
        if !exception.is_empty() {
            return Err(AppError::Conflict(format!("{} is held: {exception}", order_no(id))));
        }
        if status != OrderStatus::Picked {
            return Err(AppError::Conflict(format!("{} is {}; only Picked orders can be packed", order_no(id), status.label())));
        }
        let channel_code: String = row.col("channel_code")?;
        let self_pickup = is_self_pickup_code(&channel_code);
        let label_status: String = row.col("label_status")?;
        let label_url = if self_pickup {
            row.col::<Option<String>>("label_id")?.map(|_| floor_label_path(id))
        } else {
            (label_status == LabelStatus::Ready.code()).then(|| floor_label_path(id))
        };
        let lines = pack_lines(&mut tx, id).await?;
        let expected_grams: i64 = {
            let r = sqlx::query(
                "SELECT COALESCE(CAST(SUM(l.quantity * s.weight_grams) AS BIGINT), 0) AS grams FROM order_lines l JOIN skus s ON s.id = l.sku_id WHERE l.order_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
            r.col("grams")?
        };
        tx.commit().await.map_err(db_error)?;
        Ok(PackOrder {
            id,
            channel_code,
            carrier: row.col("carrier")?,
            self_pickup,
            tracking_no: row.col("tracking_no")?,
            label_url,
            lines,
            expected_grams,
        })
    }

    async fn mark_packed(&self, warehouse: WarehouseId, actor: &Actor, order: OrderId, scanned: &BTreeMap<SkuId, i64>, weight_grams: i64, now_ms: i64) -> AppResult<()> {
        if !(1..=MAX_PARCEL_GRAMS).contains(&weight_grams) {
            return Err(ValidationErrors::single("weight", format!("Weight must be between 1 g and {} kg", MAX_PARCEL_GRAMS / 1000)).into());
        }
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let row = sqlx::query("SELECT tracking_no, exception FROM orders WHERE id = $1 AND warehouse_id = $2")
            .bind(order)
            .bind(warehouse)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let problems = pack_problems(&pack_lines(&mut tx, order).await?, scanned);
        if !problems.is_empty() {
            return Err(AppError::Conflict(problems.join("; ")));
        }
        if row.col::<String>("tracking_no")?.is_empty() {
            return Err(AppError::Conflict("The shipping label is not ready yet; pack this order again in a minute".into()));
        }
        apply_transition(&mut tx, OrderScope::Warehouse(warehouse), order, OrderAction::Pack, actor, now_ms).await?;
        sqlx::query("UPDATE orders SET weight_grams = $2 WHERE id = $1").bind(order).bind(weight_grams).execute(&mut *tx).await.map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn manifest(&self, warehouse: WarehouseId, since_ms: i64) -> AppResult<Vec<ManifestRow>> {
        let rows = sqlx::query(
            "SELECT o.id, c.carrier, c.code, o.tracking_no, COALESCE(o.weight_grams, 0) AS weight_grams, o.shipped_at
             FROM orders o JOIN channels c ON c.id = o.channel_id
             WHERE o.warehouse_id = $1 AND o.shipped_at >= $2 ORDER BY c.carrier, o.shipped_at DESC LIMIT 1000",
        )
        .bind(warehouse)
        .bind(since_ms)
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(ManifestRow {
                    order_id: r.col("id")?,
                    carrier: r.col("carrier")?,
                    channel_code: r.col("code")?,
                    tracking_no: r.col("tracking_no")?,
                    weight_grams: r.col("weight_grams")?,
                    shipped_at_ms: r.col("shipped_at")?,
                })
            })
            .collect()
    }
}

/// Where the floor downloads an order's shipping label (carrier or merchant-uploaded).
pub fn floor_label_path(order: OrderId) -> String {
    format!("/api/floor/orders/{order}/label")
}
