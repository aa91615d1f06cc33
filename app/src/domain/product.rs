//! Product identity rules shared by the browser and the server: GS1 barcodes (UPC-A, EAN-8,
//! EAN-13, GTIN-14) and the installation's own restricted-circulation UPCs ("ST-UPC"), and
//! which dimensions count (the warehouse's measurement wins over the merchant's declaration).
//!
//! A product is the merchant's SKU code; it has one `skus` row per warehouse it is in (the
//! same rows the order form, SKU mapping and the floor use).

use serde::{Deserialize, Serialize};

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
}
