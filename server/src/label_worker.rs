//! Buys carrier labels for submitted Non-Self-Pickup orders. Jobs are rows in `label_jobs`
//! (queued in the Submit transaction); any number of workers in any number of processes claim
//! them one at a time. A crash mid-purchase leaves the job `running` with an expired lock, so
//! another worker takes it over; the idempotency key (order no. + generation) makes the carrier
//! return the label it already sold instead of selling a second one.

use std::sync::Arc;
use std::time::Duration;


use app::domain::*;
use app::error::AppError;
use app::ports::{AppResult, Carrier, Clock};

use crate::blobs::Blobs;
use crate::db::Db;
use crate::stores::orders::recipient_of;
use crate::stores::{db_error, RowExt};

#[derive(Clone)]
pub struct LabelWorker {
    pub db: Db,
    pub carrier: Arc<dyn Carrier>,
    pub clock: Arc<dyn Clock>,
    /// Where the carrier's PDF / ZPL documents are kept.
    pub blobs: Blobs,
    /// How long a claimed job stays ours before another worker may take it over; must be
    /// longer than one purchase (the carrier client's timeouts and retries included).
    pub lock: Duration,
}

/// A claimed job.
struct Job {
    order_id: OrderId,
    generation: i64,
    attempts: i64,
}

impl LabelWorker {
    /// Runs until the process ends: works through due jobs, then waits `idle` before looking again.
    pub fn spawn(self, idle: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                crate::polling::pause_after(self.run_once().await, "label worker", idle, None).await;
            }
        })
    }

    /// Claims and processes one due job. Returns false when none was due.
    pub async fn run_once(&self) -> AppResult<bool> {
        let Some(job) = self.claim().await? else { return Ok(false) };
        let shipment = self.shipment_for(&job).await?;
        match self.carrier.buy_label(&shipment, LabelFormat::Zpl).await {
            Ok(label) => self.record_label(&job, label).await?,
            Err(CarrierError::Permanent(message)) => self.record_failure(&job, &message).await?,
            Err(CarrierError::Transient(message)) if job.attempts >= MAX_LABEL_ATTEMPTS => {
                let message = format!("The carrier could not be reached after {} attempts ({message})", job.attempts);
                self.record_failure(&job, &message).await?
            }
            Err(CarrierError::Transient(message)) => self.schedule_retry(&job, &message).await?,
        }
        Ok(true)
    }

    async fn claim(&self) -> AppResult<Option<Job>> {
        let now = self.clock.now_ms();
        let skip_locked = self.db.skip_locked();
        let sql = format!(
            "UPDATE label_jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2
             WHERE order_id = (
                 SELECT order_id FROM label_jobs
                 WHERE (status = 'pending' AND next_attempt_at <= $2) OR (status = 'running' AND locked_until < $2)
                 ORDER BY next_attempt_at LIMIT 1{skip_locked})
             RETURNING order_id, generation, attempts"
        );
        let row = sqlx::query(&sql).bind(now + self.lock.as_millis() as i64).bind(now).fetch_optional(&self.db.pool).await.map_err(db_error)?;
        row.map(|r| Ok(Job { order_id: r.col("order_id")?, generation: r.col("generation")?, attempts: r.col("attempts")? }))
            .transpose()
    }

    async fn shipment_for(&self, job: &Job) -> AppResult<ShipmentRequest> {
        let row = sqlx::query(
            "SELECT o.*, w.name AS w_name, w.address1 AS w_address1, w.city AS w_city, w.state AS w_state,
                    w.postal_code AS w_postal_code, w.country AS w_country, c.carrier, c.service_type,
                    (SELECT CAST(COALESCE(SUM(l.quantity * s.weight_grams), 0) AS BIGINT)
                       FROM order_lines l JOIN skus s ON s.id = l.sku_id WHERE l.order_id = o.id) AS weight_grams
             FROM orders o JOIN warehouses w ON w.id = o.warehouse_id JOIN channels c ON c.id = o.channel_id
             WHERE o.id = $1",
        )
        .bind(job.order_id)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
        let signature: Option<String> = row.col("signature_option")?;
        Ok(ShipmentRequest {
            reference: label_reference(&order_no(job.order_id), job.generation),
            ship_from: ShipFrom {
                name: row.col("w_name")?,
                address1: row.col("w_address1")?,
                city: row.col("w_city")?,
                state: row.col("w_state")?,
                postal_code: row.col("w_postal_code")?,
                country: row.col("w_country")?,
            },
            ship_to: recipient_of(&row)?,
            weight_grams: row.col::<i64>("weight_grams")?.max(1),
            carrier: row.col("carrier")?,
            service: row.col("service_type")?,
            signature: signature.as_deref().and_then(SignatureOption::from_code),
        })
    }

    async fn record_label(&self, job: &Job, label: PurchasedLabel) -> AppResult<()> {
        let base = format!("carrier-{}-{}", job.order_id, job.generation);
        let (pdf_key, zpl_key) = (format!("{base}.pdf"), format!("{base}.zpl"));
        self.blobs.put(&pdf_key, label.pdf.clone()).await?;
        if let Some(zpl) = &label.zpl {
            self.blobs.put(&zpl_key, zpl.clone().into_bytes()).await?;
        }
        let now = self.clock.now_ms();
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        // Only while the order still waits for this label: an intercept in the meantime wins.
        let updated = sqlx::query(
            "UPDATE orders SET tracking_no = $2, label_status = 'ready', label_error = '', carrier_label_id = $3,
                    carrier_label_key = $4, carrier_zpl_key = $5, shipping_cost_minor = $6, shipping_currency = $7, updated_at = $8
             WHERE id = $1 AND label_status = 'pending' AND status <> 'draft'",
        )
        .bind(job.order_id)
        .bind(label.tracking_no.as_str())
        .bind(label.carrier_label_id.as_str())
        .bind(pdf_key.as_str())
        .bind(label.zpl.as_ref().map(|_| zpl_key.as_str()))
        .bind(label.rate.amount_minor)
        .bind(label.rate.currency.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if updated == 1 {
            let data = serde_json::json!({
                "tracking_no": label.tracking_no,
                "shipping_cost_minor": label.rate.amount_minor,
                "currency": label.rate.currency,
            });
            crate::webhooks::enqueue_order_event(&mut tx, job.order_id, WebhookEventType::OrderLabelReady, data, now).await?;
        }
        self.finish_job(&mut tx, job, "done", "").await?;
        tx.commit().await.map_err(db_error)?;
        if updated == 0 {
            // The order was intercepted while we were buying: nobody needs this label.
            if let Err(e) = self.carrier.void_label(&label.carrier_label_id).await {
                tracing::warn!(order = job.order_id, error = %e, "could not void a label bought for an intercepted order");
            }
        }
        Ok(())
    }

    async fn record_failure(&self, job: &Job, message: &str) -> AppResult<()> {
        let now = self.clock.now_ms();
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let failed = sqlx::query("UPDATE orders SET label_status = 'failed', label_error = $2, updated_at = $3 WHERE id = $1 AND label_status = 'pending'")
            .bind(job.order_id)
            .bind(message)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if failed.rows_affected() == 1 {
            // The merchant must act (fix the address, Retry): also an exception.
            let failure = serde_json::json!({ "message": message });
            crate::webhooks::enqueue_order_event(&mut tx, job.order_id, WebhookEventType::OrderLabelFailed, failure, now).await?;
            let exception = serde_json::json!({ "kind": ExceptionKind::LabelFailed.code(), "message": message });
            crate::webhooks::enqueue_order_event(&mut tx, job.order_id, WebhookEventType::OrderException, exception, now).await?;
        }
        self.finish_job(&mut tx, job, "failed", message).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn schedule_retry(&self, job: &Job, message: &str) -> AppResult<()> {
        let now = self.clock.now_ms();
        sqlx::query(
            "UPDATE label_jobs SET status = 'pending', next_attempt_at = $3, last_error = $4, updated_at = $5
             WHERE order_id = $1 AND generation = $2 AND status = 'running'",
        )
        .bind(job.order_id)
        .bind(job.generation)
        .bind(now + label_retry_delay_ms(job.attempts))
        .bind(message)
        .bind(now)
        .execute(&self.db.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    /// Closes the job, unless it was cancelled or re-queued (new generation) meanwhile.
    async fn finish_job(&self, tx: &mut sqlx::Transaction<'static, sqlx::Any>, job: &Job, status: &str, message: &str) -> AppResult<()> {
        sqlx::query(
            "UPDATE label_jobs SET status = $3, last_error = $4, updated_at = $5
             WHERE order_id = $1 AND generation = $2 AND status = 'running'",
        )
        .bind(job.order_id)
        .bind(job.generation)
        .bind(status)
        .bind(message)
        .bind(self.clock.now_ms())
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
        Ok(())
    }
}


