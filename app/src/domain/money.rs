//! Money is always integer minor units plus an ISO 4217 code; this only formats it.

/// "13.35 USD"; currencies without minor units (JPY, KRW) print whole amounts.
pub fn format_money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", format_amount(minor, currency))
}

/// "13.35": the amount alone, with the currency's own number of decimals (what
/// `parse_money_minor` reads back).
pub fn format_amount(minor: i64, currency: &str) -> String {
    let decimals = super::platform::currency_decimals(currency);
    if decimals == 0 {
        return minor.to_string();
    }
    let sign = if minor < 0 { "-" } else { "" };
    let scale = 10u64.pow(decimals);
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = decimals as usize)
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
        assert_eq!(format_money(1200, "KWD"), "1.200 KWD");
        assert_eq!(super::format_amount(650, "USD"), "6.50");
        for (minor, currency) in [(650, "USD"), (900, "JPY"), (-5, "EUR"), (1234, "KWD")] {
            let text = super::format_amount(minor, currency);
            assert_eq!(crate::domain::parse_money_minor(&text, currency), Ok(minor), "{text}");
        }
    }
}
