//! Keeps the tables that only grow in check: sign-in attempts too old to count, expired
//! sessions, idempotency keys past their day, and finished webhook deliveries past the log's
//! retention. Every app process runs it; the deletes are idempotent, so several servers on one
//! PostgreSQL can run it at the same time.

use std::sync::Arc;
use std::time::Duration;

use app::domain::WEBHOOK_LOG_KEPT_DAYS;
use app::ports::{AppResult, Clock};

use crate::db::Db;
use crate::stores::db_error;

const DAY_MS: i64 = 24 * 3_600_000;

/// Rows one pass removed, per table.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub sign_in_attempts: u64,
    pub sessions: u64,
    pub idempotency_keys: u64,
    pub webhook_deliveries: u64,
    pub webhook_events: u64,
}

/// Runs `prune` now and then every `every`; a failure is logged and tried again next time.
pub fn spawn(db: Db, clock: Arc<dyn Clock>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match prune(&db, clock.now_ms()).await {
                Ok(pruned) if pruned != Pruned::default() => tracing::info!(?pruned, "housekeeping removed old rows"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// One pass over every table with a retention rule.
pub async fn prune(db: &Db, now_ms: i64) -> AppResult<Pruned> {
    let delete = |sql: &'static str, before: i64| async move {
        sqlx::query(sql).bind(before).execute(&db.pool).await.map(|r| r.rows_affected()).map_err(db_error)
    };
    let log_cutoff = now_ms - WEBHOOK_LOG_KEPT_DAYS * DAY_MS;
    let finished = "status IN ('succeeded', 'failed') AND updated_at < $1";
    let mut pruned = Pruned {
        sign_in_attempts: delete("DELETE FROM sign_in_attempts WHERE at < $1", now_ms - crate::stores::accounts::SIGN_IN_ATTEMPTS_KEPT_MS).await?,
        sessions: delete("DELETE FROM sessions WHERE expires_at <= $1", now_ms).await?,
        idempotency_keys: delete("DELETE FROM idempotency_keys WHERE created_at < $1", now_ms - crate::rest::idempotency::KEY_TTL_MS).await?,
        ..Default::default()
    };
    // Attempts first (SQLite enforces the cascade only with foreign keys on), then deliveries,
    // then events no delivery refers to any more.
    let mut tx = db.begin_write().await.map_err(db_error)?;
    sqlx::query(&format!("DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE {finished})"))
        .bind(log_cutoff)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    pruned.webhook_deliveries =
        sqlx::query(&format!("DELETE FROM webhook_deliveries WHERE {finished}")).bind(log_cutoff).execute(&mut *tx).await.map_err(db_error)?.rows_affected();
    pruned.webhook_events = sqlx::query(
        "DELETE FROM webhook_events WHERE created_at < $1 AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)",
    )
    .bind(log_cutoff)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?
    .rows_affected();
    tx.commit().await.map_err(db_error)?;
    Ok(pruned)
}
