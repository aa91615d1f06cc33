//! 【Dispatch to Warehouse】 for one order: warehouse, channel, the recipient (editable), a
//! warehouse SKU for every unmapped line, and for self-pickup channels the merchant's label.
//! The browser builds the same dropship order the server will (`dispatch_draft`) and checks it
//! with `validate_for_save`, so nothing invalid is sent.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::*;
use crate::api::platform::{dispatch_platform_order, get_platform_order};
use crate::components::*;

#[component]
pub(super) fn DispatchDialog(
    order: PlatformOrderSummary,
    catalog: CatalogResource,
    on_close: Callback<()>,
    on_done: Callback<Flash>,
) -> impl IntoView {
    let id = order.id;
    let detail = LocalResource::new(move || get_platform_order(id));
    view! {
        <Dialog title=PlatformAction::Dispatch.label() subtitle=order.order_no.clone() wide=true on_close=on_close>
            {move || match (detail.get(), catalog.get()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                (Some(Ok(d)), Some(Ok(c))) => view! { <DispatchForm detail=d catalog=c on_close=on_close on_done=on_done/> }.into_any(),
                _ => view! { <p class="muted">"Loading…"</p> }.into_any(),
            }}
        </Dialog>
    }
}

/// Field keys this dialog shows next to an input; messages for any other key go in the notice.
fn is_placed(key: &str) -> bool {
    [FIELD_WAREHOUSE, FIELD_CHANNEL, FIELD_TRACKING, FIELD_LABEL].contains(&key) || key.starts_with("recipient.")
}

/// Why the dialog will not send yet: a problem with the order as a whole (the text
/// `dispatch_draft` gives), or messages for fields.
#[derive(Clone, Debug, Default, PartialEq)]
struct Problems {
    order: Option<String>,
    fields: ValidationErrors,
}

#[component]
fn DispatchForm(detail: PlatformOrderDetail, catalog: Catalog, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let platform_order_no = detail.summary.order_no.clone();
    let id = detail.summary.id;
    let only_warehouse = (catalog.warehouses.len() == 1).then(|| catalog.warehouses.first().map(|w| w.id)).flatten();
    let warehouse = RwSignal::new(detail.warehouse_id.or(only_warehouse));
    let channel = RwSignal::new(None::<ChannelId>);
    let recipient = RwSignal::new(detail.recipient.clone());
    let bindings = RwSignal::new(BTreeMap::<String, String>::new());
    let label = RwSignal::new(None::<LabelRef>);
    let tracking = RwSignal::new(String::new());
    let catalog = StoredValue::new(catalog);
    let detail = StoredValue::new(detail);

    let attempted = RwSignal::new(false);
    let server = RwSignal::new(Problems::default());
    let sending = RwSignal::new(false);

    let self_pickup = Memo::new(move |_| {
        channel.get().and_then(|c| catalog.with_value(|cat| cat.channel(c).map(Channel::is_self_pickup))).unwrap_or(false)
    });
    let request = move || {
        let original = detail.with_value(|d| d.recipient.clone());
        let edited = recipient.get();
        let pickup = self_pickup.get();
        DispatchRequest {
            warehouse_id: warehouse.get(),
            channel_id: channel.get(),
            recipient: (edited != original).then_some(edited),
            bindings: bindings.get(),
            label: if pickup { label.get() } else { None },
            tracking_no: if pickup { tracking.get().trim().to_string() } else { String::new() },
        }
    };
    // The server's checks, in the same order it makes them.
    let check = move |req: &DispatchRequest| -> Problems {
        if req.warehouse_id.is_none() {
            return Problems { order: None, fields: ValidationErrors::single(FIELD_WAREHOUSE, MSG_SELECT_WAREHOUSE) };
        }
        let mappings: BTreeMap<String, String> = detail.with_value(|d| {
            d.lines.iter().filter_map(|l| l.warehouse_sku.clone().map(|w| (l.platform_sku.clone(), w))).collect()
        });
        let draft = detail.with_value(|d| catalog.with_value(|c| dispatch_draft(d, req, &mappings, c)));
        match draft {
            Err(problem) => Problems { order: Some(problem), fields: ValidationErrors::default() },
            Ok(draft) => Problems { order: None, fields: catalog.with_value(|c| validate_for_save(&draft, c)).err().unwrap_or_default() },
        }
    };
    // After the first Dispatch click, messages follow the user's edits.
    let client = Memo::new(move |_| if attempted.get() { check(&request()) } else { Problems::default() });
    let problems = Signal::derive(move || {
        let c = client.get();
        if c == Problems::default() { server.get() } else { c }
    });
    let errors = Signal::derive(move || problems.get().fields);
    let notice = move || {
        let p = problems.get();
        let unplaced: Vec<String> = p.fields.fields.iter().filter(|(k, _)| !is_placed(k)).flat_map(|(_, m)| m.clone()).collect();
        let text: Vec<String> = p.order.into_iter().chain(unplaced).collect();
        (!text.is_empty()).then(|| view! { <div class="notice notice-error" role="alert" data-dispatch-error="">{text.join("; ")}</div> })
    };

    let submit = move |_| {
        attempted.set(true);
        server.set(Problems::default());
        let req = request();
        if check(&req) != Problems::default() {
            return;
        }
        sending.set(true);
        let platform_order_no = platform_order_no.clone();
        leptos::task::spawn_local(async move {
            match dispatch_platform_order(id, req).await {
                Ok(order) => on_done.run(Flash::Dispatched { platform_order_no, order }),
                Err(crate::error::AppError::Validation(v)) => {
                    sending.set(false);
                    server.set(Problems { order: None, fields: v });
                }
                Err(e) => {
                    sending.set(false);
                    server.set(Problems { order: Some(error_text(&e)), fields: ValidationErrors::default() });
                }
            }
        });
    };

    let on_warehouse = Callback::new(move |w: Option<WarehouseId>| {
        warehouse.set(w);
        // A channel belongs to one warehouse; a chosen SKU only counts if this one stocks it.
        if channel.get_untracked().and_then(|c| catalog.with_value(|cat| cat.channel(c).map(|ch| Some(ch.warehouse_id) != w))).unwrap_or(false) {
            channel.set(None);
        }
        bindings.update(|b| b.retain(|_, code| w.is_some_and(|w| catalog.with_value(|c| c.skus_in(w).any(|s| &s.code == code)))));
    });
    let on_channel = Callback::new(move |c: Option<ChannelId>| channel.set(c));

    view! {
        <div class="dialog-grid">
            <section>
                <h3>"Warehouse and channel"</h3>
                <div class="fields">
                    <WarehouseSelect id="dispatch-warehouse" catalog=catalog value=warehouse on_change=on_warehouse/>
                    <FieldError errors=errors field=FIELD_WAREHOUSE/>
                    <ChannelSelect id="dispatch-channel" catalog=catalog warehouse=warehouse value=channel on_change=on_channel/>
                    <FieldError errors=errors field=FIELD_CHANNEL/>
                    <Show when=move || self_pickup.get()>
                        <div class="field">
                            <label for="dispatch-tracking">"Tracking Number"<RequiredMark/></label>
                            <input id="dispatch-tracking" type="text" maxlength="64" autocomplete="off"
                                prop:value=move || tracking.get() on:input=move |ev| tracking.set(event_target_value(&ev))/>
                            <FieldError errors=errors field=FIELD_TRACKING/>
                        </div>
                        <LabelUpload id="dispatch-label" label=label on_change=Callback::new(move |l| label.set(l)) errors=errors/>
                    </Show>
                    <Show when=move || !self_pickup.get()>
                        <FieldError errors=errors field=FIELD_TRACKING/>
                    </Show>
                </div>
            </section>
            <section>
                <h3>"Recipient"</h3>
                <RecipientInputs recipient=recipient errors=errors/>
            </section>
        </div>
        <section>
            <h3>"Items"</h3>
            <DispatchLines detail=detail catalog=catalog warehouse=warehouse bindings=bindings/>
        </section>
        {notice}
        <div class="dialog-foot">
            <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
            <button type="button" class="btn btn-primary" data-submit="" disabled=move || sending.get() on:click=submit>
                {move || if sending.get() { "Dispatching…" } else { "Dispatch" }}
            </button>
        </div>
    }
}

/// The units that will ship, with a warehouse SKU picker for every unmapped platform SKU.
#[component]
fn DispatchLines(
    detail: StoredValue<PlatformOrderDetail>,
    catalog: StoredValue<Catalog>,
    warehouse: RwSignal<Option<WarehouseId>>,
    bindings: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let warehouse_skus = Signal::derive(move || {
        warehouse.get().map(|w| catalog.with_value(|c| c.skus_in(w).cloned().collect::<Vec<_>>())).unwrap_or_default()
    });
    let units = detail.with_value(shippable_units);
    if units.is_empty() {
        return view! { <p class="hint">{MSG_NO_SHIPPABLE_ITEMS}</p> }.into_any();
    }
    let rows = units
        .into_iter()
        .enumerate()
        .map(|(i, (platform_sku, qty))| {
            let line = detail.with_value(|d| d.lines.iter().find(|l| l.platform_sku == platform_sku).cloned());
            let title = line.as_ref().map(|l| l.title.clone()).unwrap_or_default();
            let mapped = line.and_then(|l| l.warehouse_sku);
            let sku_cell = match mapped {
                Some(code) => view! { <span class="mono">{code}</span> }.into_any(),
                None => {
                    let key = platform_sku.clone();
                    let picker_label = format!("Warehouse SKU for {platform_sku}");
                    let value = Signal::derive({
                        let key = key.clone();
                        move || bindings.with(|b| b.get(&key).cloned())
                    });
                    let on_pick = Callback::new(move |code: Option<String>| {
                        bindings.update(|b| match code {
                            Some(code) => {
                                b.insert(key.clone(), code);
                            }
                            None => {
                                b.remove(&key);
                            }
                        })
                    });
                    view! {
                        <span class="not-mapped" data-not-mapped="">"Not Mapped"</span>
                        <Show when=move || warehouse.get().is_some()
                            fallback=|| view! { <p class="hint">"Choose a warehouse first."</p> }>
                            <SkuPicker id=format!("bind-{i}") label=picker_label.clone()
                                skus=warehouse_skus value=value on_pick=on_pick/>
                        </Show>
                    }
                    .into_any()
                }
            };
            view! {
                <tr data-platform-sku=platform_sku.clone()>
                    <td class="mono" data-label="Platform SKU">{platform_sku.clone()}</td>
                    <td data-label="Title">{title}</td>
                    <td class="num" data-label="Qty">{qty}</td>
                    <td class="bind-cell" data-label="Warehouse SKU">{sku_cell}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="grid lines stack-phone">
                <thead><tr><th>"Platform SKU"</th><th>"Title"</th><th class="num">"Qty"</th><th>"Warehouse SKU"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">"A warehouse SKU you choose here is saved as the store's SKU mapping."</p>
    }
    .into_any()
}

/// The recipient as the platform sent it, editable; messages from `validate_for_save`.
#[component]
fn RecipientInputs(recipient: RwSignal<Recipient>, errors: Signal<ValidationErrors>) -> impl IntoView {
    let input = move |field: RecipientField| {
        let id = format!("dispatch-{}", field.error_key().trim_start_matches("recipient."));
        let required = move || recipient.with(|r| required_recipient_fields(&r.country).contains(&field));
        view! {
            <div class="field">
                <label for=id.clone()>{field.label()}{move || required().then(|| view! { <RequiredMark/> })}</label>
                <input id=id type="text"
                    prop:value=move || recipient.with(|r| r.get(field).to_string())
                    on:input=move |ev| { let v = event_target_value(&ev); recipient.update(|r| r.set(field, v)); }/>
                <FieldError errors=errors field=field.error_key()/>
            </div>
        }
    };
    // A country the platform sent but the form does not list stays visible (and is reported).
    let current = recipient.with_untracked(|r| r.country.clone());
    let unlisted = (!current.is_empty() && country_name(&current).is_none()).then_some(current);
    view! {
        <div class="fields two">
            {input(RecipientField::Name)}
            {input(RecipientField::Phone)}
            {input(RecipientField::Email)}
            <div class="field">
                <label for="dispatch-country">"Country"<RequiredMark/></label>
                <select id="dispatch-country" on:change=move |ev| { let v = event_target_value(&ev); recipient.update(|r| r.country = v); }>
                    <option value="" selected=move || recipient.with(|r| r.country.is_empty())>"Select a country"</option>
                    {unlisted.map(|code| view! { <option value=code.clone() selected=move || recipient.with(|r| r.country == code)>{code.clone()}</option> })}
                    {COUNTRIES.iter().map(|(code, name)| view! {
                        <option value=*code selected=move || recipient.with(|r| r.country == *code)>{*name}</option>
                    }).collect_view()}
                </select>
                <FieldError errors=errors field=RecipientField::Country.error_key()/>
            </div>
            {input(RecipientField::State)}
            {input(RecipientField::City)}
            {input(RecipientField::Address1)}
            {input(RecipientField::Address2)}
            {input(RecipientField::PostalCode)}
        </div>
    }
}

#[component]
pub(super) fn WarehouseSelect(
    #[prop(into)] id: String,
    catalog: StoredValue<Catalog>,
    #[prop(into)] value: Signal<Option<WarehouseId>>,
    on_change: Callback<Option<WarehouseId>>,
) -> impl IntoView {
    let warehouses = catalog.with_value(|c| c.warehouses.clone());
    view! {
        <div class="field">
            <label for=id.clone()>"Warehouse"<RequiredMark/></label>
            <select id=id on:change=move |ev| on_change.run(parse_id(&event_target_value(&ev)))>
                <option value="" selected=move || value.get().is_none()>"Select a warehouse"</option>
                {warehouses.into_iter().map(|w| {
                    let wid = w.id;
                    view! { <option value=wid.to_string() selected=move || value.get() == Some(wid)>{format!("{} — {}", w.code, w.name)}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// Every channel of the chosen warehouse (any business type), self-pickup ones grouped and
/// marked: "CODE — carrier (service type)".
#[component]
pub(super) fn ChannelSelect(
    #[prop(into)] id: String,
    catalog: StoredValue<Catalog>,
    #[prop(into)] warehouse: Signal<Option<WarehouseId>>,
    #[prop(into)] value: Signal<Option<ChannelId>>,
    on_change: Callback<Option<ChannelId>>,
) -> impl IntoView {
    let channels = Memo::new(move |_| {
        warehouse
            .get()
            .map(|w| catalog.with_value(|c| c.channels.iter().filter(|ch| ch.warehouse_id == w).cloned().collect::<Vec<_>>()))
            .unwrap_or_default()
    });
    let group = move |self_pickup: bool, label: &'static str| {
        let list: Vec<Channel> = channels.get().into_iter().filter(|c| c.is_self_pickup() == self_pickup).collect();
        (!list.is_empty()).then(|| view! {
            <optgroup label=label>
                {list.into_iter().map(|c| {
                    let cid = c.id;
                    let text = if self_pickup { format!("{} · Self Pickup", c.display_name()) } else { c.display_name() };
                    view! { <option value=cid.to_string() data-self-pickup=self_pickup.to_string() selected=move || value.get() == Some(cid)>{text}</option> }
                }).collect_view()}
            </optgroup>
        })
    };
    view! {
        <div class="field">
            <label for=id.clone()>"Shipping Channel"<RequiredMark/></label>
            <select id=id on:change=move |ev| on_change.run(parse_id(&event_target_value(&ev)))>
                <option value="" selected=move || value.get().is_none()>
                    {move || if channels.with(Vec::is_empty) { "Select a warehouse first" } else { "Select a channel" }}
                </option>
                {move || group(false, "Carrier label")}
                {move || group(true, "Self Pickup (your own label)")}
            </select>
        </div>
    }
}
