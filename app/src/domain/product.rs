//! Product identity rules shared by the browser and the server: GS1 barcodes (UPC-A, EAN-8,
//! EAN-13, GTIN-14) and the installation's own restricted-circulation UPCs ("ST-UPC"), and
//! which dimensions count (the warehouse's measurement wins over the merchant's declaration).
//!
//! A product is the merchant's SKU code; it has one `skus` row per warehouse it is in (the
//! same rows the order form, SKU mapping and the floor use).

use serde::{Deserialize, Serialize};

use super::admin::{check_weight, checked_sku_code, into_result, is_code, required_text, FIELD_BARCODE, FIELD_NAME, MAX_SEARCH_CHARS};
use super::platform::parse_money_minor;
use super::validation::ValidationErrors;

/// GS1 prefix "04": restricted circulation within a company. Codes made with it are unique
/// inside this installation only; the UI must say so.
pub const ST_UPC_PREFIX: &str = "04";
/// Digits of the per-installation sequence inside an ST-UPC (12 = 2 prefix + 9 + 1 check).
pub const ST_UPC_SEQUENCE_DIGITS: usize = 9;
pub const ST_UPC_MAX_SEQUENCE: u64 = 999_999_999;

pub const MSG_BARCODE_DIGITS: &str = "Barcode: digits only (UPC-A has 12, EAN-13 has 13, EAN-8 has 8, GTIN-14 has 14)";
pub const MSG_BARCODE_LENGTH: &str = "Barcode: a UPC/EAN has 8, 12, 13 or 14 digits";
pub const MSG_BARCODE_CHECK_DIGIT: &str = "Barcode: the check digit is wrong (mistyped or not a UPC/EAN)";
pub const MSG_ST_UPC_NOTICE: &str =
    "Codes starting with 04 are for restricted circulation: valid only inside this 3PL's warehouses, not for retail or marketplaces.";

/// Which GS1 symbology a valid barcode is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GtinKind {
    Ean8,
    UpcA,
    Ean13,
    Gtin14,
}

/// Why a typed barcode is not a GS1 code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GtinError {
    NotDigits,
    Length,
    CheckDigit,
}

impl GtinError {
    pub fn message(self) -> &'static str {
        match self {
            GtinError::NotDigits => MSG_BARCODE_DIGITS,
            GtinError::Length => MSG_BARCODE_LENGTH,
            GtinError::CheckDigit => MSG_BARCODE_CHECK_DIGIT,
        }
    }
}

/// GS1 mod-10 check digit of `payload` (all digits but the last): weights 3, 1, 3 … from the
/// right. `None` when `payload` holds anything but ASCII digits.
pub fn gs1_check_digit(payload: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in payload.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = u32::from(c - b'0');
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// Checks a UPC/EAN typed by a user (surrounding spaces ignored): digits, a GS1 length and the
/// check digit. The one rule for barcodes, on both sides.
pub fn validate_gtin(code: &str) -> Result<GtinKind, GtinError> {
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(GtinError::NotDigits);
    }
    let kind = match code.len() {
        8 => GtinKind::Ean8,
        12 => GtinKind::UpcA,
        13 => GtinKind::Ean13,
        14 => GtinKind::Gtin14,
        _ => return Err(GtinError::Length),
    };
    let (payload, check) = code.split_at(code.len() - 1);
    match gs1_check_digit(payload) {
        Some(d) if check.as_bytes()[0] - b'0' == d => Ok(kind),
        _ => Err(GtinError::CheckDigit),
    }
}

/// The ST-UPC for the installation's `sequence`-th code: "04" + 9-digit sequence + check
/// digit (a valid 12-digit UPC-A). `None` once the sequence is exhausted.
pub fn st_upc(sequence: u64) -> Option<String> {
    if sequence > ST_UPC_MAX_SEQUENCE {
        return None;
    }
    let payload = format!("{ST_UPC_PREFIX}{sequence:0width$}", width = ST_UPC_SEQUENCE_DIGITS);
    let check = gs1_check_digit(&payload)?;
    Some(format!("{payload}{check}"))
}

/// Whether a barcode is one of the installation's restricted-circulation codes.
pub fn is_st_upc(code: &str) -> bool {
    code.len() == 12 && code.starts_with(ST_UPC_PREFIX) && validate_gtin(code) == Ok(GtinKind::UpcA)
}

/// Length × width × height in millimetres and weight in grams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimensions {
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub weight_grams: i64,
}

impl Dimensions {
    /// Volume in cubic millimetres (i128: no overflow for any stored size).
    pub fn volume_mm3(&self) -> i128 {
        i128::from(self.length_mm) * i128::from(self.width_mm) * i128::from(self.height_mm)
    }
}

/// What billing and rate quotes use: the warehouse's measurement when there is one, else the
/// merchant's declaration.
pub fn effective_dimensions(declared: Dimensions, measured: Option<Dimensions>) -> Dimensions {
    measured.unwrap_or(declared)
}

pub const MSG_BARCODE_REQUIRED: &str = "Please enter the barcode (UPC / EAN) the floor scans";

/// Whether a form's barcode field may stay empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarcodeNeed {
    Required,
    Optional,
}

/// A form's barcode field: trimmed, then `validate_gtin` unless it is empty and optional.
pub fn checked_barcode(text: &str, need: BarcodeNeed, errors: &mut ValidationErrors) -> String {
    let code = text.trim().to_string();
    if code.is_empty() {
        if need == BarcodeNeed::Required {
            errors.add(FIELD_BARCODE, MSG_BARCODE_REQUIRED);
        }
    } else if let Err(e) = validate_gtin(&code) {
        errors.add(FIELD_BARCODE, e.message());
    }
    code
}

// ---------------------------------------------------------------- products

pub const FIELD_LENGTH: &str = "length_mm";
pub const FIELD_WIDTH: &str = "width_mm";
pub const FIELD_HEIGHT: &str = "height_mm";
pub const FIELD_DECLARED_VALUE: &str = "declared_value";
pub const FIELD_CURRENCY: &str = "currency";
pub const FIELD_HS_CODE: &str = "hs_code";
pub const FIELD_ORIGIN: &str = "origin_country";
/// Longest side a parcel warehouse takes (3 m).
pub const MAX_SIDE_MM: i64 = 3_000;
/// Largest declared value per unit, in minor units (100,000.00).
pub const MAX_DECLARED_VALUE_MINOR: i64 = 10_000_000;
/// Currencies a declared (customs) value may be given in.
pub const PRODUCT_CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "CAD", "AUD", "CNY", "JPY", "MXN"];
pub const PRODUCTS_PAGE_SIZE: u32 = 20;
pub const MSG_BARCODE_ON_OTHER_PRODUCT: &str = "This barcode is already on another of your products";
pub const MSG_NO_WAREHOUSE: &str = "Your account may use no warehouse yet; ask your 3PL to allow one first";

/// The Add Product form as typed. Numbers the form could not read arrive as None.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductInput {
    pub code: String,
    pub name: String,
    /// UPC / EAN, optional (an ST-UPC can be applied instead).
    pub barcode: String,
    pub length_mm: Option<i64>,
    pub width_mm: Option<i64>,
    pub height_mm: Option<i64>,
    pub weight_grams: Option<i64>,
    /// Per unit, as typed ("12.50").
    pub declared_value: String,
    pub currency: String,
    /// Harmonized System code for customs: 6 to 10 digits (dots ignored); optional.
    pub hs_code: String,
    /// ISO 3166 alpha-2 country of origin; optional.
    pub origin_country: String,
}

/// A product that passed `ProductInput::validated`, in stored units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProduct {
    pub code: String,
    pub name: String,
    pub barcode: String,
    pub declared: Dimensions,
    pub declared_value_minor: i64,
    pub currency: String,
    pub hs_code: String,
    pub origin_country: String,
}

impl ProductInput {
    /// The save-time rules of the Add Product form, run in the browser and on the server.
    pub fn validated(&self) -> Result<NewProduct, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = checked_sku_code(&self.code, &mut errors);
        let name = required_text(&self.name, 200, "Please enter the product name", "Name", FIELD_NAME, &mut errors);
        let barcode = checked_barcode(&self.barcode, BarcodeNeed::Optional, &mut errors);
        let mut side = |value: Option<i64>, field: &str, what: &str| match value {
            Some(mm) if (1..=MAX_SIDE_MM).contains(&mm) => mm,
            _ => {
                errors.add(field, format!("{what}: a whole number of millimetres from 1 to {MAX_SIDE_MM}"));
                0
            }
        };
        let length_mm = side(self.length_mm, FIELD_LENGTH, "Length");
        let width_mm = side(self.width_mm, FIELD_WIDTH, "Width");
        let height_mm = side(self.height_mm, FIELD_HEIGHT, "Height");
        check_weight(self.weight_grams, &mut errors);
        let currency = self.currency.trim().to_ascii_uppercase();
        if !PRODUCT_CURRENCIES.contains(&currency.as_str()) {
            errors.add(FIELD_CURRENCY, format!("Currency: one of {}", PRODUCT_CURRENCIES.join(", ")));
        }
        let declared_value_minor = match parse_money_minor(&self.declared_value, &currency) {
            Ok(v) if (0..=MAX_DECLARED_VALUE_MINOR).contains(&v) => v,
            _ if self.declared_value.trim().is_empty() => {
                errors.add(FIELD_DECLARED_VALUE, "Please enter the declared value per unit (customs need it)");
                0
            }
            _ => {
                errors.add(FIELD_DECLARED_VALUE, "Declared value: an amount per unit from 0 to 100000, like 12.50");
                0
            }
        };
        let hs_code: String = self.hs_code.trim().chars().filter(|c| *c != '.' && *c != ' ').collect();
        if !hs_code.is_empty() && !is_code(&hs_code, 6, 10, |c| c.is_ascii_digit()) {
            errors.add(FIELD_HS_CODE, "HS code: 6 to 10 digits, like 6912.00");
        }
        let origin_country = self.origin_country.trim().to_ascii_uppercase();
        if !origin_country.is_empty() && !is_code(&origin_country, 2, 2, |c| c.is_ascii_uppercase()) {
            errors.add(FIELD_ORIGIN, "Origin: the two-letter country code, like CN or US");
        }
        let declared = Dimensions { length_mm, width_mm, height_mm, weight_grams: self.weight_grams.unwrap_or(0) };
        let product = NewProduct { code, name, barcode, declared, declared_value_minor, currency, hs_code, origin_country };
        into_result(product, errors)
    }
}

/// What the product list asks for: text in the code, name or barcode; only products sold out
/// somewhere; the 1-based page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductFilter {
    pub search: String,
    pub sold_out: bool,
    pub page: u32,
}

impl ProductFilter {
    pub fn validated(&self) -> Result<ProductFilter, ValidationErrors> {
        if self.search.chars().count() > MAX_SEARCH_CHARS {
            return Err(ValidationErrors::single("search", format!("Search text is too long (max {MAX_SEARCH_CHARS} characters)")));
        }
        Ok(ProductFilter { search: self.search.trim().to_string(), sold_out: self.sold_out, page: self.page.max(1) })
    }
}

/// A product's stock in one warehouse. `tracked`: the warehouse keeps a stock record for it
/// (it was received or counted there), which is what makes "sold out" mean something.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarehouseStock {
    pub warehouse_code: String,
    pub on_hand: i64,
    pub allocated: i64,
    pub damaged: i64,
    pub tracked: bool,
}

impl WarehouseStock {
    /// What new orders can take: on hand less what open orders hold.
    pub fn available(&self) -> i64 {
        self.on_hand - self.allocated
    }

    /// Sold out: the warehouse had stock of it and has none left to sell.
    pub fn sold_out(&self) -> bool {
        self.tracked && self.available() <= 0
    }
}

/// One product of a merchant, with its stock per warehouse.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub code: String,
    pub name: String,
    pub barcode: String,
    pub declared: Dimensions,
    /// The warehouse's latest measurement, if any warehouse measured it.
    pub measured: Option<Dimensions>,
    pub declared_value_minor: i64,
    pub currency: String,
    pub hs_code: String,
    pub origin_country: String,
    pub created_at_ms: i64,
    pub stock: Vec<WarehouseStock>,
}

impl Product {
    pub fn effective(&self) -> Dimensions {
        effective_dimensions(self.declared, self.measured)
    }

    pub fn sold_out_anywhere(&self) -> bool {
        self.stock.iter().any(WarehouseStock::sold_out)
    }
}

/// One page of the product list; `warehouses` are the stock columns (the merchant's
/// warehouses, by code).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub products: Vec<Product>,
    pub warehouses: Vec<String>,
    pub total: u64,
    pub page: u32,
    pub page_size: u32,
}

impl ProductPage {
    pub fn page_count(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.page_size.max(1))) as u32).max(1)
    }
}

/// "120 × 80 × 60 mm · 380 g"; a dash for sizes never given.
pub fn format_dimensions(d: &Dimensions) -> String {
    if d.length_mm == 0 && d.weight_grams == 0 {
        return "—".into();
    }
    format!("{} × {} × {} mm · {} g", d.length_mm, d.width_mm, d.height_mm, d.weight_grams)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_known_codes() {
        // Published examples: UPC-A 036000291452, EAN-13 4006381333931, EAN-8 96385074.
        assert_eq!(validate_gtin("036000291452"), Ok(GtinKind::UpcA));
        assert_eq!(validate_gtin("4006381333931"), Ok(GtinKind::Ean13));
        assert_eq!(validate_gtin("96385074"), Ok(GtinKind::Ean8));
        assert_eq!(validate_gtin("10036000291459"), Ok(GtinKind::Gtin14));
        assert_eq!(validate_gtin(" 036000291452 "), Ok(GtinKind::UpcA));
    }

    #[test]
    fn refuses_bad_codes_with_the_reason() {
        assert_eq!(validate_gtin("036000291453"), Err(GtinError::CheckDigit));
        assert_eq!(validate_gtin("4006381333932"), Err(GtinError::CheckDigit));
        assert_eq!(validate_gtin("03600029145"), Err(GtinError::Length));
        assert_eq!(validate_gtin("0360002914520000"), Err(GtinError::Length));
        assert_eq!(validate_gtin("03600029145X"), Err(GtinError::NotDigits));
        assert_eq!(validate_gtin(""), Err(GtinError::NotDigits));
        assert_eq!(validate_gtin("０３６０００２９１４５２"), Err(GtinError::NotDigits));
    }

    #[test]
    fn st_upcs_are_valid_restricted_upcs() {
        assert_eq!(st_upc(1).as_deref(), Some("040000000013"));
        for seq in [0, 1, 7, 42, 123_456_789, ST_UPC_MAX_SEQUENCE] {
            let code = st_upc(seq).expect("in range");
            assert_eq!(code.len(), 12);
            assert!(code.starts_with("04"));
            assert_eq!(validate_gtin(&code), Ok(GtinKind::UpcA), "{code}");
            assert!(is_st_upc(&code));
        }
        assert_eq!(st_upc(ST_UPC_MAX_SEQUENCE + 1), None);
        assert_ne!(st_upc(1), st_upc(2));
        assert!(!is_st_upc("036000291452"));
    }

    #[test]
    fn measured_dimensions_win() {
        let declared = Dimensions { length_mm: 100, width_mm: 100, height_mm: 100, weight_grams: 500 };
        let measured = Dimensions { length_mm: 110, width_mm: 90, height_mm: 100, weight_grams: 540 };
        assert_eq!(effective_dimensions(declared, None), declared);
        assert_eq!(effective_dimensions(declared, Some(measured)), measured);
        assert_eq!(measured.volume_mm3(), 990_000);
    }

    fn mug() -> ProductInput {
        ProductInput {
            code: " MUG-STN-12 ".into(),
            name: "Stoneware Mug 12oz".into(),
            barcode: String::new(),
            length_mm: Some(120),
            width_mm: Some(90),
            height_mm: Some(100),
            weight_grams: Some(410),
            declared_value: "6.50".into(),
            currency: "usd".into(),
            hs_code: "6912.00".into(),
            origin_country: "cn".into(),
        }
    }

    fn first_error(input: ProductInput, field: &str) -> String {
        let errors = input.validated().expect_err("invalid");
        errors.first(field).unwrap_or_else(|| panic!("no error on {field}: {errors:?}")).to_string()
    }

    #[test]
    fn a_product_is_stored_in_its_units() {
        let p = mug().validated().expect("valid");
        assert_eq!((p.code.as_str(), p.currency.as_str(), p.hs_code.as_str(), p.origin_country.as_str()), ("MUG-STN-12", "USD", "691200", "CN"));
        assert_eq!(p.declared_value_minor, 650);
        assert_eq!(p.declared, Dimensions { length_mm: 120, width_mm: 90, height_mm: 100, weight_grams: 410 });
        // A barcode is optional, but one typed in must be a GS1 code.
        assert!(ProductInput { barcode: "036000291452".into(), ..mug() }.validated().is_ok());
        assert_eq!(first_error(ProductInput { barcode: "036000291453".into(), ..mug() }, FIELD_BARCODE), MSG_BARCODE_CHECK_DIGIT);
        assert_eq!(first_error(ProductInput { barcode: "0360002914".into(), ..mug() }, FIELD_BARCODE), MSG_BARCODE_LENGTH);
        // JPY has no minor unit.
        assert_eq!(ProductInput { declared_value: "900".into(), currency: "JPY".into(), ..mug() }.validated().map(|p| p.declared_value_minor), Ok(900));
    }

    #[test]
    fn bad_product_fields_say_what_is_wrong() {
        assert!(first_error(ProductInput { code: "MUG 12".into(), ..mug() }, "code").starts_with("SKU code"));
        assert_eq!(first_error(ProductInput { name: " ".into(), ..mug() }, FIELD_NAME), "Please enter the product name");
        assert_eq!(first_error(ProductInput { length_mm: None, ..mug() }, FIELD_LENGTH), "Length: a whole number of millimetres from 1 to 3000");
        assert!(first_error(ProductInput { height_mm: Some(3001), ..mug() }, FIELD_HEIGHT).starts_with("Height"));
        assert!(first_error(ProductInput { weight_grams: Some(0), ..mug() }, "weight_grams").starts_with("Weight"));
        assert_eq!(first_error(ProductInput { declared_value: "".into(), ..mug() }, FIELD_DECLARED_VALUE), "Please enter the declared value per unit (customs need it)");
        assert!(first_error(ProductInput { declared_value: "6.505".into(), ..mug() }, FIELD_DECLARED_VALUE).starts_with("Declared value"));
        assert!(first_error(ProductInput { declared_value: "-1".into(), ..mug() }, FIELD_DECLARED_VALUE).starts_with("Declared value"));
        assert!(first_error(ProductInput { currency: "BTC".into(), ..mug() }, FIELD_CURRENCY).starts_with("Currency"));
        assert_eq!(first_error(ProductInput { hs_code: "69A2".into(), ..mug() }, FIELD_HS_CODE), "HS code: 6 to 10 digits, like 6912.00");
        assert!(first_error(ProductInput { origin_country: "China".into(), ..mug() }, FIELD_ORIGIN).starts_with("Origin"));
        // Optional customs fields may stay empty.
        assert!(ProductInput { hs_code: String::new(), origin_country: String::new(), ..mug() }.validated().is_ok());
    }

    #[test]
    fn sold_out_needs_a_warehouse_that_had_stock() {
        let at = |on_hand, allocated, tracked| WarehouseStock { warehouse_code: "LAX1".into(), on_hand, allocated, damaged: 0, tracked };
        assert!(at(3, 3, true).sold_out());
        assert!(at(0, 0, true).sold_out());
        assert!(!at(4, 3, true).sold_out());
        assert!(!at(0, 0, false).sold_out(), "never stocked there: not sold out, just not there");
        let page = ProductPage { total: 41, page_size: 20, ..Default::default() };
        assert_eq!(page.page_count(), 3);
        assert_eq!(ProductPage { total: 0, page_size: 20, ..Default::default() }.page_count(), 1);
        assert_eq!(ProductFilter { page: 0, search: "  mug ".into(), sold_out: true }.validated().map(|f| (f.page, f.search)), Ok((1, "mug".into())));
    }

}
