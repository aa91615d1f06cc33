//! Platform orders: stores, synced orders, their statuses and actions, SKU mappings, dispatch
//! to a warehouse, B2B acknowledgment. Rules here run in the browser and on the server alike.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, SkuId, WarehouseId};
use super::order::{LabelRef, OrderDraft, OrderId, OrderLineDraft};
use super::recipient::{required_recipient_fields, Recipient};
use super::validation::ValidationErrors;
use super::ChannelId;

pub type StoreId = i64;
pub type PlatformOrderId = i64;
pub type SyncTaskId = i64;
pub type MappingId = i64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlatformKind {
    Shopify,
}

impl PlatformKind {
    pub const ALL: [PlatformKind; 1] = [PlatformKind::Shopify];
    pub fn code(self) -> &'static str {
        match self {
            PlatformKind::Shopify => "shopify",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            PlatformKind::Shopify => "Shopify",
        }
    }
}

// ---------------------------------------------------------------- stores

/// A connected store as the merchant sees it (never the token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInfo {
    pub id: StoreId,
    pub name: String,
    pub platform: PlatformKind,
    pub shop_domain: String,
    /// Last 4 characters of the access token, to tell tokens apart.
    pub token_hint: String,
    pub auto_sync: bool,
    pub last_synced_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

/// The 【Add Store】 form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreInput {
    pub name: String,
    pub shop_domain: String,
    pub access_token: String,
    pub auto_sync: bool,
}

pub const MAX_ORDER_NUMBERS: usize = 100;
/// Longest 【Time Range Sync】 window.
pub const MAX_SYNC_RANGE_MS: i64 = 31 * 24 * 3_600_000;
/// How often auto sync looks at a store.
pub const AUTO_SYNC_INTERVAL_MS: i64 = 5 * 60_000;

impl StoreInput {
    /// Trimmed and checked: a `*.myshopify.com` domain, a token, a name.
    pub fn validated(&self) -> Result<StoreInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = self.name.trim().to_string();
        let domain = self.shop_domain.trim().trim_start_matches("https://").trim_end_matches('/').to_ascii_lowercase();
        let token = self.access_token.trim().to_string();
        if name.is_empty() {
            errors.add("name", "Please enter a store name");
        } else if name.chars().count() > 100 {
            errors.add("name", "Store name must be 100 characters or fewer");
        }
        let shop = domain.strip_suffix(".myshopify.com").unwrap_or("");
        if shop.is_empty() || !shop.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            errors.add("shop_domain", "Shop domain must look like your-shop.myshopify.com");
        }
        if token.len() < 8 || token.len() > 200 || token.chars().any(char::is_whitespace) {
            errors.add("access_token", "Please paste the store's Admin API access token");
        }
        if errors.is_empty() {
            Ok(StoreInput { name, shop_domain: domain, access_token: token, auto_sync: self.auto_sync })
        } else {
            Err(errors)
        }
    }
}

// ---------------------------------------------------------------- imported orders

/// B2B orders are acknowledged against stock before dispatch; B2C orders go straight out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum OrderKind {
    B2C,
    B2B,
}

impl OrderKind {
    pub fn code(self) -> &'static str {
        match self {
            OrderKind::B2C => "b2c",
            OrderKind::B2B => "b2b",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [OrderKind::B2C, OrderKind::B2B].into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            OrderKind::B2C => "B2C",
            OrderKind::B2B => "B2B",
        }
    }
}

/// B2B when the order or its customer is tagged `b2b` / `wholesale`, or the order came from a
/// wholesale channel; everything else is B2C.
pub fn classify_order(order_tags: &str, customer_tags: &str, source_name: &str) -> OrderKind {
    let is_b2b_word = |t: &str| matches!(t.trim().to_ascii_lowercase().as_str(), "b2b" | "wholesale");
    let tagged = order_tags.split(',').chain(customer_tags.split(',')).any(is_b2b_word);
    if tagged || is_b2b_word(source_name) {
        OrderKind::B2B
    } else {
        OrderKind::B2C
    }
}

/// Decimal digits after the point for a currency's minor unit.
pub fn currency_decimals(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// "409.94" USD → 40994, exactly (no floating point). More decimals than the currency has
/// are refused unless they are zeros ("1.50" JPY is an error, "1.0" JPY is 1).
pub fn parse_money_minor(amount: &str, currency: &str) -> Result<i64, String> {
    let decimals = currency_decimals(currency);
    let text = amount.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let bad = || format!("{amount:?} is not an amount in {currency}");
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (kept, extra) = frac.split_at(frac.len().min(decimals as usize));
    if extra.bytes().any(|b| b != b'0') {
        return Err(format!("{amount:?} has more decimals than {currency} allows"));
    }
    let scale = 10i64.pow(decimals);
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let mut minor: i64 = if kept.is_empty() { 0 } else { kept.parse().map_err(|_| bad())? };
    minor *= 10i64.pow(decimals - kept.len() as u32);
    let total = whole.checked_mul(scale).and_then(|w| w.checked_add(minor)).ok_or_else(bad)?;
    Ok(if negative { -total } else { total })
}

/// One line of a platform order, as imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedLine {
    pub platform_line_id: i64,
    pub platform_sku: String,
    pub title: String,
    pub quantity: i64,
    /// Units still to ship (Shopify `fulfillable_quantity`).
    pub fulfillable_quantity: i64,
    pub price_minor: i64,
    pub requires_shipping: bool,
}

/// A platform order as the connector hands it over; money already in minor units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedOrder {
    pub platform_order_id: i64,
    /// The shop's order number as shown to people ("#1001").
    pub order_no: String,
    pub source_channel: String,
    pub kind: OrderKind,
    pub currency: String,
    pub total_minor: i64,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub shipping_minor: i64,
    pub discount_minor: i64,
    pub financial_status: String,
    pub payment_gateway: String,
    /// Shopify `fulfillment_status`: "" (none), "partial", "fulfilled".
    pub fulfillment_status: String,
    pub cancelled: bool,
    pub ordered_at_ms: i64,
    pub platform_updated_at_ms: i64,
    pub recipient: Recipient,
    pub lines: Vec<ImportedLine>,
}

// ---------------------------------------------------------------- statuses and actions

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum PlatformStatus {
    Pending,
    Processing,
    PartiallyShipped,
    Shipped,
    Completed,
    Cancelled,
    Acknowledged,
    ManualCompleted,
}

impl PlatformStatus {
    pub const ALL: [PlatformStatus; 8] = [
        Self::Pending,
        Self::Acknowledged,
        Self::Processing,
        Self::PartiallyShipped,
        Self::Shipped,
        Self::Completed,
        Self::ManualCompleted,
        Self::Cancelled,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::PartiallyShipped => "partially_shipped",
            Self::Shipped => "shipped",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Acknowledged => "acknowledged",
            Self::ManualCompleted => "manual_completed",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Processing => "Processing",
            Self::PartiallyShipped => "Partially Shipped",
            Self::Shipped => "Shipped",
            Self::Completed => "Completed",
            Self::Cancelled => "Cancelled",
            Self::Acknowledged => "Acknowledged",
            Self::ManualCompleted => "Manual Completed",
        }
    }
    /// Nothing more happens to the order.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled | Self::ManualCompleted)
    }
}

/// The status of an order seen for the first time.
pub fn initial_status(imported: &ImportedOrder) -> PlatformStatus {
    match (imported.cancelled, imported.fulfillment_status.as_str()) {
        (true, _) => PlatformStatus::Cancelled,
        (false, "fulfilled") => PlatformStatus::Completed,
        (false, "partial") => PlatformStatus::PartiallyShipped,
        _ => PlatformStatus::Pending,
    }
}

/// What the platform says about an order on a sync; the local status follows it where the
/// platform owns the answer (cancelled, fulfilled) and never moves local work backwards.
pub fn status_after_sync(local: PlatformStatus, imported: &ImportedOrder) -> PlatformStatus {
    use PlatformStatus::*;
    if imported.cancelled && matches!(local, Pending | Acknowledged | Processing) {
        return Cancelled;
    }
    match (local, imported.fulfillment_status.as_str()) {
        (Shipped, "fulfilled") => Completed,
        (Pending | Processing, "partial") => PartiallyShipped,
        (s, _) => s,
    }
}

/// Things a merchant does to a platform order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlatformAction {
    Dispatch,
    Acknowledge,
    /// Retry the automatic writeback after it failed.
    MarkShipped,
    ManualShip,
    Cancel,
}

impl PlatformAction {
    pub fn label(self) -> &'static str {
        match self {
            Self::Dispatch => "Dispatch to Warehouse",
            Self::Acknowledge => "Acknowledge",
            Self::MarkShipped => "Mark Shipped",
            Self::ManualShip => "Manual Ship",
            Self::Cancel => "Cancel Order",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::Dispatch => "dispatch",
            Self::Acknowledge => "acknowledge",
            Self::MarkShipped => "mark_shipped",
            Self::ManualShip => "manual_ship",
            Self::Cancel => "cancel",
        }
    }
}

/// The parts of an order that decide which actions it allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOrderState {
    pub status: PlatformStatus,
    pub kind: OrderKind,
    /// A dispatched order's warehouse shipment could not be written back to the platform.
    pub writeback_failed: bool,
    /// B2B: units accepted by the acknowledgment (0 when everything was rejected).
    pub accepted_units: i64,
    pub has_dropship_order: bool,
}

impl PlatformAction {
    /// The one place that says when an action is allowed (buttons and server agree).
    pub fn allowed(self, s: &PlatformOrderState) -> bool {
        use PlatformStatus::*;
        match self {
            Self::Dispatch => match s.kind {
                OrderKind::B2C => s.status == Pending,
                OrderKind::B2B => s.status == Acknowledged && s.accepted_units > 0 && !s.has_dropship_order,
            },
            Self::Acknowledge => s.kind == OrderKind::B2B && s.status == Pending,
            Self::MarkShipped => s.writeback_failed && matches!(s.status, Processing | PartiallyShipped),
            Self::ManualShip => matches!(s.status, Pending | Acknowledged | Processing | PartiallyShipped),
            Self::Cancel => matches!(s.status, Pending | Acknowledged | Processing),
        }
    }

    /// Why the action is not possible now, for a refused request.
    pub fn refusal(self, s: &PlatformOrderState) -> String {
        match (self, s.kind) {
            (Self::Dispatch, OrderKind::B2B) if s.status == PlatformStatus::Pending => {
                "Acknowledge this B2B order before dispatching it".into()
            }
            (Self::Dispatch, OrderKind::B2B) if s.status == PlatformStatus::Acknowledged && s.accepted_units == 0 => {
                "Every line was rejected; there is nothing to dispatch".into()
            }
            _ => format!("{} is not possible for an order that is {}", self.label(), s.status.label()),
        }
    }
}

// ---------------------------------------------------------------- list and detail

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlatformOrderQuery {
    pub kind: Option<OrderKind>,
    pub order_no: String,
    pub store_id: Option<StoreId>,
    pub status: Option<PlatformStatus>,
    pub source_channel: String,
    pub ordered_from_ms: Option<i64>,
    pub ordered_to_ms: Option<i64>,
    pub recipient_name: String,
    pub tracking_no: String,
    /// Keyset: orders with a smaller id than this (newest first).
    pub before_id: Option<PlatformOrderId>,
    pub limit: u32,
}

pub const PLATFORM_PAGE_SIZE: u32 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOrderSummary {
    pub id: PlatformOrderId,
    pub store_id: StoreId,
    pub store_name: String,
    pub order_no: String,
    pub source_channel: String,
    pub kind: OrderKind,
    pub status: PlatformStatus,
    pub total_minor: i64,
    pub currency: String,
    /// What the warehouse's carrier charged for the dispatched order.
    pub wms_shipping_cost_minor: Option<i64>,
    pub ordered_at_ms: i64,
    pub warehouse_name: String,
    pub recipient_name: String,
    pub tracking_no: String,
    /// Why the order is stuck (shown under its status), empty when it is not.
    pub exception: String,
    pub dropship_order_id: Option<OrderId>,
    pub writeback_failed: bool,
    pub accepted_units: i64,
}

impl PlatformOrderSummary {
    pub fn state(&self) -> PlatformOrderState {
        PlatformOrderState {
            status: self.status,
            kind: self.kind,
            writeback_failed: self.writeback_failed,
            accepted_units: self.accepted_units,
            has_dropship_order: self.dropship_order_id.is_some(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOrderPage {
    pub orders: Vec<PlatformOrderSummary>,
    pub next_before_id: Option<PlatformOrderId>,
}

/// One line with what the merchant decided about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformLine {
    pub line_id: i64,
    pub platform_sku: String,
    pub title: String,
    pub quantity: i64,
    pub fulfillable_quantity: i64,
    pub price_minor: i64,
    pub requires_shipping: bool,
    /// Mapped warehouse SKU code, None = 【Not Mapped】.
    pub warehouse_sku: Option<String>,
    /// B2B acknowledgment (None until acknowledged).
    pub accepted_quantity: Option<i64>,
    pub reject_reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOrderDetail {
    pub summary: PlatformOrderSummary,
    pub platform_order_id: i64,
    pub financial_status: String,
    pub payment_gateway: String,
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub shipping_minor: i64,
    pub discount_minor: i64,
    pub recipient: Recipient,
    pub lines: Vec<PlatformLine>,
    pub warehouse_id: Option<WarehouseId>,
    pub carrier: String,
    pub service_type: String,
}

// ---------------------------------------------------------------- sync

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncMode {
    Auto,
    Immediate,
    TimeRange { from_ms: i64, to_ms: i64 },
    OrderNumbers(Vec<String>),
}

impl SyncMode {
    pub fn label(&self) -> &'static str {
        match self {
            SyncMode::Auto => "Auto Sync",
            SyncMode::Immediate => "Immediate Sync",
            SyncMode::TimeRange { .. } => "Time Range Sync",
            SyncMode::OrderNumbers(_) => "Order Number Sync",
        }
    }

    /// Checks a manual request: a range that ends after it starts and spans at most 31 days; 1 to
    /// 100 order numbers (split on commas, spaces or new lines, duplicates dropped).
    pub fn validated(self) -> Result<SyncMode, ValidationErrors> {
        match self {
            SyncMode::TimeRange { from_ms, to_ms } if to_ms <= from_ms => {
                Err(ValidationErrors::single("range", "The end time must be after the start time"))
            }
            SyncMode::TimeRange { from_ms, to_ms } if to_ms - from_ms > MAX_SYNC_RANGE_MS => {
                Err(ValidationErrors::single("range", "A time range can span at most 31 days"))
            }
            SyncMode::OrderNumbers(numbers) => {
                let numbers = split_order_numbers(&numbers.join("\n"));
                if numbers.is_empty() {
                    Err(ValidationErrors::single("order_numbers", "Please enter at least one order number"))
                } else if numbers.len() > MAX_ORDER_NUMBERS {
                    Err(ValidationErrors::single("order_numbers", format!("At most {MAX_ORDER_NUMBERS} order numbers per sync")))
                } else {
                    Ok(SyncMode::OrderNumbers(numbers))
                }
            }
            other => Ok(other),
        }
    }
}

/// "#1001, 1002\n#1003" → ["#1001", "#1002", "#1003"] (a missing "#" is added; order kept).
pub fn split_order_numbers(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c.is_whitespace()) {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let number = if raw.starts_with('#') { raw.to_string() } else { format!("#{raw}") };
        if !out.contains(&number) {
            out.push(number);
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncTaskStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl SyncTaskStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Failed].into_iter().find(|s| s.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Done => "Done",
            Self::Failed => "Failed",
        }
    }
}

/// Counts of one sync run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCounts {
    pub fetched: i64,
    pub created: i64,
    pub updated: i64,
    pub failed: i64,
}

/// A row of the 【Order Sync Log】.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncTask {
    pub id: SyncTaskId,
    pub store_id: StoreId,
    pub store_name: String,
    pub mode: SyncMode,
    pub status: SyncTaskStatus,
    pub created_at_ms: i64,
    pub started_at_ms: Option<i64>,
    pub finished_at_ms: Option<i64>,
    pub counts: SyncCounts,
    pub error: String,
}

// ---------------------------------------------------------------- SKU mappings

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuMapping {
    pub id: MappingId,
    pub store_id: StoreId,
    pub store_name: String,
    pub platform_sku: String,
    /// The merchant's warehouse SKU code (the same code in every warehouse that stocks it).
    pub warehouse_sku: String,
    pub updated_at_ms: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingInput {
    pub store_id: StoreId,
    pub platform_sku: String,
    pub warehouse_sku: String,
}

impl MappingInput {
    pub fn validated(&self, catalog: &Catalog) -> Result<MappingInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let platform_sku = self.platform_sku.trim().to_string();
        let warehouse_sku = self.warehouse_sku.trim().to_string();
        if platform_sku.is_empty() || platform_sku.len() > 100 {
            errors.add("platform_sku", "Please enter the platform SKU (at most 100 characters)");
        }
        if warehouse_sku.is_empty() {
            errors.add("warehouse_sku", "Please choose a warehouse SKU");
        } else if !catalog.skus.iter().any(|s| s.code == warehouse_sku) {
            errors.add("warehouse_sku", format!("Warehouse SKU {warehouse_sku} does not exist"));
        }
        if errors.is_empty() {
            Ok(MappingInput { store_id: self.store_id, platform_sku, warehouse_sku })
        } else {
            Err(errors)
        }
    }
}

// ---------------------------------------------------------------- dispatch

/// 【Dispatch to Warehouse】 for one order (or, with `recipient` None, one order of a batch).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DispatchRequest {
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub warehouse_id: Option<WarehouseId>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub channel_id: Option<ChannelId>,
    /// The recipient as corrected in the dialog; None keeps the platform's.
    pub recipient: Option<Recipient>,
    /// Platform SKU → warehouse SKU code chosen in the dialog; saved as mappings.
    pub bindings: BTreeMap<String, String>,
    /// Self-pickup channels: the merchant's label and tracking number.
    pub label: Option<LabelRef>,
    pub tracking_no: String,
}

pub const MSG_BATCH_SELF_PICKUP: &str = "Batch dispatch cannot use a self-pickup channel; dispatch these orders one at a time with their labels";
pub const MSG_NO_SHIPPABLE_ITEMS: &str = "No shippable items";

pub fn msg_sku_not_mapped(platform_sku: &str) -> String {
    format!("SKU [{platform_sku}] not mapped to a warehouse SKU")
}

/// A line to send: platform SKU, units. B2B orders send their accepted units; B2C what is
/// still fulfillable. Lines that need no shipping are left out.
pub fn shippable_units(order: &PlatformOrderDetail) -> Vec<(String, i64)> {
    order
        .lines
        .iter()
        .filter(|l| l.requires_shipping)
        .map(|l| {
            let units = match order.summary.kind {
                OrderKind::B2B => l.accepted_quantity.unwrap_or(0),
                OrderKind::B2C => l.fulfillable_quantity,
            };
            (l.platform_sku.clone(), units)
        })
        .filter(|(_, units)| *units > 0)
        .collect()
}

/// Builds the dropship order a dispatch creates, or says why it cannot: unmapped SKUs, missing
/// address fields, no shippable items, a SKU the chosen warehouse does not stock. The result
/// still goes through `validate_for_save` (channel and SKU rules of every order).
pub fn dispatch_draft(
    order: &PlatformOrderDetail,
    request: &DispatchRequest,
    mappings: &BTreeMap<String, String>,
    catalog: &Catalog,
) -> Result<OrderDraft, String> {
    let units = shippable_units(order);
    if units.is_empty() {
        return Err(MSG_NO_SHIPPABLE_ITEMS.into());
    }
    let recipient = request.recipient.clone().unwrap_or_else(|| order.recipient.clone());
    let missing: Vec<&str> = required_recipient_fields(&recipient.country)
        .iter()
        .filter(|f| recipient.get(**f).trim().is_empty())
        .map(|f| f.label())
        .collect();
    if !missing.is_empty() {
        return Err(format!("Recipient address is missing: {}", missing.join(", ")));
    }
    let warehouse = request.warehouse_id;
    let mut lines: Vec<OrderLineDraft> = Vec::new();
    for (platform_sku, quantity) in units {
        let code = request.bindings.get(&platform_sku).or_else(|| mappings.get(&platform_sku));
        let Some(code) = code else { return Err(msg_sku_not_mapped(&platform_sku)) };
        let sku_id: Option<SkuId> = warehouse.and_then(|w| catalog.skus_in(w).find(|s| &s.code == code).map(|s| s.id));
        let Some(sku_id) = sku_id else {
            return Err(format!("Warehouse SKU {code} (for [{platform_sku}]) is not stocked in the chosen warehouse"));
        };
        match lines.iter_mut().find(|l| l.sku_id == sku_id) {
            Some(line) => line.quantity += quantity,
            None => lines.push(OrderLineDraft { sku_id, quantity }),
        }
    }
    Ok(OrderDraft {
        warehouse_id: warehouse,
        // Platform orders are dropshipping; the channel's business type is the order's.
        business_type_id: request.channel_id.and_then(|c| catalog.channel(c)).map(|c| c.business_type_id),
        platform_order_no: order.summary.order_no.clone(),
        recipient,
        lines,
        channel_id: request.channel_id,
        signature_option: None,
        tracking_no: request.tracking_no.trim().to_string(),
        label: request.label.clone(),
    }
    .trimmed())
}

/// SKU bindings chosen in the dispatch dialog are saved as mappings, so each must be for a
/// platform SKU on this order and name one of the merchant's warehouse SKUs.
pub fn validate_bindings(order: &PlatformOrderDetail, bindings: &BTreeMap<String, String>, catalog: &Catalog) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    for (platform_sku, code) in bindings {
        if !order.lines.iter().any(|l| &l.platform_sku == platform_sku) {
            if errors.first("bindings").is_none() {
                errors.add("bindings", "A SKU binding names a platform SKU that is not on this order");
            }
        } else if !catalog.skus.iter().any(|s| &s.code == code) {
            errors.add(format!("bindings.{platform_sku}"), "Please choose one of your warehouse SKUs");
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// One order's result in a 【Batch Dispatch to Warehouse】.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispatchResult {
    pub platform_order_id: PlatformOrderId,
    pub order_no: String,
    /// The created dropship order, or why none was created.
    pub outcome: Result<OrderId, String>,
}

// ---------------------------------------------------------------- B2B acknowledgment

/// The merchant's answer for one line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckLineInput {
    pub line_id: i64,
    pub accepted: i64,
    pub reason: String,
}

/// What the acknowledgment dialog shows for one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckLineView {
    pub line_id: i64,
    pub platform_sku: String,
    pub title: String,
    pub ordered: i64,
    pub warehouse_sku: Option<String>,
    /// Available stock of the mapped SKU in the chosen warehouse (0 when unmapped).
    pub available: i64,
}

/// Checks an acknowledgment against the lines and the stock: 0 ≤ accepted ≤ ordered and
/// ≤ available; a line with rejected units needs a reason.
pub fn validate_acknowledgment(lines: &[AckLineView], answers: &[AckLineInput]) -> Result<Vec<AckLineInput>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut out = Vec::new();
    for line in lines {
        let field = format!("line.{}", line.line_id);
        let Some(answer) = answers.iter().find(|a| a.line_id == line.line_id) else {
            errors.add(field, format!("Please answer line {}", line.platform_sku));
            continue;
        };
        let reason = answer.reason.trim().to_string();
        if answer.accepted < 0 || answer.accepted > line.ordered {
            errors.add(field, format!("Accepted quantity must be between 0 and {}", line.ordered));
        } else if answer.accepted > line.available {
            errors.add(field, format!("Only {} available for {}", line.available, line.platform_sku));
        } else if answer.accepted < line.ordered && reason.is_empty() {
            errors.add(field, "Please give a reason for the rejected quantity");
        } else if reason.chars().count() > 200 {
            errors.add(field, "Reason must be 200 characters or fewer");
        } else {
            out.push(AckLineInput { line_id: line.line_id, accepted: answer.accepted, reason });
        }
    }
    if answers.iter().any(|a| !lines.iter().any(|l| l.line_id == a.line_id)) {
        errors.add("lines", "An answer refers to a line that is not on this order");
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- manual ship

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualShipInput {
    pub tracking_no: String,
    /// A channel picked from the list or typed (carrier name).
    pub channel: String,
    pub service_type: String,
}

impl ManualShipInput {
    pub fn validated(&self) -> Result<ManualShipInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let tracking_no = self.tracking_no.trim().to_string();
        let channel = self.channel.trim().to_string();
        if tracking_no.is_empty() {
            errors.add("tracking_no", "Please enter the tracking number");
        } else if tracking_no.len() > 60 || tracking_no.chars().any(char::is_whitespace) {
            errors.add("tracking_no", "Tracking number: up to 60 characters, no spaces");
        }
        if channel.is_empty() {
            errors.add("channel", "Please choose or type the shipping channel");
        } else if channel.chars().count() > 100 {
            errors.add("channel", "Shipping channel must be 100 characters or fewer");
        }
        let service_type = self.service_type.trim().to_string();
        if service_type.chars().count() > 100 {
            errors.add("service_type", "Service type must be 100 characters or fewer");
        }
        if errors.is_empty() {
            Ok(ManualShipInput { tracking_no, channel, service_type })
        } else {
            Err(errors)
        }
    }
}

/// What is written back to the platform for a shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulfillmentRequest {
    pub platform_order_id: i64,
    pub tracking_no: String,
    pub carrier: String,
    pub service_type: String,
    /// (platform line id, units)
    pub lines: Vec<(i64, i64)>,
}

/// What the platform is told about an acknowledgment.
pub fn acknowledgment_note(lines: &[AckLineView], answers: &[AckLineInput]) -> String {
    let parts: Vec<String> = lines
        .iter()
        .filter_map(|l| answers.iter().find(|a| a.line_id == l.line_id).map(|a| (l, a)))
        .map(|(l, a)| {
            let rejected = l.ordered - a.accepted;
            if rejected > 0 {
                format!("{}: accepted {} of {}, rejected {} ({})", l.platform_sku, a.accepted, l.ordered, rejected, a.reason)
            } else {
                format!("{}: accepted {}", l.platform_sku, a.accepted)
            }
        })
        .collect();
    format!("Acknowledged by the warehouse — {}", parts.join("; "))
}

/// The fulfillment for every line still to ship (B2B: the accepted units).
pub fn fulfillment_for(order: &PlatformOrderDetail, tracking_no: &str, carrier: &str, service_type: &str) -> FulfillmentRequest {
    let lines = order
        .lines
        .iter()
        .filter(|l| l.requires_shipping)
        .map(|l| (l.line_id, if order.summary.kind == OrderKind::B2B { l.accepted_quantity.unwrap_or(0) } else { l.fulfillable_quantity }))
        .filter(|(_, units)| *units > 0)
        .collect();
    FulfillmentRequest {
        platform_order_id: order.platform_order_id,
        tracking_no: tracking_no.to_string(),
        carrier: carrier.to_string(),
        service_type: service_type.to_string(),
        lines,
    }
}

#[cfg(test)]
mod tests;
