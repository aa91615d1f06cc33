//! Who is calling: the signed-in user and what they may see.

use serde::{Deserialize, Serialize};

pub type UserId = i64;
pub type MerchantId = i64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Works for a merchant: sees and edits that merchant's orders only.
    Merchant,
    /// Works in a warehouse: sees the orders shipping from that warehouse.
    Warehouse,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Merchant => "merchant",
            Role::Warehouse => "warehouse",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "merchant" => Some(Role::Merchant),
            "warehouse" => Some(Role::Warehouse),
            _ => None,
        }
    }
    /// Where this user lands after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Merchant => "/orders",
            Role::Warehouse => "/floor",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Set for merchant users.
    pub merchant_id: Option<MerchantId>,
    /// Set for warehouse users.
    pub warehouse_id: Option<super::WarehouseId>,
}
