use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use app::domain::*;
use app::error::AppError;
use app::ports::{AppResult, CatalogStore};

use super::db_error;
use crate::db::Db;

pub struct SqlCatalogStore {
    db: Db,
}

impl SqlCatalogStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

pub(crate) fn channel_from_row(r: &AnyRow) -> AppResult<Channel> {
    let options: String = r.try_get("signature_options").map_err(db_error)?;
    Ok(Channel {
        id: r.try_get("id").map_err(db_error)?,
        warehouse_id: r.try_get("warehouse_id").map_err(db_error)?,
        business_type_id: r.try_get("business_type_id").map_err(db_error)?,
        code: r.try_get("code").map_err(db_error)?,
        carrier: r.try_get("carrier").map_err(db_error)?,
        service_type: r.try_get("service_type").map_err(db_error)?,
        signature_options: SignatureOption::list_from_codes(&options),
    })
}

#[async_trait]
impl CatalogStore for SqlCatalogStore {
    async fn catalog_for_merchant(&self, merchant: MerchantId) -> AppResult<Catalog> {
        let pool = &self.db.pool;
        let warehouses = sqlx::query(
            "SELECT w.id, w.code, w.name, w.country FROM warehouses w
             JOIN merchant_warehouses mw ON mw.warehouse_id = w.id
             WHERE mw.merchant_id = $1 ORDER BY w.code",
        )
        .bind(merchant)
        .fetch_all(pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(|r| {
            Ok(Warehouse {
                id: r.try_get("id").map_err(db_error)?,
                code: r.try_get("code").map_err(db_error)?,
                name: r.try_get("name").map_err(db_error)?,
                country: r.try_get("country").map_err(db_error)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;

        let business_types = sqlx::query("SELECT id, code, name, kind FROM business_types ORDER BY id")
            .fetch_all(pool)
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind").map_err(db_error)?;
                Ok(BusinessType {
                    id: r.try_get("id").map_err(db_error)?,
                    code: r.try_get("code").map_err(db_error)?,
                    name: r.try_get("name").map_err(db_error)?,
                    kind: if kind == "B2B" { BusinessKind::B2B } else { BusinessKind::B2C },
                })
            })
            .collect::<AppResult<Vec<_>>>()?;

        let channels = sqlx::query(
            "SELECT c.* FROM channels c JOIN merchant_warehouses mw ON mw.warehouse_id = c.warehouse_id
             WHERE mw.merchant_id = $1 ORDER BY c.code",
        )
        .bind(merchant)
        .fetch_all(pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(channel_from_row)
        .collect::<AppResult<Vec<_>>>()?;

        let skus = sqlx::query(
            "SELECT s.id, s.warehouse_id, s.code, s.name, s.barcode, s.weight_grams FROM skus s
             JOIN merchant_warehouses mw ON mw.warehouse_id = s.warehouse_id AND mw.merchant_id = s.merchant_id
             WHERE s.merchant_id = $1 ORDER BY s.code",
        )
        .bind(merchant)
        .fetch_all(pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(|r| {
            Ok(Sku {
                id: r.try_get("id").map_err(db_error)?,
                warehouse_id: r.try_get("warehouse_id").map_err(db_error)?,
                code: r.try_get("code").map_err(db_error)?,
                name: r.try_get("name").map_err(db_error)?,
                barcode: r.try_get("barcode").map_err(db_error)?,
                weight_grams: r.try_get("weight_grams").map_err(db_error)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

        Ok(Catalog { warehouses, business_types, channels, skus })
    }
}
