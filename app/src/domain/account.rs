//! Who is calling: the signed-in user, their role, and what each role may do. The role table
//! (`Role::may`) is the one place access is decided; server functions, REST handlers, the page
//! guard and the navigation all ask it.

use serde::{Deserialize, Serialize};

use super::validation::ValidationErrors;

pub type UserId = i64;
pub type MerchantId = i64;

/// The part of the app a role works in: each has its own pages and home.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Workspace {
    /// Merchant desktop pages (`/orders`, `/platform-orders`, `/settings/…`).
    Merchant,
    /// Warehouse floor on phones (`/floor/…`).
    Floor,
    /// Platform administration (`/admin/…`).
    Admin,
}

impl Workspace {
    pub fn home_path(self) -> &'static str {
        match self {
            Workspace::Merchant => "/orders",
            Workspace::Floor => "/floor",
            Workspace::Admin => "/admin/users",
        }
    }

    /// The workspace a page path belongs to; `None` for pages every signed-in user may open.
    pub fn of_path(path: &str) -> Option<Workspace> {
        let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
        if under("/floor") {
            Some(Workspace::Floor)
        } else if under("/admin") {
            Some(Workspace::Admin)
        } else if under("/account") || path == "/" || path == "/login" {
            None
        } else {
            Some(Workspace::Merchant)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Runs a merchant's account: everything a merchant user does, plus stores, API tokens,
    /// webhooks.
    MerchantAdmin,
    /// Day-to-day merchant work: orders, platform orders, dispatch, SKU mappings.
    MerchantUser,
    /// Runs a warehouse shift: waves, stock adjustments, plus everything a picker does.
    WarehouseLead,
    /// Picks, packs and ships by scanning.
    WarehousePicker,
    /// Operates Dropdock itself: users, warehouses, business types, channels, SKUs.
    PlatformAdmin,
}

/// Something a role may or may not do. Every check in the app names one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// See the merchant's orders, platform orders, stock, logs.
    ViewMerchantData,
    /// Create, submit, intercept and dispatch orders; manage SKU mappings; sync stores.
    WorkOrders,
    /// Connect stores, switch auto sync, API tokens, webhook endpoints.
    ManageIntegrations,
    /// Pick, pack and ship scans on the floor.
    WorkFloor,
    /// Create waves, adjust stock.
    LeadFloor,
    /// Users, warehouses, business types, channels, SKUs.
    Administer,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::MerchantAdmin, Role::MerchantUser, Role::WarehouseLead, Role::WarehousePicker, Role::PlatformAdmin];

    pub fn code(self) -> &'static str {
        match self {
            Role::MerchantAdmin => "merchant_admin",
            Role::MerchantUser => "merchant_user",
            Role::WarehouseLead => "warehouse_lead",
            Role::WarehousePicker => "warehouse_picker",
            Role::PlatformAdmin => "platform_admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::MerchantAdmin => "Merchant admin",
            Role::MerchantUser => "Merchant user",
            Role::WarehouseLead => "Warehouse lead",
            Role::WarehousePicker => "Warehouse picker",
            Role::PlatformAdmin => "Platform admin",
        }
    }

    pub fn workspace(self) -> Workspace {
        match self {
            Role::MerchantAdmin | Role::MerchantUser => Workspace::Merchant,
            Role::WarehouseLead | Role::WarehousePicker => Workspace::Floor,
            Role::PlatformAdmin => Workspace::Admin,
        }
    }

    /// Where this user lands after signing in.
    pub fn home_path(self) -> &'static str {
        self.workspace().home_path()
    }

    /// Merchant roles belong to exactly one merchant (their tenant).
    pub fn belongs_to_merchant(self) -> bool {
        self.workspace() == Workspace::Merchant
    }

    /// Warehouse roles work in one or more warehouses.
    pub fn works_in_warehouses(self) -> bool {
        self.workspace() == Workspace::Floor
    }

    /// The role table.
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::MerchantAdmin => matches!(permission, ViewMerchantData | WorkOrders | ManageIntegrations),
            Role::MerchantUser => matches!(permission, ViewMerchantData | WorkOrders),
            Role::WarehouseLead => matches!(permission, WorkFloor | LeadFloor),
            Role::WarehousePicker => matches!(permission, WorkFloor),
            Role::PlatformAdmin => matches!(permission, Administer),
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
    /// Set for warehouse users: the warehouse they work in now.
    pub warehouse_id: Option<super::WarehouseId>,
}

impl CurrentUser {
    pub fn may(&self, permission: Permission) -> bool {
        self.role.may(permission)
    }
}

/// What sign-in answers, after the right password, when an admin disabled the account.
pub const MSG_ACCOUNT_DISABLED: &str = "This account is disabled; ask your administrator";

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const FIELD_NEW_PASSWORD: &str = "new_password";

/// A new password must be long enough to resist guessing, short enough to hash quickly, and
/// not the email address.
pub fn validate_new_password(email: &str, password: &str) -> Result<(), ValidationErrors> {
    let chars = password.chars().count();
    let problem = if chars < MIN_PASSWORD_CHARS {
        Some(format!("Use at least {MIN_PASSWORD_CHARS} characters"))
    } else if chars > MAX_PASSWORD_CHARS {
        Some(format!("Use at most {MAX_PASSWORD_CHARS} characters"))
    } else if password.trim().eq_ignore_ascii_case(email.trim()) {
        Some("The password must not be your email address".to_string())
    } else if password.chars().all(|c| c == password.chars().next().unwrap_or(' ')) {
        Some("Use more than one distinct character".to_string())
    } else {
        None
    };
    match problem {
        Some(message) => Err(ValidationErrors::single(FIELD_NEW_PASSWORD, message)),
        None => Ok(()),
    }
}

/// Failed sign-ins that lock an account / a client address, and for how long. Counted over
/// `SIGN_IN_WINDOW_MS`; the lock lasts until the oldest counted failure leaves the window.
pub const MAX_FAILED_SIGN_INS_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILED_SIGN_INS_PER_ADDRESS: i64 = 20;
pub const SIGN_IN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Why a sign-in is refused before the password is even checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInLock {
    Account { retry_after_ms: i64 },
    Address { retry_after_ms: i64 },
}

impl SignInLock {
    /// Decides from the failures counted in the window (and the oldest failure's time, which
    /// decides when the lock lifts).
    pub fn decide(account_failures: (i64, Option<i64>), address_failures: (i64, Option<i64>), now_ms: i64) -> Option<SignInLock> {
        let retry_after = |oldest: Option<i64>| (oldest.unwrap_or(now_ms) + SIGN_IN_WINDOW_MS - now_ms).max(1000);
        if account_failures.0 >= MAX_FAILED_SIGN_INS_PER_ACCOUNT {
            Some(SignInLock::Account { retry_after_ms: retry_after(account_failures.1) })
        } else if address_failures.0 >= MAX_FAILED_SIGN_INS_PER_ADDRESS {
            Some(SignInLock::Address { retry_after_ms: retry_after(address_failures.1) })
        } else {
            None
        }
    }

    pub fn retry_after_ms(self) -> i64 {
        match self {
            SignInLock::Account { retry_after_ms } | SignInLock::Address { retry_after_ms } => retry_after_ms,
        }
    }

    /// What the sign-in page says.
    pub fn message(self) -> String {
        let minutes = (self.retry_after_ms() + 59_999) / 60_000;
        let wait = if minutes == 1 { "1 minute".to_string() } else { format!("{minutes} minutes") };
        match self {
            SignInLock::Account { .. } => format!("Too many failed sign-ins for this account. It is locked for {wait}; try again then or ask your admin to reset the password."),
            SignInLock::Address { .. } => format!("Too many failed sign-ins from your network. Try again in {wait}."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_their_codes() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("merchant"), None);
    }

    #[test]
    fn only_merchant_admins_manage_integrations() {
        let managers: Vec<Role> = Role::ALL.into_iter().filter(|r| r.may(Permission::ManageIntegrations)).collect();
        assert_eq!(managers, vec![Role::MerchantAdmin]);
        assert!(Role::MerchantUser.may(Permission::WorkOrders));
        assert!(!Role::WarehouseLead.may(Permission::ViewMerchantData));
        assert!(!Role::PlatformAdmin.may(Permission::WorkOrders), "admins do not act as merchants");
    }

    #[test]
    fn pickers_scan_but_only_leads_wave() {
        assert!(Role::WarehousePicker.may(Permission::WorkFloor));
        assert!(!Role::WarehousePicker.may(Permission::LeadFloor));
        assert!(Role::WarehouseLead.may(Permission::LeadFloor));
    }

    #[test]
    fn paths_belong_to_workspaces() {
        assert_eq!(Workspace::of_path("/floor/waves/3"), Some(Workspace::Floor));
        assert_eq!(Workspace::of_path("/floorplan"), Some(Workspace::Merchant));
        assert_eq!(Workspace::of_path("/admin/users"), Some(Workspace::Admin));
        assert_eq!(Workspace::of_path("/account"), None);
        assert_eq!(Workspace::of_path("/orders/12"), Some(Workspace::Merchant));
        for role in Role::ALL {
            assert_eq!(Workspace::of_path(role.home_path()), Some(role.workspace()));
        }
    }

    #[test]
    fn new_passwords_are_checked() {
        assert!(validate_new_password("a@b.c", "short").is_err());
        assert!(validate_new_password("a@b.c", &"x".repeat(129)).is_err());
        assert!(validate_new_password("someone@example.com", "someone@example.com").is_err());
        assert!(validate_new_password("a@b.c", "aaaaaaaaaaaa").is_err());
        assert!(validate_new_password("a@b.c", "correct horse battery").is_ok());
    }

    #[test]
    fn sign_in_locks_after_too_many_failures() {
        let now = 10_000_000;
        assert_eq!(SignInLock::decide((4, Some(now - 1000)), (4, Some(now - 1000)), now), None);
        let lock = SignInLock::decide((5, Some(now - 60_000)), (5, None), now).expect("locked");
        assert_eq!(lock, SignInLock::Account { retry_after_ms: SIGN_IN_WINDOW_MS - 60_000 });
        assert!(lock.message().contains("14 minutes"), "{}", lock.message());
        let lock = SignInLock::decide((0, None), (20, Some(now)), now).expect("locked");
        assert!(matches!(lock, SignInLock::Address { .. }));
        assert!(lock.message().contains("15 minutes"));
    }
}
