use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use async_trait::async_trait;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::{AccountStore, Actor, AppResult, PasswordCheck, SESSION_TTL_MS};

use super::audit::{self, Change};
use super::{db_error, RowExt};
use crate::db::Db;

pub struct SqlAccountStore {
    db: Db,
}

impl SqlAccountStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// argon2 off the async workers (it is slow on purpose).
pub(crate) async fn hash_password_blocking(password: &str) -> AppResult<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

/// Checked against when the email is unknown, so that answer takes as long as a wrong
/// password and does not reveal which emails have accounts.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("no such user, no such password").unwrap_or_default());

/// Sessions are stored by the hash of their token, so a leaked table cannot be replayed.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn user_from_row(r: &AnyRow) -> AppResult<CurrentUser> {
    let role: String = r.col("role")?;
    Ok(CurrentUser {
        id: r.col("id")?,
        email: r.col("email")?,
        display_name: r.col("display_name")?,
        role: Role::from_code(&role).ok_or(AppError::Internal)?,
        merchant_id: r.col("merchant_id")?,
        warehouse_id: r.col("warehouse_id")?,
    })
}

/// Sign-in attempts older than this no longer count towards a lock; housekeeping removes them.
pub(crate) const SIGN_IN_ATTEMPTS_KEPT_MS: i64 = 7 * SIGN_IN_WINDOW_MS;

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.merchant_id, u.warehouse_id";

#[async_trait]
impl AccountStore for SqlAccountStore {
    async fn check_password(&self, email: &str, password: &str) -> AppResult<PasswordCheck> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS}, u.password_hash, u.disabled_at FROM users u WHERE u.email = $1"))
            .bind(email)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        let stored: String = match &row {
            Some(row) => row.col("password_hash")?,
            None => DUMMY_HASH.clone(),
        };
        let password = password.to_string();
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        })
        .await
        .map_err(|_| AppError::Internal)?;
        match row {
            Some(row) if matches => {
                if row.col::<Option<i64>>("disabled_at")?.is_some() {
                    Ok(PasswordCheck::Disabled)
                } else {
                    user_from_row(&row).map(PasswordCheck::Valid)
                }
            }
            _ => Ok(PasswordCheck::Invalid),
        }
    }

    async fn recent_sign_in_failures(&self, email: &str, address: &str, now_ms: i64) -> AppResult<((i64, Option<i64>), (i64, Option<i64>))> {
        let since = now_ms - SIGN_IN_WINDOW_MS;
        // The account's count restarts at its last successful sign-in.
        let account = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM sign_in_attempts
             WHERE email = $1 AND succeeded = 0 AND at > $2
               AND at > COALESCE((SELECT MAX(at) FROM sign_in_attempts WHERE email = $1 AND succeeded = 1), 0)",
        )
        .bind(email)
        .bind(since)
        .fetch_one(&self.db.pool)
        .await
        .map_err(db_error)?;
        let address = sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM sign_in_attempts WHERE address = $1 AND succeeded = 0 AND at > $2")
            .bind(address)
            .bind(since)
            .fetch_one(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok(((account.col("n")?, account.col("oldest")?), (address.col("n")?, address.col("oldest")?)))
    }

    async fn record_sign_in(&self, email: &str, address: &str, succeeded: bool, now_ms: i64) -> AppResult<()> {
        sqlx::query("INSERT INTO sign_in_attempts (at, email, address, succeeded) VALUES ($1, $2, $3, $4)")
            .bind(now_ms)
            .bind(email)
            .bind(address)
            .bind(i64::from(succeeded))
            .execute(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn create_session(&self, user: UserId, now_ms: i64) -> AppResult<String> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        // The user's expired sessions go now (by the user index), so the table stays small.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
            .bind(user)
            .bind(now_ms)
            .execute(&self.db.pool)
            .await
            .map_err(db_error)?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(user)
            .bind(now_ms)
            .bind(now_ms + SESSION_TTL_MS)
            .execute(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok(token)
    }

    async fn user_for_session(&self, token: &str, now_ms: i64) -> AppResult<Option<CurrentUser>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.display_name, u.role, u.merchant_id,
                    COALESCE(s.warehouse_id, u.warehouse_id) AS warehouse_id
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash(token))
        .bind(now_ms)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(db_error)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_warehouses(&self, user: UserId) -> AppResult<Vec<Warehouse>> {
        let rows = sqlx::query(
            "SELECT w.* FROM user_warehouses uw JOIN warehouses w ON w.id = uw.warehouse_id WHERE uw.user_id = $1 ORDER BY w.code",
        )
        .bind(user)
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(super::catalog::warehouse_from_row).collect()
    }

    async fn select_warehouse(&self, token: &str, user: UserId, warehouse: WarehouseId) -> AppResult<()> {
        let allowed = sqlx::query("SELECT 1 FROM user_warehouses WHERE user_id = $1 AND warehouse_id = $2")
            .bind(user)
            .bind(warehouse)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        if allowed.is_none() {
            return Err(AppError::NotFound);
        }
        sqlx::query("UPDATE sessions SET warehouse_id = $2 WHERE token_hash = $1 AND user_id = $3")
            .bind(token_hash(token))
            .bind(warehouse)
            .bind(user)
            .execute(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_session(&self, token: &str) -> AppResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user: UserId, keep: Option<&str>) -> AppResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user)
            .bind(keep.map(token_hash).unwrap_or_default())
            .execute(&self.db.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn set_password(&self, user: UserId, new_password: &str, actor: &Actor, now_ms: i64) -> AppResult<()> {
        let hash = hash_password_blocking(new_password).await?;
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let row = sqlx::query("UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1 RETURNING merchant_id")
            .bind(user)
            .bind(hash)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let merchant: Option<i64> = row.col("merchant_id")?;
        // The hash itself never goes into the log.
        let change = Change::<(), _> {
            merchant,
            object_type: audit::USER,
            object_id: user.to_string(),
            action: "Password changed",
            before: None,
            after: Some(&serde_json::json!({ "password": "changed" })),
        };
        audit::record(&mut tx, Some(actor), change, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }
}
