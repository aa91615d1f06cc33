//! Warehouse-side functions (the floor app grows here).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::*;
use crate::error::AppError;

/// Submitted orders of the caller's warehouse, ready to be waved.
#[server(endpoint = "floor/wave-queue", input = Json)]
pub async fn wave_queue() -> Result<Vec<OrderSummary>, AppError> {
    use crate::api::ssr::*;
    use crate::ports::OrderScope;
    let (_, warehouse) = require_warehouse().await?;
    let query = OrderListQuery { status: Some(OrderStatus::Submitted), limit: Some(MAX_PAGE_SIZE), ..Default::default() };
    Ok(services()?.orders.list(OrderScope::Warehouse(warehouse), &query).await?.rows)
}

/// Submitted → Waved. From here on the merchant can no longer intercept the order.
#[server(endpoint = "floor/wave", input = Json)]
pub async fn wave_order(id: OrderId) -> Result<OrderStatus, AppError> {
    use crate::api::ssr::*;
    use crate::ports::OrderScope;
    let (user, warehouse) = require_warehouse().await?;
    let svc = services()?;
    svc.orders
        .transition(OrderScope::Warehouse(warehouse), id, OrderAction::Wave, &(&user).into(), svc.clock.now_ms())
        .await
}
