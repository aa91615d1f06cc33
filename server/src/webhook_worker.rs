//! Sends queued webhook deliveries. Deliveries are rows (`webhook_deliveries`, queued in the
//! transaction of the change they report); any number of workers in any number of processes
//! claim one at a time with an expiring lock, so a crash mid-send only delays a delivery.
//!
//! Order: a delivery waits while an earlier event (lower sequence) of the same order is still
//! queued or being sent to the same endpoint, so one receiver sees an order's events in order,
//! retries included. A delivery that finally failed no longer holds the later ones back.
//!
//! Every attempt is a POST of the stored JSON body, signed afresh (`Dropdock-Signature`), with a
//! total timeout; 2xx is success, anything else (redirects included) is retried with backoff
//! until the retry window after the event has passed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::*;
use app::ports::{AppResult, Clock};

use crate::db::Db;
use crate::secrets::SecretBox;
use crate::stores::{db_error, RowExt};
use crate::webhooks::{check_target_url, signature_header, PublicOnlyResolver};

#[derive(Clone)]
pub struct WebhookWorker {
    pub db: Db,
    pub secrets: SecretBox,
    pub clock: Arc<dyn Clock>,
    /// From `http_client`.
    pub http: reqwest::Client,
    pub retry: RetryPolicy,
    /// How long a claimed delivery stays ours; longer than one request's timeout.
    pub lock: Duration,
    /// Whether private / loopback targets may be called (tests, local demos).
    pub allow_private: bool,
}

/// The client every delivery goes through: a total timeout, no redirects (a receiver answers
/// itself), no proxy from the environment and, unless private targets are allowed, a resolver
/// that connects to public addresses only.
pub fn http_client(timeout: Duration, allow_private: bool) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("Dropdock-Webhooks/", env!("CARGO_PKG_VERSION")));
    if !allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
    }
    Ok(builder.build()?)
}

/// A claimed delivery with what it takes to send it.
struct Job {
    id: WebhookDeliveryId,
    attempts: i64,
    give_up_at: i64,
    url: String,
    secret_sealed: String,
    event_type: String,
    payload: String,
}

/// How one attempt went.
struct Outcome {
    started_at: i64,
    duration_ms: i64,
    status_code: Option<u16>,
    error: String,
    snippet: String,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

impl WebhookWorker {
    /// Runs until the process ends: sends due deliveries, then waits `idle` before looking again.
    pub fn spawn(self, idle: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                crate::polling::pause_after(self.run_once().await, "webhook worker", idle, None).await;
            }
        })
    }

    /// Claims, sends and records one due delivery. Returns false when none was due.
    pub async fn run_once(&self) -> AppResult<bool> {
        let Some(job) = self.claim().await? else { return Ok(false) };
        let outcome = self.send(&job).await;
        self.record(&job, &outcome).await?;
        Ok(true)
    }

    async fn claim(&self) -> AppResult<Option<Job>> {
        let now = self.clock.now_ms();
        let skip_locked = self.db.skip_locked();
        let sql = format!(
            "UPDATE webhook_deliveries SET status = 'delivering', attempts = attempts + 1, locked_until = $1, updated_at = $2
             WHERE id = (
                 SELECT d.id FROM webhook_deliveries d
                 WHERE ((d.status = 'queued' AND d.next_attempt_at <= $2) OR (d.status = 'delivering' AND d.locked_until < $2))
                   AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled = 1)
                   AND NOT EXISTS (
                       SELECT 1 FROM webhook_deliveries p
                       WHERE p.endpoint_id = d.endpoint_id AND p.order_id = d.order_id AND p.sequence < d.sequence
                         AND p.status IN ('queued', 'delivering'))
                 ORDER BY d.next_attempt_at, d.id LIMIT 1{skip_locked})
             RETURNING id, attempts, give_up_at, created_at"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(now + self.lock.as_millis() as i64)
            .bind(now)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let id: WebhookDeliveryId = row.col("id")?;
        let created_at: i64 = row.col("created_at")?;
        let give_up_at = row.col::<Option<i64>>("give_up_at")?.unwrap_or(created_at.saturating_add(self.retry.window_ms));
        let Some(details) = sqlx::query(
            "SELECT e.url, e.secret_sealed, ev.event_type, ev.payload FROM webhook_deliveries d
             JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events ev ON ev.id = d.event_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(db_error)?
        else {
            // The endpoint was deleted in between: its deliveries went with it.
            return Ok(None);
        };
        Ok(Some(Job {
            id,
            attempts: row.col("attempts")?,
            give_up_at,
            url: details.col("url")?,
            secret_sealed: details.col("secret_sealed")?,
            event_type: details.col("event_type")?,
            payload: details.col("payload")?,
        }))
    }

    async fn send(&self, job: &Job) -> Outcome {
        let started_at = self.clock.now_ms();
        let started = Instant::now();
        let done = |status_code: Option<u16>, error: String, snippet: String| Outcome {
            started_at,
            duration_ms: started.elapsed().as_millis() as i64,
            status_code,
            error,
            snippet,
        };
        // Again at send time: the rules may have changed since the endpoint was saved.
        let url = match check_target_url(&job.url, self.allow_private) {
            Ok(url) => url,
            Err(message) => return done(None, message, String::new()),
        };
        let secret = match self.secrets.open(&job.secret_sealed) {
            Ok(secret) => secret,
            Err(e) => {
                tracing::error!(delivery = job.id, error = %e, "webhook signing secret cannot be opened");
                return done(None, "The signing secret could not be read on our side".into(), String::new());
            }
        };
        let signature = signature_header(&secret, started_at.div_euclid(1000), job.payload.as_bytes());
        let sent = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Dropdock-Event", job.event_type.as_str())
            .header("Dropdock-Delivery", job.id.to_string())
            .header("Dropdock-Signature", signature)
            .body(job.payload.clone())
            .send()
            .await;
        match sent {
            Ok(response) => {
                let code = response.status().as_u16();
                let snippet = read_snippet(response).await;
                let error = if (200..300).contains(&code) { String::new() } else { format!("The endpoint answered HTTP {code}") };
                done(Some(code), error, snippet)
            }
            Err(e) => done(None, describe(&e), String::new()),
        }
    }

    async fn record(&self, job: &Job, outcome: &Outcome) -> AppResult<()> {
        let now = self.clock.now_ms();
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_snippet)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(job.id)
        .bind(job.attempts)
        .bind(outcome.started_at)
        .bind(outcome.duration_ms)
        .bind(outcome.status_code.map(i64::from))
        .bind(outcome.error.as_str())
        .bind(outcome.snippet.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let (status, next_attempt_at, delivered_at) = if outcome.succeeded() {
            (DeliveryStatus::Succeeded, now, Some(now))
        } else {
            match self.retry.next_attempt_ms(now, job.attempts, job.give_up_at) {
                Some(next) => (DeliveryStatus::Queued, next, None),
                None => (DeliveryStatus::Failed, now, None),
            }
        };
        // Only while the claim is still ours (a worker that outlived its lock records its
        // attempt but leaves the delivery to whoever took it over).
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, delivered_at = COALESCE($5, delivered_at), locked_until = 0,
                    last_status_code = $6, last_error = $7, last_response_snippet = $8, updated_at = $9
             WHERE id = $1 AND attempts = $2 AND status = 'delivering'",
        )
        .bind(job.id)
        .bind(job.attempts)
        .bind(status.code())
        .bind(next_attempt_at)
        .bind(delivered_at)
        .bind(outcome.status_code.map(i64::from))
        .bind(outcome.error.as_str())
        .bind(outcome.snippet.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }
}

/// The first `RESPONSE_SNIPPET_BYTES` of the answer (the rest is not read).
async fn read_snippet(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < RESPONSE_SNIPPET_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(RESPONSE_SNIPPET_BYTES);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A failed request in words, its causes included ("…: Connection refused").
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "No answer in time (timed out)".into();
    }
    let mut text = String::from(if e.is_connect() { "Could not connect" } else { "The request failed" });
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = std::error::Error::source(cause);
    }
    text
}
