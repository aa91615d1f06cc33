//! Personal API tokens for the REST API (`/api/v1`): what a token may do (scopes), the
//! management form's rules, and the `Idempotency-Key` header's shape.

use serde::{Deserialize, Serialize};

use super::account::UserId;
use super::validation::ValidationErrors;

pub type ApiTokenId = i64;

/// Every token starts with this, so a leaked one is easy to recognise (and to scan for).
pub const API_TOKEN_PREFIX: &str = "ddk_";
pub const MAX_TOKEN_NAME_LEN: usize = 100;
/// Active (not revoked) tokens a merchant may hold at once.
pub const MAX_ACTIVE_TOKENS: usize = 50;

/// What a token may do. A token acts as its owner, limited to these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ApiScope {
    #[serde(rename = "orders:read")]
    OrdersRead,
    #[serde(rename = "orders:write")]
    OrdersWrite,
    #[serde(rename = "platform_orders:read")]
    PlatformOrdersRead,
    #[serde(rename = "platform_orders:write")]
    PlatformOrdersWrite,
    #[serde(rename = "inventory:read")]
    InventoryRead,
}

impl ApiScope {
    pub const ALL: [ApiScope; 5] =
        [Self::OrdersRead, Self::OrdersWrite, Self::PlatformOrdersRead, Self::PlatformOrdersWrite, Self::InventoryRead];

    /// The scope's name in the API, the database and error messages.
    pub fn code(self) -> &'static str {
        match self {
            Self::OrdersRead => "orders:read",
            Self::OrdersWrite => "orders:write",
            Self::PlatformOrdersRead => "platform_orders:read",
            Self::PlatformOrdersWrite => "platform_orders:write",
            Self::InventoryRead => "inventory:read",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What the token's owner must be allowed to do for a request with this scope: a token
    /// never does more than its owner's role may.
    pub fn permission(self) -> super::Permission {
        match self {
            Self::OrdersRead | Self::PlatformOrdersRead | Self::InventoryRead => super::Permission::ViewMerchantData,
            Self::OrdersWrite | Self::PlatformOrdersWrite => super::Permission::WorkOrders,
        }
    }

    /// What the scope allows, for the token form.
    pub fn description(self) -> &'static str {
        match self {
            Self::OrdersRead => "Read dropship orders and the catalog",
            Self::OrdersWrite => "Create, submit and intercept dropship orders",
            Self::PlatformOrdersRead => "Read platform orders",
            Self::PlatformOrdersWrite => "Dispatch platform orders to a warehouse",
            Self::InventoryRead => "Read stock levels",
        }
    }

    /// Comma-separated codes, the storage form.
    pub fn list_to_codes(scopes: &[ApiScope]) -> String {
        scopes.iter().map(|s| s.code()).collect::<Vec<_>>().join(",")
    }

    /// Unknown codes are dropped: they can only come from hand-edited data.
    pub fn list_from_codes(codes: &str) -> Vec<ApiScope> {
        codes.split(',').filter_map(|c| Self::from_code(c.trim())).collect()
    }
}

/// A token as its management page shows it (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: ApiTokenId,
    pub name: String,
    /// Who created it; the token acts as this user.
    pub owner_id: UserId,
    pub owner_name: String,
    /// Last 4 characters, to tell tokens apart.
    pub token_hint: String,
    pub scopes: Vec<ApiScope>,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

impl ApiTokenInfo {
    /// "ddk_…a1b2"
    pub fn masked(&self) -> String {
        format!("{API_TOKEN_PREFIX}…{}", self.token_hint)
    }
    pub fn is_active(&self) -> bool {
        self.revoked_at_ms.is_none()
    }
}

/// The 【Create Token】 form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInput {
    pub name: String,
    pub scopes: Vec<ApiScope>,
}

impl ApiTokenInput {
    /// Trimmed name (1–100 characters), at least one scope, scopes sorted without repeats.
    pub fn validated(&self) -> Result<ApiTokenInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "Please name the token (e.g. the system that will use it)");
        } else if name.chars().count() > MAX_TOKEN_NAME_LEN {
            errors.add("name", format!("Token name must be {MAX_TOKEN_NAME_LEN} characters or fewer"));
        }
        let mut scopes = self.scopes.clone();
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            errors.add("scopes", "Choose at least one permission");
        }
        if errors.is_empty() {
            Ok(ApiTokenInput { name, scopes })
        } else {
            Err(errors)
        }
    }
}

/// Answer to 【Create Token】: the plaintext token, shown this once and never stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiToken {
    pub info: ApiTokenInfo,
    pub token: String,
}

pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// An `Idempotency-Key` header value is 1–255 visible ASCII characters (no spaces).
pub fn idempotency_key_problem(key: &str) -> Option<String> {
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        Some(format!("Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} visible ASCII characters (no spaces)"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_through_their_codes() {
        let all = ApiScope::list_to_codes(&ApiScope::ALL);
        assert_eq!(all, "orders:read,orders:write,platform_orders:read,platform_orders:write,inventory:read");
        assert_eq!(ApiScope::list_from_codes(&all), ApiScope::ALL.to_vec());
        assert_eq!(ApiScope::list_from_codes("orders:read, bogus,,inventory:read"), vec![ApiScope::OrdersRead, ApiScope::InventoryRead]);
    }

    #[test]
    fn token_input_needs_a_name_and_a_scope() {
        let e = ApiTokenInput::default().validated().expect_err("empty");
        assert!(e.first("name").is_some() && e.first("scopes").is_some());
        let long = ApiTokenInput { name: "x".repeat(101), scopes: vec![ApiScope::OrdersRead] };
        assert!(long.validated().expect_err("too long").first("name").is_some());
        let ok = ApiTokenInput { name: "  ERP  ".into(), scopes: vec![ApiScope::InventoryRead, ApiScope::OrdersRead, ApiScope::InventoryRead] }
            .validated()
            .expect("valid");
        assert_eq!(ok.name, "ERP");
        assert_eq!(ok.scopes, vec![ApiScope::OrdersRead, ApiScope::InventoryRead]);
    }

    #[test]
    fn idempotency_keys_are_visible_ascii() {
        assert_eq!(idempotency_key_problem("order-2026-0001"), None);
        assert_eq!(idempotency_key_problem(&"k".repeat(255)), None);
        for bad in ["", "with space", "tab\t", "ümlaut", &"k".repeat(256)] {
            assert!(idempotency_key_problem(bad).is_some(), "{bad:?}");
        }
    }
}
