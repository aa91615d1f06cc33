use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use app::domain::*;
use app::error::AppError;
use app::ports::{Actor, AppResult, OrderScope, OrderStore};

use super::{db_error, inventory, RowExt};
use crate::db::Db;

pub struct SqlOrderStore {
    db: Db,
}

impl SqlOrderStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Marks a Draft as held with `reason` (shown on the order) and tells the merchant's webhook.
    async fn hold_draft(&self, merchant: MerchantId, id: OrderId, kind: ExceptionKind, reason: &str, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let held = sqlx::query("UPDATE orders SET exception = $2, updated_at = $3 WHERE id = $1 AND merchant_id = $4 AND status = 'draft'")
            .bind(id)
            .bind(reason)
            .bind(now_ms)
            .bind(merchant)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if held.rows_affected() == 1 {
            let data = serde_json::json!({ "kind": kind.code(), "message": reason });
            crate::webhooks::enqueue_order_event(&mut tx, id, WebhookEventType::OrderException, data, now_ms).await?;
        }
        tx.commit().await.map_err(db_error)
    }
}

pub(crate) type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The column a scope filters on, and its value.
pub(crate) fn scope_filter(scope: OrderScope) -> (&'static str, i64) {
    match scope {
        OrderScope::Merchant(m) => ("merchant_id", m),
        OrderScope::Warehouse(w) => ("warehouse_id", w),
    }
}

/// Column values of a draft, in the order of `DRAFT_COLUMNS`.
const DRAFT_COLUMNS: [&str; 18] = [
    "warehouse_id",
    "business_type_id",
    "channel_id",
    "platform_order_no",
    "signature_option",
    "tracking_no",
    "label_id",
    "recipient_name",
    "recipient_name_lc",
    "recipient_phone",
    "recipient_email",
    "recipient_country",
    "recipient_state",
    "recipient_city",
    "recipient_address1",
    "recipient_address2",
    "recipient_postal_code",
    "total_units",
];

fn bind_draft<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    d: &'q OrderDraft,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, AppError> {
    let r = &d.recipient;
    // Validation guarantees these are set; a missing one here is a programming error.
    let (Some(w), Some(b), Some(c)) = (d.warehouse_id, d.business_type_id, d.channel_id) else {
        return Err(AppError::Internal);
    };
    q = q
        .bind(w)
        .bind(b)
        .bind(c)
        .bind(d.platform_order_no.as_str())
        .bind(d.signature_option.map(|s| s.code()))
        .bind(d.tracking_no.as_str())
        .bind(d.label.as_ref().map(|l| l.id.as_str()))
        .bind(r.name.as_str())
        .bind(r.name.to_lowercase())
        .bind(r.phone.as_str())
        .bind(r.email.as_str())
        .bind(r.country.as_str())
        .bind(r.state.as_str())
        .bind(r.city.as_str())
        .bind(r.address1.as_str())
        .bind(r.address2.as_str())
        .bind(r.postal_code.as_str())
        .bind(d.total_units());
    Ok(q)
}

async fn insert_lines(tx: &mut Tx, order_id: OrderId, lines: &[OrderLineDraft]) -> AppResult<()> {
    for (i, line) in lines.iter().enumerate() {
        sqlx::query("INSERT INTO order_lines (order_id, line_no, sku_id, quantity) VALUES ($1, $2, $3, $4)")
            .bind(order_id)
            .bind(i as i64)
            .bind(line.sku_id)
            .bind(line.quantity)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}

pub(crate) async fn insert_event(
    tx: &mut Tx,
    order_id: OrderId,
    actor: &Actor,
    action: OrderAction,
    from: Option<OrderStatus>,
    to: OrderStatus,
    now_ms: i64,
) -> AppResult<()> {
    insert_event_detail(tx, order_id, actor, action, from, to, "", now_ms).await
}

/// An event with a note of what changed (Draft edits).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_event_detail(
    tx: &mut Tx,
    order_id: OrderId,
    actor: &Actor,
    action: OrderAction,
    from: Option<OrderStatus>,
    to: OrderStatus,
    detail: &str,
    now_ms: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO order_events (order_id, at, actor_user_id, actor_name, action, from_status, to_status, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(order_id)
    .bind(now_ms)
    .bind(actor.user_id)
    .bind(actor.name.as_str())
    .bind(action.code())
    .bind(from.map(|s| s.code()))
    .bind(to.code())
    .bind(detail)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    // The merchant's webhook, committed or rolled back with this change.
    if let Some(event) = WebhookEventType::for_order_action(action) {
        let data = serde_json::json!({ "from_status": from.map(|s| s.code()), "to_status": to.code() });
        crate::webhooks::enqueue_order_event(tx, order_id, event, data, now_ms).await?;
    }
    Ok(())
}

/// Why a conditional update touched no row: the order is not visible (NotFound) or it is in
/// a status the action does not start from (Conflict with the user-facing reason).
pub(crate) async fn refusal(tx: &mut Tx, scope: OrderScope, id: OrderId, action: OrderAction) -> AppError {
    let (col, val) = scope_filter(scope);
    let row = sqlx::query(&format!("SELECT status FROM orders WHERE id = $1 AND {col} = $2"))
        .bind(id)
        .bind(val)
        .fetch_optional(&mut **tx)
        .await;
    match row {
        Ok(Some(row)) => match row.try_get::<String, _>("status").ok().and_then(|s| OrderStatus::from_code(&s)) {
            Some(status) => TransitionError { action, status }.into(),
            None => AppError::Internal,
        },
        Ok(None) => AppError::NotFound,
        Err(e) => db_error(e),
    }
}

/// The recipient columns of an `orders` row.
pub fn recipient_of(row: &AnyRow) -> AppResult<Recipient> {
    Ok(Recipient {
        name: row.col("recipient_name")?,
        phone: row.col("recipient_phone")?,
        email: row.col("recipient_email")?,
        country: row.col("recipient_country")?,
        state: row.col("recipient_state")?,
        city: row.col("recipient_city")?,
        address1: row.col("recipient_address1")?,
        address2: row.col("recipient_address2")?,
        postal_code: row.col("recipient_postal_code")?,
    })
}

fn label_status_of(row: &AnyRow) -> AppResult<LabelStatus> {
    let code: String = row.col("label_status")?;
    LabelStatus::from_code(&code).ok_or(AppError::Internal)
}

fn status_of(row: &AnyRow, col: &str) -> AppResult<OrderStatus> {
    let code: String = row.col(col)?;
    OrderStatus::from_code(&code).ok_or_else(|| {
        tracing::error!(code, "unknown order status in database");
        AppError::Internal
    })
}

pub(crate) const SUMMARY_SELECT: &str = "SELECT o.id, o.platform_order_no, o.status, o.recipient_name, o.recipient_country,
        w.code AS warehouse_code, c.code AS channel_code, c.carrier, o.tracking_no, o.label_status, o.label_error, o.exception,
        o.total_units, o.created_at, o.updated_at
    FROM orders o
    JOIN warehouses w ON w.id = o.warehouse_id
    JOIN channels c ON c.id = o.channel_id";

pub(crate) fn summary_from_row(row: &AnyRow) -> AppResult<OrderSummary> {
    Ok(OrderSummary {
        id: row.col("id")?,
        platform_order_no: row.col("platform_order_no")?,
        status: status_of(row, "status")?,
        recipient_name: row.col("recipient_name")?,
        recipient_country: row.col("recipient_country")?,
        warehouse_code: row.col("warehouse_code")?,
        channel_code: row.col("channel_code")?,
        tracking_no: row.col("tracking_no")?,
        label_status: label_status_of(row)?,
        label_error: row.col("label_error")?,
        exception: row.col("exception")?,
        carrier: row.col("carrier")?,
        total_units: row.col("total_units")?,
        created_at_ms: row.col("created_at")?,
        updated_at_ms: row.col("updated_at")?,
    })
}

/// Conditional status change plus its event. Of two concurrent requests only one can find
/// the order still in the action's starting status.
pub(crate) async fn apply_transition(tx: &mut Tx, scope: OrderScope, id: OrderId, action: OrderAction, actor: &Actor, now_ms: i64) -> AppResult<OrderStatus> {
    let (from, to) = action.transition();
    let (col, val) = scope_filter(scope);
    let result = sqlx::query(&format!(
        "UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND {col} = $4 AND status = $5"
    ))
    .bind(to.code())
    .bind(now_ms)
    .bind(id)
    .bind(val)
    .bind(from.code())
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    if result.rows_affected() == 0 {
        return Err(refusal(tx, scope, id, action).await);
    }
    insert_event(tx, id, actor, action, Some(from), to, now_ms).await?;
    Ok(to)
}

/// Queues (or re-queues, with the next generation) the carrier label purchase for an order.
async fn queue_label_job(tx: &mut Tx, id: OrderId, now_ms: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO label_jobs (order_id, generation, status, attempts, next_attempt_at, locked_until, last_error, created_at, updated_at)
         VALUES ($1, 1, 'pending', 0, $2, 0, '', $2, $2)
         ON CONFLICT (order_id) DO UPDATE SET generation = label_jobs.generation + 1, status = 'pending', attempts = 0,
             next_attempt_at = $2, locked_until = 0, last_error = '', updated_at = $2",
    )
    .bind(id)
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    sqlx::query("UPDATE orders SET label_status = 'pending', label_error = '', updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

#[async_trait]
impl OrderStore for SqlOrderStore {
    async fn create(&self, merchant: MerchantId, actor: &Actor, draft: &OrderDraft, now_ms: i64) -> AppResult<OrderId> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let n = DRAFT_COLUMNS.len();
        let placeholders: Vec<String> = (1..=n + 4).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO orders ({}, merchant_id, status, created_at, updated_at) VALUES ({}) RETURNING id",
            DRAFT_COLUMNS.join(", "),
            placeholders.join(", ")
        );
        let q = bind_draft(sqlx::query(&sql), draft)?
            .bind(merchant)
            .bind(OrderStatus::Draft.code())
            .bind(now_ms)
            .bind(now_ms);
        let id: OrderId = q.fetch_one(&mut *tx).await.map_err(db_error)?.try_get(0).map_err(db_error)?;
        insert_lines(&mut tx, id, &draft.lines).await?;
        insert_event(&mut tx, id, actor, OrderAction::Create, None, OrderStatus::Draft, now_ms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    async fn update_draft(&self, merchant: MerchantId, actor: &Actor, id: OrderId, draft: &OrderDraft, change: &str, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let n = DRAFT_COLUMNS.len();
        let sets: Vec<String> = DRAFT_COLUMNS.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
        let sql = format!(
            "UPDATE orders SET {}, updated_at = ${} WHERE id = ${} AND merchant_id = ${} AND status = ${}",
            sets.join(", "),
            n + 1,
            n + 2,
            n + 3,
            n + 4
        );
        let result = bind_draft(sqlx::query(&sql), draft)?
            .bind(now_ms)
            .bind(id)
            .bind(merchant)
            .bind(OrderStatus::Draft.code())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if result.rows_affected() == 0 {
            return Err(refusal(&mut tx, OrderScope::Merchant(merchant), id, OrderAction::Edit).await);
        }
        sqlx::query("DELETE FROM order_lines WHERE order_id = $1").bind(id).execute(&mut *tx).await.map_err(db_error)?;
        insert_lines(&mut tx, id, &draft.lines).await?;
        insert_event_detail(&mut tx, id, actor, OrderAction::Edit, Some(OrderStatus::Draft), OrderStatus::Draft, change, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn submit(&self, merchant: MerchantId, id: OrderId, actor: &Actor, needs_carrier_label: bool, now_ms: i64) -> AppResult<OrderStatus> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        // Before the transition, so its webhook shows the order as it ends up: a submit clears
        // an earlier hold (and is rolled back with everything else if it fails).
        sqlx::query("UPDATE orders SET submitted_at = $2, exception = '' WHERE id = $1 AND merchant_id = $3 AND status = 'draft'")
            .bind(id)
            .bind(now_ms)
            .bind(merchant)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let to = apply_transition(&mut tx, OrderScope::Merchant(merchant), id, OrderAction::Submit, actor, now_ms).await?;
        if let Err(e) = inventory::allocate_order(&mut tx, id, actor, now_ms).await {
            // The submit (and its order.submitted event) is rolled back.
            drop(tx);
            // Not enough stock: the order stays a Draft, held with the reason on it.
            if let AppError::Conflict(reason) = &e {
                self.hold_draft(merchant, id, ExceptionKind::OutOfStock, reason, now_ms).await?;
            }
            return Err(e);
        }
        if needs_carrier_label {
            queue_label_job(&mut tx, id, now_ms).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(to)
    }

    async fn intercept(&self, merchant: MerchantId, id: OrderId, actor: &Actor, now_ms: i64) -> AppResult<Option<String>> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        // The order row is locked first, as the label worker locks it (order, then label job):
        // taking the label job first deadlocked against a label being recorded on PostgreSQL.
        // With the lock held, a label bought a moment ago is seen here and voided.
        sqlx::query(&format!("SELECT id FROM orders WHERE id = $1 AND merchant_id = $2{}", self.db.for_update()))
            .bind(id)
            .bind(merchant)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        // The label is dealt with before the transition, so its webhook shows the order as it
        // ends up; if the order cannot be intercepted, all of it is rolled back.
        let bought: Option<String> = sqlx::query(
            "SELECT carrier_label_id FROM orders WHERE id = $1 AND merchant_id = $2 AND status = 'submitted' AND label_status = 'ready'",
        )
        .bind(id)
        .bind(merchant)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .map(|r| r.col("carrier_label_id"))
        .transpose()?
        .flatten();
        // A queued purchase is called off; a bought label is voided by the caller.
        sqlx::query("UPDATE label_jobs SET status = 'cancelled', updated_at = $2 WHERE order_id = $1 AND status IN ('pending', 'running')")
            .bind(id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let label_status = if bought.is_some() { LabelStatus::Voided } else { LabelStatus::None };
        sqlx::query(
            "UPDATE orders SET label_status = $2, label_error = '',
                    tracking_no = CASE WHEN label_status IN ('pending', 'ready', 'failed') THEN '' ELSE tracking_no END
             WHERE id = $1 AND merchant_id = $3 AND status = 'submitted'",
        )
        .bind(id)
        .bind(label_status.code())
        .bind(merchant)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        apply_transition(&mut tx, OrderScope::Merchant(merchant), id, OrderAction::Intercept, actor, now_ms).await?;
        inventory::settle_order(&mut tx, id, false, actor, now_ms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(bought)
    }

    async fn retry_label(&self, merchant: MerchantId, id: OrderId, now_ms: i64) -> AppResult<()> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let failed = sqlx::query("SELECT 1 FROM orders WHERE id = $1 AND merchant_id = $2 AND status = 'submitted' AND label_status = 'failed'")
            .bind(id)
            .bind(merchant)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if failed.is_none() {
            let visible = sqlx::query("SELECT 1 FROM orders WHERE id = $1 AND merchant_id = $2")
                .bind(id)
                .bind(merchant)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
            return Err(match visible {
                Some(_) => AppError::Conflict("Only a failed label of a Submitted order can be retried".into()),
                None => AppError::NotFound,
            });
        }
        queue_label_job(&mut tx, id, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn changed_since(&self, merchant: MerchantId, since_ms: i64) -> AppResult<Vec<(OrderId, i64)>> {
        let rows = sqlx::query("SELECT id, updated_at FROM orders WHERE merchant_id = $1 AND updated_at > $2 ORDER BY updated_at LIMIT 500")
            .bind(merchant)
            .bind(since_ms)
            .fetch_all(&self.db.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(|r| Ok((r.col("id")?, r.col("updated_at")?))).collect()
    }

    async fn transition(&self, scope: OrderScope, id: OrderId, action: OrderAction, actor: &Actor, now_ms: i64) -> AppResult<OrderStatus> {
        let mut tx = self.db.begin_write().await.map_err(db_error)?;
        let to = apply_transition(&mut tx, scope, id, action, actor, now_ms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(to)
    }

    async fn get(&self, scope: OrderScope, id: OrderId) -> AppResult<Option<OrderDetail>> {
        let (col, val) = scope_filter(scope);
        let pool = &self.db.pool;
        let row = sqlx::query(&format!(
            "SELECT o.*, w.name AS warehouse_name, b.name AS business_name,
                    l.file_name AS label_file_name, l.size_bytes AS label_size
             FROM orders o
             JOIN warehouses w ON w.id = o.warehouse_id
             JOIN business_types b ON b.id = o.business_type_id
             LEFT JOIN labels l ON l.id = o.label_id
             WHERE o.id = $1 AND o.{col} = $2"
        ))
        .bind(id)
        .bind(val)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let get_s = |c: &str| row.col::<String>(c);
        let get_i = |c: &str| row.col::<i64>(c);
        let label_id: Option<String> = row.col("label_id")?;
        let label = match label_id {
            Some(id) => Some(LabelRef { id, file_name: get_s("label_file_name")?, size_bytes: get_i("label_size")? }),
            None => None,
        };
        let signature: Option<String> = row.col("signature_option")?;

        let channel_id = get_i("channel_id")?;
        let channel = sqlx::query("SELECT * FROM channels WHERE id = $1")
            .bind(channel_id)
            .fetch_optional(pool)
            .await
            .map_err(db_error)?
            .map(|r| super::catalog::channel_from_row(&r))
            .transpose()?;

        let line_rows = sqlx::query(
            "SELECT l.sku_id, l.quantity, s.code, s.name FROM order_lines l JOIN skus s ON s.id = l.sku_id
             WHERE l.order_id = $1 ORDER BY l.line_no",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
        let mut lines = Vec::with_capacity(line_rows.len());
        for r in &line_rows {
            lines.push(OrderLineView {
                sku_id: r.col("sku_id")?,
                quantity: r.col("quantity")?,
                sku_code: r.col("code")?,
                sku_name: r.col("name")?,
            });
        }

        let event_rows = sqlx::query("SELECT * FROM order_events WHERE order_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(pool)
            .await
            .map_err(db_error)?;
        let mut events = Vec::with_capacity(event_rows.len());
        for r in &event_rows {
            let action: String = r.col("action")?;
            let from: Option<String> = r.col("from_status")?;
            events.push(OrderEvent {
                at_ms: r.col("at")?,
                actor: r.col("actor_name")?,
                action: OrderAction::from_code(&action).ok_or(AppError::Internal)?,
                from_status: from.as_deref().and_then(OrderStatus::from_code),
                to_status: status_of(r, "to_status")?,
                detail: r.col("detail")?,
            });
        }

        let draft = OrderDraft {
            warehouse_id: Some(get_i("warehouse_id")?),
            business_type_id: Some(get_i("business_type_id")?),
            platform_order_no: get_s("platform_order_no")?,
            recipient: recipient_of(&row)?,
            lines: lines.iter().map(|l| OrderLineDraft { sku_id: l.sku_id, quantity: l.quantity }).collect(),
            channel_id: Some(channel_id),
            signature_option: signature.as_deref().and_then(SignatureOption::from_code),
            tracking_no: get_s("tracking_no")?,
            label,
        };
        Ok(Some(OrderDetail {
            id,
            status: status_of(&row, "status")?,
            draft,
            warehouse_name: get_s("warehouse_name")?,
            business_name: get_s("business_name")?,
            channel,
            lines,
            label_status: label_status_of(&row)?,
            label_error: get_s("label_error")?,
            shipping_cost_minor: row.col("shipping_cost_minor")?,
            shipping_currency: row.col::<Option<String>>("shipping_currency")?.unwrap_or_default(),
            exception: get_s("exception")?,
            created_at_ms: get_i("created_at")?,
            updated_at_ms: get_i("updated_at")?,
            events,
        }))
    }

    async fn list(&self, scope: OrderScope, query: &OrderListQuery) -> AppResult<OrderPage> {
        let limit = query.page_size() as i64;
        let (sql, args) = list_query(scope, query);
        let rows = bind_args(sqlx::query(&sql), &args).fetch_all(&self.db.pool).await.map_err(db_error)?;
        let more = rows.len() as i64 > limit;
        let mut summaries = rows.iter().take(limit as usize).map(summary_from_row).collect::<AppResult<Vec<_>>>()?;
        let backwards = query.before.is_some();
        if backwards {
            summaries.reverse();
        }
        let first = summaries.first().map(|s| s.id);
        let last = summaries.last().map(|s| s.id);
        let (next_after, prev_before) = if backwards {
            (last, if more { first } else { None })
        } else {
            (if more { last } else { None }, if query.after.is_some() { first } else { None })
        };
        Ok(OrderPage { rows: summaries, next_after, prev_before })
    }
}

/// The list statement and its arguments (public so the benchmark can EXPLAIN exactly it).
/// Fetches one row more than the page to know whether another page follows.
pub fn list_query(scope: OrderScope, query: &OrderListQuery) -> (String, Vec<SqlArg>) {
    let (col, val) = scope_filter(scope);
    let mut q = SqlBuilder::new(format!("{SUMMARY_SELECT} WHERE o.{col} = $1"), vec![SqlArg::Int(val)]);
    if let Some(status) = query.status {
        q.push(" AND o.status = ?", SqlArg::Text(status.code().into()));
    }
    let search = query.search.trim();
    if !search.is_empty() {
        if let Some(id) = parse_order_no(search) {
            q.push(" AND o.id = ?", SqlArg::Int(id));
        } else {
            // Exact platform / tracking number, or recipient name prefix (range scan on the
            // lower-cased column: index-friendly on both backends).
            let lc = search.to_lowercase();
            q.push(" AND (o.platform_order_no = ?", SqlArg::Text(search.into()));
            q.push(" OR o.tracking_no = ?", SqlArg::Text(search.into()));
            q.push(" OR (o.recipient_name_lc >= ?", SqlArg::Text(lc.clone()));
            q.push(" AND o.recipient_name_lc < ?))", SqlArg::Text(format!("{lc}\u{10FFFF}")));
        }
    }
    if let Some(before) = query.before {
        q.push(" AND o.id > ?", SqlArg::Int(before));
    } else if let Some(after) = query.after {
        q.push(" AND o.id < ?", SqlArg::Int(after));
    }
    let order = if query.before.is_some() { "ASC" } else { "DESC" };
    q.push(&format!(" ORDER BY o.id {order} LIMIT ?"), SqlArg::Int(query.page_size() as i64 + 1));
    (q.sql, q.args)
}

/// SQL built clause by clause with numbered arguments: each `?` in a pushed fragment becomes
/// the next `$n`, bound from `args` in order (see `bind_args`).
pub struct SqlBuilder {
    pub sql: String,
    pub args: Vec<SqlArg>,
}

impl SqlBuilder {
    pub fn new(sql: String, args: Vec<SqlArg>) -> Self {
        Self { sql, args }
    }

    /// Appends `fragment`, its one `?` standing for `arg`.
    pub fn push(&mut self, fragment: &str, arg: SqlArg) {
        self.args.push(arg);
        self.sql.push_str(&fragment.replace('?', &format!("${}", self.args.len())));
    }

    /// Appends ` AND column IN ($a, $b, …)` for `values`.
    pub fn push_in(&mut self, column: &str, values: impl IntoIterator<Item = i64>) {
        let mut placeholders = Vec::new();
        for v in values {
            self.args.push(SqlArg::Int(v));
            placeholders.push(format!("${}", self.args.len()));
        }
        self.sql.push_str(&format!(" AND {column} IN ({})", placeholders.join(", ")));
    }
}

pub fn bind_args<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [SqlArg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            SqlArg::Int(i) => q.bind(*i),
            SqlArg::Text(t) => q.bind(t.as_str()),
        };
    }
    q
}

pub enum SqlArg {
    Int(i64),
    Text(String),
}
