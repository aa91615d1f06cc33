//! Stock levels change only here, always together with a movement row, inside the caller's
//! transaction. Every change is one guarded UPDATE, so two servers can never over-allocate.

use app::domain::*;
use app::error::AppError;
use app::ports::{Actor, AppResult};

use super::orders::Tx;
use super::{db_error, RowExt};

/// Why stock moved, for the movement row.
pub struct Movement<'a> {
    pub kind: &'a str,
    pub order_id: Option<OrderId>,
    pub reason: &'a str,
    pub actor: &'a Actor,
    pub now_ms: i64,
}

/// Adds the deltas to a SKU's levels if the result stays valid (0 ≤ allocated ≤ on hand);
/// returns the new (on hand, allocated), or None when the guard refused (nothing changed).
pub async fn change_stock(tx: &mut Tx, sku_id: SkuId, on_hand_delta: i64, allocated_delta: i64, why: &Movement<'_>) -> AppResult<Option<(i64, i64)>> {
    let row = sqlx::query(
        "UPDATE inventory SET on_hand = on_hand + $2, allocated = allocated + $3, updated_at = $4
         WHERE sku_id = $1 AND on_hand + $2 >= 0 AND allocated + $3 >= 0 AND allocated + $3 <= on_hand + $2
         RETURNING on_hand, allocated",
    )
    .bind(sku_id)
    .bind(on_hand_delta)
    .bind(allocated_delta)
    .bind(why.now_ms)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    let (on_hand, allocated): (i64, i64) = (row.col("on_hand")?, row.col("allocated")?);
    sqlx::query(
        "INSERT INTO inventory_movements (sku_id, at, kind, on_hand_delta, allocated_delta, on_hand_after, allocated_after, order_id, reason, actor_user_id, actor_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(sku_id)
    .bind(why.now_ms)
    .bind(why.kind)
    .bind(on_hand_delta)
    .bind(allocated_delta)
    .bind(on_hand)
    .bind(allocated)
    .bind(why.order_id)
    .bind(why.reason)
    .bind(why.actor.user_id)
    .bind(why.actor.name.as_str())
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(Some((on_hand, allocated)))
}

/// (sku id, sku code, units) of an order, one row per SKU, in SKU id order so concurrent
/// transactions lock inventory rows in the same order (no deadlocks on PostgreSQL).
async fn order_units(tx: &mut Tx, order_id: OrderId) -> AppResult<Vec<(SkuId, String, i64)>> {
    let rows = sqlx::query(
        "SELECT l.sku_id, s.code, CAST(SUM(l.quantity) AS BIGINT) AS units FROM order_lines l JOIN skus s ON s.id = l.sku_id
         WHERE l.order_id = $1 GROUP BY l.sku_id, s.code ORDER BY l.sku_id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_error)?;
    rows.iter().map(|r| Ok((r.col("sku_id")?, r.col("code")?, r.col("units")?))).collect()
}

/// The refusal for `units` of a SKU that has fewer available, naming what is there.
pub async fn shortage(tx: &mut Tx, sku_id: SkuId, code: &str, units: i64) -> AppError {
    let available = sqlx::query("SELECT on_hand - allocated AS available FROM inventory WHERE sku_id = $1")
        .bind(sku_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)
        .and_then(|row| row.map(|r| r.col::<i64>("available")).transpose());
    match available {
        Ok(available) => AppError::Conflict(shortage_message(code, available.unwrap_or(0), units)),
        Err(e) => e,
    }
}

/// Promises the order's units to it. Refused with the first shortage (nothing allocated).
pub async fn allocate_order(tx: &mut Tx, order_id: OrderId, actor: &Actor, now_ms: i64) -> AppResult<()> {
    let why = Movement { kind: "allocate", order_id: Some(order_id), reason: "", actor, now_ms };
    for (sku, code, units) in order_units(tx, order_id).await? {
        if change_stock(tx, sku, 0, units, &why).await?.is_none() {
            return Err(shortage(tx, sku, &code, units).await);
        }
    }
    sqlx::query("UPDATE orders SET stock_allocated = 1 WHERE id = $1").bind(order_id).execute(&mut **tx).await.map_err(db_error)?;
    Ok(())
}

/// Gives an order's allocation back (intercept) or takes it out of the building (ship).
pub async fn settle_order(tx: &mut Tx, order_id: OrderId, shipped: bool, actor: &Actor, now_ms: i64) -> AppResult<()> {
    let held: i64 = sqlx::query("SELECT stock_allocated FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_error)?
        .col("stock_allocated")?;
    if held == 0 {
        return Ok(());
    }
    let kind = if shipped { "ship" } else { "release" };
    let why = Movement { kind, order_id: Some(order_id), reason: "", actor, now_ms };
    for (sku, code, units) in order_units(tx, order_id).await? {
        let on_hand_delta = if shipped { -units } else { 0 };
        if change_stock(tx, sku, on_hand_delta, -units, &why).await?.is_none() {
            tracing::error!(order_id, sku = code, units, kind, "allocation missing for an order that holds stock");
            return Err(AppError::Internal);
        }
    }
    sqlx::query("UPDATE orders SET stock_allocated = 0 WHERE id = $1").bind(order_id).execute(&mut **tx).await.map_err(db_error)?;
    Ok(())
}
