//! `/api/v1/platform-orders…`: orders synced from the merchant's stores, and dispatch to a
//! warehouse, through the same service functions as the platform pages
//! (`app::api::platform::service`).

use axum::extract::{OriginalUri, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::api::platform::service;
use app::domain::*;

use super::error::{ApiError, ErrorBody};
use super::idempotency::{Answer, IdempotencyKey, RequestFingerprint};
use super::tokens::{Caller, PlatformOrdersRead, PlatformOrdersWrite};
use super::{page_limit, parse_cursor, parse_enum, ApiBody, ApiId, ApiQuery};
use crate::web::AppState;

/// Largest page of platform orders.
const MAX_PLATFORM_PAGE: u32 = 200;

/// One platform order in a list. Money in minor units of `currency`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlatformOrderListItem {
    pub id: i64,
    pub store_id: i64,
    pub store_name: String,
    /// The shop's order number ("#1001").
    pub order_no: String,
    pub source_channel: String,
    pub kind: OrderKind,
    pub status: PlatformStatus,
    pub total_minor: i64,
    pub currency: String,
    pub ordered_at_ms: i64,
    pub recipient_name: String,
    pub warehouse_name: String,
    pub tracking_no: String,
    /// Why the order is stuck (e.g. an unmapped SKU); empty when it is not.
    pub exception: String,
    /// The dropship order a dispatch created.
    pub dropship_order_id: Option<i64>,
}

impl From<PlatformOrderSummary> for PlatformOrderListItem {
    fn from(s: PlatformOrderSummary) -> Self {
        PlatformOrderListItem {
            id: s.id,
            store_id: s.store_id,
            store_name: s.store_name,
            order_no: s.order_no,
            source_channel: s.source_channel,
            kind: s.kind,
            status: s.status,
            total_minor: s.total_minor,
            currency: s.currency,
            ordered_at_ms: s.ordered_at_ms,
            recipient_name: s.recipient_name,
            warehouse_name: s.warehouse_name,
            tracking_no: s.tracking_no,
            exception: s.exception,
            dropship_order_id: s.dropship_order_id,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlatformOrderList {
    pub data: Vec<PlatformOrderListItem>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlatformOrderLine {
    pub line_id: i64,
    pub platform_sku: String,
    pub title: String,
    pub quantity: i64,
    pub fulfillable_quantity: i64,
    pub price_minor: i64,
    pub requires_shipping: bool,
    /// The warehouse SKU code it is mapped to; null = not mapped (bind it when dispatching).
    pub warehouse_sku: Option<String>,
    /// B2B: units accepted by the acknowledgment (null until acknowledged).
    pub accepted_quantity: Option<i64>,
}

/// A platform order with its lines. Money in minor units of `currency`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlatformOrder {
    #[serde(flatten)]
    pub summary: PlatformOrderListItem,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub shipping_minor: i64,
    pub discount_minor: i64,
    pub financial_status: String,
    pub recipient: Recipient,
    pub lines: Vec<PlatformOrderLine>,
    /// What the warehouse's carrier charged for the dispatched order.
    pub wms_shipping_cost_minor: Option<i64>,
}

impl From<PlatformOrderDetail> for PlatformOrder {
    fn from(d: PlatformOrderDetail) -> Self {
        let wms_shipping_cost_minor = d.summary.wms_shipping_cost_minor;
        PlatformOrder {
            summary: d.summary.into(),
            subtotal_minor: d.subtotal_minor,
            tax_minor: d.tax_minor,
            shipping_minor: d.shipping_minor,
            discount_minor: d.discount_minor,
            financial_status: d.financial_status,
            recipient: d.recipient,
            lines: d
                .lines
                .into_iter()
                .map(|l| PlatformOrderLine {
                    line_id: l.line_id,
                    platform_sku: l.platform_sku,
                    title: l.title,
                    quantity: l.quantity,
                    fulfillable_quantity: l.fulfillable_quantity,
                    price_minor: l.price_minor,
                    requires_shipping: l.requires_shipping,
                    warehouse_sku: l.warehouse_sku,
                    accepted_quantity: l.accepted_quantity,
                })
                .collect(),
            wms_shipping_cost_minor,
        }
    }
}

/// What a dispatch created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DispatchResult {
    pub platform_order_id: i64,
    /// The dropship order (Submitted), see `/api/v1/orders/{id}`.
    pub order_id: i64,
    pub order_no: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlatformOrderListParams {
    /// Page size, 1–200 (default 50).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// pending | acknowledged | processing | partially_shipped | shipped | completed | manual_completed | cancelled
    status: Option<String>,
    /// b2c | b2b
    kind: Option<String>,
    store_id: Option<i64>,
    /// The shop's order number, exact ("#1001"); at most 100 characters.
    order_no: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/platform-orders", tag = "platform orders", params(PlatformOrderListParams),
    responses((status = 200, body = PlatformOrderList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = ["platform_orders:read"])))]
pub async fn list_platform_orders(
    caller: Caller<PlatformOrdersRead>,
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<PlatformOrderListParams>,
) -> Result<Json<PlatformOrderList>, ApiError> {
    let statuses: Vec<&str> = PlatformStatus::ALL.iter().map(|s| s.code()).collect();
    let query = PlatformOrderQuery {
        kind: parse_enum("kind", params.kind.as_deref(), OrderKind::from_code, &["b2c", "b2b"])?,
        order_no: params.order_no.unwrap_or_default().trim().to_string(),
        store_id: params.store_id,
        status: parse_enum("status", params.status.as_deref(), PlatformStatus::from_code, &statuses)?,
        before_id: parse_cursor(params.cursor.as_deref())?,
        limit: page_limit(params.limit, MAX_PLATFORM_PAGE)?.unwrap_or(PLATFORM_PAGE_SIZE),
        ..Default::default()
    };
    let page = service::list(&state.services, caller.merchant, &query).await?;
    Ok(Json(PlatformOrderList {
        data: page.orders.into_iter().map(Into::into).collect(),
        next_cursor: page.next_before_id.map(|id| id.to_string()),
    }))
}

#[utoipa::path(get, path = "/api/v1/platform-orders/{id}", tag = "platform orders", params(("id" = i64, Path, description = "Platform order id")),
    responses((status = 200, body = PlatformOrder), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = ["platform_orders:read"])))]
pub async fn get_platform_order(caller: Caller<PlatformOrdersRead>, State(state): State<AppState>, ApiId(id): ApiId) -> Result<Json<PlatformOrder>, ApiError> {
    Ok(Json(service::get(&state.services, caller.merchant, id).await?.into()))
}

/// 【Dispatch to Warehouse】: creates the dropship order (Submitted: stock allocated, carrier
/// label queued) and links it (→ Processing). `bindings` maps unmapped platform SKUs to
/// warehouse SKU codes and is saved as SKU mappings. A refusal (409, e.g. "SKU [x] not mapped
/// to a warehouse SKU") is kept on the order as its exception, as on the page.
#[utoipa::path(post, path = "/api/v1/platform-orders/{id}/dispatch", tag = "platform orders", request_body = DispatchRequest,
    params(("id" = i64, Path, description = "Platform order id"), ("Idempotency-Key" = Option<String>, Header, description = "Repeats answer the first result (24 h)")),
    responses((status = 201, body = DispatchResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = ["platform_orders:write"])))]
pub async fn dispatch_platform_order(
    caller: Caller<PlatformOrdersWrite>,
    State(state): State<AppState>,
    ApiId(id): ApiId,
    key: IdempotencyKey,
    OriginalUri(uri): OriginalUri,
    body: ApiBody,
) -> Result<Response, ApiError> {
    let request: DispatchRequest = body.json()?;
    let svc = &state.services;
    let fingerprint = RequestFingerprint { method: &Method::POST, path: uri.path(), body: body.bytes() };
    Ok(state
        .idempotency
        .run(caller.merchant, &key, fingerprint, || async {
            let order_id = service::dispatch(svc, &caller.user, caller.merchant, id, request).await?;
            Answer::new(StatusCode::CREATED, DispatchResult { platform_order_id: id, order_id, order_no: order_no(order_id) })
        })
        .await)
}
