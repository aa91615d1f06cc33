use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::orders::{get_order, get_tracking, intercept_order, retry_label, submit_order};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn OrderDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<OrderId>().ok())));
    let refresh = RwSignal::new(0u32);
    let order = Resource::new(move || (id.get(), refresh.get()), |(id, _)| async move {
        get_order(id.ok_or(crate::error::AppError::NotFound)?).await
    });
    // Created here, not inside the view that needs it: resources are matched between the server
    // render and hydration by creation order, and the order view is rendered more than once on
    // the server, so a resource created inside it gets a different id in the browser.
    let tracking = Resource::new(move || (id.get(), refresh.get()), |(id, _)| async move {
        get_tracking(id.ok_or(crate::error::AppError::NotFound)?).await
    });
    let message = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);
    on_order_change(move || refresh.update(|n| *n += 1));

    let act = move |action: DetailAction| {
        let Some(id) = id.get_untracked() else { return };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = match action {
                DetailAction::Submit => submit_order(id).await.map(|s| format!("Submitted to warehouse — order is now {}", s.label())),
                DetailAction::Intercept => intercept_order(id).await.map(|s| format!("Intercepted — order is now {}", s.label())),
                DetailAction::RetryLabel => retry_label(id).await.map(|_| "Label purchase queued again".to_string()),
            };
            match result {
                Ok(text) => message.set(Some(("success".into(), text))),
                Err(e) => message.set(Some(("error".into(), error_text(&e)))),
            }
            busy.set(false);
            refresh.update(|n| *n += 1);
        });
    };

    view! {
        <MerchantLayout>
            {move || message.get().map(|(kind, text)| view! { <Notice kind=kind>{text}</Notice> })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || order.get().map(|r| match r {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(o) => view! { <OrderDetailView order=o tracking=tracking busy=busy on_action=act/> }.into_any(),
                })}
            </Transition>
        </MerchantLayout>
    }
}

#[derive(Clone, Copy)]
enum DetailAction {
    Submit,
    Intercept,
    RetryLabel,
}

#[component]
fn OrderDetailView(
    order: OrderDetail,
    tracking: Resource<Result<Vec<TrackingEvent>, crate::error::AppError>>,
    busy: RwSignal<bool>,
    on_action: impl Fn(DetailAction) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = order.id;
    let can_submit = OrderAction::Submit.allowed_from(order.status);
    let can_intercept = OrderAction::Intercept.allowed_from(order.status);
    let r = order.draft.recipient.clone();
    let channel = order.channel.clone();
    let signature = order.draft.signature_option.map(|s| s.label()).unwrap_or("None");
    let country = country_name(&r.country).unwrap_or(&r.country).to_string();
    view! {
        <div class="page-head">
            <h1>{order_no(id)}" "<StatusBadge status=order.status/></h1>
            <div class="head-actions">
                {order.status.is_editable().then(|| view! { <a class="btn" href=format!("/orders/{id}/edit")>"Edit"</a> })}
                <button class="btn btn-primary" disabled=move || !can_submit || busy.get()
                    title=if can_submit { "Send this order to the warehouse" } else { "Only Draft orders can be submitted" }
                    on:click=move |_| on_action(DetailAction::Submit)>"Submit"</button>
                <button class="btn btn-warn" disabled=move || !can_intercept || busy.get()
                    title=if can_intercept { "Take the order back to Draft" } else { "Only Submitted orders that are not yet waved can be intercepted" }
                    on:click=move |_| on_action(DetailAction::Intercept)>"Intercept"</button>
            </div>
        </div>
        <div class="form-grid">
            <section class="card">
                <h2>"Basic Information"</h2>
                <dl class="facts">
                    <dt>"Shipping Warehouse"</dt><dd>{order.warehouse_name.clone()}</dd>
                    <dt>"Business"</dt><dd>{order.business_name.clone()}</dd>
                    <dt>"Platform Order No."</dt><dd>{order.draft.platform_order_no.clone()}</dd>
                    <dt>"Created"</dt><dd>{time::format_utc_minutes(order.created_at_ms)}</dd>
                    <dt>"Updated"</dt><dd>{time::format_utc_minutes(order.updated_at_ms)}</dd>
                </dl>
            </section>
            <section class="card">
                <h2>"Recipient"</h2>
                <address class="recipient">
                    <strong>{r.name.clone()}</strong><br/>
                    {r.address1.clone()}<br/>
                    {(!r.address2.is_empty()).then(|| view! { {r.address2.clone()}<br/> })}
                    {format!("{} {} {}", r.city, r.state, r.postal_code)}<br/>
                    {country}<br/>
                    <span class="muted">{r.phone.clone()}" "{r.email.clone()}</span>
                </address>
            </section>
            <section class="card">
                <h2>"Products"</h2>
                <table class="grid lines">
                    <thead><tr><th>"SKU"</th><th>"Name"</th><th class="num">"Quantity"</th></tr></thead>
                    <tbody>
                        {order.lines.iter().map(|l| view! {
                            <tr><td class="mono nowrap">{l.sku_code.clone()}</td><td>{l.sku_name.clone()}</td><td class="num">{l.quantity}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card">
                <h2>"Shipping"</h2>
                <dl class="facts">
                    <dt>"Shipping Channel"</dt><dd>{channel.as_ref().map(|c| c.display_name()).unwrap_or_default()}</dd>
                    <dt>"Type"</dt><dd>{channel.as_ref().map(|c| if c.is_self_pickup() { "Self Pickup" } else { "Non-Self Pickup" }).unwrap_or_default()}</dd>
                    <dt>"Signature Service"</dt><dd>{signature}</dd>
                    <dt>"Tracking Number"</dt>
                    <dd><LabelInfo id=id status=order.label_status tracking_no=order.draft.tracking_no.clone()
                        error=order.label_error.clone() on_retry=move |_| on_action(DetailAction::RetryLabel)/></dd>
                    <dt>"Shipping Cost"</dt>
                    <dd>{order.shipping_cost_minor.map(|m| format_money(m, &order.shipping_currency)).unwrap_or_default()}</dd>
                    // The merchant's own label (self-pickup); carrier labels are linked above.
                    {order.draft.label.clone().map(|l| view! {
                        <dt>"Shipping Label"</dt>
                        <dd><a href=format!("/api/labels/{}", l.id) target="_blank">{l.file_name}</a></dd>
                    })}
                </dl>
            </section>
        </div>
        {(order.label_status == LabelStatus::Ready).then(|| view! { <TrackingEvents events=tracking/> })}
        <section class="card">
            <h2>"History"</h2>
            <table class="grid history stack-phone">
                <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Status"</th></tr></thead>
                <tbody>
                    {order.events.iter().map(|e| view! {
                        <tr>
                            <td data-label="When" class="time-cell">{time::format_utc_minutes(e.at_ms)}</td>
                            <td data-label="Who">{e.actor.clone()}</td>
                            <td data-label="What">
                                <span>
                                    {e.action.label()}
                                    {(!e.detail.is_empty()).then(|| view! { <div class="history-detail muted">{e.detail.clone()}</div> })}
                                </span>
                            </td>
                            <td data-label="Status">{e.from_status.map(|s| format!("{} → ", s.label())).unwrap_or_default()}{e.to_status.label()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Carrier scan events of the order's label, oldest first.
#[component]
fn TrackingEvents(events: Resource<Result<Vec<TrackingEvent>, crate::error::AppError>>) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Tracking"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Asking the carrier…"</p> }>
                {move || events.get().map(|r| match r {
                    Err(e) => view! { <p class="field-error">{error_text(&e)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">"No carrier scans yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="grid tracking stack-phone">
                            <thead><tr><th>"When"</th><th>"Status"</th><th>"Event"</th><th>"Location"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|e| view! {
                                    <tr>
                                        <td data-label="When" class="time-cell">{time::format_utc_minutes(e.at_ms)}</td>
                                        <td data-label="Status">{e.status}</td>
                                        <td data-label="Event">{e.description}</td>
                                        <td data-label="Location">{e.location}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
