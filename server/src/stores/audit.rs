//! The audit log: who changed what, when, before → after. Written inside the transaction of
//! the change it describes, so the log never claims a change that rolled back.

use serde::Serialize;
use sqlx::AnyConnection;

use app::domain::{AuditEntry, MerchantId};
use app::error::AppError;
use app::ports::{Actor, AppResult};

use super::{db_error, RowExt};
use crate::db::Db;

/// One change, as the caller describes it. `before`/`after` are any serializable snapshot
/// (None for creation / deletion).
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub merchant: Option<MerchantId>,
    pub object_type: &'static str,
    pub object_id: String,
    pub action: &'a str,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

/// Object types in the log (also what the history views ask for).
pub const PLATFORM_ORDER: &str = "platform_order";
pub const SKU_MAPPING: &str = "sku_mapping";
pub const STORE: &str = "store";
pub const USER: &str = "user";
pub const MERCHANT: &str = "merchant";
pub const WAREHOUSE: &str = "warehouse";
pub const BUSINESS_TYPE: &str = "business_type";
pub const CHANNEL: &str = "channel";
pub const SKU: &str = "sku";
pub const API_TOKEN: &str = "api_token";

fn snapshot<T: Serialize>(value: Option<&T>) -> AppResult<Option<String>> {
    value
        .map(|v| {
            serde_json::to_string(v).map_err(|e| {
                tracing::error!(error = %e, "audit snapshot not serializable");
                AppError::Internal
            })
        })
        .transpose()
}

/// Records `change` by `actor` (None: the system, e.g. a sync worker) on `conn`, which should
/// be the transaction making the change. A "change" that leaves the snapshot as it was (say, a
/// dispatch refused again for the same reason) is not recorded: history lists changes only.
pub async fn record<B: Serialize, A: Serialize>(conn: &mut AnyConnection, actor: Option<&Actor>, change: Change<'_, B, A>, now_ms: i64) -> AppResult<()> {
    let (before, after) = (snapshot(change.before)?, snapshot(change.after)?);
    if before.is_some() && before == after {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor_name, merchant_id, object_type, object_id, action, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms)
    .bind(actor.map(|a| a.user_id))
    .bind(actor.map(|a| a.name.as_str()).unwrap_or("Dropdock"))
    .bind(change.merchant)
    .bind(change.object_type)
    .bind(change.object_id)
    .bind(change.action)
    .bind(before)
    .bind(after)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The history of one object, oldest first. `merchant` scopes tenant objects: another
/// merchant's object has no history for this caller (None: platform admins see all).
pub async fn history(db: &Db, merchant: Option<MerchantId>, object_type: &str, object_id: &str) -> AppResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT id, at, actor_name, action, before_json, after_json FROM audit_log
         WHERE object_type = $1 AND object_id = $2 AND ($3 IS NULL OR merchant_id = $3)
         ORDER BY id",
    )
    .bind(object_type)
    .bind(object_id)
    .bind(merchant)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.col("id")?,
                at_ms: r.col("at")?,
                actor_name: r.col("actor_name")?,
                action: r.col("action")?,
                before: r.col("before_json")?,
                after: r.col("after_json")?,
            })
        })
        .collect()
}
