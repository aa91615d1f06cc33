//! `/api/v1/inventory`: the merchant's SKUs with their stock in each warehouse it uses.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::tokens::{Caller, InventoryRead};
use super::ApiQuery;
use crate::web::AppState;

/// One SKU in one warehouse. `available` = `on_hand` − `allocated` (promised to open orders).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InventoryItem {
    pub sku_id: i64,
    pub sku_code: String,
    pub sku_name: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub on_hand: i64,
    pub allocated: i64,
    pub available: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InventoryList {
    pub data: Vec<InventoryItem>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryParams {
    /// Only this warehouse (one of the merchant's, see `/api/v1/catalog`).
    warehouse_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/inventory", tag = "inventory", params(InventoryParams),
    responses((status = 200, body = InventoryList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = ["inventory:read"])))]
pub async fn list_inventory(caller: Caller<InventoryRead>, State(state): State<AppState>, ApiQuery(params): ApiQuery<InventoryParams>) -> Result<Json<InventoryList>, ApiError> {
    let svc = &state.services;
    if let Some(w) = params.warehouse_id {
        // Another merchant's (or no) warehouse: nothing of ours is there.
        if svc.catalog.catalog_for_merchant(caller.merchant).await?.warehouse(w).is_none() {
            return Err(ApiError::not_found());
        }
    }
    let rows = svc.catalog.merchant_stock(caller.merchant, params.warehouse_id).await?;
    let data = rows
        .into_iter()
        .map(|r| InventoryItem {
            available: r.available(),
            sku_id: r.sku_id,
            sku_code: r.sku_code,
            sku_name: r.sku_name,
            warehouse_id: r.warehouse_id,
            warehouse_code: r.warehouse_code,
            on_hand: r.on_hand,
            allocated: r.allocated,
        })
        .collect();
    Ok(Json(InventoryList { data }))
}
