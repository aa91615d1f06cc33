//! Platform administration in SQL: users, merchants, warehouses, business types, channels,
//! SKUs. Every write is one transaction that locks the row it changes, reads the object before
//! and after (so the audit entry says exactly what changed) and records it. Unique columns are
//! left to the database: a violation comes back as a field error, so two admins racing for
//! the same code cannot both win.

use async_trait::async_trait;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use app::domain::*;
use app::error::AppError;
use app::ports::{Actor, AdminStore, AppResult};

use super::accounts::hash_password_blocking;
use super::audit::{self, Change};
use super::catalog::{channel_from_row, warehouse_from_row};
use super::orders::{bind_args, SqlArg, SqlBuilder, Tx};
use super::{db_error, RowExt};
use crate::db::Db;

/// Most rows an admin list shows; the filters narrow it down.
const LIST_LIMIT: i64 = 500;

pub struct SqlAdminStore {
    db: Db,
}

impl SqlAdminStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Locks one row of `table` for the rest of the transaction; false if there is no such row.
    async fn lock_row(&self, tx: &mut Tx, table: &str, id: i64) -> AppResult<bool> {
        let row = sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1{}", self.db.for_update()))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
        Ok(row.is_some())
    }
}

/// A unique constraint said no: the field error the form shows, anything else is internal.
pub(crate) fn taken(field: &'static str, message: &'static str) -> impl FnOnce(sqlx::Error) -> AppError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => ValidationErrors::single(field, message).into(),
        _ => db_error(e),
    }
}

fn required<T>(value: Option<T>, field: &str) -> AppResult<T> {
    value.ok_or_else(|| ValidationErrors::single(field, "Please choose one").into())
}

pub(crate) fn like_pattern(search: &str) -> String {
    format!("%{}%", search.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// One entry of the audit log, on a platform-level object (`merchant`: the tenant it belongs to,
/// if any).
fn change<'a, S: Serialize>(object_type: &'static str, id: i64, merchant: Option<MerchantId>, action: &'a str, before: Option<&'a S>, after: Option<&'a S>) -> Change<'a, S, S> {
    Change { merchant, object_type, object_id: id.to_string(), action, before, after }
}

// ---------------------------------------------------------------- snapshots (audit before/after)

/// A user as the history shows it: names, not ids; never the password hash.
#[derive(Serialize, PartialEq)]
struct UserSnapshot {
    email: String,
    name: String,
    role: &'static str,
    merchant: Option<String>,
    warehouses: Option<String>,
    status: &'static str,
    #[serde(skip)]
    merchant_id: Option<MerchantId>,
    #[serde(skip)]
    role_code: String,
}

impl UserSnapshot {
    /// Role, merchant or warehouses differ: what the user may see and do changed.
    fn rights_differ(&self, other: &UserSnapshot) -> bool {
        self.role_code != other.role_code || self.merchant_id != other.merchant_id || self.warehouses != other.warehouses
    }
}

async fn user_snapshot(conn: &mut AnyConnection, id: UserId) -> AppResult<Option<UserSnapshot>> {
    let Some(row) = sqlx::query(
        "SELECT u.email, u.display_name, u.role, u.merchant_id, m.name AS merchant_name, u.disabled_at
         FROM users u LEFT JOIN merchants m ON m.id = u.merchant_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?
    else {
        return Ok(None);
    };
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT w.code FROM user_warehouses uw JOIN warehouses w ON w.id = uw.warehouse_id WHERE uw.user_id = $1 ORDER BY w.code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let role_code: String = row.col("role")?;
    let role = Role::from_code(&role_code).ok_or(AppError::Internal)?;
    Ok(Some(UserSnapshot {
        email: row.col("email")?,
        name: row.col("display_name")?,
        role: role.label(),
        merchant: row.col("merchant_name")?,
        warehouses: (!codes.is_empty()).then(|| codes.join(", ")),
        status: if row.col::<Option<i64>>("disabled_at")?.is_some() { "Disabled" } else { "Active" },
        merchant_id: row.col("merchant_id")?,
        role_code,
    }))
}

#[derive(Serialize, PartialEq)]
struct MerchantSnapshot {
    name: String,
    warehouses: String,
}

async fn merchant_snapshot(conn: &mut AnyConnection, id: MerchantId) -> AppResult<Option<MerchantSnapshot>> {
    let Some(name) = sqlx::query_scalar::<_, String>("SELECT name FROM merchants WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?
    else {
        return Ok(None);
    };
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT w.code FROM merchant_warehouses mw JOIN warehouses w ON w.id = mw.warehouse_id WHERE mw.merchant_id = $1 ORDER BY w.code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(Some(MerchantSnapshot { name, warehouses: codes.join(", ") }))
}

async fn warehouse_snapshot(conn: &mut AnyConnection, id: WarehouseId) -> AppResult<Option<WarehouseInput>> {
    let row = sqlx::query("SELECT * FROM warehouses WHERE id = $1").bind(id).fetch_optional(&mut *conn).await.map_err(db_error)?;
    row.as_ref()
        .map(|r| {
            let w = warehouse_from_row(r)?;
            Ok(WarehouseInput { code: w.code, name: w.name, country: w.country, address1: w.address1, city: w.city, state: w.state, postal_code: w.postal_code })
        })
        .transpose()
}

fn business_type_from_row(r: &AnyRow) -> AppResult<BusinessType> {
    let kind: String = r.col("kind")?;
    Ok(BusinessType {
        id: r.col("id")?,
        code: r.col("code")?,
        name: r.col("name")?,
        kind: BusinessKind::from_code(&kind).ok_or(AppError::Internal)?,
    })
}

async fn business_type_snapshot(conn: &mut AnyConnection, id: BusinessTypeId) -> AppResult<Option<BusinessTypeInput>> {
    let row = sqlx::query("SELECT id, code, name, kind FROM business_types WHERE id = $1").bind(id).fetch_optional(&mut *conn).await.map_err(db_error)?;
    row.as_ref()
        .map(|r| business_type_from_row(r).map(|b| BusinessTypeInput { code: b.code, name: b.name, kind: Some(b.kind) }))
        .transpose()
}

#[derive(Serialize, PartialEq)]
struct ChannelSnapshot {
    warehouse: String,
    business_type: String,
    code: String,
    carrier: String,
    service_type: String,
    signature_options: String,
}

async fn channel_snapshot(conn: &mut AnyConnection, id: ChannelId) -> AppResult<Option<ChannelSnapshot>> {
    let row = sqlx::query(
        "SELECT c.*, w.code AS warehouse_code, b.code AS business_code FROM channels c
         JOIN warehouses w ON w.id = c.warehouse_id JOIN business_types b ON b.id = c.business_type_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    row.as_ref()
        .map(|r| {
            let c = channel_from_row(r)?;
            Ok(ChannelSnapshot {
                warehouse: r.col("warehouse_code")?,
                business_type: r.col("business_code")?,
                code: c.code,
                carrier: c.carrier,
                service_type: c.service_type,
                signature_options: c.signature_options.iter().map(|o| o.label()).collect::<Vec<_>>().join(", "),
            })
        })
        .transpose()
}

#[derive(Serialize, PartialEq)]
struct SkuSnapshot {
    merchant: String,
    warehouse: String,
    code: String,
    name: String,
    barcode: String,
    weight_grams: i64,
    #[serde(skip)]
    merchant_id: MerchantId,
    #[serde(skip)]
    warehouse_id: WarehouseId,
}

async fn sku_snapshot(conn: &mut AnyConnection, id: SkuId) -> AppResult<Option<SkuSnapshot>> {
    let row = sqlx::query(&format!("{SKU_SELECT} WHERE s.id = $1")).bind(id).fetch_optional(&mut *conn).await.map_err(db_error)?;
    row.as_ref()
        .map(|r| {
            let s = sku_from_row(r)?;
            Ok(SkuSnapshot {
                merchant: s.merchant_name,
                warehouse: s.warehouse_code,
                code: s.code,
                name: s.name,
                barcode: s.barcode,
                weight_grams: s.weight_grams,
                merchant_id: s.merchant_id,
                warehouse_id: s.warehouse_id,
            })
        })
        .transpose()
}

const SKU_SELECT: &str = "SELECT s.id, s.merchant_id, m.name AS merchant_name, s.warehouse_id, w.code AS warehouse_code,
        s.code, s.name, s.barcode, s.weight_grams
    FROM skus s JOIN merchants m ON m.id = s.merchant_id JOIN warehouses w ON w.id = s.warehouse_id";

fn sku_from_row(r: &AnyRow) -> AppResult<AdminSku> {
    Ok(AdminSku {
        id: r.col("id")?,
        merchant_id: r.col("merchant_id")?,
        merchant_name: r.col("merchant_name")?,
        warehouse_id: r.col("warehouse_id")?,
        warehouse_code: r.col("warehouse_code")?,
        code: r.col("code")?,
        name: r.col("name")?,
        barcode: r.col("barcode")?,
        weight_grams: r.col("weight_grams")?,
    })
}

const USER_SELECT: &str = "SELECT u.id, u.email, u.display_name, u.role, u.merchant_id, m.name AS merchant_name, u.disabled_at, u.created_at
    FROM users u LEFT JOIN merchants m ON m.id = u.merchant_id";

impl SqlAdminStore {
    /// Users of `rows` with their warehouses filled in.
    async fn users_from_rows(&self, rows: &[AnyRow]) -> AppResult<Vec<AdminUser>> {
        let links = sqlx::query("SELECT uw.user_id, w.id, w.code FROM user_warehouses uw JOIN warehouses w ON w.id = uw.warehouse_id ORDER BY w.code")
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        let links: Vec<(UserId, WarehouseId, String)> =
            links.iter().map(|r| Ok((r.col("user_id")?, r.col("id")?, r.col("code")?))).collect::<AppResult<_>>()?;
        rows.iter()
            .map(|r| {
                let id: UserId = r.col("id")?;
                let role: String = r.col("role")?;
                let mine = links.iter().filter(|(u, _, _)| *u == id);
                Ok(AdminUser {
                    id,
                    email: r.col("email")?,
                    display_name: r.col("display_name")?,
                    role: Role::from_code(&role).ok_or(AppError::Internal)?,
                    merchant_id: r.col("merchant_id")?,
                    merchant_name: r.col("merchant_name")?,
                    warehouse_ids: mine.clone().map(|(_, w, _)| *w).collect(),
                    warehouse_codes: mine.map(|(_, _, c)| c.clone()).collect(),
                    disabled_at_ms: r.col("disabled_at")?,
                    created_at_ms: r.col("created_at")?,
                })
            })
            .collect()
    }

    async fn set_user_warehouses(&self, tx: &mut Tx, user: UserId, warehouses: &[WarehouseId]) -> AppResult<()> {
        sqlx::query("DELETE FROM user_warehouses WHERE user_id = $1").bind(user).execute(&mut **tx).await.map_err(db_error)?;
        for w in warehouses {
            sqlx::query("INSERT INTO user_warehouses (user_id, warehouse_id) VALUES ($1, $2)").bind(user).bind(*w).execute(&mut **tx).await.map_err(db_error)?;
        }
        Ok(())
    }

    async fn end_sessions(&self, tx: &mut Tx, user: UserId) -> AppResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut **tx).await.map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl AdminStore for SqlAdminStore {
    async fn refs(&self) -> AppResult<AdminRefs> {
        let pool = &self.db.pool;
        let links = sqlx::query("SELECT merchant_id, warehouse_id FROM merchant_warehouses ORDER BY warehouse_id").fetch_all(pool).await.map_err(db_error)?;
        let links: Vec<(MerchantId, WarehouseId)> = links.iter().map(|r| Ok((r.col("merchant_id")?, r.col("warehouse_id")?))).collect::<AppResult<_>>()?;
        let merchants = sqlx::query("SELECT id, name FROM merchants ORDER BY name")
            .fetch_all(pool)
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| {
                let id: MerchantId = r.col("id")?;
                let warehouse_ids = links.iter().filter(|(m, _)| *m == id).map(|(_, w)| *w).collect();
                Ok(Merchant { id, name: r.col("name")?, warehouse_ids })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let warehouses = sqlx::query("SELECT * FROM warehouses ORDER BY code")
            .fetch_all(pool)
            .await
            .map_err(db_error)?
            .iter()
            .map(warehouse_from_row)
            .collect::<AppResult<Vec<_>>>()?;
        let business_types = sqlx::query("SELECT id, code, name, kind FROM business_types ORDER BY code")
            .fetch_all(pool)
            .await
            .map_err(db_error)?
            .iter()
            .map(business_type_from_row)
            .collect::<AppResult<Vec<_>>>()?;
        Ok(AdminRefs { merchants, warehouses, business_types })
    }

    async fn users(&self, filter: &UserFilter) -> AppResult<Vec<AdminUser>> {
        let mut q = SqlBuilder::new(format!("{USER_SELECT} WHERE 1 = 1"), Vec::new());
        if let Some(role) = filter.role {
            q.push(" AND u.role = ?", SqlArg::Text(role.code().into()));
        }
        if !filter.search.trim().is_empty() {
            let pattern = like_pattern(&filter.search);
            q.push(" AND (LOWER(u.email) LIKE ? ESCAPE '\\'", SqlArg::Text(pattern.clone()));
            q.push(" OR LOWER(u.display_name) LIKE ? ESCAPE '\\')", SqlArg::Text(pattern));
        }
        q.sql.push_str(&format!(" ORDER BY u.id DESC LIMIT {LIST_LIMIT}"));
        let rows = bind_args(sqlx::query(&q.sql), &q.args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        self.users_from_rows(&rows).await
    }

    async fn user(&self, id: UserId) -> AppResult<Option<AdminUser>> {
        let rows = sqlx::query(&format!("{USER_SELECT} WHERE u.id = $1")).bind(id).fetch_all(&self.db.pool).await.map_err(db_error)?;
        Ok(self.users_from_rows(&rows).await?.into_iter().next())
    }

    async fn save_user(&self, actor: &Actor, id: Option<UserId>, input: &UserInput, now_ms: i64) -> AppResult<UserId> {
        let role = required(input.role, FIELD_ROLE)?;
        let merchant = input.merchant_id.filter(|_| role.belongs_to_merchant());
        let warehouses: &[WarehouseId] = if role.works_in_warehouses() { &input.warehouse_ids } else { &[] };
        let Some(id) = id else {
            let hash = hash_password_blocking(&input.password).await?;
            let mut tx = self.db.begin_write().await.map_err(db_error)?;
            let id: UserId = sqlx::query_scalar(
                "INSERT INTO users (email, password_hash, display_name, role, merchant_id, warehouse_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(input.email.as_str())
            .bind(hash)
            .bind(input.display_name.as_str())
            .bind(role.code())
            .bind(merchant)
            .bind(warehouses.first().copied())
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await
            .map_err(taken(FIELD_EMAIL, MSG_EMAIL_TAKEN))?;
            self.set_user_warehouses(&mut tx, id, warehouses).await?;
            let after = user_snapshot(&mut tx, id).await?;
            audit::record(&mut tx, Some(actor), change(audit::USER, id, merchant, "Created", None, after.as_ref()), now_ms).await?;
            tx.commit().await.map_err(db_error)?;
            return Ok(id);
        };
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        if !self.lock_row(&mut tx, "users", id).await? {
            return Err(AppError::NotFound);
        }
        let before = user_snapshot(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        // The warehouse a session starts in: the current one while it is still allowed.
        let current: Option<WarehouseId> =
            sqlx::query_scalar("SELECT warehouse_id FROM users WHERE id = $1").bind(id).fetch_one(&mut *tx).await.map_err(db_error)?;
        let start = current.filter(|w| warehouses.contains(w)).or(warehouses.first().copied());
        sqlx::query("UPDATE users SET email = $2, display_name = $3, role = $4, merchant_id = $5, warehouse_id = $6 WHERE id = $1")
            .bind(id)
            .bind(input.email.as_str())
            .bind(input.display_name.as_str())
            .bind(role.code())
            .bind(merchant)
            .bind(start)
            .execute(&mut *tx)
            .await
            .map_err(taken(FIELD_EMAIL, MSG_EMAIL_TAKEN))?;
        self.set_user_warehouses(&mut tx, id, warehouses).await?;
        let after = user_snapshot(&mut tx, id).await?.ok_or(AppError::Internal)?;
        if before.rights_differ(&after) {
            self.end_sessions(&mut tx, id).await?;
        }
        if before != after {
            audit::record(&mut tx, Some(actor), change(audit::USER, id, after.merchant_id.or(before.merchant_id), "Updated", Some(&before), Some(&after)), now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn set_user_disabled(&self, actor: &Actor, id: UserId, disabled: bool, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        if !self.lock_row(&mut tx, "users", id).await? {
            return Err(AppError::NotFound);
        }
        let before = user_snapshot(&mut tx, id).await?.ok_or(AppError::NotFound)?;
        let done = if disabled {
            sqlx::query("UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL").bind(id).bind(now_ms).execute(&mut *tx).await
        } else {
            sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL").bind(id).execute(&mut *tx).await
        }
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            let state = if disabled { "disabled" } else { "active" };
            return Err(AppError::Conflict(format!("This account is already {state}")));
        }
        if disabled {
            self.end_sessions(&mut tx, id).await?;
        }
        let after = user_snapshot(&mut tx, id).await?;
        let action = if disabled { "Disabled" } else { "Enabled" };
        audit::record(&mut tx, Some(actor), change(audit::USER, id, before.merchant_id, action, Some(&before), after.as_ref()), now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn reset_password(&self, actor: &Actor, id: UserId, new_password: &str, now_ms: i64) -> AppResult<()> {
        let hash = hash_password_blocking(new_password).await?;
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let row = sqlx::query("UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1 RETURNING merchant_id, email")
            .bind(id)
            .bind(hash)
            .bind(now_ms)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .ok_or(AppError::NotFound)?;
        let email: String = row.col("email")?;
        self.end_sessions(&mut tx, id).await?;
        // The lock after too many failed sign-ins tells people to ask for a reset: lift it.
        sqlx::query("DELETE FROM sign_in_attempts WHERE email = $1 AND succeeded = 0").bind(email).execute(&mut *tx).await.map_err(db_error)?;
        let after = serde_json::json!({ "password": "reset" });
        audit::record(&mut tx, Some(actor), change(audit::USER, id, row.col("merchant_id")?, "Password reset", None, Some(&after)), now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn save_merchant(&self, actor: &Actor, id: Option<MerchantId>, input: &MerchantInput, now_ms: i64) -> AppResult<MerchantId> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let (id, before) = match id {
            None => {
                let id: MerchantId = sqlx::query_scalar("INSERT INTO merchants (name) VALUES ($1) RETURNING id")
                    .bind(input.name.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(taken(FIELD_NAME, MSG_NAME_TAKEN))?;
                (id, None)
            }
            Some(id) => {
                if !self.lock_row(&mut tx, "merchants", id).await? {
                    return Err(AppError::NotFound);
                }
                let before = merchant_snapshot(&mut tx, id).await?;
                sqlx::query("UPDATE merchants SET name = $2 WHERE id = $1")
                    .bind(id)
                    .bind(input.name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(taken(FIELD_NAME, MSG_NAME_TAKEN))?;
                (id, before)
            }
        };
        // A warehouse holding the merchant's SKUs stays allowed: its stock and orders live there.
        let in_use = sqlx::query(
            "SELECT DISTINCT w.id, w.code FROM skus s JOIN warehouses w ON w.id = s.warehouse_id WHERE s.merchant_id = $1 ORDER BY w.code",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        for r in &in_use {
            let warehouse: WarehouseId = r.col("id")?;
            if !input.warehouse_ids.contains(&warehouse) {
                let code: String = r.col("code")?;
                return Err(ValidationErrors::single(FIELD_WAREHOUSES, format!("{code} still holds this merchant's SKUs, so it stays allowed")).into());
            }
        }
        sqlx::query("DELETE FROM merchant_warehouses WHERE merchant_id = $1").bind(id).execute(&mut *tx).await.map_err(db_error)?;
        for w in &input.warehouse_ids {
            sqlx::query("INSERT INTO merchant_warehouses (merchant_id, warehouse_id) VALUES ($1, $2)").bind(id).bind(*w).execute(&mut *tx).await.map_err(db_error)?;
        }
        let after = merchant_snapshot(&mut tx, id).await?;
        if before != after {
            let action = if before.is_none() { "Created" } else { "Updated" };
            audit::record(&mut tx, Some(actor), change(audit::MERCHANT, id, Some(id), action, before.as_ref(), after.as_ref()), now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn save_warehouse(&self, actor: &Actor, id: Option<WarehouseId>, input: &WarehouseInput, now_ms: i64) -> AppResult<WarehouseId> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = match id {
            Some(id) if self.lock_row(&mut tx, "warehouses", id).await? => warehouse_snapshot(&mut tx, id).await?,
            Some(_) => return Err(AppError::NotFound),
            None => None,
        };
        let sql = match id {
            None => "INSERT INTO warehouses (code, name, country, address1, city, state, postal_code) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            Some(_) => "UPDATE warehouses SET code = $1, name = $2, country = $3, address1 = $4, city = $5, state = $6, postal_code = $7 WHERE id = $8 RETURNING id",
        };
        let query = sqlx::query_scalar(sql)
            .bind(input.code.as_str())
            .bind(input.name.as_str())
            .bind(input.country.as_str())
            .bind(input.address1.as_str())
            .bind(input.city.as_str())
            .bind(input.state.as_str())
            .bind(input.postal_code.as_str());
        let id: WarehouseId = match id {
            Some(id) => query.bind(id),
            None => query,
        }
        .fetch_one(&mut *tx)
            .await
            .map_err(taken(FIELD_CODE, MSG_CODE_TAKEN))?;
        let after = warehouse_snapshot(&mut tx, id).await?;
        if before != after {
            let action = if before.is_none() { "Created" } else { "Updated" };
            audit::record(&mut tx, Some(actor), change(audit::WAREHOUSE, id, None, action, before.as_ref(), after.as_ref()), now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn save_business_type(&self, actor: &Actor, id: Option<BusinessTypeId>, input: &BusinessTypeInput, now_ms: i64) -> AppResult<BusinessTypeId> {
        let kind = required(input.kind, FIELD_KIND)?;
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let before = match id {
            Some(id) if self.lock_row(&mut tx, "business_types", id).await? => business_type_snapshot(&mut tx, id).await?,
            Some(_) => return Err(AppError::NotFound),
            None => None,
        };
        let sql = match id {
            None => "INSERT INTO business_types (code, name, kind) VALUES ($1, $2, $3) RETURNING id",
            Some(_) => "UPDATE business_types SET code = $1, name = $2, kind = $3 WHERE id = $4 RETURNING id",
        };
        let query = sqlx::query_scalar(sql).bind(input.code.as_str()).bind(input.name.as_str()).bind(kind.code());
        let id: BusinessTypeId = match id {
            Some(id) => query.bind(id),
            None => query,
        }
        .fetch_one(&mut *tx)
            .await
            .map_err(taken(FIELD_CODE, MSG_CODE_TAKEN))?;
        let after = business_type_snapshot(&mut tx, id).await?;
        if before != after {
            let action = if before.is_none() { "Created" } else { "Updated" };
            audit::record(&mut tx, Some(actor), change(audit::BUSINESS_TYPE, id, None, action, before.as_ref(), after.as_ref()), now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn channels(&self) -> AppResult<Vec<Channel>> {
        sqlx::query("SELECT c.* FROM channels c JOIN warehouses w ON w.id = c.warehouse_id ORDER BY w.code, c.business_type_id, c.code")
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?
            .iter()
            .map(channel_from_row)
            .collect()
    }

    async fn save_channel(&self, actor: &Actor, id: Option<ChannelId>, input: &ChannelInput, now_ms: i64) -> AppResult<ChannelId> {
        let warehouse = required(input.warehouse_id, FIELD_WAREHOUSE)?;
        let business_type = required(input.business_type_id, FIELD_BUSINESS)?;
        let options = SignatureOption::list_to_codes(&input.signature_options);
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let (id, before) = match id {
            None => {
                let id: ChannelId = sqlx::query_scalar(
                    "INSERT INTO channels (warehouse_id, business_type_id, code, carrier, service_type, signature_options)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(warehouse)
                .bind(business_type)
                .bind(input.code.as_str())
                .bind(input.carrier.as_str())
                .bind(input.service_type.as_str())
                .bind(options)
                .fetch_one(&mut *tx)
                .await
                .map_err(taken(FIELD_CODE, MSG_CODE_TAKEN))?;
                (id, None)
            }
            Some(id) => {
                if !self.lock_row(&mut tx, "channels", id).await? {
                    return Err(AppError::NotFound);
                }
                let current = channel_from_row(&sqlx::query("SELECT * FROM channels WHERE id = $1").bind(id).fetch_one(&mut *tx).await.map_err(db_error)?)?;
                let mut errors = ValidationErrors::default();
                // Orders point at the channel; moving it would move them.
                if current.warehouse_id != warehouse {
                    errors.add(FIELD_WAREHOUSE, "A channel stays in its warehouse; add a new channel instead");
                }
                if current.business_type_id != business_type {
                    errors.add(FIELD_BUSINESS, "A channel keeps its business type; add a new channel instead");
                }
                if current.is_self_pickup() != is_self_pickup_code(&input.code) {
                    let used = sqlx::query("SELECT 1 FROM orders WHERE channel_id = $1 LIMIT 1").bind(id).fetch_optional(&mut *tx).await.map_err(db_error)?;
                    if used.is_some() {
                        errors.add(FIELD_CODE, "This channel has orders, so it cannot switch between self-pickup and carrier labels; add a new channel instead");
                    }
                }
                if !errors.is_empty() {
                    return Err(errors.into());
                }
                let before = channel_snapshot(&mut tx, id).await?;
                sqlx::query("UPDATE channels SET code = $2, carrier = $3, service_type = $4, signature_options = $5 WHERE id = $1")
                    .bind(id)
                    .bind(input.code.as_str())
                    .bind(input.carrier.as_str())
                    .bind(input.service_type.as_str())
                    .bind(options)
                    .execute(&mut *tx)
                    .await
                    .map_err(taken(FIELD_CODE, MSG_CODE_TAKEN))?;
                (id, before)
            }
        };
        let after = channel_snapshot(&mut tx, id).await?;
        if before != after {
            let action = if before.is_none() { "Created" } else { "Updated" };
            audit::record(&mut tx, Some(actor), change(audit::CHANNEL, id, None, action, before.as_ref(), after.as_ref()), now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn skus(&self, filter: &SkuFilter) -> AppResult<Vec<AdminSku>> {
        let mut q = SqlBuilder::new(format!("{SKU_SELECT} WHERE 1 = 1"), Vec::new());
        if let Some(m) = filter.merchant_id {
            q.push(" AND s.merchant_id = ?", SqlArg::Int(m));
        }
        if let Some(w) = filter.warehouse_id {
            q.push(" AND s.warehouse_id = ?", SqlArg::Int(w));
        }
        if !filter.search.trim().is_empty() {
            let pattern = like_pattern(&filter.search);
            q.push(" AND (LOWER(s.code) LIKE ? ESCAPE '\\'", SqlArg::Text(pattern.clone()));
            q.push(" OR LOWER(s.name) LIKE ? ESCAPE '\\'", SqlArg::Text(pattern.clone()));
            q.push(" OR s.barcode LIKE ? ESCAPE '\\')", SqlArg::Text(pattern));
        }
        q.sql.push_str(&format!(" ORDER BY m.name, w.code, s.code LIMIT {LIST_LIMIT}"));
        let rows = bind_args(sqlx::query(&q.sql), &q.args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        rows.iter().map(sku_from_row).collect()
    }

    async fn save_sku(&self, actor: &Actor, id: Option<SkuId>, input: &SkuInput, now_ms: i64) -> AppResult<SkuId> {
        let merchant = required(input.merchant_id, FIELD_MERCHANT)?;
        let warehouse = required(input.warehouse_id, FIELD_WAREHOUSE)?;
        let weight = input.weight_grams.ok_or_else(|| AppError::from(ValidationErrors::single(FIELD_WEIGHT, "Please enter the weight")))?;
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let (id, before) = match id {
            None => {
                // The merchant row is locked, so its warehouses cannot change under this insert.
                if !self.lock_row(&mut tx, "merchants", merchant).await? {
                    return Err(ValidationErrors::single(FIELD_MERCHANT, "This merchant does not exist").into());
                }
                let allowed = sqlx::query("SELECT 1 FROM merchant_warehouses WHERE merchant_id = $1 AND warehouse_id = $2")
                    .bind(merchant)
                    .bind(warehouse)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if allowed.is_none() {
                    return Err(ValidationErrors::single(FIELD_WAREHOUSE, "This merchant may not use this warehouse; allow it on the Merchants page first").into());
                }
                let id: SkuId = sqlx::query_scalar(
                    "INSERT INTO skus (merchant_id, warehouse_id, code, name, barcode, weight_grams) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(merchant)
                .bind(warehouse)
                .bind(input.code.as_str())
                .bind(input.name.as_str())
                .bind(input.barcode.as_str())
                .bind(weight)
                .fetch_one(&mut *tx)
                .await
                .map_err(taken(FIELD_CODE, MSG_CODE_TAKEN))?;
                (id, None)
            }
            Some(id) => {
                if !self.lock_row(&mut tx, "skus", id).await? {
                    return Err(AppError::NotFound);
                }
                let before = sku_snapshot(&mut tx, id).await?.ok_or(AppError::NotFound)?;
                // Stock, orders and mappings hang on the SKU where it is.
                let mut errors = ValidationErrors::default();
                if before.merchant_id != merchant {
                    errors.add(FIELD_MERCHANT, "A SKU stays with its merchant; add a new SKU instead");
                }
                if before.warehouse_id != warehouse {
                    errors.add(FIELD_WAREHOUSE, "A SKU stays in its warehouse; add a new SKU instead");
                }
                if !errors.is_empty() {
                    return Err(errors.into());
                }
                sqlx::query("UPDATE skus SET code = $2, name = $3, barcode = $4, weight_grams = $5 WHERE id = $1")
                    .bind(id)
                    .bind(input.code.as_str())
                    .bind(input.name.as_str())
                    .bind(input.barcode.as_str())
                    .bind(weight)
                    .execute(&mut *tx)
                    .await
                    .map_err(taken(FIELD_CODE, MSG_CODE_TAKEN))?;
                (id, Some(before))
            }
        };
        let after = sku_snapshot(&mut tx, id).await?;
        if before != after {
            let action = if before.is_none() { "Created" } else { "Updated" };
            audit::record(&mut tx, Some(actor), change(audit::SKU, id, Some(merchant), action, before.as_ref(), after.as_ref()), now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn history(&self, object: AdminObject) -> AppResult<Vec<AuditEntry>> {
        let (table, object_type, id) = match object {
            AdminObject::User(id) => ("users", audit::USER, id),
            AdminObject::Merchant(id) => ("merchants", audit::MERCHANT, id),
            AdminObject::Warehouse(id) => ("warehouses", audit::WAREHOUSE, id),
            AdminObject::BusinessType(id) => ("business_types", audit::BUSINESS_TYPE, id),
            AdminObject::Channel(id) => ("channels", audit::CHANNEL, id),
            AdminObject::Sku(id) => ("skus", audit::SKU, id),
        };
        let exists = sqlx::query(&format!("SELECT 1 FROM {table} WHERE id = $1")).bind(id).fetch_optional(&self.db.pool).await.map_err(db_error)?;
        if exists.is_none() {
            return Err(AppError::NotFound);
        }
        audit::history(&self.db, None, object_type, &id.to_string()).await
    }
}
