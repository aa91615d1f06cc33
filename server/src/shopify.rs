//! Placeholder while the Shopify client is written (replaced before this lands).

use app::domain::*;
use app::ports::*;
use async_trait::async_trait;

pub struct HttpShopify;

#[async_trait]
impl Platform for HttpShopify {
    async fn test_connection(&self, _store: &StoreCredentials) -> Result<String, PlatformError> {
        Err(PlatformError::Transient("not built yet".into()))
    }
    async fn orders_page(&self, _store: &StoreCredentials, _cursor: &PageCursor) -> Result<OrdersPage, PlatformError> {
        Err(PlatformError::Transient("not built yet".into()))
    }
    async fn orders_by_number(&self, _store: &StoreCredentials, _numbers: &[String]) -> Result<Vec<Result<ImportedOrder, String>>, PlatformError> {
        Err(PlatformError::Transient("not built yet".into()))
    }
    async fn create_fulfillment(&self, _store: &StoreCredentials, _fulfillment: &FulfillmentRequest) -> Result<String, PlatformError> {
        Err(PlatformError::Transient("not built yet".into()))
    }
    async fn cancel_order(&self, _store: &StoreCredentials, _platform_order_id: i64) -> Result<(), PlatformError> {
        Err(PlatformError::Transient("not built yet".into()))
    }
    async fn acknowledge(&self, _store: &StoreCredentials, _platform_order_id: i64, _note: &str) -> Result<(), PlatformError> {
        Err(PlatformError::Transient("not built yet".into()))
    }
}
