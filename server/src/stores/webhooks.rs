//! Webhook endpoints and the delivery log in SQL. Every statement is scoped to the merchant;
//! another merchant's ids find no row and answer NotFound.

use async_trait::async_trait;
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::{AppResult, WebhookStore};

use super::orders::{bind_args, SqlArg, SqlBuilder};
use super::{db_error, RowExt};
use crate::db::Db;
use crate::secrets::SecretBox;
use crate::webhooks::{check_target_url, insert_event, new_secret, queue_delivery, EventPayload};

pub struct SqlWebhookStore {
    db: Db,
    secrets: SecretBox,
    /// Whether endpoints may point at private / loopback addresses (tests, local demos).
    allow_private: bool,
}

impl SqlWebhookStore {
    pub fn new(db: Db, secrets: SecretBox, allow_private: bool) -> Self {
        Self { db, secrets, allow_private }
    }
}

const ENDPOINT_SELECT: &str = "SELECT e.id, e.url, e.description, e.event_types, e.enabled, e.created_at,
        d.status AS last_status, d.last_status_code AS last_code
    FROM webhook_endpoints e
    LEFT JOIN webhook_deliveries d ON d.id = (SELECT MAX(x.id) FROM webhook_deliveries x WHERE x.endpoint_id = e.id)";

fn endpoint_from_row(r: &AnyRow) -> AppResult<WebhookEndpoint> {
    let last_status: Option<String> = r.col("last_status")?;
    Ok(WebhookEndpoint {
        id: r.col("id")?,
        url: r.col("url")?,
        description: r.col("description")?,
        event_types: parse_event_types(&r.col::<String>("event_types")?),
        enabled: r.col::<i64>("enabled")? != 0,
        created_at_ms: r.col("created_at")?,
        last_delivery: match last_status {
            Some(code) => Some((DeliveryStatus::from_code(&code).ok_or(AppError::Internal)?, r.col("last_code")?)),
            None => None,
        },
    })
}

const DELIVERY_SELECT: &str = "SELECT d.*, e.url AS endpoint_url, ev.event_type, ev.payload
    FROM webhook_deliveries d
    JOIN webhook_endpoints e ON e.id = d.endpoint_id
    JOIN webhook_events ev ON ev.id = d.event_id";

fn delivery_from_row(r: &AnyRow) -> AppResult<WebhookDelivery> {
    let status = DeliveryStatus::from_code(&r.col::<String>("status")?).ok_or(AppError::Internal)?;
    let event_type = WebhookEventType::from_code(&r.col::<String>("event_type")?).ok_or(AppError::Internal)?;
    Ok(WebhookDelivery {
        id: r.col("id")?,
        endpoint_id: r.col("endpoint_id")?,
        endpoint_url: r.col("endpoint_url")?,
        event_id: r.col("event_id")?,
        event_type,
        order_id: r.col("order_id")?,
        sequence: r.col("sequence")?,
        status,
        attempts: r.col("attempts")?,
        next_attempt_at_ms: (status == DeliveryStatus::Queued).then(|| r.col("next_attempt_at")).transpose()?,
        last_status_code: r.col("last_status_code")?,
        last_error: r.col("last_error")?,
        response_snippet: r.col("last_response_snippet")?,
        request_body: r.col("payload")?,
        created_at_ms: r.col("created_at")?,
        delivered_at_ms: r.col("delivered_at")?,
        attempt_log: Vec::new(),
    })
}

impl SqlWebhookStore {
    async fn endpoint(&self, merchant: MerchantId, id: WebhookEndpointId) -> AppResult<WebhookEndpoint> {
        let row = sqlx::query(&format!("{ENDPOINT_SELECT} WHERE e.id = $1 AND e.merchant_id = $2"))
            .bind(id)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        endpoint_from_row(&row)
    }
}

#[async_trait]
impl WebhookStore for SqlWebhookStore {
    async fn endpoints(&self, merchant: MerchantId) -> AppResult<Vec<WebhookEndpoint>> {
        let rows = sqlx::query(&format!("{ENDPOINT_SELECT} WHERE e.merchant_id = $1 ORDER BY e.id"))
            .bind(merchant)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(endpoint_from_row).collect()
    }

    async fn create_endpoint(&self, merchant: MerchantId, input: &WebhookEndpointInput, now_ms: i64) -> AppResult<CreatedWebhookEndpoint> {
        let url = check_target_url(&input.url, self.allow_private).map_err(|m| ValidationErrors::single(FIELD_WEBHOOK_URL, m))?;
        let secret = new_secret();
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE merchant_id = $1")
            .bind(merchant)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?
            .col("n")?;
        if count >= MAX_WEBHOOK_ENDPOINTS as i64 {
            return Err(AppError::Conflict(format!("You can register at most {MAX_WEBHOOK_ENDPOINTS} endpoints; delete one first")));
        }
        let id: WebhookEndpointId = sqlx::query(
            "INSERT INTO webhook_endpoints (merchant_id, url, description, secret_sealed, event_types, enabled, created_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
        )
        .bind(merchant)
        .bind(url.as_str())
        .bind(input.description.as_str())
        .bind(self.secrets.seal(&secret))
        .bind(join_event_types(&input.event_types))
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?
        .col("id")?;
        tx.commit().await.map_err(db_error)?;
        Ok(CreatedWebhookEndpoint { endpoint: self.endpoint(merchant, id).await?, secret })
    }

    async fn update_endpoint(&self, merchant: MerchantId, id: WebhookEndpointId, patch: &WebhookEndpointPatch) -> AppResult<WebhookEndpoint> {
        let mut sets = Vec::new();
        if let Some(d) = &patch.description {
            sets.push(("description", SqlArg::Text(d.clone())));
        }
        if let Some(types) = &patch.event_types {
            sets.push(("event_types", SqlArg::Text(join_event_types(types))));
        }
        if let Some(enabled) = patch.enabled {
            sets.push(("enabled", SqlArg::Int(i64::from(enabled))));
        }
        if sets.is_empty() {
            return self.endpoint(merchant, id).await;
        }
        let mut q = SqlBuilder::new("UPDATE webhook_endpoints SET ".into(), Vec::new());
        for (i, (column, value)) in sets.into_iter().enumerate() {
            q.push(&format!("{}{column} = ?", if i == 0 { "" } else { ", " }), value);
        }
        q.push(" WHERE id = ?", SqlArg::Int(id));
        q.push(" AND merchant_id = ?", SqlArg::Int(merchant));
        let updated = bind_args(sqlx::query(&q.sql), &q.args).execute(&self.db.pool).await.map_err(db_error)?;
        if updated.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        self.endpoint(merchant, id).await
    }

    async fn delete_endpoint(&self, merchant: MerchantId, id: WebhookEndpointId) -> AppResult<()> {
        let deleted = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .execute(&self.db.pool)
            .await
            .map_err(db_error)?;
        if deleted.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    async fn send_test(&self, merchant: MerchantId, id: WebhookEndpointId, now_ms: i64) -> AppResult<WebhookDeliveryId> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let row = sqlx::query("SELECT enabled FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        if row.col::<i64>("enabled")? == 0 {
            return Err(AppError::Conflict("This endpoint is disabled; enable it before sending a test event".into()));
        }
        let event_id = uuid::Uuid::new_v4().to_string();
        let data = serde_json::json!({ "message": "A test event from Dropdock: your endpoint receives and verifies webhooks." });
        let payload = EventPayload { id: &event_id, event_type: WebhookEventType::Ping.code(), created_at: now_ms, sequence: 0, order: None, data };
        insert_event(&mut tx, &event_id, merchant, None, WebhookEventType::Ping, 0, &payload, now_ms).await?;
        let delivery = queue_delivery(&mut tx, id, &event_id, merchant, None, 0, now_ms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(delivery)
    }

    async fn deliveries(&self, merchant: MerchantId, query: &DeliveryQuery) -> AppResult<DeliveryPage> {
        if let Some(endpoint) = query.endpoint_id {
            // A filter on someone else's endpoint is a 404, like every other use of its id.
            self.endpoint(merchant, endpoint).await?;
        }
        let limit = query.page_size() as i64;
        let mut q = SqlBuilder::new(format!("{DELIVERY_SELECT} WHERE d.merchant_id = $1"), vec![SqlArg::Int(merchant)]);
        if let Some(endpoint) = query.endpoint_id {
            q.push(" AND d.endpoint_id = ?", SqlArg::Int(endpoint));
        }
        if let Some(status) = query.status {
            q.push(" AND d.status = ?", SqlArg::Text(status.code().into()));
        }
        if let Some(before) = query.before_id {
            q.push(" AND d.id < ?", SqlArg::Int(before));
        }
        q.push(" ORDER BY d.id DESC LIMIT ?", SqlArg::Int(limit + 1));
        let rows = bind_args(sqlx::query(&q.sql), &q.args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        let more = rows.len() as i64 > limit;
        let mut deliveries = rows.iter().take(limit as usize).map(delivery_from_row).collect::<AppResult<Vec<_>>>()?;
        if !deliveries.is_empty() {
            let mut a = SqlBuilder::new("SELECT * FROM webhook_attempts WHERE 1 = 1".into(), Vec::new());
            a.push_in("delivery_id", deliveries.iter().map(|d| d.id));
            a.sql.push_str(" ORDER BY id");
            let attempts = bind_args(sqlx::query(&a.sql), &a.args).fetch_all(&self.db.pool).await.map_err(db_error)?;
            for r in &attempts {
                let delivery: WebhookDeliveryId = r.col("delivery_id")?;
                if let Some(d) = deliveries.iter_mut().find(|d| d.id == delivery) {
                    d.attempt_log.push(WebhookAttempt {
                        attempt: r.col("attempt")?,
                        at_ms: r.col("started_at")?,
                        duration_ms: r.col("duration_ms")?,
                        status_code: r.col("status_code")?,
                        error: r.col("error")?,
                        response_snippet: r.col("response_snippet")?,
                    });
                }
            }
        }
        let next_before_id = if more { deliveries.last().map(|d| d.id) } else { None };
        Ok(DeliveryPage { deliveries, next_before_id })
    }

    async fn resend(&self, merchant: MerchantId, id: WebhookDeliveryId, now_ms: i64) -> AppResult<()> {
        // A finished delivery gets one more attempt (give up right after it); a queued one keeps
        // its retry window and is simply due now.
        let updated = sqlx::query(
            "UPDATE webhook_deliveries SET
                 give_up_at = CASE WHEN status IN ('succeeded', 'failed') THEN $3 ELSE give_up_at END,
                 status = 'queued', next_attempt_at = $3, locked_until = 0, updated_at = $3
             WHERE id = $1 AND merchant_id = $2 AND status <> 'delivering'",
        )
        .bind(id)
        .bind(merchant)
        .bind(now_ms)
        .execute(&self.db.pool)
        .await
        .map_err(db_error)?;
        if updated.rows_affected() == 1 {
            return Ok(());
        }
        let exists = sqlx::query("SELECT 1 FROM webhook_deliveries WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        Err(match exists {
            Some(_) => AppError::Conflict("This delivery is being sent right now; try again in a moment".into()),
            None => AppError::NotFound,
        })
    }
}
