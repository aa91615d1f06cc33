//! Money is always integer minor units plus an ISO 4217 code; this only formats it.

/// "13.35 USD"; currencies without minor units (JPY, KRW) print whole amounts.
pub fn format_money(minor: i64, currency: &str) -> String {
    let decimals = match currency {
        "JPY" | "KRW" | "VND" => 0,
        _ => 2,
    };
    if decimals == 0 {
        return format!("{minor} {currency}");
    }
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::format_money;

    #[test]
    fn formats_minor_units() {
        assert_eq!(format_money(1335, "USD"), "13.35 USD");
        assert_eq!(format_money(5, "EUR"), "0.05 EUR");
        assert_eq!(format_money(-250, "USD"), "-2.50 USD");
        assert_eq!(format_money(1200, "JPY"), "1200 JPY");
    }
}
