//! Placeholder while the SQL store is written (replaced before this lands).

use app::domain::*;
use app::error::AppError;
use app::ports::*;
use async_trait::async_trait;

use crate::db::Db;

pub struct SqlPlatformStore {
    pub db: Db,
}

#[async_trait]
impl PlatformStore for SqlPlatformStore {
    async fn stores(&self, _merchant: MerchantId) -> AppResult<Vec<StoreInfo>> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn add_store(&self, _merchant: MerchantId, _input: &StoreInput, _now_ms: i64) -> AppResult<StoreId> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn set_auto_sync(&self, _merchant: MerchantId, _store: StoreId, _on: bool) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn credentials(&self, _merchant: MerchantId, _store: StoreId) -> AppResult<StoreCredentials> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn queue_sync(&self, _merchant: MerchantId, _store: StoreId, _mode: &SyncMode, _now_ms: i64) -> AppResult<SyncTaskId> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn sync_log(&self, _merchant: MerchantId, _store: Option<StoreId>) -> AppResult<Vec<SyncTask>> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn list(&self, _merchant: MerchantId, _query: &PlatformOrderQuery) -> AppResult<PlatformOrderPage> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn get(&self, _merchant: MerchantId, _id: PlatformOrderId) -> AppResult<Option<PlatformOrderDetail>> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn source_channels(&self, _merchant: MerchantId) -> AppResult<Vec<String>> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn mappings(&self, _merchant: MerchantId, _store: Option<StoreId>, _search: &str) -> AppResult<Vec<SkuMapping>> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn mapping_table(&self, _merchant: MerchantId, _store: StoreId) -> AppResult<std::collections::BTreeMap<String, String>> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn save_mapping(&self, _merchant: MerchantId, _input: &MappingInput, _now_ms: i64) -> AppResult<MappingId> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn delete_mapping(&self, _merchant: MerchantId, _id: MappingId) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn set_exception(&self, _merchant: MerchantId, _id: PlatformOrderId, _exception: &str, _now_ms: i64) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn link_dispatched(&self, _merchant: MerchantId, _id: PlatformOrderId, _order: OrderId, _bindings: &std::collections::BTreeMap<String, String>, _now_ms: i64) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn ack_lines(&self, _merchant: MerchantId, _id: PlatformOrderId, _warehouse: WarehouseId) -> AppResult<Vec<AckLineView>> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn acknowledge(&self, _merchant: MerchantId, _actor: &Actor, _id: PlatformOrderId, _warehouse: WarehouseId, _answers: &[AckLineInput], _now_ms: i64) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn set_reservation(&self, _merchant: MerchantId, _id: PlatformOrderId, _actor: &Actor, _reserved: bool, _now_ms: i64) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn set_status(&self, _merchant: MerchantId, _id: PlatformOrderId, _from: &[PlatformStatus], _to: PlatformStatus, _now_ms: i64) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
    async fn record_shipment(&self, _merchant: MerchantId, _id: PlatformOrderId, _shipment: &ManualShipInput, _to: PlatformStatus, _now_ms: i64) -> AppResult<()> {
        Err(AppError::Unavailable("not built yet".into()))
    }
}
