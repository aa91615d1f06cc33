//! Platform administration: what an admin may enter for users, merchants, warehouses, business
//! types, channels and SKUs. Each `validated` runs in the browser before anything is sent and
//! again in the server function before any write; the messages below are what the admin sees
//! next to the field.

use serde::{Deserialize, Serialize};

use super::account::{validate_new_password, MerchantId, Role, UserId};
use super::catalog::*;
use super::product::{checked_barcode, BarcodeNeed};
use super::validation::{ValidationErrors, FIELD_BUSINESS, FIELD_WAREHOUSE};

pub const FIELD_EMAIL: &str = "email";
pub const FIELD_DISPLAY_NAME: &str = "display_name";
pub const FIELD_ROLE: &str = "role";
pub const FIELD_MERCHANT: &str = "merchant";
pub const FIELD_WAREHOUSES: &str = "warehouses";
pub const FIELD_CODE: &str = "code";
pub const FIELD_NAME: &str = "name";
pub const FIELD_COUNTRY: &str = "country";
pub const FIELD_ADDRESS1: &str = "address1";
pub const FIELD_CITY: &str = "city";
pub const FIELD_STATE: &str = "state";
pub const FIELD_POSTAL_CODE: &str = "postal_code";
pub const FIELD_KIND: &str = "kind";
pub const FIELD_CARRIER: &str = "carrier";
pub const FIELD_SERVICE_TYPE: &str = "service_type";
pub const FIELD_SIGNATURE_OPTIONS: &str = "signature_options";
pub const FIELD_BARCODE: &str = "barcode";
pub const FIELD_WEIGHT: &str = "weight_grams";

pub const MSG_CODE_TAKEN: &str = "This code is already used";
pub const MSG_EMAIL_TAKEN: &str = "This email is already used";
pub const MSG_NAME_TAKEN: &str = "This name is already used";
pub const MSG_SELF_PICKUP_NO_SIGNATURE: &str = "Self-pickup channels take no signature options";
pub const MSG_CANNOT_DISABLE_SELF: &str = "You cannot disable your own account; ask another platform admin";
pub const MSG_CANNOT_CHANGE_OWN_ROLE: &str = "You cannot change your own role; ask another platform admin";
pub const MSG_RESET_OWN_PASSWORD: &str = "Change your own password on your account page (it asks for the current one)";

pub const MAX_WEIGHT_GRAMS: i64 = 70_000;
pub const MAX_SEARCH_CHARS: usize = 100;

// ---------------------------------------------------------------- what the pages list

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merchant {
    pub id: MerchantId,
    pub name: String,
    /// Warehouses the merchant may ship from (and hold SKUs in).
    pub warehouse_ids: Vec<WarehouseId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub merchant_id: Option<MerchantId>,
    pub merchant_name: Option<String>,
    pub warehouse_ids: Vec<WarehouseId>,
    pub warehouse_codes: Vec<String>,
    pub disabled_at_ms: Option<i64>,
    /// 0 for accounts made before creation times were kept.
    pub created_at_ms: i64,
}

impl AdminUser {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at_ms.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSku {
    pub id: SkuId,
    pub merchant_id: MerchantId,
    pub merchant_name: String,
    pub warehouse_id: WarehouseId,
    pub warehouse_code: String,
    pub code: String,
    pub name: String,
    pub barcode: String,
    pub weight_grams: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserFilter {
    pub role: Option<Role>,
    /// Part of the name or email.
    pub search: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkuFilter {
    pub merchant_id: Option<MerchantId>,
    pub warehouse_id: Option<WarehouseId>,
    /// Part of the code, name or barcode.
    pub search: String,
}

/// Search text of an admin list: at most `MAX_SEARCH_CHARS`.
pub fn validate_search(search: &str) -> Result<(), ValidationErrors> {
    if search.chars().count() > MAX_SEARCH_CHARS {
        Err(ValidationErrors::single("search", format!("Search text is too long (max {MAX_SEARCH_CHARS} characters)")))
    } else {
        Ok(())
    }
}

/// The objects whose history (audit log) an admin can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminObject {
    User(UserId),
    Merchant(MerchantId),
    Warehouse(WarehouseId),
    BusinessType(BusinessTypeId),
    Channel(ChannelId),
    Sku(SkuId),
}

/// What the other inputs are checked against: merchants (with their warehouses), warehouses
/// and business types as stored now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRefs {
    pub merchants: Vec<Merchant>,
    pub warehouses: Vec<Warehouse>,
    pub business_types: Vec<BusinessType>,
}

impl AdminRefs {
    pub fn merchant(&self, id: MerchantId) -> Option<&Merchant> {
        self.merchants.iter().find(|m| m.id == id)
    }
    pub fn warehouse(&self, id: WarehouseId) -> Option<&Warehouse> {
        self.warehouses.iter().find(|w| w.id == id)
    }
    pub fn business_type(&self, id: BusinessTypeId) -> Option<&BusinessType> {
        self.business_types.iter().find(|b| b.id == id)
    }
}

// ---------------------------------------------------------------- small checks

/// Trimmed text of 1..=max characters, or the message.
pub(crate) fn required_text(value: &str, max: usize, missing: &str, what: &str, field: &str, errors: &mut ValidationErrors) -> String {
    let value = value.trim().to_string();
    if value.is_empty() {
        errors.add(field, missing);
    } else if value.chars().count() > max {
        errors.add(field, format!("{what} must be {max} characters or fewer"));
    }
    value
}

/// `^[allowed]{min,max}$` without a regex crate.
pub(crate) fn is_code(code: &str, min: usize, max: usize, allowed: impl Fn(char) -> bool) -> bool {
    let n = code.chars().count();
    (min..=max).contains(&n) && code.chars().all(allowed)
}

/// A SKU code as typed: trimmed, up to 40 letters, digits, `-`, `_` or `.` (case kept: it is
/// the merchant's own code).
pub fn checked_sku_code(text: &str, errors: &mut ValidationErrors) -> String {
    let code = text.trim().to_string();
    if !is_code(&code, 1, 40, |c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
        errors.add(FIELD_CODE, MSG_SKU_CODE);
    }
    code
}

pub const MSG_SKU_CODE: &str = "SKU code: up to 40 letters, digits, -, _ or ., like MUG-CER-11";

/// A packed weight in whole grams, 1..=MAX_WEIGHT_GRAMS (None: the text was no number).
pub fn check_weight(grams: Option<i64>, errors: &mut ValidationErrors) {
    if !grams.is_some_and(|g| (1..=MAX_WEIGHT_GRAMS).contains(&g)) {
        errors.add(FIELD_WEIGHT, format!("Weight: a whole number of grams from 1 to {MAX_WEIGHT_GRAMS}"));
    }
}

/// Codes of warehouses, business types and channels are kept in capitals.
pub fn normalize_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// name@domain.tld: one `@`, something before it, a dotted domain of letters, digits and `-`,
/// no spaces. Deliverability is the mail server's business; this catches typos.
pub fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    let domain_ok = domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && !local.chars().any(|c| c.is_whitespace() || c == '@' || c.is_control())
        && domain_ok
}

fn dedup_sorted(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub(crate) fn into_result<T>(value: T, errors: ValidationErrors) -> Result<T, ValidationErrors> {
    if errors.is_empty() { Ok(value) } else { Err(errors) }
}

// ---------------------------------------------------------------- users

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserInput {
    pub email: String,
    pub display_name: String,
    pub role: Option<Role>,
    /// Merchant roles only.
    pub merchant_id: Option<MerchantId>,
    /// Warehouse roles only: where the user may work (at least one).
    pub warehouse_ids: Vec<WarehouseId>,
    /// The first password, read only when the user is created (later: a password reset).
    pub password: String,
}

impl UserInput {
    /// Trimmed, email lower-cased, warehouses sorted; `creating` also checks the password.
    pub fn validated(&self, creating: bool, refs: &AdminRefs) -> Result<UserInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let email = self.email.trim().to_lowercase();
        if email.is_empty() {
            errors.add(FIELD_EMAIL, "Please enter an email address");
        } else if !is_email(&email) {
            errors.add(FIELD_EMAIL, "Please enter a valid email address, like name@example.com");
        }
        let display_name = required_text(&self.display_name, 100, "Please enter the person's name", "Name", FIELD_DISPLAY_NAME, &mut errors);
        let warehouse_ids = dedup_sorted(&self.warehouse_ids);
        match self.role {
            None => errors.add(FIELD_ROLE, "Please choose a role"),
            Some(role) => {
                match (role.belongs_to_merchant(), self.merchant_id) {
                    (true, None) => errors.add(FIELD_MERCHANT, "Please choose the merchant this user works for"),
                    (true, Some(id)) if refs.merchant(id).is_none() => errors.add(FIELD_MERCHANT, "This merchant does not exist"),
                    (false, Some(_)) => errors.add(FIELD_MERCHANT, format!("A {} does not belong to a merchant", role.label().to_lowercase())),
                    _ => {}
                }
                if role.works_in_warehouses() {
                    if warehouse_ids.is_empty() {
                        errors.add(FIELD_WAREHOUSES, "Please choose at least one warehouse");
                    } else if let Some(unknown) = warehouse_ids.iter().find(|id| refs.warehouse(**id).is_none()) {
                        errors.add(FIELD_WAREHOUSES, format!("Warehouse {unknown} does not exist"));
                    }
                } else if !warehouse_ids.is_empty() {
                    errors.add(FIELD_WAREHOUSES, "Only warehouse staff work in warehouses");
                }
            }
        }
        let password = if creating {
            if let Err(e) = validate_new_password(&email, &self.password) {
                for (field, messages) in e.fields {
                    for m in messages {
                        errors.add(field.clone(), m);
                    }
                }
            }
            self.password.clone()
        } else {
            String::new()
        };
        let input = UserInput { email, display_name, role: self.role, merchant_id: self.merchant_id, warehouse_ids, password };
        into_result(input, errors)
    }
}

/// An admin may not lock themself out: their own role stays platform admin.
pub fn check_own_role(actor: UserId, target: UserId, new_role: Option<Role>) -> Result<(), ValidationErrors> {
    if actor == target && new_role != Some(Role::PlatformAdmin) {
        Err(ValidationErrors::single(FIELD_ROLE, MSG_CANNOT_CHANGE_OWN_ROLE))
    } else {
        Ok(())
    }
}

/// An admin may not disable their own account (enabling is moot: they are signed in).
pub fn check_disable(actor: UserId, target: UserId, disable: bool) -> Result<(), &'static str> {
    if actor == target && disable { Err(MSG_CANNOT_DISABLE_SELF) } else { Ok(()) }
}

/// Admins reset other people's passwords; their own goes through the account page, which
/// asks for the current password (a borrowed session must not be enough).
pub fn check_password_reset(actor: UserId, target: UserId) -> Result<(), &'static str> {
    if actor == target { Err(MSG_RESET_OWN_PASSWORD) } else { Ok(()) }
}

// ---------------------------------------------------------------- merchants

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MerchantInput {
    pub name: String,
    /// Warehouses the merchant may use.
    pub warehouse_ids: Vec<WarehouseId>,
}

impl MerchantInput {
    pub fn validated(&self, refs: &AdminRefs) -> Result<MerchantInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&self.name, 100, "Please enter the merchant's name", "Name", FIELD_NAME, &mut errors);
        let warehouse_ids = dedup_sorted(&self.warehouse_ids);
        if let Some(unknown) = warehouse_ids.iter().find(|id| refs.warehouse(**id).is_none()) {
            errors.add(FIELD_WAREHOUSES, format!("Warehouse {unknown} does not exist"));
        }
        into_result(MerchantInput { name, warehouse_ids }, errors)
    }
}

// ---------------------------------------------------------------- warehouses

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WarehouseInput {
    pub code: String,
    pub name: String,
    /// ISO 3166 alpha-2.
    pub country: String,
    /// Ship-from address for carrier labels.
    pub address1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

impl WarehouseInput {
    pub fn validated(&self) -> Result<WarehouseInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = normalize_code(&self.code);
        if !is_code(&code, 2, 10, |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-') {
            errors.add(FIELD_CODE, "Code: 2 to 10 capital letters, digits or -, like LAX1");
        }
        let name = required_text(&self.name, 100, "Please enter the warehouse's name", "Name", FIELD_NAME, &mut errors);
        let country = self.country.trim().to_ascii_uppercase();
        if !is_code(&country, 2, 2, |c| c.is_ascii_uppercase()) {
            errors.add(FIELD_COUNTRY, "Use the 2-letter country code, like US");
        }
        let address1 = required_text(&self.address1, 200, "Please enter the street address", "Address", FIELD_ADDRESS1, &mut errors);
        let city = required_text(&self.city, 100, "Please enter the city", "City", FIELD_CITY, &mut errors);
        let state = self.state.trim().to_string();
        if state.chars().count() > 100 {
            errors.add(FIELD_STATE, "State must be 100 characters or fewer");
        }
        let postal_code = required_text(&self.postal_code, 20, "Please enter the postal code", "Postal code", FIELD_POSTAL_CODE, &mut errors);
        into_result(WarehouseInput { code, name, country, address1, city, state, postal_code }, errors)
    }
}

// ---------------------------------------------------------------- business types

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusinessTypeInput {
    pub code: String,
    pub name: String,
    pub kind: Option<BusinessKind>,
}

impl BusinessTypeInput {
    pub fn validated(&self) -> Result<BusinessTypeInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = normalize_code(&self.code);
        if !is_code(&code, 2, 20, |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-') {
            errors.add(FIELD_CODE, "Code: 2 to 20 capital letters, digits, _ or -, like DS");
        }
        let name = required_text(&self.name, 100, "Please enter the business type's name", "Name", FIELD_NAME, &mut errors);
        if self.kind.is_none() {
            errors.add(FIELD_KIND, "Please choose B2C or B2B");
        }
        into_result(BusinessTypeInput { code, name, kind: self.kind }, errors)
    }
}

// ---------------------------------------------------------------- channels

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChannelInput {
    pub warehouse_id: Option<WarehouseId>,
    pub business_type_id: Option<BusinessTypeId>,
    pub code: String,
    pub carrier: String,
    pub service_type: String,
    pub signature_options: Vec<SignatureOption>,
}

/// Whether a channel with this code may offer signature options: self-pickup channels (code
/// ending in `_A`) ship on the merchant's own label, so there is nothing to choose. The form
/// disables the options with this, and `ChannelInput::validated` refuses them with it.
pub fn channel_takes_signature_options(code: &str) -> bool {
    !is_self_pickup_code(&normalize_code(code))
}

impl ChannelInput {
    /// Code in capitals; signature options once each, in their usual order.
    pub fn validated(&self, refs: &AdminRefs) -> Result<ChannelInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        match self.warehouse_id {
            None => errors.add(FIELD_WAREHOUSE, "Please choose a warehouse"),
            Some(id) if refs.warehouse(id).is_none() => errors.add(FIELD_WAREHOUSE, "This warehouse does not exist"),
            _ => {}
        }
        match self.business_type_id {
            None => errors.add(FIELD_BUSINESS, "Please choose a business type"),
            Some(id) if refs.business_type(id).is_none() => errors.add(FIELD_BUSINESS, "This business type does not exist"),
            _ => {}
        }
        let code = normalize_code(&self.code);
        if !is_code(&code, 2, 40, |c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
            errors.add(FIELD_CODE, "Code: 2 to 40 capital letters, digits or _, like UPS_GND (ending in _A for self-pickup)");
        }
        let carrier = required_text(&self.carrier, 100, "Please enter the carrier", "Carrier", FIELD_CARRIER, &mut errors);
        let service_type = required_text(&self.service_type, 100, "Please enter the service type", "Service type", FIELD_SERVICE_TYPE, &mut errors);
        let signature_options: Vec<SignatureOption> =
            SignatureOption::ALL.into_iter().filter(|o| self.signature_options.contains(o)).collect();
        if !signature_options.is_empty() && !channel_takes_signature_options(&code) {
            errors.add(FIELD_SIGNATURE_OPTIONS, MSG_SELF_PICKUP_NO_SIGNATURE);
        }
        let input = ChannelInput { warehouse_id: self.warehouse_id, business_type_id: self.business_type_id, code, carrier, service_type, signature_options };
        into_result(input, errors)
    }
}

// ---------------------------------------------------------------- SKUs

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkuInput {
    pub merchant_id: Option<MerchantId>,
    pub warehouse_id: Option<WarehouseId>,
    pub code: String,
    pub name: String,
    /// UPC / EAN / GTIN digits, what the floor scans.
    pub barcode: String,
    /// None: the form's text was not a whole number.
    pub weight_grams: Option<i64>,
}

impl SkuInput {
    /// The merchant must be allowed at the warehouse (see `Merchant::warehouse_ids`).
    pub fn validated(&self, refs: &AdminRefs) -> Result<SkuInput, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let merchant = self.merchant_id.and_then(|id| refs.merchant(id));
        let warehouse = self.warehouse_id.and_then(|id| refs.warehouse(id));
        match (self.merchant_id, merchant) {
            (None, _) => errors.add(FIELD_MERCHANT, "Please choose a merchant"),
            (Some(_), None) => errors.add(FIELD_MERCHANT, "This merchant does not exist"),
            _ => {}
        }
        match (self.warehouse_id, warehouse) {
            (None, _) => errors.add(FIELD_WAREHOUSE, "Please choose a warehouse"),
            (Some(_), None) => errors.add(FIELD_WAREHOUSE, "This warehouse does not exist"),
            _ => {}
        }
        if let (Some(m), Some(w)) = (merchant, warehouse) {
            if !m.warehouse_ids.contains(&w.id) {
                errors.add(FIELD_WAREHOUSE, format!("{} may not use {}; allow the warehouse on the Merchants page first", m.name, w.code));
            }
        }
        let code = checked_sku_code(&self.code, &mut errors);
        let name = required_text(&self.name, 200, "Please enter the product name", "Name", FIELD_NAME, &mut errors);
        let barcode = checked_barcode(&self.barcode, BarcodeNeed::Required, &mut errors);
        check_weight(self.weight_grams, &mut errors);
        let input = SkuInput { merchant_id: self.merchant_id, warehouse_id: self.warehouse_id, code, name, barcode, weight_grams: self.weight_grams };
        into_result(input, errors)
    }
}

#[cfg(test)]
mod tests;
