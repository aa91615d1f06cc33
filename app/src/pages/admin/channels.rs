//! `/admin/channels`: per warehouse and business type, the shipping channels merchants choose
//! from: code, carrier, service and signature options. A code ending in `_A` makes a
//! self-pickup channel (the merchant brings label and tracking number), which takes no
//! signature options: the form disables them with `channel_takes_signature_options`, the same
//! rule `ChannelInput::validated` applies on the server.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::*;
use crate::api::admin::{list_channels, load_admin_refs, save_channel};

const CHANNELS_PATH: &str = "/admin/channels";

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Edit(Channel),
    History(Channel),
}

#[component]
pub fn AdminChannelsPage() -> impl IntoView {
    let params = use_query_map();
    let warehouse = Memo::new(move |_| params.with(|p| p.get("warehouse").and_then(|v| parse_id(&v))));
    let page = PageDialogs::<OpenDialog>::new();
    let channels = Resource::new(move || page.refresh.get(), |_| list_channels());
    let refs: RefsResource = Resource::new(|| (), |_| load_admin_refs());
    let (close, done, on_open) = (page.closer(), page.finisher(), page.opener());
    let loaded = Signal::derive(move || refs.get().and_then(Result::ok));

    view! {
        <AdminLayout>
            <AdminPageHead title="Channels" add_label="Add channel" on_add=Callback::new(move |_| page.open(OpenDialog::Add)) flash=page.flash/>
            <Transition fallback=|| view! { <p class="muted">"Loading channels…"</p> }>
                {move || match (refs.get(), channels.get()) {
                    (Some(Err(e)), _) | (_, Some(Err(e))) => Some(load_error(&e)),
                    (Some(Ok(r)), Some(Ok(list))) => {
                        let list: Vec<Channel> = list.into_iter().filter(|c| warehouse.get().is_none_or(|w| c.warehouse_id == w)).collect();
                        let choices: Vec<(i64, String)> = r.warehouses.iter().map(|w| (w.id, format!("{} — {}", w.code, w.name))).collect();
                        Some(view! {
                            <Form method="GET" action=CHANNELS_PATH attr:class="searchbar">
                                <label class="sr-only" for="channel-warehouse-filter">"Warehouse"</label>
                                <select id="channel-warehouse-filter" name="warehouse" class="narrow-select">
                                    <option value="" selected=move || warehouse.get().is_none()>"All warehouses"</option>
                                    {id_options(choices, move |id| warehouse.get() == Some(id))}
                                </select>
                                <button class="btn" type="submit">"Filter"</button>
                            </Form>
                            {if list.is_empty() {
                                view! { <div class="empty card" data-empty="">"No channels here yet."</div> }.into_any()
                            } else {
                                view! { <ChannelTable channels=list refs=r on_open=on_open/> }.into_any()
                            }}
                        }.into_any())
                    }
                    _ => None,
                }}
            </Transition>
            {move || page.dialog.get().and_then(|d| {
                let refs = loaded.get_untracked()?;
                Some(match d {
                    OpenDialog::Add => view! { <ChannelDialog channel=None refs=refs default_warehouse=warehouse.get_untracked() on_close=close on_done=done/> }.into_any(),
                    OpenDialog::Edit(c) => view! { <ChannelDialog channel=Some(c) refs=refs default_warehouse=None on_close=close on_done=done/> }.into_any(),
                    OpenDialog::History(c) => view! {
                        <HistoryDialog object=AdminObject::Channel(c.id) title="Channel history" subtitle=c.code on_close=close/>
                    }.into_any(),
                })
            })}
        </AdminLayout>
    }
}

#[component]
pub(crate) fn SelfPickupBadge() -> impl IntoView {
    view! { <span class="badge badge-self-pickup" data-self-pickup="" title="The merchant uploads the label and tracking number">"Self-pickup"</span> }
}

#[component]
fn ChannelTable(channels: Vec<Channel>, refs: AdminRefs, on_open: Callback<OpenDialog>) -> impl IntoView {
    let rows = channels
        .into_iter()
        .map(|c| {
            let stored = StoredValue::new(c.clone());
            let warehouse = refs.warehouse(c.warehouse_id).map(|w| w.code.clone()).unwrap_or_default();
            let warehouse_attr = warehouse.clone();
            let business = refs.business_type(c.business_type_id).map(|b| format!("{} · {}", b.name, b.kind.code())).unwrap_or_default();
            let options = if c.signature_options.is_empty() {
                "—".to_string()
            } else {
                c.signature_options.iter().map(|o| o.label()).collect::<Vec<_>>().join(", ")
            };
            view! {
                <tr data-channel=c.code.clone() data-warehouse=warehouse_attr>
                    <td data-label="Code"><span class="channel-code"><span class="mono strong">{c.code.clone()}</span>{c.is_self_pickup().then(|| view! { <SelfPickupBadge/> })}</span></td>
                    <td data-label="Warehouse" class="mono">{warehouse}</td>
                    <td data-label="Business type">{business}</td>
                    <td data-label="Carrier">{c.carrier.clone()}</td>
                    <td data-label="Service">{c.service_type.clone()}</td>
                    <td data-label="Signature options" class="signature-cell" data-signature-options="">{options}</td>
                    <td class="actions"><div class="row-actions">
                        <button type="button" class="btn btn-small" data-action="edit" on:click=move |_| on_open.run(OpenDialog::Edit(stored.get_value()))>"Edit"</button>
                        <button type="button" class="btn btn-small" data-action="history" on:click=move |_| on_open.run(OpenDialog::History(stored.get_value()))>"History"</button>
                    </div></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid admin-channels stack-phone">
                <thead><tr>
                    <th>"Code"</th><th>"Warehouse"</th><th>"Business type"</th><th>"Carrier"</th><th>"Service"</th><th>"Signature options"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">"A code ending in _A makes a self-pickup channel: the merchant uploads the label and tracking number, no label is bought."</p>
    }
}

#[component]
fn ChannelDialog(channel: Option<Channel>, refs: AdminRefs, default_warehouse: Option<WarehouseId>, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let id = channel.as_ref().map(|c| c.id);
    let editing = id.is_some();
    let warehouse = RwSignal::new(channel.as_ref().map(|c| c.warehouse_id).or(default_warehouse));
    let business = RwSignal::new(channel.as_ref().map(|c| c.business_type_id));
    let code = RwSignal::new(channel.as_ref().map(|c| c.code.clone()).unwrap_or_default());
    let carrier = RwSignal::new(channel.as_ref().map(|c| c.carrier.clone()).unwrap_or_default());
    let service = RwSignal::new(channel.as_ref().map(|c| c.service_type.clone()).unwrap_or_default());
    let options = RwSignal::new(channel.as_ref().map(|c| c.signature_options.clone()).unwrap_or_default());
    let takes_options = Memo::new(move |_| code.with(|c| channel_takes_signature_options(c)));
    // A self-pickup code clears the options, which can no longer be unticked by hand.
    Effect::new(move |_| {
        if !takes_options.get() && !options.with_untracked(Vec::is_empty) {
            options.set(Vec::new());
        }
    });
    let warehouse_options: Vec<(i64, String)> = refs.warehouses.iter().map(|w| (w.id, format!("{} — {}", w.code, w.name))).collect();
    let business_options: Vec<(i64, String)> = refs.business_types.iter().map(|b| (b.id, format!("{} — {} ({})", b.code, b.name, b.kind.code()))).collect();
    let refs = StoredValue::new(refs);
    let check = move || {
        let input = ChannelInput {
            warehouse_id: warehouse.get(),
            business_type_id: business.get(),
            code: code.get(),
            carrier: carrier.get(),
            service_type: service.get(),
            signature_options: options.get(),
        };
        refs.with_value(|r| input.validated(r))
    };
    let state = FormState::new(check);
    let errors = state.errors();
    let submit = Callback::new(move |_: ()| {
        state.submit(check(), move |input: ChannelInput| save_channel(id, input), move |_| {
            let verb = if editing { "saved" } else { "added" };
            on_done.run(Flash::Ok(format!("Channel {} {verb}.", normalize_code(&code.get_untracked()))));
        });
    });
    let option_boxes = SignatureOption::ALL
        .into_iter()
        .map(|o| {
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                options.update(|list| {
                    list.retain(|x| *x != o);
                    if on {
                        list.push(o);
                    }
                });
            };
            view! {
                <label class="checkbox check-chip" class:disabled=move || !takes_options.get()>
                    <input type="checkbox" name="signature-option" value=o.code() disabled=move || !takes_options.get()
                        prop:checked=move || options.with(|l| l.contains(&o)) on:change=toggle/>
                    <span>{o.label()}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <FormDialog title=if editing { "Edit channel" } else { "Add channel" } subtitle=channel.map(|c| c.code).unwrap_or_default()
            label=if editing { "Save" } else { "Add channel" } state=state on_submit=submit on_close=on_close>
            <div class="fields two">
                <div class="field">
                    <label for="channel-warehouse">"Warehouse"<RequiredMark/></label>
                    <select id="channel-warehouse" disabled=editing on:change=move |ev| warehouse.set(parse_id(&event_target_value(&ev)))>
                        <option value="" selected=move || warehouse.get().is_none()>"Choose a warehouse"</option>
                        {id_options(warehouse_options, move |id| warehouse.get() == Some(id))}
                    </select>
                    <FieldError errors=errors field=FIELD_WAREHOUSE/>
                </div>
                <div class="field">
                    <label for="channel-business">"Business type"<RequiredMark/></label>
                    <select id="channel-business" disabled=editing on:change=move |ev| business.set(parse_id(&event_target_value(&ev)))>
                        <option value="" selected=move || business.get().is_none()>"Choose a business type"</option>
                        {id_options(business_options, move |id| business.get() == Some(id))}
                    </select>
                    <FieldError errors=errors field=FIELD_BUSINESS/>
                </div>
            </div>
            {editing.then(|| view! { <p class="hint">"A channel stays in its warehouse and business type; add a new channel for another."</p> })}
            <div class="field">
                <label for="channel-code">"Code"<RequiredMark/>
                    {move || (!takes_options.get()).then(|| view! { " " <SelfPickupBadge/> })}
                </label>
                <input id="channel-code" type="text" maxlength="40" autocomplete="off" spellcheck="false" class="upper" placeholder="UPS_GND"
                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                <p class="hint">"2–40 capital letters, digits or _. End it in _A for a self-pickup channel."</p>
                <FieldError errors=errors field=FIELD_CODE/>
            </div>
            <div class="fields two">
                <TextField id="channel-carrier" label="Carrier" value=carrier errors=errors field=FIELD_CARRIER required=true maxlength=100u32 placeholder="UPS"/>
                <TextField id="channel-service" label="Service type" value=service errors=errors field=FIELD_SERVICE_TYPE required=true maxlength=100u32 placeholder="Ground"/>
            </div>
            <fieldset class="field check-group" aria-disabled=move || (!takes_options.get()).then_some("true")>
                <legend>"Signature options"</legend>
                <div class="check-chips">{option_boxes}</div>
                {move || if takes_options.get() {
                    view! { <p class="hint">"The options a merchant may pick on an order with this channel (none: no choice)."</p> }.into_any()
                } else {
                    view! { <p class="hint warn-text" data-self-pickup-rule="">{MSG_SELF_PICKUP_NO_SIGNATURE}</p> }.into_any()
                }}
                <FieldError errors=errors field=FIELD_SIGNATURE_OPTIONS/>
            </fieldset>
        </FormDialog>
    }
}
