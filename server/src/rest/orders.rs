//! `/api/v1/catalog` and `/api/v1/orders…`: dropship orders through the same service
//! functions as the order pages (`app::api::orders::service`).

use axum::extract::{OriginalUri, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::api::orders::service;
use app::domain::*;

use super::error::{ApiError, ErrorBody};
use super::idempotency::{Answer, IdempotencyKey, RequestFingerprint};
use super::tokens::{Caller, OrdersRead, OrdersWrite};
use super::{page_limit, parse_cursor, parse_enum, ApiBody, ApiId, ApiQuery};
use crate::web::AppState;

/// A dropship order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: i64,
    /// "DD00000042", shown to people.
    pub order_no: String,
    pub status: OrderStatus,
    pub warehouse_id: Option<i64>,
    pub warehouse_name: String,
    pub business_type_id: Option<i64>,
    pub business_type_name: String,
    pub channel_id: Option<i64>,
    pub channel_code: Option<String>,
    pub carrier: Option<String>,
    pub service_type: Option<String>,
    pub platform_order_no: String,
    pub signature_option: Option<SignatureOption>,
    pub recipient: Recipient,
    pub lines: Vec<OrderLine>,
    pub total_units: i64,
    pub tracking_no: String,
    pub label_status: LabelStatus,
    /// The carrier's message when buying the label failed.
    pub label_error: String,
    /// What the carrier charged for the label, in minor units of `shipping_currency`.
    pub shipping_cost_minor: Option<i64>,
    pub shipping_currency: String,
    /// Why the order is held (no stock, short pick); empty when it is not.
    pub exception: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderLine {
    pub sku_id: i64,
    pub sku_code: String,
    pub sku_name: String,
    pub quantity: i64,
}

impl From<OrderDetail> for Order {
    fn from(d: OrderDetail) -> Self {
        let lines: Vec<OrderLine> =
            d.lines.into_iter().map(|l| OrderLine { sku_id: l.sku_id, sku_code: l.sku_code, sku_name: l.sku_name, quantity: l.quantity }).collect();
        Order {
            id: d.id,
            order_no: order_no(d.id),
            status: d.status,
            warehouse_id: d.draft.warehouse_id,
            warehouse_name: d.warehouse_name,
            business_type_id: d.draft.business_type_id,
            business_type_name: d.business_name,
            channel_id: d.draft.channel_id,
            channel_code: d.channel.as_ref().map(|c| c.code.clone()),
            carrier: d.channel.as_ref().map(|c| c.carrier.clone()),
            service_type: d.channel.as_ref().map(|c| c.service_type.clone()),
            platform_order_no: d.draft.platform_order_no,
            signature_option: d.draft.signature_option,
            recipient: d.draft.recipient,
            total_units: lines.iter().map(|l| l.quantity).sum(),
            lines,
            tracking_no: d.draft.tracking_no,
            label_status: d.label_status,
            label_error: d.label_error,
            shipping_cost_minor: d.shipping_cost_minor,
            shipping_currency: d.shipping_currency,
            exception: d.exception,
            created_at_ms: d.created_at_ms,
            updated_at_ms: d.updated_at_ms,
        }
    }
}

/// One order in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderListItem {
    pub id: i64,
    pub order_no: String,
    pub status: OrderStatus,
    pub platform_order_no: String,
    pub recipient_name: String,
    pub recipient_country: String,
    pub warehouse_code: String,
    pub channel_code: String,
    pub carrier: String,
    pub tracking_no: String,
    pub label_status: LabelStatus,
    pub label_error: String,
    pub exception: String,
    pub total_units: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl From<OrderSummary> for OrderListItem {
    fn from(s: OrderSummary) -> Self {
        OrderListItem {
            id: s.id,
            order_no: order_no(s.id),
            status: s.status,
            platform_order_no: s.platform_order_no,
            recipient_name: s.recipient_name,
            recipient_country: s.recipient_country,
            warehouse_code: s.warehouse_code,
            channel_code: s.channel_code,
            carrier: s.carrier,
            tracking_no: s.tracking_no,
            label_status: s.label_status,
            label_error: s.label_error,
            exception: s.exception,
            total_units: s.total_units,
            created_at_ms: s.created_at_ms,
            updated_at_ms: s.updated_at_ms,
        }
    }
}

/// A page of orders, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderList {
    pub data: Vec<OrderListItem>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListParams {
    /// Page size, 1–100 (default 20).
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// draft | submitted | waved | picked | packed | shipped
    status: Option<String>,
    /// Order no. (DD…), platform order no. or tracking no. (exact), or recipient name (prefix); at most 100 characters.
    search: Option<String>,
}

/// Warehouses, business types, channels and SKUs the merchant can order from (the ids a new
/// order refers to).
#[utoipa::path(get, path = "/api/v1/catalog", tag = "orders",
    responses((status = 200, body = Catalog), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = ["orders:read"])))]
pub async fn get_catalog(caller: Caller<OrdersRead>, State(state): State<AppState>) -> Result<Json<Catalog>, ApiError> {
    Ok(Json(state.services.catalog.catalog_for_merchant(caller.merchant).await?))
}

/// The merchant's orders, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(OrderListParams),
    responses((status = 200, body = OrderList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = ["orders:read"])))]
pub async fn list_orders(caller: Caller<OrdersRead>, State(state): State<AppState>, ApiQuery(params): ApiQuery<OrderListParams>) -> Result<Json<OrderList>, ApiError> {
    let codes: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.code()).collect();
    let query = OrderListQuery {
        status: parse_enum("status", params.status.as_deref(), OrderStatus::from_code, &codes)?,
        search: params.search.unwrap_or_default().trim().to_string(),
        after: parse_cursor(params.cursor.as_deref())?,
        before: None,
        limit: page_limit(params.limit, MAX_PAGE_SIZE)?,
    };
    let page = service::list(&state.services, caller.merchant, &query).await?;
    Ok(Json(OrderList { data: page.rows.into_iter().map(Into::into).collect(), next_cursor: page.next_after.map(|id| id.to_string()) }))
}

/// Creates a Draft order. The body is the order form's: the same rules (`validate_for_save`)
/// answer with the same field messages, e.g. `channel`: "Please select a channel".
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderDraft,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats of the same request answer the first one's result (24 h)")),
    responses((status = 201, body = Order), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = ["orders:write"])))]
pub async fn create_order(caller: Caller<OrdersWrite>, State(state): State<AppState>, key: IdempotencyKey, OriginalUri(uri): OriginalUri, body: ApiBody) -> Result<Response, ApiError> {
    let draft: OrderDraft = body.json()?;
    let svc = &state.services;
    let request = RequestFingerprint { method: &Method::POST, path: uri.path(), body: body.bytes() };
    Ok(state
        .idempotency
        .run(caller.merchant, &key, request, || async {
            let id = service::save(svc, &caller.user, caller.merchant, None, draft).await?;
            let order = service::get(svc, caller.merchant, id).await?;
            Answer::new(StatusCode::CREATED, Order::from(order))
        })
        .await)
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path, description = "Order id")),
    responses((status = 200, body = Order), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = ["orders:read"])))]
pub async fn get_order(caller: Caller<OrdersRead>, State(state): State<AppState>, ApiId(id): ApiId) -> Result<Json<Order>, ApiError> {
    Ok(Json(service::get(&state.services, caller.merchant, id).await?.into()))
}

/// Draft → Submitted: hands the order to the warehouse (allocates stock, queues the carrier
/// label). Refused (409) when stock is short or the order is not a Draft.
#[utoipa::path(post, path = "/api/v1/orders/{id}/submit", tag = "orders",
    params(("id" = i64, Path, description = "Order id"), ("Idempotency-Key" = Option<String>, Header, description = "Repeats answer the first result (24 h)")),
    responses((status = 200, body = Order), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = ["orders:write"])))]
pub async fn submit_order(caller: Caller<OrdersWrite>, State(state): State<AppState>, ApiId(id): ApiId, key: IdempotencyKey, OriginalUri(uri): OriginalUri, body: ApiBody) -> Result<Response, ApiError> {
    body.expect_none()?;
    let svc = &state.services;
    let request = RequestFingerprint { method: &Method::POST, path: uri.path(), body: body.bytes() };
    Ok(state
        .idempotency
        .run(caller.merchant, &key, request, || async {
            service::submit(svc, &caller.user, caller.merchant, id).await?;
            Answer::new(StatusCode::OK, Order::from(service::get(svc, caller.merchant, id).await?))
        })
        .await)
}

/// Submitted → Draft (cancels the label); refused (409) once the warehouse has waved it.
#[utoipa::path(post, path = "/api/v1/orders/{id}/intercept", tag = "orders",
    params(("id" = i64, Path, description = "Order id"), ("Idempotency-Key" = Option<String>, Header, description = "Repeats answer the first result (24 h)")),
    responses((status = 200, body = Order), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = ["orders:write"])))]
pub async fn intercept_order(caller: Caller<OrdersWrite>, State(state): State<AppState>, ApiId(id): ApiId, key: IdempotencyKey, OriginalUri(uri): OriginalUri, body: ApiBody) -> Result<Response, ApiError> {
    body.expect_none()?;
    let svc = &state.services;
    let request = RequestFingerprint { method: &Method::POST, path: uri.path(), body: body.bytes() };
    Ok(state
        .idempotency
        .run(caller.merchant, &key, request, || async {
            service::intercept(svc, &caller.user, caller.merchant, id).await?;
            Answer::new(StatusCode::OK, Order::from(service::get(svc, caller.merchant, id).await?))
        })
        .await)
}
