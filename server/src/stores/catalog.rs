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

    async fn merchant_stock(&self, merchant: MerchantId, warehouse: Option<WarehouseId>) -> AppResult<Vec<SkuStock>> {
        let filter = if warehouse.is_some() { " AND s.warehouse_id = $2" } else { "" };
        let sql = format!(
            "SELECT s.id, s.code, s.name, s.warehouse_id, w.code AS warehouse_code,
                    COALESCE(i.on_hand, 0) AS on_hand, COALESCE(i.allocated, 0) AS allocated
             FROM skus s
             JOIN merchant_warehouses mw ON mw.warehouse_id = s.warehouse_id AND mw.merchant_id = s.merchant_id
             JOIN warehouses w ON w.id = s.warehouse_id
             LEFT JOIN inventory i ON i.sku_id = s.id
             WHERE s.merchant_id = $1{filter} ORDER BY s.code, w.code"
        );
        let mut query = sqlx::query(&sql).bind(merchant);
        if let Some(w) = warehouse {
            query = query.bind(w);
        }
        let rows = query.fetch_all(&self.db.pool).await.map_err(db_error)?;
        rows.iter()
            .map(|r| {
                Ok(SkuStock {
                    sku_id: r.col("id")?,
                    sku_code: r.col("code")?,
                    sku_name: r.col("name")?,
                    warehouse_id: r.col("warehouse_id")?,
                    warehouse_code: r.col("warehouse_code")?,
                    on_hand: r.col("on_hand")?,
                    allocated: r.col("allocated")?,
                })
            })
            .collect()
    }
}
