//! Self-pickup labels: the PDF bytes go to a directory (object storage later), the metadata
//! to the database.

use async_trait::async_trait;

use app::domain::*;
use app::error::AppError;
use app::ports::{AppResult, LabelStore};

use super::{db_error, RowExt};
use crate::blobs::Blobs;
use crate::db::Db;

pub const MSG_NOT_A_PDF: &str = "The file is not a valid PDF document";

pub struct SqlLabelStore {
    db: Db,
    blobs: Blobs,
}

#[derive(Debug, thiserror::Error)]
pub enum LabelUploadError {
    /// Shown to the user as is.
    #[error("{0}")]
    Rejected(String),
    #[error(transparent)]
    App(#[from] AppError),
}

pub const MSG_ACTIVE_PDF: &str = "The PDF contains scripts or automatic actions; upload a plain label PDF";

/// A real PDF: the magic bytes, a document lopdf can parse, and no active content. A label is
/// printed by warehouse staff, so a script or launch action in it is refused outright.
pub fn check_pdf(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(MSG_NOT_A_PDF.into());
    }
    let document = lopdf::Document::load_mem(bytes).map_err(|_| MSG_NOT_A_PDF.to_string())?;
    if document.objects.values().any(is_active_content) {
        return Err(MSG_ACTIVE_PDF.into());
    }
    Ok(())
}

/// JavaScript, launch/import actions, or actions that run on open or on events.
fn is_active_content(object: &lopdf::Object) -> bool {
    let dict = match object {
        lopdf::Object::Dictionary(d) => d,
        lopdf::Object::Stream(s) => &s.dict,
        _ => return false,
    };
    let action_kind = dict.get(b"S").ok().and_then(|o| o.as_name().ok());
    const ACTIVE_KEYS: [&[u8]; 4] = [b"JS", b"JavaScript", b"AA", b"OpenAction"];
    ACTIVE_KEYS.iter().any(|k| dict.has(k))
        || matches!(action_kind, Some(b"JavaScript" | b"Launch" | b"ImportData" | b"SubmitForm" | b"RichMediaExecute"))
}

impl SqlLabelStore {
    pub fn new(db: Db, blobs: Blobs) -> Self {
        Self { db, blobs }
    }

    pub async fn save(&self, merchant: MerchantId, file_name: &str, bytes: &[u8], now_ms: i64) -> Result<LabelRef, LabelUploadError> {
        validate_label_file(file_name, bytes.len() as u64).map_err(LabelUploadError::Rejected)?;
        check_pdf(bytes).map_err(LabelUploadError::Rejected)?;
        let id = uuid::Uuid::new_v4().simple().to_string();
        let storage_key = format!("{id}.pdf");
        self.blobs.put(&storage_key, bytes.to_vec()).await?;
        let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(200).collect();
        sqlx::query(
            "INSERT INTO labels (id, merchant_id, file_name, size_bytes, storage_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.as_str())
        .bind(merchant)
        .bind(file_name.as_str())
        .bind(bytes.len() as i64)
        .bind(storage_key.as_str())
        .bind(now_ms)
        .execute(&self.db.pool)
        .await
        .map_err(db_error)?;
        Ok(LabelRef { id, file_name, size_bytes: bytes.len() as i64 })
    }

    /// The label's bytes, if it belongs to the merchant.
    pub async fn read(&self, merchant: MerchantId, id: &str) -> AppResult<Option<(LabelRef, Vec<u8>)>> {
        let row = sqlx::query("SELECT file_name, size_bytes, storage_key FROM labels WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let key: String = row.col("storage_key")?;
        let bytes = self.blobs.get(&key).await?;
        let label = LabelRef {
            id: id.to_string(),
            file_name: row.col("file_name")?,
            size_bytes: row.col("size_bytes")?,
        };
        Ok(Some((label, bytes)))
    }
}

/// The carrier label document formats the merchant can download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CarrierLabelFormat {
    Pdf,
    Zpl,
}

impl SqlLabelStore {
    /// The bought carrier label of one of the merchant's orders, if it is ready.
    pub async fn read_carrier_label(&self, merchant: MerchantId, order: OrderId, format: CarrierLabelFormat) -> AppResult<Option<Vec<u8>>> {
        let column = match format {
            CarrierLabelFormat::Pdf => "carrier_label_key",
            CarrierLabelFormat::Zpl => "carrier_zpl_key",
        };
        let row = sqlx::query(&format!("SELECT {column} AS storage_key FROM orders WHERE id = $1 AND merchant_id = $2 AND label_status = 'ready'"))
            .bind(order)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        let Some(key) = row.map(|r| r.col::<Option<String>>("storage_key")).transpose()?.flatten() else {
            return Ok(None);
        };
        self.blobs.get(&key).await.map(Some)
    }
}

impl SqlLabelStore {
    /// The label of an order shipping from `warehouse`: the bought carrier PDF when ready,
    /// else the merchant's uploaded self-pickup label. (file name, bytes).
    pub async fn read_for_warehouse(&self, warehouse: WarehouseId, order: OrderId) -> AppResult<Option<(String, Vec<u8>)>> {
        let row = sqlx::query(
            "SELECT o.label_status, o.carrier_label_key, l.storage_key, l.file_name FROM orders o
             LEFT JOIN labels l ON l.id = o.label_id WHERE o.id = $1 AND o.warehouse_id = $2",
        )
        .bind(order)
        .bind(warehouse)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let carrier_key: Option<String> = row.col("carrier_label_key")?;
        let status: String = row.col("label_status")?;
        let (key, name) = match (status == LabelStatus::Ready.code(), carrier_key) {
            (true, Some(key)) => (key, format!("{}-label.pdf", order_no(order))),
            _ => match row.col::<Option<String>>("storage_key")? {
                Some(key) => (key, row.col::<Option<String>>("file_name")?.unwrap_or_else(|| "label.pdf".into())),
                None => return Ok(None),
            },
        };
        Ok(Some((name, self.blobs.get(&key).await?)))
    }
}

#[async_trait]
impl LabelStore for SqlLabelStore {
    async fn find(&self, merchant: MerchantId, id: &str) -> AppResult<Option<LabelRef>> {
        let row = sqlx::query("SELECT file_name, size_bytes FROM labels WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        row.map(|r| {
            Ok(LabelRef {
                id: id.to_string(),
                file_name: r.col("file_name")?,
                size_bytes: r.col("size_bytes")?,
            })
        })
        .transpose()
    }
}
