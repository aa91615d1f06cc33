//! Merchant webhooks: endpoints (merchant admins), the delivery log (any merchant user), test
//! events and re-sends. Other merchants' endpoint and delivery ids answer 404.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::*;
use crate::error::AppError;

#[server(endpoint = "webhooks/endpoints", input = Json)]
pub async fn list_webhook_endpoints() -> Result<Vec<WebhookEndpoint>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.webhooks.endpoints(merchant).await
}

/// Registers an endpoint; the answer carries its signing secret, shown this once.
#[server(endpoint = "webhooks/endpoints/create", input = Json)]
pub async fn create_webhook_endpoint(input: WebhookEndpointInput) -> Result<CreatedWebhookEndpoint, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_admin().await?;
    let input = input.validated()?;
    let svc = services()?;
    svc.webhooks.create_endpoint(merchant, &input, svc.clock.now_ms()).await
}

/// Changes the description, the events or enabled; the URL and secret stay.
#[server(endpoint = "webhooks/endpoints/update", input = Json)]
pub async fn update_webhook_endpoint(id: WebhookEndpointId, patch: WebhookEndpointPatch) -> Result<WebhookEndpoint, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_admin().await?;
    let patch = patch.validated()?;
    services()?.webhooks.update_endpoint(merchant, id, &patch).await
}

#[server(endpoint = "webhooks/endpoints/delete", input = Json)]
pub async fn delete_webhook_endpoint(id: WebhookEndpointId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_admin().await?;
    services()?.webhooks.delete_endpoint(merchant, id).await
}

/// 【Send test】: queues a `ping` to the endpoint; the log shows how it went.
#[server(endpoint = "webhooks/endpoints/test", input = Json)]
pub async fn send_test_webhook(id: WebhookEndpointId) -> Result<WebhookDeliveryId, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_admin().await?;
    let svc = services()?;
    svc.webhooks.send_test(merchant, id, svc.clock.now_ms()).await
}

/// The delivery log, newest first.
#[server(endpoint = "webhooks/deliveries", input = Json)]
pub async fn list_webhook_deliveries(query: DeliveryQuery) -> Result<DeliveryPage, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant().await?;
    services()?.webhooks.deliveries(merchant, &query).await
}

/// 【Re-send】: another attempt now, whatever the delivery's state (except mid-send).
#[server(endpoint = "webhooks/deliveries/resend", input = Json)]
pub async fn resend_webhook_delivery(id: WebhookDeliveryId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_admin().await?;
    let svc = services()?;
    svc.webhooks.resend(merchant, id, svc.clock.now_ms()).await
}
