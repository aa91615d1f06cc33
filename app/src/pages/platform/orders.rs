//! 【Platform Orders】: orders synced from the merchant's stores, B2C and B2B tabs, filters in
//! the URL, keyset pages, and the per-order actions (each enabled by `PlatformAction::allowed`).

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::ack::AcknowledgeDialog;
use super::batch::BatchDispatchDialog;
use super::details::DetailsDialog;
use super::dispatch::DispatchDialog;
use super::order_actions::{CancelOrderDialog, ManualShipDialog};
use super::sync_dialog::SyncDialog;
use super::*;
use crate::api::orders::get_catalog;
use crate::api::platform::{list_platform_orders, list_stores, mark_shipped, platform_source_channels};
use crate::components::*;

pub(crate) const ORDERS_PATH: &str = "/platform-orders";

/// The list's filters as they stand in the URL (dates kept as typed, for the inputs).
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    kind: Option<OrderKind>,
    order_no: String,
    store: Option<StoreId>,
    status: Option<PlatformStatus>,
    source: String,
    from: String,
    to: String,
    recipient: String,
    tracking: String,
    before: Option<PlatformOrderId>,
}

impl Filters {
    fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| get(k).map(|v| v.trim().to_string()).unwrap_or_default();
        Filters {
            kind: get("kind").and_then(|k| OrderKind::from_code(&k)),
            order_no: text("order_no"),
            store: get("store").and_then(|v| parse_id(&v)),
            status: get("status").and_then(|s| PlatformStatus::from_code(&s)),
            source: text("source"),
            from: text("from"),
            to: text("to"),
            recipient: text("recipient"),
            tracking: text("tracking"),
            before: get("before").and_then(|v| parse_id(&v)),
        }
    }

    /// B2C unless the URL says B2B.
    fn kind(&self) -> OrderKind {
        self.kind.unwrap_or(OrderKind::B2C)
    }

    fn href(&self, before: Option<PlatformOrderId>) -> String {
        let b2c = self.kind() == OrderKind::B2C;
        href_with(ORDERS_PATH, &[
            ("kind", self.kind().code().to_string()),
            ("order_no", self.order_no.clone()),
            ("store", self.store.map(|s| s.to_string()).unwrap_or_default()),
            ("status", self.status.map(|s| s.code().to_string()).unwrap_or_default()),
            ("source", self.source.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("recipient", if b2c { self.recipient.clone() } else { String::new() }),
            ("tracking", if b2c { self.tracking.clone() } else { String::new() }),
            ("before", before.map(|b| b.to_string()).unwrap_or_default()),
        ])
    }

    fn query(&self) -> PlatformOrderQuery {
        let b2c = self.kind() == OrderKind::B2C;
        PlatformOrderQuery {
            kind: Some(self.kind()),
            order_no: self.order_no.clone(),
            store_id: self.store,
            status: self.status,
            source_channel: self.source.clone(),
            ordered_from_ms: utc_date_ms(&self.from),
            ordered_to_ms: utc_date_end_ms(&self.to),
            // Recipient and tracking filters are B2C only.
            recipient_name: if b2c { self.recipient.clone() } else { String::new() },
            tracking_no: if b2c { self.tracking.clone() } else { String::new() },
            before_id: self.before,
            limit: PLATFORM_PAGE_SIZE,
        }
    }

    fn is_filtered(&self) -> bool {
        let blank = Filters { kind: self.kind, before: self.before, ..Default::default() };
        *self != blank
    }
}

/// Which dialog is open, and for which order.
#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Details(PlatformOrderSummary),
    Dispatch(PlatformOrderSummary),
    Batch(Vec<(PlatformOrderId, String)>),
    ManualShip(PlatformOrderSummary),
    Acknowledge(PlatformOrderSummary),
    Cancel(PlatformOrderSummary),
    Sync,
}

#[component]
pub fn PlatformOrdersPage() -> impl IntoView {
    let params = use_query_map();
    let filters = Memo::new(move |_| params.with(|p| Filters::from_params(|k| p.get(k))));
    let refresh = RwSignal::new(0u32);
    // All server-rendered resources are created here, in a fixed order (hydration matches them
    // by creation order).
    let page = Resource::new(move || (filters.get().query(), refresh.get()), |(q, _)| list_platform_orders(q));
    let stores = Resource::new(|| (), |_| list_stores());
    let sources = Resource::new(|| (), |_| platform_source_channels());
    // Only dialogs need the catalog: loaded in the browser, not sent with every list page.
    let catalog: CatalogResource = LocalResource::new(get_catalog);

    let selected = RwSignal::new(Vec::<(PlatformOrderId, String)>::new());
    let dialog = RwSignal::new(None::<OpenDialog>);
    let flash = RwSignal::new(None::<Flash>);
    let busy = RwSignal::new(false);
    // A dispatched order's carrier cost and shipping progress arrive in the background.
    on_order_change(move || refresh.update(|n| *n += 1));
    // A selection belongs to the rows on screen.
    Effect::new(move |_| {
        filters.track();
        selected.set(Vec::new());
    });

    let close = Callback::new(move |_: ()| dialog.set(None));
    let done = Callback::new(move |f: Flash| {
        dialog.set(None);
        flash.set(Some(f));
        refresh.update(|n| *n += 1);
    });
    let on_action = Callback::new(move |(action, order): (PlatformAction, PlatformOrderSummary)| {
        flash.set(None);
        match action {
            PlatformAction::Dispatch => dialog.set(Some(OpenDialog::Dispatch(order))),
            PlatformAction::Acknowledge => dialog.set(Some(OpenDialog::Acknowledge(order))),
            PlatformAction::ManualShip => dialog.set(Some(OpenDialog::ManualShip(order))),
            PlatformAction::Cancel => dialog.set(Some(OpenDialog::Cancel(order))),
            PlatformAction::MarkShipped => {
                busy.set(true);
                leptos::task::spawn_local(async move {
                    flash.set(Some(match mark_shipped(order.id).await {
                        Ok(()) => Flash::Ok(format!("{}: the shipment was written back to the store — now Shipped.", order.order_no)),
                        Err(e) => Flash::Err(format!("{}: {}", order.order_no, error_text(&e))),
                    }));
                    busy.set(false);
                    refresh.update(|n| *n += 1);
                });
            }
        }
    });
    let on_details = Callback::new(move |order: PlatformOrderSummary| dialog.set(Some(OpenDialog::Details(order))));

    let tabs = move || {
        let current = filters.get().kind();
        [OrderKind::B2C, OrderKind::B2B]
            .into_iter()
            .map(|k| {
                let href = Filters { kind: Some(k), ..Default::default() }.href(None);
                let label = format!("{} Orders", k.label());
                view! {
                    <a class="tab" class:active=current == k href=href data-kind=k.code()
                        aria-current=move || (current == k).then_some("page")>{label}</a>
                }
            })
            .collect_view()
    };

    let open_batch = move |_| {
        flash.set(None);
        dialog.set(Some(OpenDialog::Batch(selected.get_untracked())));
    };
    let no_selection = move || selected.with(Vec::is_empty);
    let is_b2c = move || filters.with(|f| f.kind() == OrderKind::B2C);

    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"Platform Orders"</h1>
                <div class="head-actions">
                    <a class="btn" href=SYNC_LOG_PATH>"Order Sync Log"</a>
                    <button class="btn" type="button" on:click=move |_| { flash.set(None); dialog.set(Some(OpenDialog::Sync)); }>"Manual Sync"</button>
                    <Show when=is_b2c>
                        <button class="btn btn-primary" type="button" data-action="batch_dispatch"
                            disabled=no_selection
                            title=move || if no_selection() { "Select orders in the list first" } else { "Dispatch the selected orders to one warehouse" }
                            on:click=open_batch>
                            "Batch Dispatch to Warehouse"
                            {move || { let n = selected.with(Vec::len); (n > 0).then(|| format!(" ({n})")) }}
                        </button>
                    </Show>
                </div>
            </div>
            <FlashNotice flash=flash/>
            <nav class="tabs" aria-label="Order kind">{tabs}</nav>
            <FilterForm filters=filters stores=stores sources=sources/>
            <Transition fallback=|| view! { <p class="muted">"Loading orders…"</p> }>
                {move || page.get().map(|result| match result {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(page) => view! {
                        <OrdersTable page=page filters=filters.get_untracked() selected=selected busy=busy
                            on_action=on_action on_details=on_details/>
                    }.into_any(),
                })}
            </Transition>
            {move || dialog.get().map(|d| match d {
                OpenDialog::Details(order) => view! { <DetailsDialog order=order on_close=close/> }.into_any(),
                OpenDialog::Dispatch(order) => view! { <DispatchDialog order=order catalog=catalog on_close=close on_done=done/> }.into_any(),
                OpenDialog::Batch(orders) => {
                    let on_finished = Callback::new(move |dispatched: Vec<PlatformOrderId>| {
                        selected.update(|s| s.retain(|(id, _)| !dispatched.contains(id)));
                        refresh.update(|n| *n += 1);
                    });
                    view! { <BatchDispatchDialog orders=orders catalog=catalog on_close=close on_finished=on_finished/> }.into_any()
                }
                OpenDialog::ManualShip(order) => view! { <ManualShipDialog order=order catalog=catalog on_close=close on_done=done/> }.into_any(),
                OpenDialog::Acknowledge(order) => view! { <AcknowledgeDialog order=order catalog=catalog on_close=close on_done=done/> }.into_any(),
                OpenDialog::Cancel(order) => view! { <CancelOrderDialog order=order on_close=close on_done=done/> }.into_any(),
                OpenDialog::Sync => {
                    let on_queued = Callback::new(move |_: SyncTaskId| done.run(Flash::SyncQueued));
                    view! {
                        <Suspense fallback=|| ()>
                            {move || stores.get().map(|r| view! {
                                <SyncDialog stores=r.unwrap_or_default() store=None on_close=close on_queued=on_queued/>
                            })}
                        </Suspense>
                    }.into_any()
                }
            })}
        </MerchantLayout>
    }
}

/// The filter bar: a GET form, so the filters live in the URL (shareable, back button works).
#[component]
fn FilterForm(
    filters: Memo<Filters>,
    stores: Resource<Result<Vec<StoreInfo>, crate::error::AppError>>,
    sources: Resource<Result<Vec<String>, crate::error::AppError>>,
) -> impl IntoView {
    let f = move || filters.get();
    let is_b2c = move || filters.with(|f| f.kind() == OrderKind::B2C);
    // A failed list leaves its select with just "All"; the form still works.
    let store_list = move || stores.get().and_then(Result::ok).unwrap_or_default();
    let source_list = move || sources.get().and_then(Result::ok).unwrap_or_default();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading filters…"</p> }>
        <Form method="GET" action=ORDERS_PATH attr:class="card filters" attr:aria-label="Filter orders">
            <input type="hidden" name="kind" prop:value=move || f().kind().code()/>
            <div class="filter-fields">
                <div class="field">
                    <label for="f-order-no">"Platform Order Number"</label>
                    <input id="f-order-no" type="search" name="order_no" maxlength="100" placeholder="#1001"
                        prop:value=move || f().order_no/>
                </div>
                <div class="field">
                    <label for="f-store">"Store"</label>
                    <select id="f-store" name="store">
                        <option value="" selected=move || f().store.is_none()>"All stores"</option>
                        {move || store_options(store_list(), move |id| filters.with(|f| f.store == Some(id)))}
                    </select>
                </div>
                <div class="field">
                    <label for="f-status">"Order Status"</label>
                    <select id="f-status" name="status">
                        <option value="" selected=move || f().status.is_none()>"All statuses"</option>
                        {PlatformStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.code() selected=move || f().status == Some(s)>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-source">"Order Source Channel"</label>
                    <select id="f-source" name="source">
                        <option value="" selected=move || f().source.is_empty()>"All channels"</option>
                        {move || source_list().into_iter().map(|s| {
                            let value = s.clone();
                            view! { <option value=s.clone() selected=move || filters.with(|f| f.source == value)>{s.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field field-wide">
                    <label for="f-from">"Order Time (UTC)"</label>
                    <div class="date-range">
                        <input id="f-from" type="date" name="from" aria-label="Order time from" prop:value=move || f().from/>
                        <span class="muted">"–"</span>
                        <input id="f-to" type="date" name="to" aria-label="Order time to" prop:value=move || f().to/>
                    </div>
                </div>
                <Show when=is_b2c>
                    <div class="field">
                        <label for="f-recipient">"Recipient Name"</label>
                        <input id="f-recipient" type="search" name="recipient" maxlength="100" prop:value=move || f().recipient/>
                    </div>
                    <div class="field">
                        <label for="f-tracking">"Tracking Number"</label>
                        <input id="f-tracking" type="search" name="tracking" maxlength="100" prop:value=move || f().tracking/>
                    </div>
                </Show>
            </div>
            <div class="filter-actions">
                <a class="btn" href=move || Filters { kind: Some(f().kind()), ..Default::default() }.href(None)>"Reset"</a>
                <button class="btn btn-primary" type="submit">"Search"</button>
            </div>
        </Form>
        </Suspense>
    }
}

#[component]
fn OrdersTable(
    page: PlatformOrderPage,
    filters: Filters,
    selected: RwSignal<Vec<(PlatformOrderId, String)>>,
    busy: RwSignal<bool>,
    on_action: Callback<(PlatformAction, PlatformOrderSummary)>,
    on_details: Callback<PlatformOrderSummary>,
) -> impl IntoView {
    let kind = filters.kind();
    let b2c = kind == OrderKind::B2C;
    if page.orders.is_empty() {
        let text = if filters.is_filtered() {
            "No orders match these filters."
        } else {
            "No orders yet. Connect a store under Stores, or run a Manual Sync."
        };
        return view! { <div class="empty card" data-empty="">{text}</div> }.into_any();
    }
    let first = filters.before.map(|_| filters.href(None));
    let next = page.next_before_id.map(|b| filters.href(Some(b)));
    // Batch dispatch takes the rows that could be dispatched one by one.
    let selectable: Vec<(PlatformOrderId, String)> = page
        .orders
        .iter()
        .filter(|o| PlatformAction::Dispatch.allowed(&o.state()))
        .map(|o| (o.id, o.order_no.clone()))
        .collect();
    let selectable = StoredValue::new(selectable);
    let all_selected = move || {
        selectable.with_value(|rows| !rows.is_empty() && selected.with(|s| rows.iter().all(|r| s.contains(r))))
    };
    let toggle_all = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        selectable.with_value(|rows| {
            selected.update(|s| {
                s.retain(|r| !rows.contains(r));
                if on {
                    s.extend(rows.iter().cloned());
                }
            })
        });
    };
    let none_selectable = selectable.with_value(Vec::is_empty);
    let rows = page
        .orders
        .into_iter()
        .map(|o| view! { <OrderRow order=o b2c=b2c selected=selected busy=busy on_action=on_action on_details=on_details/> })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid platform-orders stack-phone" data-kind=kind.code()>
                <thead><tr>
                    {b2c.then(|| view! {
                        <th class="check"><input type="checkbox" aria-label="Select all dispatchable orders on this page"
                            disabled=none_selectable prop:checked=all_selected on:change=toggle_all/></th>
                    })}
                    <th>"Order No."</th><th>"Source"</th><th>"Store"</th><th>"Status"</th><th class="num">"Amount"</th>
                    <th class="num wrap-head">"WMS Shipping Cost"</th><th>"Order Time"</th><th>"Warehouse"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <div class="pager">
            {match first { Some(h) => view! { <a class="btn" href=h>"← First page"</a> }.into_any(), None => view! { <span class="btn disabled">"← First page"</span> }.into_any() }}
            {match next { Some(h) => view! { <a class="btn" href=h data-next-page="">"Next page →"</a> }.into_any(), None => view! { <span class="btn disabled">"Next page →"</span> }.into_any() }}
        </div>
    }
    .into_any()
}

#[component]
fn OrderRow(
    order: PlatformOrderSummary,
    b2c: bool,
    selected: RwSignal<Vec<(PlatformOrderId, String)>>,
    busy: RwSignal<bool>,
    on_action: Callback<(PlatformAction, PlatformOrderSummary)>,
    on_details: Callback<PlatformOrderSummary>,
) -> impl IntoView {
    let state = order.state();
    let key = (order.id, order.order_no.clone());
    let dispatchable = PlatformAction::Dispatch.allowed(&state);
    let is_selected = {
        let key = key.clone();
        move || selected.with(|s| s.contains(&key))
    };
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let key = key.clone();
        selected.update(|s| {
            s.retain(|r| *r != key);
            if on {
                s.push(key);
            }
        });
    };
    let stored = StoredValue::new(order.clone());
    let button = move |action: PlatformAction, class: &'static str| {
        let allowed = action.allowed(&state);
        let title = if allowed { action.label().to_string() } else { action.refusal(&state) };
        // Mark Shipped runs at once; a second click while it runs would send it twice.
        let disabled = move || !allowed || (action == PlatformAction::MarkShipped && busy.get());
        view! {
            <button type="button" class=format!("btn btn-small {class}") data-action=action.code()
                disabled=disabled title=title
                on:click=move |_| on_action.run((action, stored.get_value()))>{action.label()}</button>
        }
    };
    let amount = format_money(order.total_minor, &order.currency);
    let cost = order.wms_shipping_cost_minor.map(|m| format_money(m, &order.currency)).unwrap_or_else(|| "—".into());
    let exception = order.exception.clone();
    let has_exception = !exception.is_empty();
    let select_title = if dispatchable { format!("Select {}", order.order_no) } else { PlatformAction::Dispatch.refusal(&state) };
    view! {
        <tr data-order-no=order.order_no.clone() data-order-id=order.id data-status=order.status.code() class:has-exception=has_exception>
            {b2c.then(|| view! {
                <td class="check" data-label="Select"><input type="checkbox" aria-label=format!("Select {}", order.order_no) title=select_title
                    disabled=!dispatchable prop:checked=is_selected on:change=toggle/></td>
            })}
            <td class="mono nowrap" data-label="Order No.">
                <button type="button" class="link-button" on:click=move |_| on_details.run(stored.get_value())>{order.order_no.clone()}</button>
            </td>
            <td data-label="Source">{order.source_channel.clone()}</td>
            <td class="store" data-label="Store">{order.store_name.clone()}</td>
            <td class="status-cell" data-label="Status">
                <PlatformStatusBadge status=order.status/>
                {has_exception.then(|| view! { <p class="exception" data-exception="">{exception}</p> })}
            </td>
            <td class="num nowrap" data-label="Amount">{amount}</td>
            <td class="num nowrap hide-phone" data-label="WMS Shipping Cost">{cost}</td>
            <td class="muted nowrap" data-label="Order Time">{time::format_utc_minutes(order.ordered_at_ms)}</td>
            <td data-label="Warehouse">{if order.warehouse_name.is_empty() { "—".to_string() } else { order.warehouse_name.clone() }}</td>
            <td class="actions"><div class="row-actions wrap">
                <button type="button" class="btn btn-small" data-action="details" on:click=move |_| on_details.run(stored.get_value())>"Details"</button>
                {button(PlatformAction::Dispatch, "btn-primary")}
                {(!b2c).then(|| button(PlatformAction::Acknowledge, "btn-primary"))}
                {button(PlatformAction::ManualShip, "")}
                {button(PlatformAction::MarkShipped, "")}
                {button(PlatformAction::Cancel, "btn-warn")}
            </div></td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Filters {
        Filters::from_params(|k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let f = params(&[("kind", "b2c"), ("order_no", "#1001"), ("store", "3"), ("status", "pending"), ("from", "2024-05-01"), ("to", "2024-05-31"), ("recipient", "Jane")]);
        assert_eq!(f.href(None), "/platform-orders?kind=b2c&order_no=%231001&store=3&status=pending&from=2024-05-01&to=2024-05-31&recipient=Jane");
        assert_eq!(f.href(Some(40)), format!("{}&before=40", f.href(None)));
        let q = f.query();
        assert_eq!(q.kind, Some(OrderKind::B2C));
        assert_eq!(q.ordered_from_ms, utc_date_ms("2024-05-01"));
        assert_eq!(q.ordered_to_ms, utc_date_end_ms("2024-05-31"));
        assert_eq!(q.limit, PLATFORM_PAGE_SIZE);
        assert!(f.is_filtered());
    }

    #[test]
    fn b2b_ignores_recipient_and_tracking() {
        let f = params(&[("kind", "b2b"), ("recipient", "Jane"), ("tracking", "1Z"), ("before", "9")]);
        assert_eq!(f.href(None), "/platform-orders?kind=b2b");
        let q = f.query();
        assert_eq!((q.recipient_name.as_str(), q.tracking_no.as_str(), q.before_id), ("", "", Some(9)));
        assert_eq!(params(&[]).kind(), OrderKind::B2C);
        assert!(!params(&[("kind", "b2b"), ("before", "9")]).is_filtered());
    }
}
