//! Carrier-facing types: rate quotes, purchased labels, tracking events. Money is integer
//! minor units with an ISO currency code.

use serde::{Deserialize, Serialize};

use super::catalog::SignatureOption;
use super::recipient::Recipient;

/// Where a parcel leaves from (the warehouse's address).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipFrom {
    pub name: String,
    pub address1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

/// Everything a carrier needs to quote or label one parcel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentRequest {
    /// Sent as the idempotency key when buying: one order never gets two labels.
    pub reference: String,
    pub ship_from: ShipFrom,
    pub ship_to: Recipient,
    pub weight_grams: i64,
    /// Carrier name + service of the order's channel ("USPS", "Ground Advantage").
    pub carrier: String,
    pub service: String,
    pub signature: Option<SignatureOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateQuote {
    pub carrier: String,
    pub service: String,
    pub amount_minor: i64,
    pub currency: String,
    pub estimated_days: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LabelFormat {
    Pdf4x6,
    Zpl,
}

/// A bought label as the carrier returned it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchasedLabel {
    /// The carrier's id for the label (needed to void it).
    pub carrier_label_id: String,
    pub tracking_no: String,
    pub pdf: Vec<u8>,
    pub zpl: Option<String>,
    pub rate: RateQuote,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackingEvent {
    pub at_ms: i64,
    pub status: String,
    pub description: String,
    pub location: String,
}

/// Why a carrier call failed: transient failures are retried, permanent ones are shown to
/// the merchant with the carrier's message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CarrierError {
    #[error("carrier temporarily unavailable: {0}")]
    Transient(String),
    #[error("{0}")]
    Permanent(String),
}

/// The shipment a draft describes, for a rate quote: needs warehouse, channel, SKUs and the
/// recipient's country and postal code (the rest of the form may still be empty).
pub fn shipment_for_quote(
    draft: &super::order::OrderDraft,
    catalog: &super::catalog::Catalog,
) -> Result<ShipmentRequest, super::validation::ValidationErrors> {
    use super::validation::*;
    let mut errors = ValidationErrors::default();
    let warehouse = draft.warehouse_id.and_then(|id| catalog.warehouse(id));
    if warehouse.is_none() {
        errors.add(FIELD_WAREHOUSE, MSG_SELECT_WAREHOUSE);
    }
    let channel = draft.channel_id.and_then(|id| catalog.channel(id));
    match channel {
        None => errors.add(FIELD_CHANNEL, MSG_SELECT_CHANNEL),
        Some(c) if c.is_self_pickup() => errors.add(FIELD_CHANNEL, "Self-pickup channels use your own label: there is nothing to quote"),
        Some(_) => {}
    }
    let weight_grams: i64 = draft
        .lines
        .iter()
        .filter_map(|l| catalog.sku(l.sku_id).map(|s| s.weight_grams * l.quantity.max(0)))
        .sum();
    if draft.lines.is_empty() {
        errors.add(FIELD_LINES, MSG_ADD_SKU);
    }
    if draft.recipient.country.is_empty() || draft.recipient.postal_code.is_empty() {
        errors.add("recipient.postal_code", "Enter the recipient's country and postal code to get a quote");
    }
    let (Some(w), Some(c), true) = (warehouse, channel, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(ShipmentRequest {
        reference: String::new(),
        ship_from: ShipFrom {
            name: w.name.clone(),
            address1: w.address1.clone(),
            city: w.city.clone(),
            state: w.state.clone(),
            postal_code: w.postal_code.clone(),
            country: w.country.clone(),
        },
        ship_to: draft.recipient.clone(),
        weight_grams: weight_grams.max(1),
        carrier: c.carrier.clone(),
        service: c.service_type.clone(),
        signature: draft.signature_option,
    })
}

/// Where an order's carrier label stands (self-pickup orders stay `None`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum LabelStatus {
    #[default]
    None,
    Pending,
    Ready,
    Failed,
    Voided,
}

impl LabelStatus {
    pub const ALL: [LabelStatus; 5] =
        [LabelStatus::None, LabelStatus::Pending, LabelStatus::Ready, LabelStatus::Failed, LabelStatus::Voided];

    pub fn code(self) -> &'static str {
        match self {
            LabelStatus::None => "none",
            LabelStatus::Pending => "pending",
            LabelStatus::Ready => "ready",
            LabelStatus::Failed => "failed",
            LabelStatus::Voided => "voided",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Attempts at buying one label before a transient failure is reported as a failure.
pub const MAX_LABEL_ATTEMPTS: i64 = 6;

/// Wait before the next attempt after `attempts` failed ones: 2 s, 4 s, 8 s … capped at 5 min.
pub fn label_retry_delay_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 20) as u32;
    (1000_i64 << exp).min(300_000)
}

/// The idempotency key sent to the carrier for one submission of one order.
pub fn label_reference(order_no: &str, generation: i64) -> String {
    format!("{order_no}-{generation}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_doubles_and_caps() {
        assert_eq!(label_retry_delay_ms(1), 2_000);
        assert_eq!(label_retry_delay_ms(2), 4_000);
        assert_eq!(label_retry_delay_ms(3), 8_000);
        assert_eq!(label_retry_delay_ms(12), 300_000);
        assert_eq!(label_retry_delay_ms(0), 2_000);
    }

    #[test]
    fn label_status_codes_round_trip() {
        for s in LabelStatus::ALL {
            assert_eq!(LabelStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(label_reference("DD00000007", 2), "DD00000007-2");
    }
}
