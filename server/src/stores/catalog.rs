use async_trait::async_trait;
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::{AppResult, CatalogStore};

use super::{db_error, RowExt};
use crate::db::Db;

pub struct SqlCatalogStore {
    db: Db,
}

impl SqlCatalogStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

pub(crate) fn warehouse_from_row(r: &AnyRow) -> AppResult<Warehouse> {
    Ok(Warehouse {
        id: r.col("id")?,
        code: r.col("code")?,
        name: r.col("name")?,
        country: r.col("country")?,
        address1: r.col("address1")?,
        city: r.col("city")?,
        state: r.col("state")?,
        postal_code: r.col("postal_code")?,
    })
}

pub(crate) fn channel_from_row(r: &AnyRow) -> AppResult<Channel> {
    let options: String = r.col("signature_options")?;
    Ok(Channel {
        id: r.col("id")?,
        warehouse_id: r.col("warehouse_id")?,
        business_type_id: r.col("business_type_id")?,
        code: r.col("code")?,
        carrier: r.col("carrier")?,
        service_type: r.col("service_type")?,
        signature_options: SignatureOption::list_from_codes(&options),
    })
}

#[async_trait]
impl CatalogStore for SqlCatalogStore {
    async fn catalog_for_merchant(&self, merchant: MerchantId) -> AppResult<Catalog> {
        let pool = &self.db.pool;
        let warehouses = sqlx::query(
            "SELECT w.id, w.code, w.name, w.country, w.address1, w.city, w.state, w.postal_code FROM warehouses w
             JOIN merchant_warehouses mw ON mw.warehouse_id = w.id
             WHERE mw.merchant_id = $1 ORDER BY w.code",
        )
        .bind(merchant)
        .fetch_all(pool)
        .await
        .map_err(db_error)?
        .iter()
        .map(warehouse_from_row)
        .collect::<AppResult<Vec<_>>>()?;

        let business_types = sqlx::query("SELECT id, code, name, kind FROM business_types ORDER BY id")
            .fetch_all(pool)
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| {
                let kind: String = r.col("kind")?;
                Ok(BusinessType {
                    id: r.col("id")?,
                    code: r.col("code")?,
                    name: r.col("name")?,
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
                id: r.col("id")?,
                warehouse_id: r.col("warehouse_id")?,
                code: r.col("code")?,
                name: r.col("name")?,
                barcode: r.col("barcode")?,
                weight_grams: r.col("weight_grams")?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

        Ok(Catalog { warehouses, business_types, channels, skus })
    }
}
