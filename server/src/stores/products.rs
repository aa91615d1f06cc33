//! A merchant's products over the `skus` table: a product is a SKU code with one row per
//! warehouse the merchant may use (the rows orders, SKU mappings and the floor already use);
//! its stock per warehouse is that row's `inventory`.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::{Actor, AppResult, ProductStore};

use super::admin::{like_pattern, taken};
use super::audit::{self, Change};
use super::orders::{bind_args, SqlArg, SqlBuilder};
use super::{db_error, RowExt};
use crate::db::Db;

pub struct SqlProductStore {
    db: Db,
}

impl SqlProductStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

/// The merchant's SKU codes matching `filter`, as `SELECT s.code … GROUP BY s.code`.
fn matching_codes(merchant: MerchantId, filter: &ProductFilter) -> SqlBuilder {
    let mut q = SqlBuilder::new(String::new(), Vec::new());
    q.push("SELECT s.code FROM skus s LEFT JOIN inventory i ON i.sku_id = s.id WHERE s.merchant_id = ?", SqlArg::Int(merchant));
    if !filter.search.is_empty() {
        let pattern = like_pattern(&filter.search);
        q.push(" AND (LOWER(s.code) LIKE ? ESCAPE '\\'", SqlArg::Text(pattern.clone()));
        q.push(" OR LOWER(s.name) LIKE ? ESCAPE '\\'", SqlArg::Text(pattern.clone()));
        q.push(" OR s.barcode LIKE ? ESCAPE '\\')", SqlArg::Text(pattern));
    }
    q.sql.push_str(" GROUP BY s.code");
    if filter.sold_out {
        // Same rule as `WarehouseStock::sold_out`: a stock record with nothing available.
        q.sql.push_str(" HAVING COUNT(CASE WHEN i.sku_id IS NOT NULL AND i.on_hand - i.allocated <= 0 THEN 1 END) > 0");
    }
    q
}

const PRODUCT_ROWS: &str = "SELECT s.code, s.name, s.barcode, s.weight_grams, s.length_mm, s.width_mm, s.height_mm,
        s.declared_value_minor, s.declared_value_currency, s.hs_code, s.origin_country, s.created_at,
        s.measured_length_mm, s.measured_width_mm, s.measured_height_mm, s.measured_weight_grams, s.measured_at,
        w.code AS warehouse_code, i.sku_id AS stock_sku, i.on_hand, i.allocated, i.damaged
    FROM skus s JOIN warehouses w ON w.id = s.warehouse_id LEFT JOIN inventory i ON i.sku_id = s.id";

/// Folds per-warehouse rows (ordered by code) into products, in that order.
fn products_from_rows(rows: &[AnyRow]) -> AppResult<Vec<Product>> {
    let mut products: Vec<Product> = Vec::new();
    let mut measured_at: BTreeMap<String, i64> = BTreeMap::new();
    for r in rows {
        let code: String = r.col("code")?;
        if products.last().is_none_or(|p| p.code != code) {
            products.push(Product {
                code: code.clone(),
                name: r.col("name")?,
                barcode: r.col("barcode")?,
                declared: Dimensions {
                    length_mm: r.col("length_mm")?,
                    width_mm: r.col("width_mm")?,
                    height_mm: r.col("height_mm")?,
                    weight_grams: r.col("weight_grams")?,
                },
                measured: None,
                declared_value_minor: r.col("declared_value_minor")?,
                currency: r.col("declared_value_currency")?,
                hs_code: r.col("hs_code")?,
                origin_country: r.col("origin_country")?,
                created_at_ms: r.col("created_at")?,
                stock: Vec::new(),
            });
        }
        let Some(product) = products.last_mut() else { continue };
        // The latest measurement of any warehouse is the product's.
        if let Some(at) = r.col::<Option<i64>>("measured_at")? {
            if measured_at.get(&code).is_none_or(|seen| at > *seen) {
                measured_at.insert(code.clone(), at);
                product.measured = Some(Dimensions {
                    length_mm: r.col::<Option<i64>>("measured_length_mm")?.unwrap_or(0),
                    width_mm: r.col::<Option<i64>>("measured_width_mm")?.unwrap_or(0),
                    height_mm: r.col::<Option<i64>>("measured_height_mm")?.unwrap_or(0),
                    weight_grams: r.col::<Option<i64>>("measured_weight_grams")?.unwrap_or(0),
                });
            }
        }
        product.stock.push(WarehouseStock {
            warehouse_code: r.col("warehouse_code")?,
            on_hand: r.col::<Option<i64>>("on_hand")?.unwrap_or(0),
            allocated: r.col::<Option<i64>>("allocated")?.unwrap_or(0),
            damaged: r.col::<Option<i64>>("damaged")?.unwrap_or(0),
            tracked: r.col::<Option<i64>>("stock_sku")?.is_some(),
        });
    }
    Ok(products)
}

#[async_trait]
impl ProductStore for SqlProductStore {
    async fn list(&self, merchant: MerchantId, filter: &ProductFilter, page_size: u32) -> AppResult<ProductPage> {
        let pool = &self.db.pool;
        let codes = matching_codes(merchant, filter);
        let total: i64 = bind_args(sqlx::query(&format!("SELECT COUNT(*) AS n FROM ({}) matching", codes.sql)), &codes.args)
            .fetch_one(pool)
            .await
            .map_err(db_error)?
            .col("n")?;
        let page = filter.page.max(1);
        let offset = i64::from(page - 1) * i64::from(page_size);
        let mut q = SqlBuilder::new(format!("{PRODUCT_ROWS} WHERE s.merchant_id = $1 AND s.code IN ({}", codes.sql), codes.args);
        q.push(" ORDER BY s.code LIMIT ?", SqlArg::Int(i64::from(page_size)));
        q.push(" OFFSET ?)", SqlArg::Int(offset));
        q.sql.push_str(" ORDER BY s.code, w.code");
        let rows = bind_args(sqlx::query(&q.sql), &q.args).fetch_all(pool).await.map_err(db_error)?;
        let warehouses = sqlx::query_scalar(
            "SELECT w.code FROM warehouses w JOIN merchant_warehouses mw ON mw.warehouse_id = w.id WHERE mw.merchant_id = $1 ORDER BY w.code",
        )
        .bind(merchant)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
        Ok(ProductPage { products: products_from_rows(&rows)?, warehouses, total: total.max(0) as u64, page, page_size })
    }

    async fn get(&self, merchant: MerchantId, code: &str) -> AppResult<Option<Product>> {
        let rows = sqlx::query(&format!("{PRODUCT_ROWS} WHERE s.merchant_id = $1 AND s.code = $2 ORDER BY w.code"))
            .bind(merchant)
            .bind(code)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok(products_from_rows(&rows)?.into_iter().next())
    }

    async fn create(&self, actor: &Actor, merchant: MerchantId, product: &NewProduct, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        // The merchant row is locked, so its warehouses cannot change under these inserts.
        sqlx::query(&format!("SELECT id FROM merchants WHERE id = $1{}", self.db.for_update()))
            .bind(merchant)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let code_taken = sqlx::query("SELECT 1 FROM skus WHERE merchant_id = $1 AND code = $2")
            .bind(merchant)
            .bind(product.code.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if code_taken.is_some() {
            return Err(ValidationErrors::single(FIELD_CODE, MSG_CODE_TAKEN).into());
        }
        if !product.barcode.is_empty() {
            let other: Option<String> = sqlx::query_scalar("SELECT code FROM skus WHERE merchant_id = $1 AND barcode = $2")
                .bind(merchant)
                .bind(product.barcode.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
            if let Some(other) = other {
                return Err(ValidationErrors::single(FIELD_BARCODE, format!("{MSG_BARCODE_ON_OTHER_PRODUCT} ({other})")).into());
            }
        }
        let warehouses: Vec<WarehouseId> = sqlx::query_scalar("SELECT warehouse_id FROM merchant_warehouses WHERE merchant_id = $1 ORDER BY warehouse_id")
            .bind(merchant)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        if warehouses.is_empty() {
            return Err(AppError::Conflict(MSG_NO_WAREHOUSE.into()));
        }
        for warehouse in warehouses {
            let d = &product.declared;
            let id: SkuId = sqlx::query_scalar(
                "INSERT INTO skus (merchant_id, warehouse_id, code, name, barcode, weight_grams, length_mm, width_mm, height_mm,
                    declared_value_minor, declared_value_currency, hs_code, origin_country, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            )
            .bind(merchant)
            .bind(warehouse)
            .bind(product.code.as_str())
            .bind(product.name.as_str())
            .bind(product.barcode.as_str())
            .bind(d.weight_grams)
            .bind(d.length_mm)
            .bind(d.width_mm)
            .bind(d.height_mm)
            .bind(product.declared_value_minor)
            .bind(product.currency.as_str())
            .bind(product.hs_code.as_str())
            .bind(product.origin_country.as_str())
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await
            .map_err(taken(FIELD_CODE, MSG_CODE_TAKEN))?;
            let change = Change::<NewProduct, NewProduct> {
                merchant: Some(merchant),
                object_type: audit::SKU,
                object_id: id.to_string(),
                action: "Created",
                before: None,
                after: Some(product),
            };
            audit::record(&mut tx, Some(actor), change, now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    async fn next_st_upc(&self) -> AppResult<String> {
        // A barcode someone typed in may already be the next code: skip it (bounded, so a
        // corrupt sequence cannot spin forever).
        for _ in 0..100 {
            let sequence: i64 = sqlx::query_scalar("UPDATE st_upc_sequence SET next_value = next_value + 1 WHERE id = 1 RETURNING next_value - 1")
                .fetch_one(&self.db.pool)
                .await
                .map_err(db_error)?;
            let code = u64::try_from(sequence).ok().and_then(st_upc).ok_or_else(|| {
                tracing::error!(sequence, "ST-UPC sequence out of range");
                AppError::Conflict("This installation has used up its ST-UPC codes".into())
            })?;
            let used = sqlx::query("SELECT 1 FROM skus WHERE barcode = $1").bind(code.as_str()).fetch_optional(&self.db.pool).await.map_err(db_error)?;
            if used.is_none() {
                return Ok(code);
            }
        }
        tracing::error!("100 ST-UPC codes in a row were already in use");
        Err(AppError::Internal)
    }
}
