//! Save-time rules for a dropship order. `validate_for_save` runs in the browser before any
//! request and on the server before any write: the texts below are what the user sees.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::order::OrderDraft;
use super::recipient::{country_name, required_recipient_fields, RecipientField};

pub const MSG_SELECT_CHANNEL: &str = "Please select a channel";
pub const MSG_ADD_SKU: &str = "Please add SKU";
pub const MSG_ADDED: &str = "Added successfully";
pub const MSG_SELECT_WAREHOUSE: &str = "Please select a shipping warehouse";
pub const MSG_SELECT_BUSINESS: &str = "Please select a business type";
pub const MSG_CHANNEL_NOT_AVAILABLE: &str =
    "This channel is not available for the selected warehouse and business";
pub const MSG_QUANTITY_MIN: &str = "Quantity must be at least 1";
pub const MSG_SIGNATURE_UNSUPPORTED: &str = "The selected channel does not offer this signature option";
pub const MSG_TRACKING_REQUIRED: &str = "Please enter the tracking number";
pub const MSG_LABEL_REQUIRED: &str = "Please upload the shipping label (PDF)";
pub const MSG_TRACKING_NOT_FOR_CARRIER: &str =
    "Tracking number and label come from the carrier for this channel; remove them";
pub const MSG_LABEL_NOT_PDF: &str = "The label must be a PDF file (.pdf)";
pub const MSG_LABEL_TOO_LARGE: &str = "The label must be 10 MB or smaller";
pub const MSG_LABEL_EMPTY: &str = "The label file is empty";

pub const MAX_QUANTITY: i64 = 100_000;
pub const MAX_LINES: usize = 200;
pub const MAX_TEXT_LEN: usize = 200;
pub const MAX_LABEL_BYTES: u64 = 10 * 1024 * 1024;

// Field keys used in `ValidationErrors` and by the form to place messages.
pub const FIELD_WAREHOUSE: &str = "warehouse";
pub const FIELD_BUSINESS: &str = "business_type";
pub const FIELD_PLATFORM_ORDER_NO: &str = "platform_order_no";
pub const FIELD_CHANNEL: &str = "channel";
pub const FIELD_LINES: &str = "lines";
pub const FIELD_SIGNATURE: &str = "signature_option";
pub const FIELD_TRACKING: &str = "tracking_no";
pub const FIELD_LABEL: &str = "label";

pub fn line_field(index: usize) -> String {
    format!("lines.{index}")
}

/// Field → messages, in a stable order so both sides render identically.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationErrors {
    pub fields: BTreeMap<String, Vec<String>>,
}

impl ValidationErrors {
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.add(field, message);
        e
    }
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields.entry(field.into()).or_default().push(message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
    pub fn first(&self, field: &str) -> Option<&str> {
        self.fields.get(field).and_then(|m| m.first()).map(String::as_str)
    }
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.fields.values().flatten().map(String::as_str)
    }
    fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<&str> = self.messages().collect();
        f.write_str(&all.join("; "))
    }
}

/// Every rule an order must pass to be saved (as Draft) or submitted.
pub fn validate_for_save(draft: &OrderDraft, catalog: &Catalog) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();

    let warehouse = draft.warehouse_id.and_then(|id| catalog.warehouse(id));
    if warehouse.is_none() {
        errors.add(FIELD_WAREHOUSE, MSG_SELECT_WAREHOUSE);
    }
    let business = draft.business_type_id.and_then(|id| catalog.business_type(id));
    if business.is_none() {
        errors.add(FIELD_BUSINESS, MSG_SELECT_BUSINESS);
    }
    if draft.platform_order_no.chars().count() > 64 {
        errors.add(FIELD_PLATFORM_ORDER_NO, "Platform order no. is too long (max 64 characters)");
    }

    validate_channel(draft, catalog, &mut errors);
    validate_lines(draft, catalog, &mut errors);
    validate_recipient(draft, &mut errors);

    errors.into_result()
}

fn validate_channel(draft: &OrderDraft, catalog: &Catalog, errors: &mut ValidationErrors) {
    let Some(channel_id) = draft.channel_id else {
        errors.add(FIELD_CHANNEL, MSG_SELECT_CHANNEL);
        return;
    };
    let channel = catalog.channel(channel_id).filter(|c| {
        Some(c.warehouse_id) == draft.warehouse_id && Some(c.business_type_id) == draft.business_type_id
    });
    let Some(channel) = channel else {
        errors.add(FIELD_CHANNEL, MSG_CHANNEL_NOT_AVAILABLE);
        return;
    };
    if let Some(option) = draft.signature_option {
        if !channel.signature_options.contains(&option) {
            errors.add(FIELD_SIGNATURE, MSG_SIGNATURE_UNSUPPORTED);
        }
    }
    if channel.is_self_pickup() {
        if draft.tracking_no.is_empty() {
            errors.add(FIELD_TRACKING, MSG_TRACKING_REQUIRED);
        } else if draft.tracking_no.chars().count() > 64
            || !draft.tracking_no.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.add(FIELD_TRACKING, "Tracking number may only contain letters, digits and '-' (max 64)");
        }
        if draft.label.is_none() {
            errors.add(FIELD_LABEL, MSG_LABEL_REQUIRED);
        }
    } else if !draft.tracking_no.is_empty() || draft.label.is_some() {
        errors.add(FIELD_TRACKING, MSG_TRACKING_NOT_FOR_CARRIER);
    }
}

fn validate_lines(draft: &OrderDraft, catalog: &Catalog, errors: &mut ValidationErrors) {
    if draft.lines.is_empty() {
        errors.add(FIELD_LINES, MSG_ADD_SKU);
        return;
    }
    if draft.lines.len() > MAX_LINES {
        errors.add(FIELD_LINES, format!("An order can have at most {MAX_LINES} SKU lines"));
    }
    let mut seen = HashSet::new();
    for (i, line) in draft.lines.iter().enumerate() {
        let field = line_field(i);
        let sku = catalog.sku(line.sku_id);
        match sku {
            Some(s) if Some(s.warehouse_id) == draft.warehouse_id => {
                if !seen.insert(line.sku_id) {
                    errors.add(&field, format!("SKU {} is listed twice; change its quantity instead", s.code));
                }
            }
            Some(s) => errors.add(&field, format!("SKU {} is not stocked in the selected warehouse", s.code)),
            None => errors.add(&field, "This SKU is not stocked in the selected warehouse"),
        }
        if line.quantity < 1 {
            errors.add(&field, MSG_QUANTITY_MIN);
        } else if line.quantity > MAX_QUANTITY {
            errors.add(&field, format!("Quantity must be at most {MAX_QUANTITY}"));
        }
    }
}

fn validate_recipient(draft: &OrderDraft, errors: &mut ValidationErrors) {
    let r = &draft.recipient;
    for field in RecipientField::ALL {
        if r.get(field).chars().count() > MAX_TEXT_LEN {
            errors.add(field.error_key(), format!("{} is too long (max {MAX_TEXT_LEN} characters)", field.label()));
        }
    }
    if r.country.is_empty() {
        errors.add(RecipientField::Country.error_key(), "Please select a country");
    } else if country_name(&r.country).is_none() {
        errors.add(RecipientField::Country.error_key(), "Shipping to this country is not supported yet");
    }
    for field in required_recipient_fields(&r.country) {
        if field != &RecipientField::Country && r.get(*field).is_empty() {
            errors.add(field.error_key(), format!("{} is required", field.label()));
        }
    }
    if !r.email.is_empty() && !looks_like_email(&r.email) {
        errors.add(RecipientField::Email.error_key(), "Enter a valid email address");
    }
    if !r.phone.is_empty() {
        let digits = r.phone.chars().filter(char::is_ascii_digit).count();
        let allowed = r.phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if digits < 6 || !allowed {
            errors.add(RecipientField::Phone.error_key(), "Enter a valid phone number");
        }
    }
    if !r.postal_code.is_empty() && !postal_code_fits(&r.country, &r.postal_code) {
        let country = country_name(&r.country).unwrap_or("this country");
        errors.add(RecipientField::PostalCode.error_key(), format!("Postal code is not valid for {country}"));
    }
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Shape of a postal code per country ("9" digit, "A" letter, "?" either, " " optional space).
pub fn postal_code_fits(country: &str, code: &str) -> bool {
    let c = code.trim().to_uppercase();
    let shape = |pattern: &str| {
        c.len() == pattern.len()
            && c.chars().zip(pattern.chars()).all(|(ch, p)| match p {
                '9' => ch.is_ascii_digit(),
                'A' => ch.is_ascii_alphabetic(),
                '?' => ch.is_ascii_alphanumeric(),
                other => ch == other,
            })
    };
    match country {
        "US" => shape("99999") || shape("99999-9999"),
        "CA" => shape("A9A 9A9") || shape("A9A9A9"),
        "DE" | "FR" => shape("99999"),
        "AU" => shape("9999"),
        "CN" => shape("999999"),
        // UK postcodes: outward code 2-4 chars starting with a letter, inward code 9AA.
        "GB" => {
            let compact: String = c.chars().filter(|ch| *ch != ' ').collect();
            let n = compact.len();
            (5..=7).contains(&n)
                && compact.starts_with(|ch: char| ch.is_ascii_alphabetic())
                && compact.chars().all(|ch| ch.is_ascii_alphanumeric())
                && compact[n - 3..].chars().next().is_some_and(|ch| ch.is_ascii_digit())
                && compact[n - 2..].chars().all(|ch| ch.is_ascii_alphabetic())
        }
        _ => c.len() <= 16,
    }
}

/// Checks the browser can make before uploading a label; the server repeats them and then
/// checks the bytes really are a PDF document.
pub fn validate_label_file(file_name: &str, size_bytes: u64) -> Result<(), String> {
    if !file_name.to_lowercase().ends_with(".pdf") {
        return Err(MSG_LABEL_NOT_PDF.into());
    }
    if size_bytes == 0 {
        return Err(MSG_LABEL_EMPTY.into());
    }
    if size_bytes > MAX_LABEL_BYTES {
        return Err(MSG_LABEL_TOO_LARGE.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
