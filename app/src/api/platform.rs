//! Platform orders: stores, sync, the orders list, dispatch to a warehouse, SKU mappings,
//! manual ship / cancel and B2B acknowledgment. Merchant users only.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::*;
use crate::error::AppError;

#[server(endpoint = "platform/stores", input = Json)]
pub async fn list_stores() -> Result<Vec<StoreInfo>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.platform_orders.stores(merchant).await
}

/// Adds a store after proving the domain and token work (a call to the platform).
#[server(endpoint = "platform/stores/add", input = Json)]
pub async fn add_store(input: StoreInput) -> Result<StoreId, AppError> {
    use crate::api::ssr::*;
    use crate::ports::StoreCredentials;
    let (user, merchant) = require_merchant_admin().await?;
    let svc = services()?;
    let input = input.validated()?;
    let probe = StoreCredentials { store_id: 0, shop_domain: input.shop_domain.clone(), access_token: input.access_token.clone() };
    if let Err(e) = svc.platform.test_connection(&probe).await {
        return Err(ValidationErrors::single("access_token", format!("Could not connect to {}: {}", input.shop_domain, platform_message(&e))).into());
    }
    svc.platform_orders.add_store(merchant, &(&user).into(), &input, svc.clock.now_ms()).await
}

/// 【Test Connection】: the shop's name, or why the platform refused.
#[server(endpoint = "platform/stores/test", input = Json)]
pub async fn test_store(store_id: StoreId) -> Result<String, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_admin().await?;
    let svc = services()?;
    let credentials = svc.platform_orders.credentials(merchant, store_id).await?;
    svc.platform.test_connection(&credentials).await.map_err(platform_error)
}

#[server(endpoint = "platform/stores/auto-sync", input = Json)]
pub async fn set_store_auto_sync(store_id: StoreId, on: bool) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_admin().await?;
    let svc = services()?;
    svc.platform_orders.set_auto_sync(merchant, &(&user).into(), store_id, on, svc.clock.now_ms()).await
}

/// 【Manual Sync】: queues the task and returns at once; the 【Order Sync Log】 shows progress.
#[server(endpoint = "platform/sync", input = Json)]
pub async fn start_sync(store_id: StoreId, mode: SyncMode) -> Result<SyncTaskId, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_worker().await?;
    if mode == SyncMode::Auto {
        return Err(ValidationErrors::single("mode", "Choose Immediate, Time Range or Order Number sync").into());
    }
    let mode = mode.validated()?;
    let svc = services()?;
    svc.platform_orders.queue_sync(merchant, store_id, &mode, svc.clock.now_ms()).await
}

#[server(endpoint = "platform/sync-log", input = Json)]
pub async fn sync_log(store_id: Option<StoreId>) -> Result<Vec<SyncTask>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.platform_orders.sync_log(merchant, store_id).await
}

#[server(endpoint = "platform/orders", input = Json)]
pub async fn list_platform_orders(query: PlatformOrderQuery) -> Result<PlatformOrderPage, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    service::list(&services()?, merchant, &query).await
}

#[server(endpoint = "platform/orders/get", input = Json)]
pub async fn get_platform_order(id: PlatformOrderId) -> Result<PlatformOrderDetail, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    service::get(&services()?, merchant, id).await
}

#[server(endpoint = "platform/source-channels", input = Json)]
pub async fn platform_source_channels() -> Result<Vec<String>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.platform_orders.source_channels(merchant).await
}

/// 【Dispatch to Warehouse】 for one order: creates the dropship order (Submitted) and links it.
/// Refused with the reason (also kept on the order as its exception).
#[server(endpoint = "platform/dispatch", input = Json)]
pub async fn dispatch_platform_order(id: PlatformOrderId, request: DispatchRequest) -> Result<OrderId, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    service::dispatch(&services()?, &user, merchant, id, request).await
}

/// Most orders one 【Batch Dispatch to Warehouse】 request takes; the page sends bigger batches
/// in chunks so it can show progress.
pub const MAX_BATCH_DISPATCH: usize = 50;

/// 【Batch Dispatch to Warehouse】: one warehouse + channel for every order; each order
/// succeeds or fails on its own.
#[server(endpoint = "platform/dispatch-batch", input = Json)]
pub async fn dispatch_batch(ids: Vec<PlatformOrderId>, warehouse_id: WarehouseId, channel_id: ChannelId) -> Result<Vec<DispatchResult>, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    if ids.is_empty() || ids.len() > MAX_BATCH_DISPATCH {
        return Err(ValidationErrors::single("ids", format!("Send 1 to {MAX_BATCH_DISPATCH} orders per request")).into());
    }
    let svc = services()?;
    let catalog = svc.catalog.catalog_for_merchant(merchant).await?;
    if catalog.channel(channel_id).is_some_and(|c| c.is_self_pickup()) {
        return Err(ValidationErrors::single(FIELD_CHANNEL, MSG_BATCH_SELF_PICKUP).into());
    }
    let request = DispatchRequest { warehouse_id: Some(warehouse_id), channel_id: Some(channel_id), ..Default::default() };
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let (order_no, outcome) = match svc.platform_orders.get(merchant, id).await? {
            Some(order) => (order.summary.order_no.clone(), dispatch::dispatch_one(&svc, &user, merchant, &catalog, &order, request.clone()).await),
            None => (String::new(), Err(AppError::NotFound)),
        };
        results.push(DispatchResult { platform_order_id: id, order_no, outcome: outcome.map_err(|e| e.user_message()) });
    }
    Ok(results)
}

/// The acknowledgment dialog's lines with available stock in `warehouse_id`.
#[server(endpoint = "platform/ack-lines", input = Json)]
pub async fn acknowledgment_lines(id: PlatformOrderId, warehouse_id: WarehouseId) -> Result<Vec<AckLineView>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.platform_orders.ack_lines(merchant, id, warehouse_id).await
}

/// 【Accept All】 / 【Partial Accept】 / 【Reject All】 → Acknowledged, sent to the platform.
#[server(endpoint = "platform/acknowledge", input = Json)]
pub async fn acknowledge_order(id: PlatformOrderId, warehouse_id: WarehouseId, answers: Vec<AckLineInput>) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    let svc = services()?;
    let order = svc.platform_orders.get(merchant, id).await?.ok_or(AppError::NotFound)?;
    let state = order.summary.state();
    if !PlatformAction::Acknowledge.allowed(&state) {
        return Err(AppError::Conflict(PlatformAction::Acknowledge.refusal(&state)));
    }
    let lines = svc.platform_orders.ack_lines(merchant, id, warehouse_id).await?;
    let answers = validate_acknowledgment(&lines, &answers)?;
    // The store re-checks the stock inside its transaction; this check gives field messages.
    svc.platform_orders.acknowledge(merchant, &(&user).into(), id, warehouse_id, &answers, svc.clock.now_ms()).await?;
    let note = acknowledgment_note(&lines, &answers);
    let credentials = svc.platform_orders.credentials(merchant, order.summary.store_id).await?;
    if let Err(e) = svc.platform.acknowledge(&credentials, order.platform_order_id, &note).await {
        // The decision stands locally; the platform note is informational.
        tracing::warn!(order = id, error = %e, "acknowledgment note not written to the platform");
        let text = format!("Acknowledged here, but the platform was not told: {}", platform_message(&e));
        svc.platform_orders.set_exception(merchant, &(&user).into(), id, &text, svc.clock.now_ms()).await?;
    }
    Ok(())
}

/// 【Manual Ship】: writes the shipment back to the platform → Manual Completed.
#[server(endpoint = "platform/manual-ship", input = Json)]
pub async fn manual_ship(id: PlatformOrderId, input: ManualShipInput) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    let input = input.validated()?;
    let svc = services()?;
    let order = svc.platform_orders.get(merchant, id).await?.ok_or(AppError::NotFound)?;
    let state = order.summary.state();
    if !PlatformAction::ManualShip.allowed(&state) {
        return Err(AppError::Conflict(PlatformAction::ManualShip.refusal(&state)));
    }
    dispatch::write_back(&svc, &user, merchant, &order, &input, PlatformStatus::ManualCompleted).await
}

/// 【Mark Shipped】: writes the warehouse shipment back again after the automatic writeback failed.
#[server(endpoint = "platform/mark-shipped", input = Json)]
pub async fn mark_shipped(id: PlatformOrderId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    let svc = services()?;
    let order = svc.platform_orders.get(merchant, id).await?.ok_or(AppError::NotFound)?;
    let state = order.summary.state();
    if !PlatformAction::MarkShipped.allowed(&state) {
        return Err(AppError::Conflict(PlatformAction::MarkShipped.refusal(&state)));
    }
    let shipment = ManualShipInput { tracking_no: order.summary.tracking_no.clone(), channel: order.carrier.clone(), service_type: order.service_type.clone() };
    dispatch::write_back(&svc, &user, merchant, &order, &shipment, PlatformStatus::Shipped).await
}

/// 【Cancel Order】: cancels at the platform, and takes back the dispatched order if the
/// warehouse has not waved it yet.
#[server(endpoint = "platform/cancel", input = Json)]
pub async fn cancel_platform_order(id: PlatformOrderId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    let svc = services()?;
    let order = svc.platform_orders.get(merchant, id).await?.ok_or(AppError::NotFound)?;
    let state = order.summary.state();
    if !PlatformAction::Cancel.allowed(&state) {
        return Err(AppError::Conflict(PlatformAction::Cancel.refusal(&state)));
    }
    let now = svc.clock.now_ms();
    if let Some(dropship) = order.summary.dropship_order_id {
        // Refused (409) once waved: then the warehouse is already working on it.
        let bought = svc.orders.intercept(merchant, dropship, &(&user).into(), now).await.map_err(|e| match e {
            AppError::Conflict(_) => AppError::Conflict("The warehouse has already started on this order; it can no longer be cancelled".into()),
            other => other,
        })?;
        if let Some(label_id) = bought {
            if let Err(e) = svc.carrier.void_label(&label_id).await {
                tracing::warn!(order = dropship, error = %e, "voiding the carrier label failed");
            }
        }
    }
    let credentials = svc.platform_orders.credentials(merchant, order.summary.store_id).await?;
    svc.platform.cancel_order(&credentials, order.platform_order_id).await.map_err(platform_error)?;
    if order.summary.status == PlatformStatus::Acknowledged && order.summary.dropship_order_id.is_none() {
        // The acknowledgment's reserved stock goes back to the shelf.
        svc.platform_orders.set_reservation(merchant, id, &(&user).into(), false, now).await?;
    }
    svc.platform_orders
        .set_status(merchant, &(&user).into(), id, &[PlatformStatus::Pending, PlatformStatus::Acknowledged, PlatformStatus::Processing], PlatformStatus::Cancelled, now)
        .await
}

#[server(endpoint = "platform/mappings", input = Json)]
pub async fn list_mappings(store_id: Option<StoreId>, search: String) -> Result<Vec<SkuMapping>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    if search.chars().count() > 100 {
        return Err(ValidationErrors::single("search", "Search text is too long (max 100 characters)").into());
    }
    services()?.platform_orders.mappings(merchant, store_id, search.trim()).await
}

/// Adds or changes the mapping of (store, platform SKU).
#[server(endpoint = "platform/mappings/save", input = Json)]
pub async fn save_mapping(input: MappingInput) -> Result<MappingId, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    let svc = services()?;
    let catalog = svc.catalog.catalog_for_merchant(merchant).await?;
    let input = input.validated(&catalog)?;
    svc.platform_orders.save_mapping(merchant, &(&user).into(), &input, svc.clock.now_ms()).await
}

#[server(endpoint = "platform/mappings/delete", input = Json)]
pub async fn delete_mapping(id: MappingId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    let svc = services()?;
    svc.platform_orders.delete_mapping(merchant, &(&user).into(), id, svc.clock.now_ms()).await
}

/// Who changed a platform order, SKU mapping, store or API token, when, and from what to what.
#[server(endpoint = "platform/history", input = Json)]
pub async fn platform_history(object: HistoryOf) -> Result<Vec<AuditEntry>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = match object {
        HistoryOf::ApiToken(_) => require_merchant_admin().await?,
        _ => require_merchant().await?,
    };
    services()?.platform_orders.history(merchant, object).await
}

/// The platform order rules both entry points share: these server functions and the REST
/// API (`server::rest`) call the same functions, so they answer with the same errors.
#[cfg(feature = "ssr")]
pub mod service {
    use crate::domain::*;
    use crate::error::AppError;
    use crate::ports::Services;

    pub const MAX_SEARCH_LEN: usize = 100;

    pub async fn list(svc: &Services, merchant: MerchantId, query: &PlatformOrderQuery) -> Result<PlatformOrderPage, AppError> {
        let texts = [&query.order_no, &query.recipient_name, &query.tracking_no, &query.source_channel];
        if texts.iter().any(|s| s.chars().count() > MAX_SEARCH_LEN) {
            return Err(ValidationErrors::single("search", format!("Search text is too long (max {MAX_SEARCH_LEN} characters)")).into());
        }
        svc.platform_orders.list(merchant, query).await
    }

    pub async fn get(svc: &Services, merchant: MerchantId, id: PlatformOrderId) -> Result<PlatformOrderDetail, AppError> {
        svc.platform_orders.get(merchant, id).await?.ok_or(AppError::NotFound)
    }

    /// 【Dispatch to Warehouse】 for one order: creates the dropship order (Submitted) and links it.
    pub async fn dispatch(svc: &Services, user: &CurrentUser, merchant: MerchantId, id: PlatformOrderId, request: DispatchRequest) -> Result<OrderId, AppError> {
        let catalog = svc.catalog.catalog_for_merchant(merchant).await?;
        let order = get(svc, merchant, id).await?;
        super::dispatch::dispatch_one(svc, user, merchant, &catalog, &order, request).await
    }
}

#[cfg(feature = "ssr")]
mod dispatch {
    use crate::api::ssr::*;
    use crate::domain::*;
    use crate::error::AppError;
    use crate::ports::Services;

    /// Dispatches one order: domain checks (mapping, address, shippable items, then the same
    /// save rules as every order), create + submit the dropship order, link it. A refusal is
    /// kept on the platform order as its exception.
    pub async fn dispatch_one(
        svc: &Services,
        user: &CurrentUser,
        merchant: MerchantId,
        catalog: &Catalog,
        order: &PlatformOrderDetail,
        request: DispatchRequest,
    ) -> Result<OrderId, AppError> {
        let id = order.summary.id;
        let state = order.summary.state();
        if !PlatformAction::Dispatch.allowed(&state) {
            return Err(AppError::Conflict(PlatformAction::Dispatch.refusal(&state)));
        }
        // Dialog input (bindings become mappings): shown next to the fields, not kept.
        validate_bindings(order, &request.bindings, catalog)?;
        let channel = request.channel_id.and_then(|c| catalog.channel(c));
        let mappings = svc.platform_orders.mapping_table(merchant, order.summary.store_id).await?;
        let now = svc.clock.now_ms();
        let actor = user.into();
        let mut draft = match dispatch_draft(order, &request, &mappings, catalog) {
            Ok(draft) => draft,
            Err(problem) => {
                svc.platform_orders.set_exception(merchant, &actor, id, &problem, now).await?;
                return Err(AppError::Conflict(problem));
            }
        };
        if let Err(errors) = validate_for_save(&draft, catalog) {
            // Dialog input (channel, label, tracking no.): shown next to the fields, not kept.
            return Err(errors.into());
        }
        if let Some(label) = &draft.label {
            let stored = svc.labels.find(merchant, &label.id).await?;
            draft.label = Some(stored.ok_or_else(|| ValidationErrors::single(FIELD_LABEL, "The uploaded label was not found; please upload it again"))?);
        }
        let order_id = svc.orders.create(merchant, &actor, &draft, now).await?;
        let needs_carrier_label = !channel.is_some_and(|c| c.is_self_pickup());
        if order.summary.kind == OrderKind::B2B {
            // The acknowledgment's reservation becomes the order's allocation.
            svc.platform_orders.set_reservation(merchant, id, &actor, false, now).await?;
        }
        if let Err(e) = svc.orders.submit(merchant, order_id, &actor, needs_carrier_label, now).await {
            if order.summary.kind == OrderKind::B2B {
                svc.platform_orders.set_reservation(merchant, id, &actor, true, now).await?;
            }
            // The draft stays with the merchant (visible in Dropship Orders) for a later try.
            let reason = e.user_message();
            svc.platform_orders.set_exception(merchant, &actor, id, &reason, now).await?;
            return Err(e);
        }
        if let Err(e) = svc.platform_orders.link_dispatched(merchant, &actor, id, order_id, &request.bindings, now).await {
            // Another dispatch of the same order won the race: take ours back out of the warehouse.
            if let Err(undo) = svc.orders.intercept(merchant, order_id, &actor, now).await {
                tracing::error!(order = order_id, error = %undo, "could not take back a duplicate dispatch");
            }
            return Err(e);
        }
        Ok(order_id)
    }

    /// Creates the fulfillment at the platform now; on success records it and moves to `to`.
    pub async fn write_back(svc: &Services, user: &CurrentUser, merchant: MerchantId, order: &PlatformOrderDetail, shipment: &ManualShipInput, to: PlatformStatus) -> Result<(), AppError> {
        let credentials = svc.platform_orders.credentials(merchant, order.summary.store_id).await?;
        let fulfillment = fulfillment_for(order, &shipment.tracking_no, &shipment.channel, &shipment.service_type);
        svc.platform.create_fulfillment(&credentials, &fulfillment).await.map_err(platform_error)?;
        svc.platform_orders.record_shipment(merchant, Some(&user.into()), order.summary.id, shipment, to, svc.clock.now_ms()).await
    }
}
