//! The dropship outbound order as the merchant edits it, and the views the pages show.

use serde::{Deserialize, Serialize};

use super::catalog::*;
use super::recipient::Recipient;
use super::shipping::LabelStatus;
use super::status::{OrderAction, OrderStatus};

pub type OrderId = i64;

/// Largest page the list returns; keeps one request cheap whatever the caller asks for.
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Human order number shown everywhere, derived from the id so it needs no column of its own.
pub fn order_no(id: OrderId) -> String {
    format!("DD{id:08}")
}

/// Reverse of [`order_no`], for searching: "DD00000042" or "dd42" → 42.
pub fn parse_order_no(text: &str) -> Option<OrderId> {
    let t = text.trim();
    let digits = t.strip_prefix("DD").or_else(|| t.strip_prefix("dd"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A self-pickup label the merchant uploaded (the file itself lives in the label store).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LabelRef {
    pub id: String,
    pub file_name: String,
    pub size_bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderLineDraft {
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub sku_id: SkuId,
    pub quantity: i64,
}

/// Everything the create/edit form holds. The same value is validated in the browser and on
/// the server by [`crate::domain::validate_for_save`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderDraft {
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub warehouse_id: Option<WarehouseId>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub business_type_id: Option<BusinessTypeId>,
    pub platform_order_no: String,
    pub recipient: Recipient,
    pub lines: Vec<OrderLineDraft>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub channel_id: Option<ChannelId>,
    pub signature_option: Option<SignatureOption>,
    /// Self-pickup only: the merchant's own tracking number.
    pub tracking_no: String,
    /// Self-pickup only: the merchant's own label.
    pub label: Option<LabelRef>,
}

impl OrderDraft {
    /// Trim what the user typed, so "  " counts as empty on both sides of the wire.
    pub fn trimmed(mut self) -> Self {
        let r = &mut self.recipient;
        for s in [
            &mut r.name,
            &mut r.phone,
            &mut r.email,
            &mut r.country,
            &mut r.state,
            &mut r.city,
            &mut r.address1,
            &mut r.address2,
            &mut r.postal_code,
            &mut self.platform_order_no,
            &mut self.tracking_no,
        ] {
            let t = s.trim();
            if t.len() != s.len() {
                *s = t.to_string();
            }
        }
        r.country = r.country.to_uppercase();
        self
    }

    pub fn total_units(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
}

/// What an edit of a Draft changed, for its history: "Channel: USPS_GA → UPS_GND; Recipient
/// city: Miami → Orlando; SKU MUG-01: 2 → 3". Empty when nothing changed.
pub fn describe_draft_edit(before: &OrderDraft, after: &OrderDraft, catalog: &Catalog) -> String {
    let mut changes: Vec<String> = Vec::new();
    let mut text = |label: &str, b: &str, a: &str| {
        if b != a {
            let shown = |v: &str| if v.is_empty() { "—".to_string() } else { v.to_string() };
            changes.push(format!("{label}: {} → {}", shown(b), shown(a)));
        }
    };
    let warehouse = |id: Option<WarehouseId>| id.and_then(|id| catalog.warehouse(id)).map(|w| w.code.clone()).unwrap_or_default();
    let channel = |id: Option<ChannelId>| id.and_then(|id| catalog.channel(id)).map(|c| c.code.clone()).unwrap_or_default();
    let signature = |s: Option<SignatureOption>| s.map(|s| s.label().to_string()).unwrap_or_default();
    text("Warehouse", &warehouse(before.warehouse_id), &warehouse(after.warehouse_id));
    text("Channel", &channel(before.channel_id), &channel(after.channel_id));
    text("Signature", &signature(before.signature_option), &signature(after.signature_option));
    text("Platform order no.", &before.platform_order_no, &after.platform_order_no);
    text("Tracking no.", &before.tracking_no, &after.tracking_no);
    let label = |l: &Option<LabelRef>| l.as_ref().map(|l| l.file_name.clone()).unwrap_or_default();
    text("Label", &label(&before.label), &label(&after.label));
    let (rb, ra) = (&before.recipient, &after.recipient);
    for (name, b, a) in [
        ("name", &rb.name, &ra.name),
        ("phone", &rb.phone, &ra.phone),
        ("email", &rb.email, &ra.email),
        ("country", &rb.country, &ra.country),
        ("state", &rb.state, &ra.state),
        ("city", &rb.city, &ra.city),
        ("address 1", &rb.address1, &ra.address1),
        ("address 2", &rb.address2, &ra.address2),
        ("postal code", &rb.postal_code, &ra.postal_code),
    ] {
        text(&format!("Recipient {name}"), b, a);
    }
    let units = |d: &OrderDraft, sku: SkuId| d.lines.iter().filter(|l| l.sku_id == sku).map(|l| l.quantity).sum::<i64>();
    let mut skus: Vec<SkuId> = before.lines.iter().chain(&after.lines).map(|l| l.sku_id).collect();
    skus.sort_unstable();
    skus.dedup();
    for sku in skus {
        let code = catalog.sku(sku).map(|s| s.code.clone()).unwrap_or_else(|| format!("#{sku}"));
        text(&format!("SKU {code}"), &units(before, sku).to_string(), &units(after, sku).to_string());
    }
    changes.join("; ")
}

/// One row of the order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: OrderId,
    pub platform_order_no: String,
    pub status: OrderStatus,
    pub recipient_name: String,
    pub recipient_country: String,
    pub warehouse_code: String,
    pub channel_code: String,
    pub tracking_no: String,
    pub label_status: LabelStatus,
    /// The carrier's message when the label purchase failed.
    pub label_error: String,
    /// Why the order is held (no stock, short pick); empty when it is not.
    pub exception: String,
    pub carrier: String,
    pub total_units: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrderListQuery {
    pub status: Option<OrderStatus>,
    /// Matches order no., platform order no., tracking no. (exact) or recipient name (prefix).
    pub search: String,
    /// Keyset cursors: rows with id below `after` (next page) or above `before` (previous page).
    pub after: Option<OrderId>,
    pub before: Option<OrderId>,
    pub limit: Option<u32>,
}

impl OrderListQuery {
    pub fn page_size(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub rows: Vec<OrderSummary>,
    /// Cursor for the next (older) page, if there is one.
    pub next_after: Option<OrderId>,
    /// Cursor for the previous (newer) page, if there is one.
    pub prev_before: Option<OrderId>,
}

/// Who did what when; shown on the order's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub at_ms: i64,
    pub actor: String,
    pub action: OrderAction,
    pub from_status: Option<OrderStatus>,
    pub to_status: OrderStatus,
    /// What an edit changed (empty for status changes).
    #[serde(default)]
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub sku_id: SkuId,
    pub sku_code: String,
    pub sku_name: String,
    pub quantity: i64,
}

/// Everything the detail page shows about one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub id: OrderId,
    pub status: OrderStatus,
    pub draft: OrderDraft,
    pub warehouse_name: String,
    pub business_name: String,
    pub channel: Option<Channel>,
    pub lines: Vec<OrderLineView>,
    pub label_status: LabelStatus,
    pub label_error: String,
    /// What the carrier charged for the label, in minor units.
    pub shipping_cost_minor: Option<i64>,
    pub shipping_currency: String,
    /// Why the order is held (no stock, short pick); empty when it is not.
    pub exception: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub events: Vec<OrderEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_round_trip() {
        assert_eq!(order_no(42), "DD00000042");
        assert_eq!(parse_order_no("DD00000042"), Some(42));
        assert_eq!(parse_order_no(" dd42 "), Some(42));
        assert_eq!(parse_order_no("DD"), None);
        assert_eq!(parse_order_no("DD12x"), None);
        assert_eq!(parse_order_no("12"), None);
    }

    #[test]
    fn page_size_is_clamped() {
        let mut q = OrderListQuery::default();
        assert_eq!(q.page_size(), DEFAULT_PAGE_SIZE);
        q.limit = Some(10_000);
        assert_eq!(q.page_size(), MAX_PAGE_SIZE);
        q.limit = Some(0);
        assert_eq!(q.page_size(), 1);
    }
}
