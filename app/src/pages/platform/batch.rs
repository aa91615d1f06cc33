//! 【Batch Dispatch to Warehouse】: one warehouse and channel for the selected orders, sent in
//! chunks so the dialog can show progress; each order succeeds or fails on its own.

use leptos::prelude::*;

use super::dispatch::{ChannelSelect, WarehouseSelect};
use super::*;
use crate::api::platform::{dispatch_batch, MAX_BATCH_DISPATCH};
use crate::components::*;

/// Orders per `dispatch_batch` request: small enough for visible progress.
const CHUNK: usize = 10;
const _: () = assert!(CHUNK <= MAX_BATCH_DISPATCH);

/// One order's outcome as the dialog lists it.
#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    order_no: String,
    result: Result<OrderId, String>,
}

/// "19 dispatched, 1 failed".
fn summary(outcomes: &[Outcome]) -> String {
    let ok = outcomes.iter().filter(|o| o.result.is_ok()).count();
    format!("{ok} dispatched, {} failed", outcomes.len() - ok)
}

#[component]
pub(super) fn BatchDispatchDialog(
    orders: Vec<(PlatformOrderId, String)>,
    catalog: CatalogResource,
    on_close: Callback<()>,
    /// The ids that were dispatched (the page drops them from the selection and refreshes).
    on_finished: Callback<Vec<PlatformOrderId>>,
) -> impl IntoView {
    let running = RwSignal::new(false);
    // Closing mid-run would leave the remaining chunks unsent without saying so.
    let close = Callback::new(move |_: ()| {
        if !running.get_untracked() {
            on_close.run(());
        }
    });
    view! {
        <Dialog title="Batch Dispatch to Warehouse" wide=true on_close=close>
            {move || match catalog.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                Some(Ok(c)) => view! { <BatchForm orders=orders.clone() catalog=c running=running on_close=close on_finished=on_finished/> }.into_any(),
            }}
        </Dialog>
    }
}

#[component]
fn BatchForm(
    orders: Vec<(PlatformOrderId, String)>,
    catalog: Catalog,
    running: RwSignal<bool>,
    on_close: Callback<()>,
    on_finished: Callback<Vec<PlatformOrderId>>,
) -> impl IntoView {
    let total = orders.len();
    let only_warehouse = (catalog.warehouses.len() == 1).then(|| catalog.warehouses.first().map(|w| w.id)).flatten();
    let catalog = StoredValue::new(catalog);
    let orders = StoredValue::new(orders);
    let warehouse = RwSignal::new(only_warehouse);
    let channel = RwSignal::new(None::<ChannelId>);
    let errors = RwSignal::new(ValidationErrors::default());
    let done = RwSignal::new(0usize);
    let outcomes = RwSignal::new(Vec::<Outcome>::new());
    let finished = RwSignal::new(false);

    let self_pickup = Memo::new(move |_| {
        channel.get().and_then(|c| catalog.with_value(|cat| cat.channel(c).map(Channel::is_self_pickup))).unwrap_or(false)
    });
    let on_warehouse = Callback::new(move |w: Option<WarehouseId>| {
        warehouse.set(w);
        channel.set(None);
        errors.set(ValidationErrors::default());
    });
    let on_channel = Callback::new(move |c: Option<ChannelId>| {
        channel.set(c);
        errors.set(ValidationErrors::default());
    });

    let start = move |_| {
        let mut problems = ValidationErrors::default();
        let (Some(w), Some(c)) = (warehouse.get_untracked(), channel.get_untracked()) else {
            if warehouse.get_untracked().is_none() {
                problems.add(FIELD_WAREHOUSE, MSG_SELECT_WAREHOUSE);
            }
            problems.add(FIELD_CHANNEL, MSG_SELECT_CHANNEL);
            errors.set(problems);
            return;
        };
        if self_pickup.get_untracked() {
            errors.set(ValidationErrors::single(FIELD_CHANNEL, MSG_BATCH_SELF_PICKUP));
            return;
        }
        errors.set(ValidationErrors::default());
        running.set(true);
        done.set(0);
        outcomes.set(Vec::new());
        let list = orders.get_value();
        leptos::task::spawn_local(async move {
            let mut dispatched = Vec::new();
            for chunk in list.chunks(CHUNK) {
                let ids: Vec<PlatformOrderId> = chunk.iter().map(|(id, _)| *id).collect();
                let results: Vec<Outcome> = match dispatch_batch(ids, w, c).await {
                    Ok(results) => chunk
                        .iter()
                        .map(|(id, no)| match results.iter().find(|r| r.platform_order_id == *id) {
                            Some(r) => {
                                let order_no = if r.order_no.is_empty() { no.clone() } else { r.order_no.clone() };
                                Outcome { order_no, result: r.outcome.clone() }
                            }
                            None => Outcome { order_no: no.clone(), result: Err("The server did not answer for this order".into()) },
                        })
                        .collect(),
                    // The whole request failed (e.g. the connection): every order of it failed.
                    Err(e) => chunk.iter().map(|(_, no)| Outcome { order_no: no.clone(), result: Err(error_text(&e)) }).collect(),
                };
                for ((id, _), outcome) in chunk.iter().zip(&results) {
                    if outcome.result.is_ok() {
                        dispatched.push(*id);
                    }
                }
                outcomes.update(|o| o.extend(results));
                done.update(|n| *n += chunk.len());
            }
            running.set(false);
            finished.set(true);
            on_finished.run(dispatched);
        });
    };

    let percent = move || (done.get() * 100).checked_div(total).unwrap_or(100);
    let tags = orders.with_value(|list| {
        list.iter().map(|(_, no)| view! { <span class="tag mono" data-order-no=no.clone()>{no.clone()}</span> }).collect_view()
    });
    let errors_signal: Signal<ValidationErrors> = errors.into();
    view! {
        <p>{format!("{total} order(s) selected:")}</p>
        <div class="tags" aria-label="Selected orders">{tags}</div>
        <div class="fields two">
            <div>
                <WarehouseSelect id="batch-warehouse" catalog=catalog value=warehouse on_change=on_warehouse/>
                <FieldError errors=errors_signal field=FIELD_WAREHOUSE/>
            </div>
            <div>
                <ChannelSelect id="batch-channel" catalog=catalog warehouse=warehouse value=channel on_change=on_channel/>
                <FieldError errors=errors_signal field=FIELD_CHANNEL/>
            </div>
        </div>
        <Show when=move || self_pickup.get() && errors.with(ValidationErrors::is_empty)>
            <p class="warn-text" role="alert">{MSG_BATCH_SELF_PICKUP}</p>
        </Show>
        <Show when=move || running.get() || finished.get()>
            <div class="batch-progress">
                <p role="status" aria-live="polite">
                    {move || if finished.get() { format!("Done — {total} of {total} sent.") } else { format!("Dispatched {} of {total}…", done.get()) }}
                </p>
                <div class="progress" role="progressbar" aria-label="Batch dispatch progress" aria-valuemin="0"
                    aria-valuemax=total.to_string() aria-valuenow=move || done.get().to_string()
                    data-progress=move || format!("{}/{total}", done.get())>
                    <div class="progress-bar" style=move || format!("width: {}%", percent())></div>
                </div>
            </div>
        </Show>
        <Show when=move || finished.get()>
            <p class="batch-summary strong" data-summary="">{move || outcomes.with(|o| summary(o))}</p>
        </Show>
        <Show when=move || outcomes.with(|o| !o.is_empty())>
            <ul class="batch-results" aria-label="Results">
                {move || {
                    // Failures first: they are what the user has to act on.
                    let mut list = outcomes.get();
                    list.sort_by_key(|o| o.result.is_ok());
                    list
                }.into_iter().map(|o| match o.result {
                    Ok(order) => view! {
                        <li data-result="ok" data-order-no=o.order_no.clone()>
                            <span class="mono">{o.order_no.clone()}</span>" → "
                            <a class="mono" href=format!("/orders/{order}")>{order_no(order)}</a>
                        </li>
                    }.into_any(),
                    Err(reason) => view! {
                        <li data-result="failed" data-order-no=o.order_no.clone()>
                            <span class="mono">{o.order_no.clone()}</span>" — "<span class="fail-text">{reason}</span>
                        </li>
                    }.into_any(),
                }).collect_view()}
            </ul>
        </Show>
        <div class="dialog-foot">
            <button type="button" class="btn" disabled=move || running.get() on:click=move |_| on_close.run(())>
                {move || if finished.get() { "Close" } else { "Cancel" }}
            </button>
            <Show when=move || !finished.get()>
                <button type="button" class="btn btn-primary" data-submit="" disabled=move || running.get() on:click=start>
                    {move || if running.get() { "Dispatching…".to_string() } else { format!("Dispatch {total} order(s)") }}
                </button>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_both_outcomes() {
        let ok = |n: &str| Outcome { order_no: n.into(), result: Ok(1) };
        let failed = |n: &str| Outcome { order_no: n.into(), result: Err("no".into()) };
        assert_eq!(summary(&[ok("#1"), ok("#2"), failed("#3")]), "2 dispatched, 1 failed");
        assert_eq!(summary(&[]), "0 dispatched, 0 failed");
    }
}
