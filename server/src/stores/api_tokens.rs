//! Personal API tokens. Only the SHA-256 of a token is stored (like sessions), so a leaked
//! table cannot be replayed; the plaintext leaves the server once, in the answer to `create`.

use async_trait::async_trait;
use rand::RngCore;
use sqlx::any::AnyRow;

use app::domain::*;
use app::error::AppError;
use app::ports::{Actor, ApiTokenStore, AppResult};

use super::accounts::{token_hash, user_from_row};
use super::audit::{self, Change};
use super::{db_error, RowExt};
use crate::db::Db;

/// `last_used_at` is refreshed at most this often, so busy clients do not write on every call.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;
/// Longer than any token we issue: refused before it reaches the database.
const MAX_TOKEN_LEN: usize = 128;

pub struct SqlApiTokenStore {
    db: Db,
}

impl SqlApiTokenStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn info_from_row(r: &AnyRow) -> AppResult<ApiTokenInfo> {
    let scopes: String = r.col("scopes")?;
    Ok(ApiTokenInfo {
        id: r.col("id")?,
        name: r.col("name")?,
        owner_id: r.col("user_id")?,
        owner_name: r.col("owner_name")?,
        token_hint: r.col("token_hint")?,
        scopes: ApiScope::list_from_codes(&scopes),
        created_at_ms: r.col("created_at")?,
        last_used_at_ms: r.col("last_used_at")?,
        revoked_at_ms: r.col("revoked_at")?,
    })
}

/// A token as its history records it (never the token itself: its last four characters).
#[derive(Clone, serde::Serialize)]
struct TokenState<'a> {
    name: &'a str,
    permissions: &'a str,
    token: String,
    status: &'static str,
}

impl<'a> TokenState<'a> {
    fn active(name: &'a str, permissions: &'a str, hint: &str) -> Self {
        TokenState { name, permissions, token: format!("…{hint}"), status: "Active" }
    }
}

const INFO_COLUMNS: &str =
    "t.id, t.name, t.user_id, u.display_name AS owner_name, t.token_hint, t.scopes, t.created_at, t.last_used_at, t.revoked_at";

#[async_trait]
impl ApiTokenStore for SqlApiTokenStore {
    async fn list(&self, merchant: MerchantId) -> AppResult<Vec<ApiTokenInfo>> {
        let rows = sqlx::query(&format!(
            "SELECT {INFO_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.merchant_id = $1 ORDER BY t.id DESC"
        ))
        .bind(merchant)
        .fetch_all(&self.db.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(info_from_row).collect()
    }

    async fn create(&self, owner: &CurrentUser, merchant: MerchantId, input: &ApiTokenInput, now_ms: i64) -> AppResult<CreatedApiToken> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let active: i64 = sqlx::query("SELECT COUNT(*) AS n FROM api_tokens WHERE merchant_id = $1 AND revoked_at IS NULL")
            .bind(merchant)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?
            .col("n")?;
        if active >= MAX_ACTIVE_TOKENS as i64 {
            return Err(AppError::Conflict(format!("You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use first")));
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = format!("{API_TOKEN_PREFIX}{}", hex::encode(bytes));
        let hint = token[token.len() - 4..].to_string();
        let scopes = ApiScope::list_to_codes(&input.scopes);
        let id: ApiTokenId = sqlx::query(
            "INSERT INTO api_tokens (user_id, merchant_id, name, token_hash, token_hint, scopes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(owner.id)
        .bind(merchant)
        .bind(input.name.as_str())
        .bind(token_hash(&token))
        .bind(hint.as_str())
        .bind(scopes.as_str())
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?
        .col("id")?;
        let created = TokenState::active(&input.name, &scopes, &hint);
        let change = Change::<(), _> { merchant: Some(merchant), object_type: audit::API_TOKEN, object_id: id.to_string(), action: "Created", before: None, after: Some(&created) };
        audit::record(&mut tx, Some(&owner.into()), change, now_ms).await?;
        tx.commit().await.map_err(db_error)?;
        let info = ApiTokenInfo {
            id,
            name: input.name.clone(),
            owner_id: owner.id,
            owner_name: owner.display_name.clone(),
            token_hint: hint,
            scopes: input.scopes.clone(),
            created_at_ms: now_ms,
            last_used_at_ms: None,
            revoked_at_ms: None,
        };
        Ok(CreatedApiToken { info, token })
    }

    async fn revoke(&self, actor: &Actor, merchant: MerchantId, id: ApiTokenId, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let revoked = sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND merchant_id = $2 AND revoked_at IS NULL RETURNING name, scopes, token_hint")
            .bind(id)
            .bind(merchant)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if let Some(row) = revoked {
            let (name, scopes, hint): (String, String, String) = (row.col("name")?, row.col("scopes")?, row.col("token_hint")?);
            let before = TokenState::active(&name, &scopes, &hint);
            let after = TokenState { status: "Revoked", ..before.clone() };
            let change = Change { merchant: Some(merchant), object_type: audit::API_TOKEN, object_id: id.to_string(), action: "Revoked", before: Some(&before), after: Some(&after) };
            audit::record(&mut tx, Some(actor), change, now_ms).await?;
            tx.commit().await.map_err(db_error)?;
            return Ok(());
        }
        drop(tx);
        let exists = sqlx::query("SELECT 1 FROM api_tokens WHERE id = $1 AND merchant_id = $2")
            .bind(id)
            .bind(merchant)
            .fetch_optional(&self.db.pool)
            .await
            .map_err(db_error)?;
        exists.map(|_| ()).ok_or(AppError::NotFound)
    }

    async fn authenticate(&self, token: &str, now_ms: i64) -> AppResult<Option<(CurrentUser, Vec<ApiScope>)>> {
        if !token.starts_with(API_TOKEN_PREFIX) || token.len() > MAX_TOKEN_LEN {
            return Ok(None);
        }
        // The owner must still be an enabled user of the token's merchant (what their role may
        // do is checked per request, against the scope's permission).
        let row = sqlx::query(
            "SELECT t.id AS token_id, t.scopes, t.last_used_at,
                    u.id, u.email, u.display_name, u.role, u.merchant_id, u.warehouse_id
             FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL AND u.merchant_id = t.merchant_id",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.db.pool)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from_row(&row)?;
        let scopes: String = row.col("scopes")?;
        let last_used: Option<i64> = row.col("last_used_at")?;
        if last_used.is_none_or(|at| at < now_ms - LAST_USED_RESOLUTION_MS) {
            let token_id: ApiTokenId = row.col("token_id")?;
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)")
                .bind(token_id)
                .bind(now_ms)
                .execute(&self.db.pool)
                .await
                .map_err(db_error)?;
        }
        Ok(Some((user, ApiScope::list_from_codes(&scopes))))
    }
}
