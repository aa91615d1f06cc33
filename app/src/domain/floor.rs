//! Warehouse floor rules: waves, judging pick and pack scans, weights, stock adjustments.
//! Scans are judged here so the phone can answer instantly from data it already holds, and
//! the server checks the same rules when the command arrives.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog::{ChannelId, SkuId, WarehouseId};
use super::order::OrderId;
use super::validation::ValidationErrors;

pub type WaveId = i64;

/// "W" + zero-padded id, what the floor sees and prints.
pub fn wave_no(id: WaveId) -> String {
    format!("W{id:05}")
}

/// Which Submitted orders a new wave takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemMix {
    #[default]
    Any,
    /// Orders with exactly one unit: pick straight into the parcel.
    Single,
    Multi,
}

impl ItemMix {
    pub fn code(self) -> &'static str {
        match self {
            ItemMix::Any => "any",
            ItemMix::Single => "single",
            ItemMix::Multi => "multi",
        }
    }
    pub fn from_code(code: &str) -> Self {
        match code {
            "single" => ItemMix::Single,
            "multi" => ItemMix::Multi,
            _ => ItemMix::Any,
        }
    }
    pub fn accepts(self, total_units: i64) -> bool {
        match self {
            ItemMix::Any => true,
            ItemMix::Single => total_units == 1,
            ItemMix::Multi => total_units > 1,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WaveFilter {
    pub channel_id: Option<ChannelId>,
    /// Carrier name as on the channel (e.g. "UPS").
    pub carrier: Option<String>,
    /// Only orders submitted at or before this time.
    pub cutoff_ms: Option<i64>,
    pub item_mix: ItemMix,
    /// Restrict to these orders (a one-order wave from the queue).
    pub order_ids: Vec<OrderId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaveStatus {
    Picking,
    Picked,
}

impl WaveStatus {
    pub fn code(self) -> &'static str {
        match self {
            WaveStatus::Picking => "picking",
            WaveStatus::Picked => "picked",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "picking" => Some(WaveStatus::Picking),
            "picked" => Some(WaveStatus::Picked),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaveSummary {
    pub id: WaveId,
    pub warehouse_id: WarehouseId,
    pub status: WaveStatus,
    pub description: String,
    pub order_count: i64,
    pub units: i64,
    pub picked_units: i64,
    pub created_at_ms: i64,
    pub created_by: String,
}

/// One SKU to pick for a wave (all its orders together).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickLine {
    pub sku_id: SkuId,
    pub sku_code: String,
    pub sku_name: String,
    pub barcode: String,
    pub bin: String,
    pub needed: i64,
    pub picked: i64,
    /// Units reported missing, with the reason.
    pub short: i64,
    pub short_reason: String,
}

impl PickLine {
    pub fn remaining(&self) -> i64 {
        (self.needed - self.picked - self.short).max(0)
    }
    pub fn is_done(&self) -> bool {
        self.remaining() == 0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickSheet {
    pub wave: WaveSummary,
    /// In walking order.
    pub lines: Vec<PickLine>,
}

/// Walking order: bins compared piecewise so "A-2" comes before "A-10", then SKU code.
pub fn sort_walking_order(lines: &mut [PickLine]) {
    lines.sort_by(|a, b| bin_key(&a.bin).cmp(&bin_key(&b.bin)).then_with(|| a.sku_code.cmp(&b.sku_code)));
}

/// Splits a bin code into text and number pieces so numbers compare by value.
fn bin_key(bin: &str) -> Vec<(String, u64)> {
    bin.split(['-', '.', ' '])
        .map(|part| {
            let digits: String = part.chars().filter(|c| c.is_ascii_digit()).collect();
            let letters: String = part.chars().filter(|c| !c.is_ascii_digit()).collect::<String>().to_uppercase();
            (letters, digits.parse().unwrap_or(0))
        })
        .collect()
}

fn same_code(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// What a scan on the pick screen means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickScan {
    /// The picker is at this bin now.
    Bin(String),
    /// One unit of this SKU taken from the current bin.
    Unit(SkuId),
}

/// Judges one scan against the wave's lines and the bin the picker last scanned.
/// The error text is what the picker sees (with a red flash and a buzz).
pub fn judge_pick_scan(lines: &[PickLine], current_bin: Option<&str>, code: &str) -> Result<PickScan, String> {
    let code = code.trim();
    if code.is_empty() {
        return Err("Empty scan".into());
    }
    if let Some(line) = lines.iter().find(|l| same_code(&l.bin, code)) {
        if lines.iter().filter(|l| same_code(&l.bin, code)).all(PickLine::is_done) {
            return Err(format!("Bin {} has nothing left to pick on this wave", line.bin));
        }
        return Ok(PickScan::Bin(line.bin.clone()));
    }
    let Some(line) = lines.iter().find(|l| same_code(&l.barcode, code) || same_code(&l.sku_code, code)) else {
        return Err(format!("Wrong item: {code} is not on this wave"));
    };
    let Some(bin) = current_bin else {
        return Err(format!("Scan the bin first: {} is in bin {}", line.sku_code, line.bin));
    };
    if !same_code(bin, &line.bin) {
        return Err(format!("Wrong SKU for bin {bin}: {} belongs in bin {}", line.sku_code, line.bin));
    }
    if line.is_done() {
        return Err(format!("Over-pick: all {} of {} are already picked", line.needed - line.short, line.sku_code));
    }
    Ok(PickScan::Unit(line.sku_id))
}

/// What completing a pick did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickResult {
    pub picked_orders: i64,
    /// Orders held because of a short, with the reason.
    pub held: Vec<(OrderId, String)>,
}

/// An order line as the packer checks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackLine {
    pub sku_id: SkuId,
    pub sku_code: String,
    pub sku_name: String,
    pub barcode: String,
    pub quantity: i64,
}

/// Judges a pack scan: the SKU if it belongs to the order and is not yet complete.
pub fn judge_pack_scan(lines: &[PackLine], scanned: &BTreeMap<SkuId, i64>, code: &str) -> Result<SkuId, String> {
    let code = code.trim();
    let Some(line) = lines.iter().find(|l| same_code(&l.barcode, code) || same_code(&l.sku_code, code)) else {
        return Err(format!("Wrong item: {code} is not in this order"));
    };
    let have = scanned.get(&line.sku_id).copied().unwrap_or(0);
    if have >= line.quantity {
        return Err(format!("Too many: the order has only {} × {}", line.quantity, line.sku_code));
    }
    Ok(line.sku_id)
}

/// What is still wrong before an order can be marked packed: missing and extra items.
pub fn pack_problems(lines: &[PackLine], scanned: &BTreeMap<SkuId, i64>) -> Vec<String> {
    let mut problems = Vec::new();
    for line in lines {
        let have = scanned.get(&line.sku_id).copied().unwrap_or(0);
        if have < line.quantity {
            problems.push(format!("Missing {} × {}", line.quantity - have, line.sku_code));
        } else if have > line.quantity {
            problems.push(format!("{} × {} too many", have - line.quantity, line.sku_code));
        }
    }
    for (sku, n) in scanned {
        if *n > 0 && !lines.iter().any(|l| l.sku_id == *sku) {
            problems.push(format!("{n} unit(s) of an item that is not in this order"));
        }
    }
    problems
}

pub const MAX_PARCEL_GRAMS: i64 = 70_000;

/// Parcel weight typed in kilograms ("1.25", "0,8") → grams.
pub fn parse_weight_kg(text: &str) -> Result<i64, String> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return Err("Enter the parcel weight".into());
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t.as_str(), ""));
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits_ok(whole) || !digits_ok(frac) || (whole.is_empty() && frac.is_empty()) || frac.len() > 3 {
        return Err("Weight must be a number of kilograms, like 1.25".into());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| "Weight is too large".to_string())? };
    let frac_grams: i64 = format!("{frac:0<3}").parse().unwrap_or(0);
    let grams = whole.checked_mul(1000).and_then(|g| g.checked_add(frac_grams)).ok_or("Weight is too large")?;
    if grams == 0 {
        return Err("Weight must be more than 0".into());
    }
    if grams > MAX_PARCEL_GRAMS {
        return Err(format!("A parcel can weigh at most {} kg", MAX_PARCEL_GRAMS / 1000));
    }
    Ok(grams)
}

/// An order at the pack station.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackOrder {
    pub id: OrderId,
    pub channel_code: String,
    pub carrier: String,
    pub self_pickup: bool,
    pub tracking_no: String,
    /// Where the label PDF can be fetched; None while the carrier label is not ready.
    pub label_url: Option<String>,
    pub lines: Vec<PackLine>,
    /// Sum of the SKU weights, a hint for the packer.
    pub expected_grams: i64,
}

/// A scan command from the floor, with a client-made id so a replay applies once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloorCommand {
    pub id: String,
    pub action: FloorAction,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FloorAction {
    PickUnit { wave_id: WaveId, sku_id: SkuId },
    ShipParcel { tracking_no: String },
}

/// Longest client command id accepted (a UUID is 36).
pub const MAX_COMMAND_ID_LEN: usize = 64;

pub fn validate_command(cmd: &FloorCommand) -> Result<(), String> {
    if cmd.id.trim().is_empty() || cmd.id.len() > MAX_COMMAND_ID_LEN {
        return Err("Scan command id missing or too long".into());
    }
    if let FloorAction::ShipParcel { tracking_no } = &cmd.action {
        if tracking_no.trim().is_empty() || tracking_no.len() > 64 {
            return Err("Scan a tracking number".into());
        }
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandOutcome {
    /// False when this command id had already been applied (a replay).
    pub applied: bool,
    pub message: String,
}

/// One parcel handed to a carrier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRow {
    pub order_id: OrderId,
    pub carrier: String,
    pub channel_code: String,
    pub tracking_no: String,
    pub weight_grams: i64,
    pub shipped_at_ms: i64,
}

// ---- Inventory ----

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRow {
    pub sku_id: SkuId,
    pub sku_code: String,
    pub sku_name: String,
    pub merchant_name: String,
    pub bin: String,
    pub on_hand: i64,
    pub allocated: i64,
}

impl StockRow {
    pub fn available(&self) -> i64 {
        self.on_hand - self.allocated
    }
}

/// One of a merchant's SKUs in one warehouse, with its stock (the merchant's inventory view).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStock {
    pub sku_id: SkuId,
    pub sku_code: String,
    pub sku_name: String,
    pub warehouse_id: WarehouseId,
    pub warehouse_code: String,
    pub on_hand: i64,
    pub allocated: i64,
}

impl SkuStock {
    pub fn available(&self) -> i64 {
        self.on_hand - self.allocated
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdjustmentKind {
    /// Goods arrived: add to on hand.
    Receive,
    /// Cycle count: on hand becomes the counted quantity.
    Count,
    /// Damaged / lost: remove from on hand.
    Damage,
}

impl AdjustmentKind {
    pub const ALL: [AdjustmentKind; 3] = [AdjustmentKind::Receive, AdjustmentKind::Count, AdjustmentKind::Damage];
    pub fn code(self) -> &'static str {
        match self {
            AdjustmentKind::Receive => "receive",
            AdjustmentKind::Count => "count",
            AdjustmentKind::Damage => "damage",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            AdjustmentKind::Receive => "Receive",
            AdjustmentKind::Count => "Count",
            AdjustmentKind::Damage => "Damage",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAdjustment {
    pub sku_id: SkuId,
    pub kind: AdjustmentKind,
    pub quantity: i64,
    pub reason: String,
}

pub const FIELD_QUANTITY: &str = "quantity";
pub const FIELD_REASON: &str = "reason";
pub const MAX_STOCK_QUANTITY: i64 = 1_000_000;

/// The change to on hand an adjustment makes, or why it is refused. `on_hand` and
/// `allocated` are the current levels: stock promised to orders can never be adjusted away.
pub fn adjustment_delta(adj: &StockAdjustment, on_hand: i64, allocated: i64) -> Result<i64, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if adj.reason.trim().is_empty() {
        errors.add(FIELD_REASON, "Enter a reason for the adjustment");
    } else if adj.reason.chars().count() > 200 {
        errors.add(FIELD_REASON, "Keep the reason under 200 characters");
    }
    let q = adj.quantity;
    let delta = match adj.kind {
        AdjustmentKind::Receive if !(1..=MAX_STOCK_QUANTITY).contains(&q) => {
            errors.add(FIELD_QUANTITY, format!("Received quantity must be between 1 and {MAX_STOCK_QUANTITY}"));
            0
        }
        AdjustmentKind::Receive => q,
        AdjustmentKind::Count if !(0..=MAX_STOCK_QUANTITY).contains(&q) => {
            errors.add(FIELD_QUANTITY, format!("Counted quantity must be between 0 and {MAX_STOCK_QUANTITY}"));
            0
        }
        AdjustmentKind::Count if q < allocated => {
            errors.add(
                FIELD_QUANTITY,
                format!("Counted {q}, but {allocated} are allocated to open orders; resolve those orders first"),
            );
            0
        }
        AdjustmentKind::Count => q - on_hand,
        AdjustmentKind::Damage if q < 1 => {
            errors.add(FIELD_QUANTITY, "Damaged quantity must be at least 1");
            0
        }
        AdjustmentKind::Damage if q > on_hand - allocated => {
            errors.add(FIELD_QUANTITY, format!("Only {} unallocated unit(s) can be written off", on_hand - allocated));
            0
        }
        AdjustmentKind::Damage => -q,
    };
    if errors.is_empty() {
        Ok(delta)
    } else {
        Err(errors)
    }
}

/// One recorded change of a stock level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    pub at_ms: i64,
    /// receive | count | damage | allocate | release | ship
    pub kind: String,
    pub on_hand_delta: i64,
    pub allocated_delta: i64,
    pub on_hand_after: i64,
    pub allocated_after: i64,
    pub order_id: Option<OrderId>,
    pub reason: String,
    pub actor: String,
}

impl StockMovement {
    /// What the movement did to the levels, before → after: "on hand 10 → 15",
    /// "allocated 3 → 1", or both.
    pub fn change_text(&self) -> String {
        let mut parts = Vec::new();
        if self.on_hand_delta != 0 {
            parts.push(format!("on hand {} → {}", self.on_hand_after - self.on_hand_delta, self.on_hand_after));
        }
        if self.allocated_delta != 0 {
            parts.push(format!("allocated {} → {}", self.allocated_after - self.allocated_delta, self.allocated_after));
        }
        parts.join(", ")
    }
}

/// The message when an order cannot be allocated.
pub fn shortage_message(sku_code: &str, available: i64, needed: i64) -> String {
    format!("Not enough stock for {sku_code}: {available} available, {needed} needed")
}

#[cfg(test)]
mod tests;
