//! The merchant's platform-order pages: 【Platform Orders】 with its dialogs, 【Store
//! Authorization】, 【Order Sync Log】 and 【Platform SKU Mapping】. The rules (which action is
//! allowed, what a valid sync or mapping is) live in `domain::platform`; these pages run them
//! before asking the server, which runs them again.
//!
//! Dialogs are rendered only while open. On success a dialog calls its `on_done`, which closes
//! it, and touches none of its own signals afterwards: a late `set` would schedule a render
//! effect that then reads a signal already disposed with the dialog.

mod ack;
mod batch;
mod details;
mod dispatch;
mod mappings;
mod order_actions;
mod orders;
mod stores;
mod sync_dialog;
mod sync_log;

pub use mappings::SkuMappingsPage;
pub use orders::PlatformOrdersPage;
pub use stores::StoresPage;
pub use sync_log::SyncLogPage;

use leptos::prelude::*;

use crate::domain::*;
use crate::error::AppError;

pub(crate) const SYNC_LOG_PATH: &str = "/sync-log";

/// The catalog as the orders page loads it: in the browser only, when a dialog needs it.
pub(crate) type CatalogResource = LocalResource<Result<Catalog, AppError>>;

/// `path?key=value&…` with empty values left out; values percent-encoded the same way on the
/// server and in the browser (so hydrated links match the server's).
pub(crate) fn href_with(path: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

fn encode_query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub(crate) fn parse_id(v: &str) -> Option<i64> {
    v.trim().parse().ok()
}

/// "2024-05-01" (a date input) → that day's first millisecond, UTC (every time on these pages
/// is shown in UTC).
pub(crate) fn utc_date_ms(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400_000)
}

/// The last millisecond of that day, UTC: an "Order Time to" date includes the whole day.
pub(crate) fn utc_date_end_ms(text: &str) -> Option<i64> {
    utc_date_ms(text).map(|start| start + 86_400_000 - 1)
}

/// "2024-05-01T10:30" (a datetime-local input; seconds optional) → ms, read as UTC.
pub(crate) fn utc_datetime_ms(text: &str) -> Option<i64> {
    let (date, clock) = text.trim().split_once('T')?;
    let day = utc_date_ms(date)?;
    let mut parts = clock.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let min: i64 = parts.next()?.parse().ok()?;
    let sec: f64 = parts.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if !(0..24).contains(&h) || !(0..60).contains(&min) || !(0.0..60.0).contains(&sec) {
        return None;
    }
    Some(day + (h * 3600 + min * 60) * 1000 + (sec * 1000.0) as i64)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (H. Hinnant's algorithm, the inverse of the one in `domain::time`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "—" for a missing time.
pub(crate) fn time_or_dash(ms: Option<i64>) -> String {
    ms.map(time::format_utc_minutes).unwrap_or_else(|| "—".into())
}

/// `<option>`s for a store select; `selected` marks the current one.
pub(crate) fn store_options(stores: Vec<StoreInfo>, selected: impl Fn(StoreId) -> bool + Copy + Send + Sync + 'static) -> impl IntoView {
    stores
        .into_iter()
        .map(|s| {
            let sid = s.id;
            view! { <option value=sid.to_string() selected=move || selected(sid)>{s.name}</option> }
        })
        .collect_view()
}

/// A success or failure line at the top of a page.
#[derive(Clone, Debug, PartialEq)]
pub enum Flash {
    Ok(String),
    Err(String),
    /// A dispatch created this dropship order.
    Dispatched { platform_order_no: String, order: OrderId },
    /// 【Manual Sync】 queued a task.
    SyncQueued,
}

#[component]
pub(crate) fn FlashNotice(flash: RwSignal<Option<Flash>>) -> impl IntoView {
    move || {
        flash.get().map(|f| match f {
            Flash::Ok(text) => view! { <div class="notice notice-success" role="status" data-flash="ok">{text}</div> }.into_any(),
            Flash::Err(text) => view! { <div class="notice notice-error" role="alert" data-flash="error">{text}</div> }.into_any(),
            Flash::Dispatched { platform_order_no, order } => view! {
                <div class="notice notice-success" role="status" data-flash="ok">
                    "Dispatched — dropship order "<a href=format!("/orders/{order}") class="mono" data-dropship-order="">{order_no(order)}</a>
                    " created for "{platform_order_no}"."
                </div>
            }
            .into_any(),
            Flash::SyncQueued => view! {
                <div class="notice notice-success" role="status" data-flash="ok">
                    "Sync queued — see the "<a href=SYNC_LOG_PATH>"Order Sync Log"</a>" for its progress."
                </div>
            }
            .into_any(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_leave_out_empty_values_and_encode_the_rest() {
        assert_eq!(href_with("/platform-orders", &[("kind", "b2c".into()), ("order_no", String::new())]), "/platform-orders?kind=b2c");
        assert_eq!(href_with("/x", &[("order_no", "#1001 a&b".into())]), "/x?order_no=%231001%20a%26b");
        assert_eq!(href_with("/x", &[]), "/x");
    }

    #[test]
    fn dates_read_as_utc() {
        assert_eq!(utc_date_ms("1970-01-01"), Some(0));
        assert_eq!(utc_date_ms("2024-02-29"), Some(1_709_164_800_000));
        assert_eq!(utc_date_end_ms("2024-02-29"), Some(1_709_251_199_999));
        assert_eq!(utc_date_ms("2023-02-29"), None);
        assert_eq!(utc_date_ms("2024-13-01"), None);
        assert_eq!(utc_date_ms(""), None);
        assert_eq!(utc_datetime_ms("2024-02-29T23:59"), Some(1_709_251_140_000));
        assert_eq!(utc_datetime_ms("2024-02-29T23:59:30"), Some(1_709_251_170_000));
        assert_eq!(utc_datetime_ms("2024-02-29T24:00"), None);
        assert_eq!(utc_datetime_ms("2024-02-29"), None);
        // Round trip with the formatter every page uses.
        let ms = utc_datetime_ms("2026-11-23T04:53").unwrap_or_default();
        assert_eq!(time::format_utc_minutes(ms), "2026-11-23 04:53 UTC");
    }
}
