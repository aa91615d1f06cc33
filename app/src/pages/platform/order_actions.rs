//! 【Manual Ship】 and 【Cancel Order】.

use std::collections::BTreeSet;

use leptos::prelude::*;

use super::*;
use crate::api::platform::{cancel_platform_order, manual_ship};
use crate::components::*;

/// 【Manual Ship】: the merchant shipped it themselves; the tracking number is written back to
/// the store. `ManualShipInput::validated` runs here first, live after the first attempt.
#[component]
pub(super) fn ManualShipDialog(
    order: PlatformOrderSummary,
    catalog: CatalogResource,
    on_close: Callback<()>,
    on_done: Callback<Flash>,
) -> impl IntoView {
    let id = order.id;
    let platform_order_no = StoredValue::new(order.order_no.clone());
    let input = RwSignal::new(ManualShipInput::default());
    let attempted = RwSignal::new(false);
    let server_errors = RwSignal::new(ValidationErrors::default());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let client_errors = Memo::new(move |_| {
        if attempted.get() { input.with(|i| i.validated().err().unwrap_or_default()) } else { ValidationErrors::default() }
    });
    let errors = Signal::derive(move || {
        let c = client_errors.get();
        if c.is_empty() { server_errors.get() } else { c }
    });
    // Suggestions from the catalog: carriers, and the service types of the typed carrier.
    let channels = Memo::new(move |_| {
        catalog.with(|c| c.as_ref().and_then(|r| r.as_ref().ok()).map(|c| c.channels.clone()).unwrap_or_default())
    });
    let carriers = move || channels.with(|list| list.iter().map(|c| c.carrier.clone()).collect::<BTreeSet<_>>());
    let services = move || {
        let carrier = input.with(|i| i.channel.trim().to_string());
        channels.with(|list| {
            list.iter().filter(|c| carrier.is_empty() || c.carrier == carrier).map(|c| c.service_type.clone()).collect::<BTreeSet<_>>()
        })
    };

    let submit = move |_| {
        attempted.set(true);
        server_errors.set(ValidationErrors::default());
        failure.set(None);
        let Ok(valid) = input.get_untracked().validated() else { return };
        sending.set(true);
        let done_text = format!("{}: shipment written back to the store — now {}.", platform_order_no.get_value(), PlatformStatus::ManualCompleted.label());
        leptos::task::spawn_local(async move {
            match manual_ship(id, valid).await {
                Ok(()) => on_done.run(Flash::Ok(done_text)),
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
    let text_input = move |id: &'static str, field: &'static str, list: Option<&'static str>, get: fn(&ManualShipInput) -> String, set: fn(&mut ManualShipInput, String)| {
        view! {
            <input id=id type="text" maxlength="100" autocomplete="off" list=list
                prop:value=move || input.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); input.update(|i| set(i, v)); }/>
            <FieldError errors=errors field=field/>
        }
    };

    view! {
        <Dialog title=PlatformAction::ManualShip.label() subtitle=order.order_no.clone() on_close=on_close>
            <p class="hint">"For an order you shipped outside the warehouse: the tracking number is sent to the store and the order becomes Manual Completed."</p>
            <div class="fields">
                <div class="field">
                    <label for="ship-tracking">"Tracking Number"<RequiredMark/></label>
                    {text_input("ship-tracking", "tracking_no", None, |i| i.tracking_no.clone(), |i, v| i.tracking_no = v)}
                </div>
                <div class="field">
                    <label for="ship-channel">"Shipping Channel"<RequiredMark/></label>
                    {text_input("ship-channel", "channel", Some("ship-carriers"), |i| i.channel.clone(), |i, v| i.channel = v)}
                    <datalist id="ship-carriers">
                        {move || carriers().into_iter().map(|c| view! { <option value=c></option> }).collect_view()}
                    </datalist>
                    <p class="hint">"Pick a carrier or type one."</p>
                </div>
                <div class="field">
                    <label for="ship-service">"Service Type"</label>
                    {text_input("ship-service", "service_type", Some("ship-services"), |i| i.service_type.clone(), |i, v| i.service_type = v)}
                    <datalist id="ship-services">
                        {move || services().into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
                    </datalist>
                </div>
            </div>
            {move || failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
            <div class="dialog-foot">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="btn btn-primary" data-submit="" disabled=move || sending.get() on:click=submit>
                    {move || if sending.get() { "Sending…" } else { "Confirm Shipment" }}
                </button>
            </div>
        </Dialog>
    }
}

/// 【Cancel Order】 after a confirmation; the reason for a refusal stays in the dialog.
#[component]
pub(super) fn CancelOrderDialog(order: PlatformOrderSummary, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let id = order.id;
    let platform_order_no = StoredValue::new(order.order_no.clone());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let message = if order.dropship_order_id.is_some() {
        "The order is cancelled at the store, and its dropship order is taken back from the warehouse (refused once the warehouse has started on it). This cannot be undone."
    } else {
        "The order is cancelled at the store. This cannot be undone."
    };
    let confirm = Callback::new(move |_: ()| {
        busy.set(true);
        error.set(None);
        let done_text = format!("{} cancelled.", platform_order_no.get_value());
        leptos::task::spawn_local(async move {
            match cancel_platform_order(id).await {
                Ok(()) => on_done.run(Flash::Ok(done_text)),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(error_text(&e)));
                }
            }
        });
    });
    view! {
        <ConfirmDialog title=PlatformAction::Cancel.label() subtitle=order.order_no.clone() message=message
            confirm_label="Cancel Order" dismiss_label="Keep Order" busy=busy error=error
            on_confirm=confirm on_close=on_close/>
    }
}
