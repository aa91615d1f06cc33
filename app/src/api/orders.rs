//! Merchant-side dropship order functions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::*;
use crate::error::AppError;

/// Warehouses, business types, channels and SKUs the merchant can order from.
#[server(endpoint = "orders/catalog", input = Json)]
pub async fn get_catalog() -> Result<Catalog, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.catalog.catalog_for_merchant(merchant).await
}

#[server(endpoint = "orders/list", input = Json)]
pub async fn list_orders(query: OrderListQuery) -> Result<OrderPage, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    service::list(&services()?, merchant, &query).await
}

#[server(endpoint = "orders/get", input = Json)]
pub async fn get_order(id: OrderId) -> Result<OrderDetail, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    service::get(&services()?, merchant, id).await
}

/// Creates a Draft order (`id` = None) or replaces a Draft's contents. Runs exactly the
/// validation the form ran, against the catalog as stored now.
#[server(endpoint = "orders/save", input = Json)]
pub async fn save_order(id: Option<OrderId>, draft: OrderDraft) -> Result<OrderId, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    service::save(&services()?, &user, merchant, id, draft).await
}

/// Draft → Submitted: hands the order to the warehouse. Re-checks the order first, since the
/// catalog (channels, SKUs) may have changed since it was saved.
#[server(endpoint = "orders/submit", input = Json)]
pub async fn submit_order(id: OrderId) -> Result<OrderStatus, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    service::submit(&services()?, &user, merchant, id).await
}

/// Queues the carrier label purchase again after it failed (e.g. once the address is fixed
/// at the carrier or the carrier is back).
#[server(endpoint = "orders/retry-label", input = Json)]
pub async fn retry_label(id: OrderId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_worker().await?;
    let svc = services()?;
    svc.orders.retry_label(merchant, id, svc.clock.now_ms()).await
}

/// Submitted → Draft, refused once the warehouse has waved the order.
#[server(endpoint = "orders/intercept", input = Json)]
pub async fn intercept_order(id: OrderId) -> Result<OrderStatus, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_worker().await?;
    service::intercept(&services()?, &user, merchant, id).await
}

/// Rates the carrier quotes for the form's current warehouse, recipient, SKUs and channel.
#[server(endpoint = "orders/quote", input = Json)]
pub async fn quote_rates(draft: OrderDraft) -> Result<Vec<RateQuote>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    let svc = services()?;
    let catalog = svc.catalog.catalog_for_merchant(merchant).await?;
    let shipment = shipment_for_quote(&draft.trimmed(), &catalog)?;
    svc.carrier.quote(&shipment).await.map_err(carrier_error)
}

/// The carrier's tracking events for the order's label, oldest first (empty without a label).
#[server(endpoint = "orders/tracking", input = Json)]
pub async fn get_tracking(id: OrderId) -> Result<Vec<TrackingEvent>, AppError> {
    use crate::api::ssr::*;
    use crate::ports::OrderScope;
    let (_, merchant) = require_merchant().await?;
    let svc = services()?;
    let order = svc.orders.get(OrderScope::Merchant(merchant), id).await?.ok_or(AppError::NotFound)?;
    if order.label_status != LabelStatus::Ready {
        return Ok(Vec::new());
    }
    svc.carrier.track(&order.draft.tracking_no).await.map_err(carrier_error)
}

/// The order rules both entry points share: these server functions and the REST API
/// (`server::rest`) call the same functions, so they answer with the same errors.
#[cfg(feature = "ssr")]
pub mod service {
    use crate::domain::*;
    use crate::error::AppError;
    use crate::ports::{OrderScope, Services};

    pub const MAX_SEARCH_LEN: usize = 100;

    pub async fn list(svc: &Services, merchant: MerchantId, query: &OrderListQuery) -> Result<OrderPage, AppError> {
        if query.search.chars().count() > MAX_SEARCH_LEN {
            return Err(ValidationErrors::single("search", format!("Search text is too long (max {MAX_SEARCH_LEN} characters)")).into());
        }
        svc.orders.list(OrderScope::Merchant(merchant), query).await
    }

    pub async fn get(svc: &Services, merchant: MerchantId, id: OrderId) -> Result<OrderDetail, AppError> {
        svc.orders.get(OrderScope::Merchant(merchant), id).await?.ok_or(AppError::NotFound)
    }

    /// Creates a Draft order (`id` = None) or replaces a Draft's contents. Runs exactly the
    /// validation the form ran, against the catalog as stored now.
    pub async fn save(svc: &Services, user: &CurrentUser, merchant: MerchantId, id: Option<OrderId>, draft: OrderDraft) -> Result<OrderId, AppError> {
        let mut draft = draft.trimmed();
        let catalog = svc.catalog.catalog_for_merchant(merchant).await?;
        validate_for_save(&draft, &catalog)?;
        if let Some(label) = &draft.label {
            // The caller only names the label; take its details from storage, and only if it
            // is this merchant's.
            let stored = svc.labels.find(merchant, &label.id).await?;
            let stored = stored.ok_or_else(|| {
                ValidationErrors::single(FIELD_LABEL, "The uploaded label was not found; please upload it again")
            })?;
            draft.label = Some(stored);
        }
        let now = svc.clock.now_ms();
        let actor = user.into();
        match id {
            None => svc.orders.create(merchant, &actor, &draft, now).await,
            Some(id) => {
                let before = get(svc, merchant, id).await?;
                let change = describe_draft_edit(&before.draft, &draft, &catalog);
                svc.orders.update_draft(merchant, &actor, id, &draft, &change, now).await.map(|_| id)
            }
        }
    }

    /// Draft → Submitted: hands the order to the warehouse. Re-checks the order first, since
    /// the catalog (channels, SKUs) may have changed since it was saved.
    pub async fn submit(svc: &Services, user: &CurrentUser, merchant: MerchantId, id: OrderId) -> Result<OrderStatus, AppError> {
        let order = get(svc, merchant, id).await?;
        OrderAction::Submit.apply(order.status)?;
        let catalog = svc.catalog.catalog_for_merchant(merchant).await?;
        validate_for_save(&order.draft, &catalog)?;
        // Self-pickup orders already carry the merchant's label; all others get one bought.
        let needs_carrier_label = !order.channel.is_some_and(|c| c.is_self_pickup());
        svc.orders.submit(merchant, id, &user.into(), needs_carrier_label, svc.clock.now_ms()).await
    }

    /// Submitted → Draft, refused once the warehouse has waved the order.
    pub async fn intercept(svc: &Services, user: &CurrentUser, merchant: MerchantId, id: OrderId) -> Result<OrderStatus, AppError> {
        let bought = svc.orders.intercept(merchant, id, &user.into(), svc.clock.now_ms()).await?;
        if let Some(label_id) = bought {
            // The order is back in Draft either way; a failed void is for the logs.
            if let Err(e) = svc.carrier.void_label(&label_id).await {
                tracing::warn!(order = id, error = %e, "voiding the carrier label failed");
            }
        }
        Ok(OrderStatus::Draft)
    }
}
