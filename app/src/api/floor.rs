//! Warehouse floor functions: warehouse choice, stock, waves, pick / pack / ship. Every one
//! works in the caller's current warehouse only.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::*;
use crate::error::AppError;

/// Who is on the floor and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloorContext {
    pub user_name: String,
    pub warehouses: Vec<Warehouse>,
    pub current: WarehouseId,
    /// The current warehouse's channels, for wave filters.
    pub channels: Vec<Channel>,
}

#[server(endpoint = "floor/context", input = Json)]
pub async fn load_floor_context() -> Result<FloorContext, AppError> {
    use crate::api::ssr::*;
    let (user, warehouse) = require_warehouse().await?;
    let svc = services()?;
    Ok(FloorContext {
        warehouses: svc.accounts.user_warehouses(user.id).await?,
        current: warehouse,
        channels: svc.floor.channels(warehouse).await?,
        user_name: user.display_name,
    })
}

/// Switches the session to another of the user's warehouses.
#[server(endpoint = "floor/select-warehouse", input = Json)]
pub async fn select_warehouse(warehouse: WarehouseId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, _) = require_warehouse().await?;
    let token = session_token().ok_or(AppError::Unauthorized)?;
    services()?.accounts.select_warehouse(&token, user.id, warehouse).await
}

/// Submitted orders a wave with `filter` would take (the preview before creating it).
#[server(endpoint = "floor/wave-queue", input = Json)]
pub async fn wave_queue(filter: WaveFilter) -> Result<Vec<OrderSummary>, AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    services()?.floor.wave_candidates(warehouse, &filter).await
}

#[server(endpoint = "floor/waves/create", input = Json)]
pub async fn create_wave(filter: WaveFilter) -> Result<WaveSummary, AppError> {
    use crate::api::ssr::*;
    let (user, warehouse) = require_warehouse_lead().await?;
    let svc = services()?;
    svc.floor.create_wave(warehouse, &(&user).into(), &filter, svc.clock.now_ms()).await
}

/// Waves a single order (Submitted → Waved). From here on the merchant can no longer
/// intercept it.
#[server(endpoint = "floor/wave", input = Json)]
pub async fn wave_order(id: OrderId) -> Result<OrderStatus, AppError> {
    use crate::api::ssr::*;
    let (user, warehouse) = require_warehouse_lead().await?;
    let svc = services()?;
    let filter = WaveFilter { order_ids: vec![id], ..Default::default() };
    svc.floor.create_wave(warehouse, &(&user).into(), &filter, svc.clock.now_ms()).await?;
    Ok(OrderStatus::Waved)
}

#[server(endpoint = "floor/waves/list", input = Json)]
pub async fn list_waves() -> Result<Vec<WaveSummary>, AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    services()?.floor.waves(warehouse).await
}

#[server(endpoint = "floor/waves/pick-sheet", input = Json)]
pub async fn load_pick_sheet(wave: WaveId) -> Result<PickSheet, AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    services()?.floor.pick_sheet(warehouse, wave).await
}

/// A pick or ship scan. Idempotent by `command.id`: the offline queue may send it twice.
#[server(endpoint = "floor/command", input = Json)]
pub async fn send_floor_command(command: FloorCommand) -> Result<CommandOutcome, AppError> {
    use crate::api::ssr::*;
    let (user, warehouse) = require_warehouse().await?;
    let svc = services()?;
    svc.floor.apply_command(warehouse, &(&user).into(), &command, svc.clock.now_ms()).await
}

#[server(endpoint = "floor/waves/short", input = Json)]
pub async fn report_short(wave: WaveId, sku: SkuId, reason: String) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    services()?.floor.report_short(warehouse, wave, sku, &reason).await
}

#[server(endpoint = "floor/waves/complete", input = Json)]
pub async fn complete_pick(wave: WaveId) -> Result<PickResult, AppError> {
    use crate::api::ssr::*;
    let (user, warehouse) = require_warehouse().await?;
    let svc = services()?;
    svc.floor.complete_pick(warehouse, &(&user).into(), wave, svc.clock.now_ms()).await
}

/// Orders of the caller's warehouse in one status (pack queue = Picked, ship queue = Packed).
#[server(endpoint = "floor/queue", input = Json)]
pub async fn floor_queue(status: OrderStatus) -> Result<Vec<OrderSummary>, AppError> {
    use crate::api::ssr::*;
    use crate::ports::OrderScope;
    let (_, warehouse) = require_warehouse().await?;
    let query = OrderListQuery { status: Some(status), limit: Some(MAX_PAGE_SIZE), ..Default::default() };
    Ok(services()?.orders.list(OrderScope::Warehouse(warehouse), &query).await?.rows)
}

/// The order to pack, found by the scanned order or tracking number.
#[server(endpoint = "floor/pack/find", input = Json)]
pub async fn find_pack_order(code: String) -> Result<PackOrder, AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    if code.trim().is_empty() || code.len() > 64 {
        return Err(ValidationErrors::single("code", "Scan an order number or tracking number").into());
    }
    services()?.floor.pack_order(warehouse, &code).await
}

/// Picked → Packed once the scanned items match the order (checked again here with the same
/// rule the phone used) and the weight is entered.
#[server(endpoint = "floor/pack/done", input = Json)]
pub async fn mark_packed(order: OrderId, scanned: Vec<(SkuId, i64)>, weight_kg: String) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, warehouse) = require_warehouse().await?;
    let grams = parse_weight_kg(&weight_kg).map_err(|m| ValidationErrors::single("weight", m))?;
    let mut counts = std::collections::BTreeMap::new();
    for (sku, n) in scanned {
        *counts.entry(sku).or_insert(0i64) += n.clamp(0, MAX_STOCK_QUANTITY);
    }
    let svc = services()?;
    svc.floor.mark_packed(warehouse, &(&user).into(), order, &counts, grams, svc.clock.now_ms()).await
}

#[server(endpoint = "floor/manifest", input = Json)]
pub async fn manifest(since_ms: i64) -> Result<Vec<ManifestRow>, AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    services()?.floor.manifest(warehouse, since_ms).await
}

#[server(endpoint = "floor/stock", input = Json)]
pub async fn list_stock(search: String) -> Result<Vec<StockRow>, AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    if search.chars().count() > 100 {
        return Err(ValidationErrors::single("search", "Search text is too long (max 100 characters)").into());
    }
    services()?.floor.stock(warehouse, &search).await
}

#[server(endpoint = "floor/stock/adjust", input = Json)]
pub async fn adjust_stock(adjustment: StockAdjustment) -> Result<StockRow, AppError> {
    use crate::api::ssr::*;
    let (user, warehouse) = require_warehouse_lead().await?;
    let svc = services()?;
    svc.floor.adjust_stock(warehouse, &(&user).into(), &adjustment, svc.clock.now_ms()).await
}

#[server(endpoint = "floor/stock/movements", input = Json)]
pub async fn stock_movements(sku: SkuId) -> Result<Vec<StockMovement>, AppError> {
    use crate::api::ssr::*;
    let (_, warehouse) = require_warehouse().await?;
    services()?.floor.movements(warehouse, sku).await
}
