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
