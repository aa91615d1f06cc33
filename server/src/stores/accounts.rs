use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use async_trait::async_trait;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::{AccountStore, AppResult};

use super::{db_error, RowExt};
use crate::db::Db;

const SESSION_TTL_MS: i64 = 14 * 24 * 3600 * 1000;

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

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.merchant_id, u.warehouse_id";

#[async_trait]
impl AccountStore for SqlAccountStore {
    async fn verify_password(&self, email: &str, password: &str) -> AppResult<Option<CurrentUser>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"))
            .bind(email)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let stored: String = row.col("password_hash")?;
        let password = password.to_string();
        // argon2 is deliberately slow: keep it off the async workers.
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        })
        .await
        .map_err(|_| AppError::Internal)?;
        if ok { user_from_row(&row).map(Some) } else { Ok(None) }
    }

    async fn create_session(&self, user: UserId, now_ms: i64) -> AppResult<String> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
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
             WHERE s.token_hash = $1 AND s.expires_at > $2",
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
}
