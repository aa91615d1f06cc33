//! Dropship order statuses and the only transitions allowed between them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum OrderStatus {
    Draft,
    Submitted,
    Waved,
    Picked,
    Packed,
    Shipped,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Draft,
        OrderStatus::Submitted,
        OrderStatus::Waved,
        OrderStatus::Picked,
        OrderStatus::Packed,
        OrderStatus::Shipped,
    ];

    /// Storage and URL form.
    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Submitted => "submitted",
            OrderStatus::Waved => "waved",
            OrderStatus::Picked => "picked",
            OrderStatus::Packed => "packed",
            OrderStatus::Shipped => "shipped",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Draft => "Draft",
            OrderStatus::Submitted => "Submitted",
            OrderStatus::Waved => "Waved",
            OrderStatus::Picked => "Picked",
            OrderStatus::Packed => "Packed",
            OrderStatus::Shipped => "Shipped",
        }
    }

    /// Only drafts can be edited; everything after is the warehouse's.
    pub fn is_editable(self) -> bool {
        self == OrderStatus::Draft
    }
}

/// Something a user does to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderAction {
    Create,
    Edit,
    Submit,
    Intercept,
    Wave,
    Pick,
    /// Picked short: the order stays in its wave, held with the reason.
    ReportShort,
    Pack,
    Ship,
}

impl OrderAction {
    pub fn code(self) -> &'static str {
        match self {
            OrderAction::Create => "create",
            OrderAction::Edit => "edit",
            OrderAction::Submit => "submit",
            OrderAction::Intercept => "intercept",
            OrderAction::Wave => "wave",
            OrderAction::Pick => "pick",
            OrderAction::ReportShort => "short",
            OrderAction::Pack => "pack",
            OrderAction::Ship => "ship",
        }
    }

    pub const ALL: [OrderAction; 9] = [
        Self::Create,
        Self::Edit,
        Self::Submit,
        Self::Intercept,
        Self::Wave,
        Self::Pick,
        Self::ReportShort,
        Self::Pack,
        Self::Ship,
    ];

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderAction::Create => "Created",
            OrderAction::Edit => "Edited",
            OrderAction::Submit => "Submitted to warehouse",
            OrderAction::Intercept => "Intercepted",
            OrderAction::Wave => "Waved",
            OrderAction::Pick => "Picked",
            OrderAction::ReportShort => "Short pick reported",
            OrderAction::Pack => "Packed",
            OrderAction::Ship => "Shipped",
        }
    }

    /// The status an order must be in for this action, and the status it moves to.
    pub fn transition(self) -> (OrderStatus, OrderStatus) {
        match self {
            OrderAction::Create | OrderAction::Edit => (OrderStatus::Draft, OrderStatus::Draft),
            OrderAction::Submit => (OrderStatus::Draft, OrderStatus::Submitted),
            // Intercept is only possible until the warehouse has waved the order.
            OrderAction::Intercept => (OrderStatus::Submitted, OrderStatus::Draft),
            OrderAction::Wave => (OrderStatus::Submitted, OrderStatus::Waved),
            OrderAction::Pick => (OrderStatus::Waved, OrderStatus::Picked),
            OrderAction::ReportShort => (OrderStatus::Waved, OrderStatus::Waved),
            OrderAction::Pack => (OrderStatus::Picked, OrderStatus::Packed),
            OrderAction::Ship => (OrderStatus::Packed, OrderStatus::Shipped),
        }
    }

    pub fn allowed_from(self, status: OrderStatus) -> bool {
        self.transition().0 == status
    }

    /// Where the action may go, or why it may not.
    pub fn apply(self, status: OrderStatus) -> Result<OrderStatus, TransitionError> {
        let (from, to) = self.transition();
        if status == from {
            Ok(to)
        } else {
            Err(TransitionError { action: self, status })
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", self.message())]
pub struct TransitionError {
    pub action: OrderAction,
    pub status: OrderStatus,
}

impl TransitionError {
    /// The text the user sees when an action is refused.
    pub fn message(&self) -> String {
        match (self.action, self.status) {
            (OrderAction::Intercept, OrderStatus::Draft) => {
                "This order has not been submitted, so there is nothing to intercept".into()
            }
            (OrderAction::Intercept, s) => format!(
                "This order can no longer be intercepted: the warehouse has already {} it",
                s.label().to_lowercase()
            ),
            (OrderAction::Edit, s) => {
                format!("Only Draft orders can be edited; this order is {}", s.label())
            }
            (action, s) => format!(
                "{} is not possible for an order in status {}",
                action.label(),
                s.label()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submit_moves_draft_to_submitted_only() {
        assert_eq!(OrderAction::Submit.apply(OrderStatus::Draft), Ok(OrderStatus::Submitted));
        for s in OrderStatus::ALL.into_iter().filter(|s| *s != OrderStatus::Draft) {
            assert!(OrderAction::Submit.apply(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn intercept_returns_submitted_to_draft_and_is_refused_once_waved() {
        assert_eq!(OrderAction::Intercept.apply(OrderStatus::Submitted), Ok(OrderStatus::Draft));
        let err = OrderAction::Intercept.apply(OrderStatus::Waved).unwrap_err();
        assert_eq!(
            err.message(),
            "This order can no longer be intercepted: the warehouse has already waved it"
        );
        for s in [OrderStatus::Picked, OrderStatus::Packed, OrderStatus::Shipped, OrderStatus::Draft] {
            assert!(OrderAction::Intercept.apply(s).is_err());
        }
    }

    #[test]
    fn wave_needs_submitted() {
        assert_eq!(OrderAction::Wave.apply(OrderStatus::Submitted), Ok(OrderStatus::Waved));
        assert!(OrderAction::Wave.apply(OrderStatus::Draft).is_err());
        assert!(OrderAction::Wave.apply(OrderStatus::Waved).is_err());
    }

    #[test]
    fn warehouse_steps_go_in_order() {
        let mut s = OrderStatus::Submitted;
        for a in [OrderAction::Wave, OrderAction::Pick, OrderAction::Pack, OrderAction::Ship] {
            s = a.apply(s).unwrap();
        }
        assert_eq!(s, OrderStatus::Shipped);
        assert!(OrderAction::Ship.apply(OrderStatus::Picked).is_err(), "cannot ship unpacked");
        assert!(OrderAction::Pack.apply(OrderStatus::Waved).is_err(), "cannot pack unpicked");
    }

    #[test]
    fn codes_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(OrderStatus::from_code("bogus"), None);
        for a in OrderAction::ALL {
            assert_eq!(OrderAction::from_code(a.code()), Some(a));
        }
    }
}
