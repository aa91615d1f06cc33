//! 【Manual Sync】: Immediate, Time Range or Order Number sync for one store. The request is
//! checked with `SyncMode::validated` first; the server queues it and answers at once.

use leptos::prelude::*;

use super::*;
use crate::api::platform::start_sync;
use crate::components::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Immediate,
    TimeRange,
    OrderNumbers,
}

impl Mode {
    const ALL: [Mode; 3] = [Mode::Immediate, Mode::TimeRange, Mode::OrderNumbers];
    fn code(self) -> &'static str {
        match self {
            Mode::Immediate => "immediate",
            Mode::TimeRange => "time_range",
            Mode::OrderNumbers => "order_numbers",
        }
    }
    fn label(self) -> &'static str {
        // The domain's labels, so the dialog and the sync log name modes alike.
        match self {
            Mode::Immediate => SyncMode::Immediate.label(),
            Mode::TimeRange => SyncMode::TimeRange { from_ms: 0, to_ms: 0 }.label(),
            Mode::OrderNumbers => SyncMode::OrderNumbers(Vec::new()).label(),
        }
    }
    fn hint(self) -> &'static str {
        match self {
            Mode::Immediate => "Fetch orders changed since the store's last sync, now.",
            Mode::TimeRange => "Fetch orders created in a window of at most 31 days.",
            Mode::OrderNumbers => "Fetch specific orders: up to 100 numbers, separated by commas, spaces or new lines.",
        }
    }
}

/// The form as typed → the request, or the messages for its fields.
fn sync_request(mode: Mode, from: &str, to: &str, numbers: &str) -> Result<SyncMode, ValidationErrors> {
    let mode = match mode {
        Mode::Immediate => SyncMode::Immediate,
        Mode::TimeRange => match (utc_datetime_ms(from), utc_datetime_ms(to)) {
            (Some(from_ms), Some(to_ms)) => SyncMode::TimeRange { from_ms, to_ms },
            _ => return Err(ValidationErrors::single("range", "Please choose the start and the end time")),
        },
        Mode::OrderNumbers => SyncMode::OrderNumbers(split_order_numbers(numbers)),
    };
    mode.validated()
}

#[component]
pub(crate) fn SyncDialog(
    stores: Vec<StoreInfo>,
    /// Opened from a store's row: that store, no select.
    store: Option<StoreId>,
    on_close: Callback<()>,
    on_queued: Callback<SyncTaskId>,
) -> impl IntoView {
    let fixed_store = store.and_then(|id| stores.iter().find(|s| s.id == id).cloned());
    let only_store = (stores.len() == 1).then(|| stores.first().map(|s| s.id)).flatten();
    let chosen = RwSignal::new(store.or(only_store));
    let mode = RwSignal::new(Mode::Immediate);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let numbers = RwSignal::new(String::new());
    let attempted = RwSignal::new(false);
    let server_errors = RwSignal::new(ValidationErrors::default());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);

    let check = move || -> Result<(StoreId, SyncMode), ValidationErrors> {
        let request = sync_request(mode.get(), &from.get(), &to.get(), &numbers.get());
        match (chosen.get(), request) {
            (Some(store), Ok(mode)) => Ok((store, mode)),
            (store, request) => {
                let mut errors = request.err().unwrap_or_default();
                if store.is_none() {
                    errors.add("store", "Please choose a store");
                }
                Err(errors)
            }
        }
    };
    let client_errors = Memo::new(move |_| if attempted.get() { check().err().unwrap_or_default() } else { ValidationErrors::default() });
    let errors = Signal::derive(move || {
        let c = client_errors.get();
        if c.is_empty() { server_errors.get() } else { c }
    });
    let number_count = move || split_order_numbers(&numbers.get()).len();

    let submit = move |_| {
        attempted.set(true);
        server_errors.set(ValidationErrors::default());
        failure.set(None);
        let Ok((store, request)) = check() else { return };
        sending.set(true);
        leptos::task::spawn_local(async move {
            match start_sync(store, request).await {
                Ok(task) => on_queued.run(task),
                Err(crate::error::AppError::Validation(v)) => {
                    sending.set(false);
                    server_errors.set(v);
                }
                Err(e) => {
                    sending.set(false);
                    failure.set(Some(error_text(&e)));
                }
            }
        });
    };

    let no_stores = stores.is_empty();
    let store_field = match fixed_store {
        Some(s) => view! { <p class="muted">"Store: "<strong>{s.name}</strong>" · "{s.shop_domain}</p> }.into_any(),
        None => view! {
            <div class="field">
                <label for="sync-store">"Store"<RequiredMark/></label>
                <select id="sync-store" on:change=move |ev| chosen.set(parse_id(&event_target_value(&ev)))>
                    <option value="" selected=move || chosen.get().is_none()>
                        {if no_stores { "No store connected yet" } else { "Select a store" }}
                    </option>
                    {store_options(stores, move |id| chosen.get() == Some(id))}
                </select>
                <FieldError errors=errors field="store"/>
            </div>
        }
        .into_any(),
    };
    let modes = Mode::ALL
        .into_iter()
        .map(|m| {
            view! {
                <label class="radio">
                    <input type="radio" name="sync-mode" value=m.code() prop:checked=move || mode.get() == m
                        on:change=move |_| { mode.set(m); server_errors.set(ValidationErrors::default()); }/>
                    <span><strong>{m.label()}</strong><br/><span class="muted">{m.hint()}</span></span>
                </label>
            }
        })
        .collect_view();

    view! {
        <Dialog title="Manual Sync" on_close=on_close>
            {store_field}
            <fieldset class="sync-modes">
                <legend>"Sync mode"</legend>
                {modes}
            </fieldset>
            <Show when=move || mode.get() == Mode::TimeRange>
                <div class="fields two">
                    <div class="field">
                        <label for="sync-from">"Start (UTC)"<RequiredMark/></label>
                        <input id="sync-from" type="datetime-local" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="sync-to">"End (UTC)"<RequiredMark/></label>
                        <input id="sync-to" type="datetime-local" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                    </div>
                </div>
                <FieldError errors=errors field="range"/>
            </Show>
            <Show when=move || mode.get() == Mode::OrderNumbers>
                <div class="field">
                    <label for="sync-numbers">"Order Numbers"<RequiredMark/></label>
                    <textarea id="sync-numbers" rows="4" placeholder="#1001, #1002\n1003"
                        prop:value=move || numbers.get() on:input=move |ev| numbers.set(event_target_value(&ev))></textarea>
                    <p class="hint">{move || format!("{} order number(s)", number_count())}</p>
                    <FieldError errors=errors field="order_numbers"/>
                </div>
            </Show>
            <FieldError errors=errors field="mode"/>
            {move || failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
            <div class="dialog-foot">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="btn btn-primary" data-submit="" disabled=move || sending.get() on:click=submit>
                    {move || if sending.get() { "Queueing…" } else { "Start Sync" }}
                </button>
            </div>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_follow_the_domain_rules() {
        assert_eq!(sync_request(Mode::Immediate, "", "", ""), Ok(SyncMode::Immediate));
        let range = sync_request(Mode::TimeRange, "2024-05-01T00:00", "2024-05-31T00:00", "");
        assert!(matches!(range, Ok(SyncMode::TimeRange { .. })));
        let too_long = sync_request(Mode::TimeRange, "2024-05-01T00:00", "2024-06-02T00:00", "").err().unwrap_or_default();
        assert!(too_long.first("range").is_some());
        let missing = sync_request(Mode::TimeRange, "", "2024-06-02T00:00", "").err().unwrap_or_default();
        assert!(missing.first("range").is_some());
        assert_eq!(sync_request(Mode::OrderNumbers, "", "", "1001, #1002"), Ok(SyncMode::OrderNumbers(vec!["#1001".into(), "#1002".into()])));
        assert!(sync_request(Mode::OrderNumbers, "", "", "  ").is_err());
    }
}
