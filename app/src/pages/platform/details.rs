//! 【Details】: one platform order in five tabs (the last is its history).

use leptos::prelude::*;

use super::*;
use crate::api::platform::get_platform_order;
use crate::components::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Basic,
    Payment,
    Recipient,
    Items,
    History,
}

impl Tab {
    const ALL: [Tab; 5] = [Tab::Basic, Tab::Payment, Tab::Recipient, Tab::Items, Tab::History];
    fn label(self) -> &'static str {
        match self {
            Tab::Basic => "Basic Info",
            Tab::Payment => "Payment Info",
            Tab::Recipient => "Recipient Info",
            Tab::Items => "Item Details",
            Tab::History => "History",
        }
    }
    fn code(self) -> &'static str {
        match self {
            Tab::Basic => "basic",
            Tab::Payment => "payment",
            Tab::Recipient => "recipient",
            Tab::Items => "items",
            Tab::History => "history",
        }
    }
}

#[component]
pub(super) fn DetailsDialog(order: PlatformOrderSummary, on_close: Callback<()>) -> impl IntoView {
    let id = order.id;
    let detail = LocalResource::new(move || get_platform_order(id));
    let tab = RwSignal::new(Tab::Basic);
    let tabs = Tab::ALL
        .into_iter()
        .map(|t| {
            view! {
                <button type="button" role="tab" class="tab" id=format!("details-tab-{}", t.code())
                    class:active=move || tab.get() == t aria-selected=move || (tab.get() == t).to_string()
                    aria-controls="details-panel" on:click=move |_| tab.set(t)>{t.label()}</button>
            }
        })
        .collect_view();
    view! {
        <Dialog title="Details" subtitle=order.order_no.clone() wide=true on_close=on_close>
            <div class="tabs dialog-tabs" role="tablist" aria-label="Order details">{tabs}</div>
            <div id="details-panel" role="tabpanel" data-tab=move || tab.get().code()
                aria-labelledby=move || format!("details-tab-{}", tab.get().code())>
                {move || match detail.get() {
                    None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                    Some(Err(e)) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Some(Ok(d)) => match tab.get() {
                        Tab::Basic => basic_info(&d).into_any(),
                        Tab::Payment => payment_info(&d).into_any(),
                        Tab::Recipient => recipient_info(&d.recipient).into_any(),
                        Tab::Items => item_details(&d).into_any(),
                        Tab::History => view! { <PlatformHistory object=HistoryOf::PlatformOrder(id)/> }.into_any(),
                    },
                }}
            </div>
            <div class="dialog-foot">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Dialog>
    }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() { "—".into() } else { text.to_string() }
}

fn basic_info(d: &PlatformOrderDetail) -> impl IntoView {
    let s = &d.summary;
    view! {
        <dl class="facts">
            <dt>"Order No."</dt><dd class="mono">{s.order_no.clone()}</dd>
            <dt>"Store"</dt><dd>{s.store_name.clone()}</dd>
            <dt>"Source"</dt><dd>{or_dash(&s.source_channel)}</dd>
            <dt>"Status"</dt><dd><PlatformStatusBadge status=s.status/></dd>
            {(!s.exception.is_empty()).then(|| view! { <dt>"Exception"</dt><dd class="exception">{s.exception.clone()}</dd> })}
            <dt>"Order Type"</dt><dd>{s.kind.label()}</dd>
            <dt>"Order Time"</dt><dd>{time::format_utc_minutes(s.ordered_at_ms)}</dd>
            <dt>"Warehouse"</dt><dd>{or_dash(&s.warehouse_name)}</dd>
            <dt>"Dropship Order"</dt>
            <dd>{match s.dropship_order_id {
                Some(id) => view! { <a class="mono" href=format!("/orders/{id}") data-dropship-order="">{order_no(id)}</a> }.into_any(),
                None => view! { "—" }.into_any(),
            }}</dd>
            <dt>"Tracking No."</dt><dd class="mono">{or_dash(&s.tracking_no)}</dd>
            {(!d.carrier.is_empty()).then(|| view! {
                <dt>"Shipping Channel"</dt><dd>{d.carrier.clone()}{(!d.service_type.is_empty()).then(|| format!(" ({})", d.service_type))}</dd>
            })}
        </dl>
    }
}

fn payment_info(d: &PlatformOrderDetail) -> impl IntoView {
    let currency = d.summary.currency.clone();
    let money = move |minor: i64| format_money(minor, &currency);
    view! {
        <dl class="facts">
            <dt>"Financial Status"</dt><dd>{or_dash(&d.financial_status)}</dd>
            <dt>"Payment Gateway"</dt><dd>{or_dash(&d.payment_gateway)}</dd>
            <dt>"Subtotal"</dt><dd class="mono">{money(d.subtotal_minor)}</dd>
            <dt>"Tax"</dt><dd class="mono">{money(d.tax_minor)}</dd>
            <dt>"Shipping"</dt><dd class="mono">{money(d.shipping_minor)}</dd>
            <dt>"Discount"</dt><dd class="mono">{money(d.discount_minor)}</dd>
            <dt>"Total"</dt><dd class="mono strong" data-total="">{money(d.summary.total_minor)}</dd>
        </dl>
    }
}

fn recipient_info(r: &Recipient) -> impl IntoView {
    let country = country_name(&r.country).unwrap_or(&r.country).to_string();
    view! {
        <dl class="facts">
            <dt>"Name"</dt><dd>{or_dash(&r.name)}</dd>
            <dt>"Phone"</dt><dd>{or_dash(&r.phone)}</dd>
            <dt>"Email"</dt><dd>{or_dash(&r.email)}</dd>
            <dt>"Country"</dt><dd>{or_dash(&country)}</dd>
            <dt>"State/Province"</dt><dd>{or_dash(&r.state)}</dd>
            <dt>"City"</dt><dd>{or_dash(&r.city)}</dd>
            <dt>"Address Line 1"</dt><dd>{or_dash(&r.address1)}</dd>
            <dt>"Address Line 2"</dt><dd>{or_dash(&r.address2)}</dd>
            <dt>"Postal Code"</dt><dd>{or_dash(&r.postal_code)}</dd>
        </dl>
    }
}

fn item_details(d: &PlatformOrderDetail) -> impl IntoView {
    let b2b = d.summary.kind == OrderKind::B2B;
    let currency = d.summary.currency.clone();
    let rows = d
        .lines
        .iter()
        .map(|l| {
            view! {
                <tr data-platform-sku=l.platform_sku.clone()>
                    <td class="mono">{l.platform_sku.clone()}</td>
                    <td>{l.title.clone()}{(!l.requires_shipping).then(|| view! { <span class="muted">" (no shipping)"</span> })}</td>
                    <td class="num">{l.quantity}</td>
                    <td class="num nowrap">{format_money(l.price_minor, &currency)}</td>
                    <td>{match &l.warehouse_sku {
                        Some(code) => view! { <span class="mono">{code.clone()}</span> }.into_any(),
                        None => view! { <span class="not-mapped" data-not-mapped="">"Not Mapped"</span> }.into_any(),
                    }}</td>
                    {b2b.then(|| view! {
                        <td class="num">{l.accepted_quantity.map(|q| q.to_string()).unwrap_or_else(|| "—".into())}</td>
                        <td>{or_dash(&l.reject_reason)}</td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="grid lines">
                <thead><tr>
                    <th>"Platform SKU"</th><th>"Title"</th><th class="num">"Qty"</th><th class="num">"Price"</th><th>"Warehouse SKU"</th>
                    {b2b.then(|| view! { <th class="num">"Accepted"</th><th>"Reject Reason"</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
