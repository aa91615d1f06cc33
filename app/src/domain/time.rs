//! Timestamps are i64 milliseconds since the Unix epoch (UTC) everywhere; this formats them.

/// "2026-11-23 04:53 UTC". Days-to-civil conversion after H. Hinnant's public-domain algorithm.
pub fn format_utc_minutes(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let secs_of_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs_of_day / 3600,
        (secs_of_day % 3600) / 60
    )
}

/// "2026-11-23 04:53:13 UTC", for logs where seconds matter (webhook retries).
pub fn format_utc_seconds(epoch_ms: i64) -> String {
    let minutes = format_utc_minutes(epoch_ms);
    let seconds = epoch_ms.div_euclid(1000).rem_euclid(60);
    match minutes.strip_suffix(" UTC") {
        Some(head) => format!("{head}:{seconds:02} UTC"),
        None => minutes,
    }
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc_minutes(0), "1970-01-01 00:00 UTC");
        // 2026-11-23T04:53:13Z
        assert_eq!(format_utc_minutes(1_795_409_593_000), "2026-11-23 04:53 UTC");
        // Leap day 2024-02-29T23:59:00Z
        assert_eq!(format_utc_minutes(1_709_251_140_000), "2024-02-29 23:59 UTC");
        assert_eq!(format_utc_seconds(1_795_409_593_000), "2026-11-23 04:53:13 UTC");
        assert_eq!(format_utc_seconds(-1), "1969-12-31 23:59:59 UTC");
    }
}
