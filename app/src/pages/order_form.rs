//! Create / edit a dropship order. Every check runs here first with `validate_for_save`
//! (no request leaves the browser for an invalid form); the server runs the same function.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::orders::{get_catalog, get_order, quote_rates, save_order};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn OrderCreatePage() -> impl IntoView {
    let catalog = Resource::new(|| (), |_| get_catalog());
    view! {
        <MerchantLayout>
            <div class="page-head"><h1>"Create Dropship Order"</h1></div>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || catalog.get().map(|c| match c {
                    Ok(catalog) => view! { <OrderForm catalog=catalog initial=initial_draft() id=None/> }.into_any(),
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                })}
            </Suspense>
        </MerchantLayout>
    }
}

fn initial_draft() -> OrderDraft {
    OrderDraft { recipient: Recipient { country: "US".into(), ..Default::default() }, ..Default::default() }
}

#[component]
pub fn OrderEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<OrderId>().ok()));
    let data = Resource::new(id, |id| async move {
        let id = id.ok_or(crate::error::AppError::NotFound)?;
        let order = get_order(id).await?;
        let catalog = get_catalog().await?;
        Ok::<_, crate::error::AppError>((order, catalog))
    });
    view! {
        <MerchantLayout>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok((order, _)) if !order.status.is_editable() => view! {
                        <Notice kind="error">"Only Draft orders can be edited; "{order_no(order.id)}" is "{order.status.label()}"."</Notice>
                    }.into_any(),
                    Ok((order, catalog)) => view! {
                        <div class="page-head"><h1>"Edit "{order_no(order.id)}</h1></div>
                        <OrderForm catalog=catalog initial=order.draft id=Some(order.id)/>
                    }.into_any(),
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                })}
            </Suspense>
        </MerchantLayout>
    }
}

#[component]
fn OrderForm(catalog: Catalog, initial: OrderDraft, id: Option<OrderId>) -> impl IntoView {
    let catalog = StoredValue::new(catalog);
    let draft = RwSignal::new(initial);
    let attempted = RwSignal::new(false);
    let server_errors = RwSignal::new(ValidationErrors::default());
    let form_error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let navigate = use_navigate();

    // After the first Save, errors follow the user's edits live.
    let client_errors = Memo::new(move |_| {
        if !attempted.get() {
            return ValidationErrors::default();
        }
        let d = draft.get().trimmed();
        catalog.with_value(|c| validate_for_save(&d, c).err().unwrap_or_default())
    });
    let errors = Signal::derive(move || {
        let c = client_errors.get();
        if c.is_empty() { server_errors.get() } else { c }
    });

    let on_save = move |_| {
        attempted.set(true);
        server_errors.set(ValidationErrors::default());
        form_error.set(None);
        let d = draft.get_untracked().trimmed();
        if catalog.with_value(|c| validate_for_save(&d, c)).is_err() {
            return; // messages are already next to the fields; nothing is sent
        }
        saving.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match save_order(id, d).await {
                // The list confirms: "saved" for a new order, "updated" for an edit.
                Ok(saved) => {
                    let key = if id.is_some() { "updated" } else { "saved" };
                    navigate(&format!("/orders?{key}={saved}"), Default::default())
                }
                Err(crate::error::AppError::Validation(v)) => server_errors.set(v),
                Err(e) => form_error.set(Some(error_text(&e))),
            }
            saving.set(false);
        });
    };

    view! {
        // Two columns on desktop in the order of the product flow: where from and to whom on
        // the left, what and how on the right; one column on narrow screens.
        <div class="form-cols">
            <div class="form-col">
                <section class="card">
                    <h2>"Basic Information"</h2>
                    <BasicFields draft=draft catalog=catalog errors=errors/>
                </section>
                <section class="card">
                    <h2>"Recipient"</h2>
                    <RecipientFields draft=draft catalog=catalog errors=errors/>
                </section>
            </div>
            <div class="form-col">
                <section class="card">
                    <h2>"Products"</h2>
                    <SkuLines draft=draft catalog=catalog errors=errors/>
                </section>
                <section class="card">
                    <h2>"Shipping"</h2>
                    <ShippingFields draft=draft catalog=catalog errors=errors/>
                </section>
            </div>
        </div>
        <div class="form-actions">
            {move || form_error.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            {move || (!errors.get().is_empty()).then(|| view! {
                <p class="field-error" role="alert">"Please correct the highlighted fields."</p>
            })}
            <a class="btn" href="/orders">"Cancel"</a>
            <button class="btn btn-primary" on:click=on_save disabled=move || saving.get()>
                {move || if saving.get() { "Saving…" } else { "Save" }}
            </button>
        </div>
    }
}

fn parse_id(v: &str) -> Option<i64> {
    v.parse().ok()
}

#[component]
fn BasicFields(draft: RwSignal<OrderDraft>, catalog: StoredValue<Catalog>, errors: Signal<ValidationErrors>) -> impl IntoView {
    // A channel only stays selected while it still fits warehouse + business.
    let drop_unavailable_channel = move |d: &mut OrderDraft| {
        let fits = d.channel_id.is_some_and(|cid| {
            catalog.with_value(|c| c.channel(cid).is_some_and(|ch| Some(ch.warehouse_id) == d.warehouse_id && Some(ch.business_type_id) == d.business_type_id))
        });
        if !fits {
            d.channel_id = None;
            d.signature_option = None;
        }
    };
    let warehouses = catalog.with_value(|c| c.warehouses.clone());
    let businesses = catalog.with_value(|c| c.business_types.clone());
    view! {
        <div class="fields two">
            <div class="field">
                <label for="warehouse">"Shipping Warehouse"<RequiredMark/></label>
                <select id="warehouse" on:change=move |ev| {
                    let v = parse_id(&event_target_value(&ev));
                    draft.update(|d| { d.warehouse_id = v; drop_unavailable_channel(d); });
                }>
                    <option value="" selected=move || draft.with(|d| d.warehouse_id.is_none())>"Select a warehouse"</option>
                    {warehouses.into_iter().map(|w| {
                        let wid = w.id;
                        view! { <option value=wid.to_string() selected=move || draft.with(|d| d.warehouse_id == Some(wid))>{format!("{} — {}", w.code, w.name)}</option> }
                    }).collect_view()}
                </select>
                <FieldError errors=errors field=FIELD_WAREHOUSE/>
            </div>
            <div class="field">
                <label for="business">"Business"<RequiredMark/></label>
                <select id="business" on:change=move |ev| {
                    let v = parse_id(&event_target_value(&ev));
                    draft.update(|d| { d.business_type_id = v; drop_unavailable_channel(d); });
                }>
                    <option value="" selected=move || draft.with(|d| d.business_type_id.is_none())>"Select a business type"</option>
                    {businesses.into_iter().map(|b| {
                        let bid = b.id;
                        let kind = match b.kind { BusinessKind::B2C => "B2C", BusinessKind::B2B => "B2B" };
                        view! { <option value=bid.to_string() selected=move || draft.with(|d| d.business_type_id == Some(bid))>{format!("{} ({kind})", b.name)}</option> }
                    }).collect_view()}
                </select>
                <FieldError errors=errors field=FIELD_BUSINESS/>
            </div>
            <div class="field">
                <label for="platform_order_no">"Platform Order No."</label>
                <input id="platform_order_no" type="text" maxlength="64"
                    prop:value=move || draft.with(|d| d.platform_order_no.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.platform_order_no = v); }/>
                <FieldError errors=errors field=FIELD_PLATFORM_ORDER_NO/>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn RecipientFields(draft: RwSignal<OrderDraft>, catalog: StoredValue<Catalog>, errors: Signal<ValidationErrors>) -> impl IntoView {
    let pasted = RwSignal::new(String::new());
    let unsure = RwSignal::new(Vec::<RecipientField>::new());
    let parse_note = RwSignal::new(None::<String>);
    // The paste's SKU lines: what was done with them, and the warehouse they were matched in.
    let sku_fill = RwSignal::new((SkuFill::default(), String::new()));
    let parse_and_fill = move |_| {
        let parsed = parse_recipient(&pasted.get_untracked());
        let n = parsed.unsure.len();
        let mut fill = SkuFill::default();
        let mut warehouse = String::new();
        draft.update(|d| {
            d.recipient = parsed.recipient;
            catalog.with_value(|c| {
                fill = fill_sku_lines(d, &parsed.sku_lines, c);
                warehouse = d.warehouse_id.and_then(|w| c.warehouse(w)).map(|w| w.code.clone()).unwrap_or_default();
            });
        });
        unsure.set(parsed.unsure);
        sku_fill.set((fill, warehouse));
        parse_note.set(Some(if n == 0 {
            "All fields filled. Please check them before saving.".into()
        } else {
            format!("Filled what could be recognised; {n} highlighted field(s) need your attention.")
        }));
    };
    // What happened to the SKU lines of the paste: added, not found, or waiting for a warehouse.
    let sku_notes = move || {
        let (fill, warehouse) = sku_fill.get();
        let added = (!fill.filled.is_empty()).then(|| view! {
            <p class="hint paste-skus">{format!("Added to Products: {}.", fill.filled.join(", "))}</p>
        });
        let unknown = (!fill.unknown.is_empty()).then(|| view! {
            <Notice kind="error">{format!(
                "Not a SKU of {warehouse}: {}. Check the code or add it with Add SKU.",
                fill.unknown.join(", ")
            )}</Notice>
        });
        let waiting = fill.needs_warehouse.then(|| view! {
            <Notice kind="error">"The paste lists SKUs: select the shipping warehouse, then press Parse and Fill again to add them."</Notice>
        });
        view! { {added}{unknown}{waiting} }
    };
    let input = move |field: RecipientField| {
        let id = format!("recipient-{}", field.error_key().trim_start_matches("recipient."));
        let required = move || draft.with(|d| required_recipient_fields(&d.recipient.country).contains(&field));
        view! {
            <div class="field" class:unsure=move || unsure.with(|u| u.contains(&field))>
                <label for=id.clone()>{field.label()}{move || required().then(|| view! { <RequiredMark/> })}</label>
                <input id=id type="text" aria-required=move || required().then_some("true")
                    prop:value=move || draft.with(|d| d.recipient.get(field).to_string())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| d.recipient.set(field, v));
                        unsure.update(|u| u.retain(|f| *f != field));
                    }/>
                <FieldError errors=errors field=field.error_key()/>
            </div>
        }
    };
    let country = RecipientField::Country;
    view! {
        <div class="paste-box">
            <label for="paste">"Paste address"</label>
            <textarea id="paste" rows="3" placeholder="Paste the recipient block from an email, marketplace or chat, with SKU lines if you like, e.g.\nJane Doe, 500 Market St, San Francisco, CA 94105, +1 415 555 0134\n2 x MUG-CER-11"
                prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            <button class="btn" type="button" on:click=parse_and_fill>"Parse and Fill"</button>
            {move || parse_note.get().map(|n| view! { <p class="hint">{n}</p> })}
            {sku_notes}
        </div>
        <div class="fields two">
            {input(RecipientField::Name)}
            {input(RecipientField::Phone)}
            {input(RecipientField::Email)}
            <div class="field" class:unsure=move || unsure.with(|u| u.contains(&country))>
                <label for="recipient-country">"Country"<RequiredMark/></label>
                <select id="recipient-country" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    draft.update(|d| d.recipient.country = v);
                    unsure.update(|u| u.retain(|f| *f != country));
                }>
                    <option value="" selected=move || draft.with(|d| d.recipient.country.is_empty())>"Select a country"</option>
                    {COUNTRIES.iter().map(|(code, name)| view! {
                        <option value=*code selected=move || draft.with(|d| d.recipient.country == *code)>{*name}</option>
                    }).collect_view()}
                </select>
                <FieldError errors=errors field=country.error_key()/>
            </div>
            {input(RecipientField::State)}
            {input(RecipientField::City)}
            {input(RecipientField::Address1)}
            {input(RecipientField::Address2)}
            {input(RecipientField::PostalCode)}
        </div>
    }
    .into_any()
}

#[component]
fn SkuLines(draft: RwSignal<OrderDraft>, catalog: StoredValue<Catalog>, errors: Signal<ValidationErrors>) -> impl IntoView {
    let picker_open = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let warehouse = Memo::new(move |_| draft.with(|d| d.warehouse_id));
    let add_sku = move |sku_id: SkuId| {
        draft.update(|d| match d.lines.iter_mut().find(|l| l.sku_id == sku_id) {
            Some(line) => line.quantity += 1,
            None => d.lines.push(OrderLineDraft { sku_id, quantity: 1 }),
        });
    };
    let matches = move || {
        let Some(wid) = warehouse.get() else {
            return view! { <p class="hint">"Select a shipping warehouse first."</p> }.into_any();
        };
        let q = search.get();
        let found: Vec<Sku> = catalog.with_value(|c| c.skus_in(wid).filter(|s| s.matches(&q)).take(20).cloned().collect());
        if found.is_empty() {
            return view! { <p class="hint">"No SKU of this warehouse matches."</p> }.into_any();
        }
        view! {
            <ul class="sku-results" role="listbox" aria-label="SKU results">
                {found.into_iter().map(|s| {
                    let sid = s.id;
                    view! {
                        <li>
                            <span class="mono">{s.code.clone()}</span>" "<span>{s.name.clone()}</span>
                            <span class="muted">" · "{s.barcode.clone()}" · "{s.weight_grams}" g"</span>
                            <button class="btn btn-small" type="button" aria-label=format!("Add {}", s.code) on:click=move |_| add_sku(sid)>"Add"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any()
    };
    let line_rows = move || {
        draft.with(|d| d.lines.clone()).into_iter().enumerate().map(|(i, line)| {
            let sku = catalog.with_value(|c| c.sku(line.sku_id).cloned());
            let (code, name) = sku.map(|s| (s.code, s.name)).unwrap_or_else(|| ("?".into(), "Unknown SKU".into()));
            let qty_id = format!("qty-{i}");
            view! {
                <tr>
                    <td class="mono">{code.clone()}</td>
                    <td>{name}</td>
                    <td>
                        <label class="sr-only" for=qty_id.clone()>{format!("Quantity of {code}")}</label>
                        <input id=qty_id class="qty" type="number" min="1" step="1" prop:value=line.quantity.to_string()
                            on:input=move |ev| {
                                // Unparseable input counts as 0 so the "at least 1" rule reports it.
                                let q = event_target_value(&ev).trim().parse::<i64>().unwrap_or(0);
                                draft.update(|d| if let Some(l) = d.lines.get_mut(i) { l.quantity = q });
                            }/>
                        <FieldError errors=errors field=line_field(i)/>
                    </td>
                    <td><button class="btn btn-small btn-ghost" type="button" on:click=move |_| draft.update(|d| { if i < d.lines.len() { d.lines.remove(i); } })>"Remove"</button></td>
                </tr>
            }
        }).collect_view()
    };
    view! {
        <div class="sku-toolbar">
            <button class="btn" type="button" on:click=move |_| picker_open.update(|o| *o = !*o)>"Add SKU"</button>
            <span class="muted">{move || { let n = draft.with(|d| d.total_units()); format!("{n} unit(s)") }}</span>
        </div>
        <Show when=move || picker_open.get()>
            <div class="sku-picker">
                <label for="sku-search">"Search SKU"</label>
                <input id="sku-search" type="search" placeholder="Code, name or barcode"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                {matches}
            </div>
        </Show>
        <Show when=move || draft.with(|d| !d.lines.is_empty())
            fallback=|| view! { <p class="muted">"No SKU added yet."</p> }>
            <table class="grid lines">
                <thead><tr><th>"SKU"</th><th>"Name"</th><th>"Quantity"</th><th></th></tr></thead>
                <tbody>{line_rows}</tbody>
            </table>
        </Show>
        <FieldError errors=errors field=FIELD_LINES/>
    }
    .into_any()
}

#[component]
fn ShippingFields(draft: RwSignal<OrderDraft>, catalog: StoredValue<Catalog>, errors: Signal<ValidationErrors>) -> impl IntoView {
    let channels = Memo::new(move |_| {
        let (w, b) = draft.with(|d| (d.warehouse_id, d.business_type_id));
        match (w, b) {
            (Some(w), Some(b)) => catalog.with_value(|c| c.channels_for(w, b).cloned().collect::<Vec<_>>()),
            _ => Vec::new(),
        }
    });
    let selected = Memo::new(move |_| {
        draft.with(|d| d.channel_id).and_then(|id| catalog.with_value(|c| c.channel(id).cloned()))
    });
    let group = move |self_pickup: bool, label: &'static str| {
        let list: Vec<Channel> = channels.get().into_iter().filter(|c| c.is_self_pickup() == self_pickup).collect();
        (!list.is_empty()).then(|| view! {
            <optgroup label=label>
                {list.into_iter().map(|c| {
                    let cid = c.id;
                    view! { <option value=cid.to_string() selected=move || draft.with(|d| d.channel_id == Some(cid))>{c.display_name()}</option> }
                }).collect_view()}
            </optgroup>
        })
    };
    view! {
        <div class="fields">
            <div class="field">
                <label for="channel">"Shipping Channel"<RequiredMark/></label>
                <select id="channel" on:change=move |ev| {
                    let v = parse_id(&event_target_value(&ev));
                    draft.update(|d| {
                        d.channel_id = v;
                        d.signature_option = None;
                        // Tracking number and label only belong to self-pickup channels.
                        let self_pickup = v.and_then(|id| catalog.with_value(|c| c.channel(id).map(|c| c.is_self_pickup()))).unwrap_or(false);
                        if !self_pickup { d.tracking_no.clear(); d.label = None; }
                    });
                }>
                    <option value="" selected=move || draft.with(|d| d.channel_id.is_none())>
                        {move || if channels.get().is_empty() { "Select warehouse and business first" } else { "Select a channel" }}
                    </option>
                    {move || group(true, "Self Pickup")}
                    {move || group(false, "Non-Self Pickup")}
                </select>
                <FieldError errors=errors field=FIELD_CHANNEL/>
            </div>
            {move || selected.get().filter(|c| !c.signature_options.is_empty()).map(|c| view! {
                <div class="field">
                    <label for="signature">"Signature Service"</label>
                    <select id="signature" on:change=move |ev| {
                        let v = SignatureOption::from_code(&event_target_value(&ev));
                        draft.update(|d| d.signature_option = v);
                    }>
                        <option value="" selected=move || draft.with(|d| d.signature_option.is_none())>"No signature service"</option>
                        {c.signature_options.iter().map(|o| {
                            let o = *o;
                            view! { <option value=o.code() selected=move || draft.with(|d| d.signature_option == Some(o))>{o.label()}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError errors=errors field=FIELD_SIGNATURE/>
                </div>
            })}
        </div>
        {move || selected.get().map(|c| if c.is_self_pickup() {
            view! { <SelfPickupFields draft=draft errors=errors/> }.into_any()
        } else {
            view! {
                <p class="hint">"The carrier ("{c.carrier.clone()}") provides the label and tracking number after you submit the order."</p>
                <FieldError errors=errors field=FIELD_TRACKING/>
                <RateQuote draft=draft catalog=catalog/>
            }.into_any()
        })}
    }
    .into_any()
}

#[component]
fn SelfPickupFields(draft: RwSignal<OrderDraft>, errors: Signal<ValidationErrors>) -> impl IntoView {
    view! {
        <div class="fields two">
            <div class="field">
                <label for="tracking_no">"Tracking Number"<RequiredMark/></label>
                <input id="tracking_no" type="text" maxlength="64"
                    prop:value=move || draft.with(|d| d.tracking_no.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.tracking_no = v); }/>
                <FieldError errors=errors field=FIELD_TRACKING/>
            </div>
            <LabelUpload id="label_file" label=Signal::derive(move || draft.with(|d| d.label.clone()))
                on_change=Callback::new(move |l| draft.update(|d| d.label = l)) errors=errors/>
        </div>
    }
    .into_any()
}

/// 【Rate Quote】: what the carrier would charge for this parcel on the selected channel.
#[component]
fn RateQuote(draft: RwSignal<OrderDraft>, catalog: StoredValue<Catalog>) -> impl IntoView {
    let rates = RwSignal::new(None::<Result<Vec<RateQuote>, String>>);
    let busy = RwSignal::new(false);
    let quote = move |_| {
        let d = draft.get_untracked().trimmed();
        // The same completeness check the server makes, so an incomplete form asks for nothing.
        if let Err(e) = catalog.with_value(|c| shipment_for_quote(&d, c)) {
            rates.set(Some(Err(e.to_string())));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            rates.set(Some(quote_rates(d).await.map_err(|e| error_text(&e))));
            busy.set(false);
        });
    };
    view! {
        <div class="rate-quote">
            <button class="btn" type="button" on:click=quote disabled=move || busy.get()>
                {move || if busy.get() { "Quoting…" } else { "Rate Quote" }}
            </button>
            {move || rates.get().map(|r| match r {
                Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="hint">"The carrier offers no rate for this parcel."</p> }.into_any(),
                Ok(list) => view! {
                    <table class="grid rates" aria-label="Rate quotes">
                        <thead><tr><th>"Carrier"</th><th>"Service"</th><th class="num">"Rate"</th><th class="num">"Est. days"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|q| view! {
                                <tr>
                                    <td>{q.carrier}</td><td>{q.service}</td>
                                    <td class="num">{format_money(q.amount_minor, &q.currency)}</td>
                                    <td class="num">{q.estimated_days}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </div>
    }
    .into_any()
}
