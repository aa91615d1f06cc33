//! Inbound reservations (ASNs): a merchant announces stock it sends into a warehouse. This file
//! holds the statuses every part of the app shares; the lifecycle rules grow beside them.

use serde::{Deserialize, Serialize};

pub type InboundId = i64;

/// "IB00000012": how people and box markings name an inbound.
pub fn inbound_no(id: InboundId) -> String {
    format!("IB{id:08}")
}

/// Reverse of [`inbound_no`], for searching and scanning: "IB00000012" or "ib12" → 12.
pub fn parse_inbound_no(text: &str) -> Option<InboundId> {
    let t = text.trim();
    let digits = t.strip_prefix("IB").or_else(|| t.strip_prefix("ib"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|id| *id > 0)
}

/// Draft → Submitted (in transit) → Arrived → Receiving → Received | Partially Received →
/// Closed; Cancelled before Arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum InboundStatus {
    Draft,
    Submitted,
    Arrived,
    Receiving,
    Received,
    PartiallyReceived,
    Closed,
    Cancelled,
}

impl InboundStatus {
    pub const ALL: [InboundStatus; 8] = [
        InboundStatus::Draft,
        InboundStatus::Submitted,
        InboundStatus::Arrived,
        InboundStatus::Receiving,
        InboundStatus::Received,
        InboundStatus::PartiallyReceived,
        InboundStatus::Closed,
        InboundStatus::Cancelled,
    ];

    /// Storage and URL form.
    pub fn code(self) -> &'static str {
        match self {
            InboundStatus::Draft => "draft",
            InboundStatus::Submitted => "submitted",
            InboundStatus::Arrived => "arrived",
            InboundStatus::Receiving => "receiving",
            InboundStatus::Received => "received",
            InboundStatus::PartiallyReceived => "partially_received",
            InboundStatus::Closed => "closed",
            InboundStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            InboundStatus::Draft => "Draft",
            InboundStatus::Submitted => "In transit",
            InboundStatus::Arrived => "Arrived",
            InboundStatus::Receiving => "Receiving",
            InboundStatus::Received => "Received",
            InboundStatus::PartiallyReceived => "Partially received",
            InboundStatus::Closed => "Closed",
            InboundStatus::Cancelled => "Cancelled",
        }
    }

    /// Stock on its way or at the dock, not yet counted in: the inventory list's "in transit"
    /// (expected − received of such inbounds).
    pub fn is_in_transit(self) -> bool {
        matches!(self, InboundStatus::Submitted | InboundStatus::Arrived | InboundStatus::Receiving)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbound_numbers_round_trip() {
        assert_eq!(inbound_no(12), "IB00000012");
        assert_eq!(parse_inbound_no("IB00000012"), Some(12));
        assert_eq!(parse_inbound_no(" ib12 "), Some(12));
        assert_eq!(parse_inbound_no("IB"), None);
        assert_eq!(parse_inbound_no("IB0"), None);
        assert_eq!(parse_inbound_no("DD00000012"), None);
    }

    #[test]
    fn status_codes_round_trip() {
        for s in InboundStatus::ALL {
            assert_eq!(InboundStatus::from_code(s.code()), Some(s));
        }
        assert!(InboundStatus::Submitted.is_in_transit());
        assert!(!InboundStatus::Draft.is_in_transit());
        assert!(!InboundStatus::Received.is_in_transit());
    }
}
