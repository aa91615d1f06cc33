//! 【Order Sync Log】: every sync task with its counts. While a task is queued or running the
//! page asks again every 2 seconds, so the counts move as the worker goes.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::*;
use crate::api::platform::{list_stores, sync_log};
use crate::components::*;

#[cfg(feature = "hydrate")]
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

fn is_active(tasks: &[SyncTask]) -> bool {
    tasks.iter().any(|t| matches!(t.status, SyncTaskStatus::Queued | SyncTaskStatus::Running))
}

/// What a mode fetched: the range, or the first few order numbers.
fn mode_detail(mode: &SyncMode) -> String {
    match mode {
        SyncMode::TimeRange { from_ms, to_ms } => format!("{} → {}", time::format_utc_minutes(*from_ms), time::format_utc_minutes(*to_ms)),
        SyncMode::OrderNumbers(numbers) => {
            const SHOWN: usize = 3;
            let head = numbers.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
            match numbers.len().saturating_sub(SHOWN) {
                0 => head,
                more => format!("{head} (+{more} more)"),
            }
        }
        SyncMode::Auto | SyncMode::Immediate => String::new(),
    }
}

#[component]
pub fn SyncLogPage() -> impl IntoView {
    let params = use_query_map();
    let store = Memo::new(move |_| params.with(|p| p.get("store").and_then(|v| parse_id(&v))));
    let tick = RwSignal::new(0u32);
    let log = Resource::new(move || (store.get(), tick.get()), |(s, _)| sync_log(s));
    let stores = Resource::new(|| (), |_| list_stores());

    // Whether the latest answer has a task still going (kept by an effect: the timer below
    // runs outside any reactive context).
    let active = RwSignal::new(false);
    Effect::new(move |_| active.set(log.with(|r| matches!(r, Some(Ok(tasks)) if is_active(tasks)))));
    #[cfg(feature = "hydrate")]
    {
        let timer = set_interval_with_handle(
            move || {
                if active.get_untracked() {
                    tick.update(|n| *n += 1);
                }
            },
            POLL_EVERY,
        );
        on_cleanup(move || {
            if let Ok(t) = timer {
                t.clear();
            }
        });
    }

    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"Order Sync Log"</h1>
                <div class="head-actions">
                    <a class="btn" href="/stores">"Stores"</a>
                    <a class="btn" href="/platform-orders">"Platform Orders"</a>
                </div>
            </div>
            <Suspense fallback=|| ()>
                <Form method="GET" action=SYNC_LOG_PATH attr:class="searchbar">
                    <label class="sr-only" for="log-store">"Store"</label>
                    <select id="log-store" name="store">
                        <option value="" selected=move || store.get().is_none()>"All stores"</option>
                        {move || store_options(stores.get().and_then(Result::ok).unwrap_or_default(), move |id| store.get() == Some(id))}
                    </select>
                    <button class="btn" type="submit">"Filter"</button>
                </Form>
            </Suspense>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || log.get().map(|r| match r {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(tasks) if tasks.is_empty() => view! {
                        <div class="empty card" data-empty="">"No syncs yet. Start one with Manual Sync on the Stores or Platform Orders page."</div>
                    }.into_any(),
                    Ok(tasks) => view! { <SyncTable tasks=tasks/> }.into_any(),
                })}
            </Transition>
        </MerchantLayout>
    }
}

#[component]
fn SyncTable(tasks: Vec<SyncTask>) -> impl IntoView {
    let active = is_active(&tasks);
    let rows = tasks
        .into_iter()
        .map(|t| {
            let detail = mode_detail(&t.mode);
            let any_failed = t.counts.failed != 0;
            view! {
                <tr data-task-id=t.id data-status=t.status.code()>
                    <td data-label="Store" class="store">{t.store_name}</td>
                    <td data-label="Mode">
                        <span>
                            <span class="nowrap">{t.mode.label()}</span>
                            {(!detail.is_empty()).then(|| view! { <div class="muted small mono">{detail}</div> })}
                        </span>
                    </td>
                    <td data-label="Status"><SyncStatusBadge status=t.status/></td>
                    <td data-label="Created" class="time-cell muted">{time::format_utc_minutes(t.created_at_ms)}</td>
                    <td data-label="Started" class="time-cell muted">{time_or_dash(t.started_at_ms)}</td>
                    <td data-label="Finished" class="time-cell muted">{time_or_dash(t.finished_at_ms)}</td>
                    <td data-label="Fetched" class="num" data-count="fetched">{t.counts.fetched}</td>
                    <td data-label="Created" class="num" data-count="created">{t.counts.created}</td>
                    <td data-label="Updated" class="num" data-count="updated">{t.counts.updated}</td>
                    <td data-label="Failed" class="num" data-count="failed" class:fail-text=any_failed>{t.counts.failed}</td>
                    <td data-label="Error" class="sync-error" data-error="">{t.error}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {active.then(|| view! { <p class="hint" role="status" data-polling="">"A sync is in progress — this list updates every 2 seconds."</p> })}
        <div class="card table-wrap">
            <table class="grid sync-log stack-phone">
                <thead><tr>
                    <th>"Store"</th><th>"Mode"</th><th>"Status"</th><th>"Created"</th><th>"Started"</th><th>"Finished"</th>
                    <th class="num">"Fetched"</th><th class="num">"Created"</th><th class="num">"Updated"</th><th class="num">"Failed"</th>
                    <th>"Error"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_details_summarise_the_request() {
        let numbers = SyncMode::OrderNumbers(vec!["#1".into(), "#2".into(), "#3".into(), "#4".into(), "#5".into()]);
        assert_eq!(mode_detail(&numbers), "#1, #2, #3 (+2 more)");
        assert_eq!(mode_detail(&SyncMode::OrderNumbers(vec!["#1".into()])), "#1");
        assert_eq!(mode_detail(&SyncMode::TimeRange { from_ms: 0, to_ms: 60_000 }), "1970-01-01 00:00 UTC → 1970-01-01 00:01 UTC");
        assert_eq!(mode_detail(&SyncMode::Immediate), "");
    }
}
