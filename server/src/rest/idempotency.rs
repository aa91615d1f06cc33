//! `Idempotency-Key` on the REST API's POST endpoints: the same key with the same request
//! answers what the first request answered, without doing the work again.
//!
//! The key is claimed by an INSERT before the work starts (unique per merchant), so of two
//! concurrent requests with one key only one acts; the other is told it is still in progress.
//! A finished request's status and body are stored for replays. A 5xx answer releases the key
//! so the client can retry. Keys expire after 24 hours.

use std::future::Future;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sha2::{Digest, Sha256};

use app::domain::{idempotency_key_problem, MerchantId};
use app::ports::Clock;

use super::error::ApiError;
use crate::db::Db;
use crate::stores::{db_error, RowExt};

pub const HEADER: &str = "Idempotency-Key";
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";
pub const KEY_TTL_MS: i64 = 24 * 3_600_000;
pub const MSG_IN_PROGRESS: &str = "A request with this Idempotency-Key is still in progress";
pub const MSG_DIFFERENT_REQUEST: &str = "Idempotency-Key was used with a different request";

/// The request's `Idempotency-Key`, if it sent one (a malformed one is refused with 400).
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(HEADER) else { return Ok(IdempotencyKey(None)) };
        let key = value.to_str().unwrap_or("\u{0}");
        match idempotency_key_problem(key) {
            Some(problem) => Err(ApiError::bad_parameter(HEADER, problem)),
            None => Ok(IdempotencyKey(Some(key.to_string()))),
        }
    }
}

/// What a write endpoint answers (and what a replay repeats).
pub struct Answer {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

impl Answer {
    pub fn new(status: StatusCode, body: impl serde::Serialize) -> Result<Answer, ApiError> {
        let body = serde_json::to_value(body).map_err(|e| {
            tracing::error!(error = %e, "answer does not serialize");
            ApiError::from(app::error::AppError::Internal)
        })?;
        Ok(Answer { status, body })
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// The request a key was first used with.
pub struct RequestFingerprint<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub body: &'a [u8],
}

impl RequestFingerprint<'_> {
    /// SHA-256 of the body, of its JSON re-serialized when it parses (whitespace does not
    /// make two requests different).
    fn body_hash(&self) -> String {
        let canonical = serde_json::from_slice::<serde_json::Value>(self.body).ok().and_then(|v| serde_json::to_vec(&v).ok());
        hex::encode(Sha256::digest(canonical.as_deref().unwrap_or(self.body)))
    }
}

enum Claim {
    /// This request holds the key: do the work.
    Won,
    /// The key belongs to an earlier request; answer this.
    Answered(Response),
}

#[derive(Clone)]
pub struct IdempotencyStore {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl IdempotencyStore {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }

    /// Runs `work` unless `key` already has an answer for this merchant; see the module docs.
    pub async fn run<F, Fut>(&self, merchant: MerchantId, key: &IdempotencyKey, request: RequestFingerprint<'_>, work: F) -> Response
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Answer, ApiError>>,
    {
        let Some(key) = &key.0 else {
            return work().await.into_response();
        };
        let hash = request.body_hash();
        match self.claim(merchant, key, &request, &hash, self.clock.now_ms()).await {
            Ok(Claim::Won) => {}
            Ok(Claim::Answered(response)) => return response,
            Err(e) => return e.into_response(),
        }
        let answer = match work().await {
            Ok(answer) => answer,
            Err(e) => Answer { status: e.status, body: serde_json::to_value(&e.body).unwrap_or_default() },
        };
        if let Err(e) = self.finish(merchant, key, &answer).await {
            // The work is done; the client still gets its answer (a replay would then say
            // "in progress" until the key expires).
            tracing::error!(error = ?e, "could not store an idempotent answer");
        }
        answer.into_response()
    }

    async fn claim(&self, merchant: MerchantId, key: &str, request: &RequestFingerprint<'_>, hash: &str, now_ms: i64) -> Result<Claim, ApiError> {
        let pool = &self.db.pool;
        sqlx::query("DELETE FROM idempotency_keys WHERE merchant_id = $1 AND created_at < $2")
            .bind(merchant)
            .bind(now_ms - KEY_TTL_MS)
            .execute(pool)
            .await
            .map_err(db_error)?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (merchant_id, idempotency_key, method, path, request_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(merchant)
        .bind(key)
        .bind(request.method.as_str())
        .bind(request.path)
        .bind(hash)
        .bind(now_ms)
        .execute(pool)
        .await
        .map_err(db_error)?;
        if inserted.rows_affected() == 1 {
            return Ok(Claim::Won);
        }
        let row = sqlx::query(
            "SELECT method, path, request_hash, status_code, response_body FROM idempotency_keys
             WHERE merchant_id = $1 AND idempotency_key = $2",
        )
        .bind(merchant)
        .bind(key)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
        // Gone between the INSERT and this read: it expired or its request failed; try again.
        let Some(row) = row else { return Err(ApiError::conflict(MSG_IN_PROGRESS)) };
        let (method, path, stored_hash): (String, String, String) = (row.col("method")?, row.col("path")?, row.col("request_hash")?);
        if method != request.method.as_str() || path != request.path || stored_hash != hash {
            return Err(ApiError::conflict(MSG_DIFFERENT_REQUEST));
        }
        let status: Option<i64> = row.col("status_code")?;
        let body: Option<String> = row.col("response_body")?;
        let (Some(status), Some(body)) = (status, body) else { return Err(ApiError::conflict(MSG_IN_PROGRESS)) };
        let status = u16::try_from(status).ok().and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        Ok(Claim::Answered(response))
    }

    /// Keeps the answer for replays, or releases the key after a server-side failure.
    async fn finish(&self, merchant: MerchantId, key: &str, answer: &Answer) -> Result<(), ApiError> {
        let pool = &self.db.pool;
        if answer.status.is_server_error() {
            sqlx::query("DELETE FROM idempotency_keys WHERE merchant_id = $1 AND idempotency_key = $2 AND completed_at IS NULL")
                .bind(merchant)
                .bind(key)
                .execute(pool)
                .await
                .map_err(db_error)?;
            return Ok(());
        }
        let now_ms = self.clock.now_ms();
        sqlx::query(
            "UPDATE idempotency_keys SET status_code = $3, response_body = $4, completed_at = $5
             WHERE merchant_id = $1 AND idempotency_key = $2 AND completed_at IS NULL",
        )
        .bind(merchant)
        .bind(key)
        .bind(i64::from(answer.status.as_u16()))
        .bind(answer.body.to_string())
        .bind(now_ms)
        .execute(pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_compare_by_content_not_layout() {
        let post = Method::POST;
        let a = RequestFingerprint { method: &post, path: "/p", body: br#"{"a": 1, "b": [1, 2]}"# };
        let b = RequestFingerprint { method: &post, path: "/p", body: br#"{"a":1,"b":[1,2]}"# };
        let c = RequestFingerprint { method: &post, path: "/p", body: br#"{"a":2,"b":[1,2]}"# };
        assert_eq!(a.body_hash(), b.body_hash());
        assert_ne!(a.body_hash(), c.body_hash());
        let raw = RequestFingerprint { method: &post, path: "/p", body: b"not json" };
        assert_eq!(raw.body_hash(), hex::encode(Sha256::digest(b"not json")));
    }
}
