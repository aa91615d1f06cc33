//! The recipient of a shipment and the per-country rules for which address fields are required.

use serde::{Deserialize, Serialize};

/// Countries the address form offers (ISO 3166-1 alpha-2 code, display name).
pub const COUNTRIES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("DE", "Germany"),
    ("FR", "France"),
    ("AU", "Australia"),
    ("CN", "China"),
];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Recipient {
    pub name: String,
    pub phone: String,
    pub email: String,
    /// ISO 3166-1 alpha-2, upper case ("US").
    pub country: String,
    pub state: String,
    pub city: String,
    pub address1: String,
    pub address2: String,
    pub postal_code: String,
}

/// One field of [`Recipient`]; used for field errors and for "unsure" parser results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecipientField {
    Name,
    Phone,
    Email,
    Country,
    State,
    City,
    Address1,
    Address2,
    PostalCode,
}

impl RecipientField {
    pub const ALL: [RecipientField; 9] = [
        RecipientField::Name,
        RecipientField::Phone,
        RecipientField::Email,
        RecipientField::Country,
        RecipientField::State,
        RecipientField::City,
        RecipientField::Address1,
        RecipientField::Address2,
        RecipientField::PostalCode,
    ];

    /// Key used in [`crate::domain::ValidationErrors`] ("recipient.city").
    pub fn error_key(self) -> &'static str {
        match self {
            RecipientField::Name => "recipient.name",
            RecipientField::Phone => "recipient.phone",
            RecipientField::Email => "recipient.email",
            RecipientField::Country => "recipient.country",
            RecipientField::State => "recipient.state",
            RecipientField::City => "recipient.city",
            RecipientField::Address1 => "recipient.address1",
            RecipientField::Address2 => "recipient.address2",
            RecipientField::PostalCode => "recipient.postal_code",
        }
    }

    /// Label shown next to the input.
    pub fn label(self) -> &'static str {
        match self {
            RecipientField::Name => "Recipient Name",
            RecipientField::Phone => "Phone",
            RecipientField::Email => "Email",
            RecipientField::Country => "Country",
            RecipientField::State => "State/Province",
            RecipientField::City => "City",
            RecipientField::Address1 => "Address Line 1",
            RecipientField::Address2 => "Address Line 2",
            RecipientField::PostalCode => "Postal Code",
        }
    }
}

impl Recipient {
    pub fn get(&self, field: RecipientField) -> &str {
        match field {
            RecipientField::Name => &self.name,
            RecipientField::Phone => &self.phone,
            RecipientField::Email => &self.email,
            RecipientField::Country => &self.country,
            RecipientField::State => &self.state,
            RecipientField::City => &self.city,
            RecipientField::Address1 => &self.address1,
            RecipientField::Address2 => &self.address2,
            RecipientField::PostalCode => &self.postal_code,
        }
    }

    pub fn set(&mut self, field: RecipientField, value: String) {
        let slot = match field {
            RecipientField::Name => &mut self.name,
            RecipientField::Phone => &mut self.phone,
            RecipientField::Email => &mut self.email,
            RecipientField::Country => &mut self.country,
            RecipientField::State => &mut self.state,
            RecipientField::City => &mut self.city,
            RecipientField::Address1 => &mut self.address1,
            RecipientField::Address2 => &mut self.address2,
            RecipientField::PostalCode => &mut self.postal_code,
        };
        *slot = value;
    }
}

/// The fields a shipment to `country` cannot go without.
/// GB and FR/DE addresses have no state; every other listed country needs one.
pub fn required_recipient_fields(country: &str) -> &'static [RecipientField] {
    use RecipientField::*;
    match country {
        "GB" | "DE" | "FR" => &[Name, Phone, Country, City, Address1, PostalCode],
        "US" | "CA" | "AU" | "CN" => &[Name, Phone, Country, State, City, Address1, PostalCode],
        _ => &[Name, Phone, Country, City, Address1],
    }
}

pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}
