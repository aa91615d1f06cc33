//! `/admin/skus`: every merchant's SKUs per warehouse, filtered by merchant, warehouse and
//! text. A SKU needs its merchant allowed at its warehouse (Merchants page); it keeps its
//! merchant and warehouse for good (stock and orders hang on it there).

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::*;
use crate::api::admin::{list_skus, load_admin_refs, save_sku};

const SKUS_PATH: &str = "/admin/skus";

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Edit(AdminSku),
    History(AdminSku),
}

#[component]
pub fn AdminSkusPage() -> impl IntoView {
    let params = use_query_map();
    let filter = Memo::new(move |_| {
        params.with(|p| SkuFilter {
            merchant_id: p.get("merchant").and_then(|v| parse_id(&v)),
            warehouse_id: p.get("warehouse").and_then(|v| parse_id(&v)),
            search: p.get("q").unwrap_or_default(),
        })
    });
    let page = PageDialogs::<OpenDialog>::new();
    let skus = Resource::new(move || (filter.get(), page.refresh.get()), |(f, _)| list_skus(f));
    let refs: RefsResource = Resource::new(|| (), |_| load_admin_refs());
    let (close, done, on_open) = (page.closer(), page.finisher(), page.opener());
    let loaded = Signal::derive(move || refs.get().and_then(Result::ok));

    view! {
        <AdminLayout>
            <AdminPageHead title="SKUs" add_label="Add SKU" on_add=Callback::new(move |_| page.open(OpenDialog::Add)) flash=page.flash/>
            <Suspense fallback=|| ()>
                {move || refs.get().map(|r| match r {
                    Err(e) => load_error(&e),
                    Ok(r) => view! {
                        <Form method="GET" action=SKUS_PATH attr:class="searchbar">
                            <label class="sr-only" for="sku-merchant-filter">"Merchant"</label>
                            <select id="sku-merchant-filter" name="merchant" class="narrow-select">
                                <option value="" selected=move || filter.get().merchant_id.is_none()>"All merchants"</option>
                                {id_options(r.merchants.iter().map(|m| (m.id, m.name.clone())).collect(), move |id| filter.get().merchant_id == Some(id))}
                            </select>
                            <label class="sr-only" for="sku-warehouse-filter">"Warehouse"</label>
                            <select id="sku-warehouse-filter" name="warehouse" class="narrow-select">
                                <option value="" selected=move || filter.get().warehouse_id.is_none()>"All warehouses"</option>
                                {id_options(r.warehouses.iter().map(|w| (w.id, w.code.clone())).collect(), move |id| filter.get().warehouse_id == Some(id))}
                            </select>
                            <input type="search" name="q" maxlength="100" aria-label="Search SKUs" placeholder="Code, name or barcode"
                                prop:value=move || filter.get().search/>
                            <button class="btn" type="submit">"Search"</button>
                        </Form>
                    }.into_any(),
                })}
            </Suspense>
            <Transition fallback=|| view! { <p class="muted">"Loading SKUs…"</p> }>
                {move || skus.get().map(|r| list_or_empty(r, "No SKUs match.", |list| view! { <SkuTable skus=list on_open=on_open/> }.into_any()))}
            </Transition>
            {move || page.dialog.get().and_then(|d| {
                let refs = loaded.get_untracked()?;
                let f = filter.get_untracked();
                Some(match d {
                    OpenDialog::Add => view! {
                        <SkuDialog sku=None refs=refs default_merchant=f.merchant_id default_warehouse=f.warehouse_id on_close=close on_done=done/>
                    }.into_any(),
                    OpenDialog::Edit(s) => view! { <SkuDialog sku=Some(s) refs=refs default_merchant=None default_warehouse=None on_close=close on_done=done/> }.into_any(),
                    OpenDialog::History(s) => view! {
                        <HistoryDialog object=AdminObject::Sku(s.id) title="SKU history" subtitle=format!("{} · {}", s.code, s.warehouse_code) on_close=close/>
                    }.into_any(),
                })
            })}
        </AdminLayout>
    }
}

#[component]
fn SkuTable(skus: Vec<AdminSku>, on_open: Callback<OpenDialog>) -> impl IntoView {
    let rows = skus
        .into_iter()
        .map(|s| {
            let stored = StoredValue::new(s.clone());
            view! {
                <tr data-sku=s.code.clone() data-warehouse=s.warehouse_code.clone()>
                    <td data-label="Code" class="mono strong">{s.code.clone()}</td>
                    <td data-label="Name">{s.name.clone()}</td>
                    <td data-label="Merchant">{s.merchant_name.clone()}</td>
                    <td data-label="Warehouse" class="mono">{s.warehouse_code.clone()}</td>
                    <td data-label="Barcode" class="mono">{s.barcode.clone()}</td>
                    <td data-label="Weight" class="num nowrap">{format!("{} g", s.weight_grams)}</td>
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
            <table class="grid admin-skus stack-phone">
                <thead><tr>
                    <th>"Code"</th><th>"Name"</th><th>"Merchant"</th><th>"Warehouse"</th><th>"Barcode"</th><th class="num">"Weight"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn SkuDialog(
    sku: Option<AdminSku>,
    refs: AdminRefs,
    default_merchant: Option<MerchantId>,
    default_warehouse: Option<WarehouseId>,
    on_close: Callback<()>,
    on_done: Callback<Flash>,
) -> impl IntoView {
    let id = sku.as_ref().map(|s| s.id);
    let editing = id.is_some();
    let merchant = RwSignal::new(sku.as_ref().map(|s| s.merchant_id).or(default_merchant));
    let warehouse = RwSignal::new(sku.as_ref().map(|s| s.warehouse_id).or(default_warehouse));
    let code = RwSignal::new(sku.as_ref().map(|s| s.code.clone()).unwrap_or_default());
    let name = RwSignal::new(sku.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let barcode = RwSignal::new(sku.as_ref().map(|s| s.barcode.clone()).unwrap_or_default());
    let weight = RwSignal::new(sku.as_ref().map(|s| s.weight_grams.to_string()).unwrap_or_default());
    let merchant_options: Vec<(i64, String)> = refs.merchants.iter().map(|m| (m.id, m.name.clone())).collect();
    let refs = StoredValue::new(refs);
    // The warehouses the chosen merchant may use (all of them while none is chosen).
    let warehouse_options = move || {
        refs.with_value(|r| {
            let allowed = merchant.get().and_then(|m| r.merchant(m)).map(|m| m.warehouse_ids.clone());
            r.warehouses
                .iter()
                .filter(|w| allowed.as_ref().is_none_or(|a| a.contains(&w.id)))
                .map(|w| (w.id, format!("{} — {}", w.code, w.name)))
                .collect::<Vec<_>>()
        })
    };
    let no_warehouse = move || merchant.get().is_some() && warehouse_options().is_empty();
    let check = move || {
        let input = SkuInput {
            merchant_id: merchant.get(),
            warehouse_id: warehouse.get(),
            code: code.get(),
            name: name.get(),
            barcode: barcode.get(),
            weight_grams: weight.get().trim().parse().ok(),
        };
        refs.with_value(|r| input.validated(r))
    };
    let state = FormState::new(check);
    let errors = state.errors();
    let submit = Callback::new(move |_: ()| {
        state.submit(check(), move |input: SkuInput| save_sku(id, input), move |_| {
            let verb = if editing { "saved" } else { "added" };
            on_done.run(Flash::Ok(format!("SKU {} {verb}.", code.get_untracked().trim())));
        });
    });
    view! {
        <FormDialog title=if editing { "Edit SKU" } else { "Add SKU" } subtitle=sku.map(|s| format!("{} · {}", s.code, s.warehouse_code)).unwrap_or_default()
            label=if editing { "Save" } else { "Add SKU" } state=state on_submit=submit on_close=on_close>
            <div class="fields two">
                <div class="field">
                    <label for="sku-merchant">"Merchant"<RequiredMark/></label>
                    <select id="sku-merchant" disabled=editing on:change=move |ev| {
                        merchant.set(parse_id(&event_target_value(&ev)));
                        // A warehouse the new merchant may not use is no choice.
                        if !warehouse_options().iter().any(|(id, _)| Some(*id) == warehouse.get_untracked()) {
                            warehouse.set(None);
                        }
                    }>
                        <option value="" selected=move || merchant.get().is_none()>"Choose a merchant"</option>
                        {id_options(merchant_options, move |id| merchant.get() == Some(id))}
                    </select>
                    <FieldError errors=errors field=FIELD_MERCHANT/>
                </div>
                <div class="field">
                    <label for="sku-warehouse">"Warehouse"<RequiredMark/></label>
                    <select id="sku-warehouse" disabled=editing on:change=move |ev| warehouse.set(parse_id(&event_target_value(&ev)))>
                        <option value="" selected=move || warehouse.get().is_none()>"Choose a warehouse"</option>
                        {move || id_options(warehouse_options(), move |id| warehouse.get() == Some(id))}
                    </select>
                    {move || no_warehouse().then(|| view! { <p class="hint warn-text">"This merchant may use no warehouse yet; allow one on the Merchants page."</p> })}
                    <FieldError errors=errors field=FIELD_WAREHOUSE/>
                </div>
            </div>
            <div class="fields two">
                <TextField id="sku-code" label="SKU code" value=code errors=errors field=FIELD_CODE required=true maxlength=40u32 placeholder="MUG-CER-11"/>
                <TextField id="sku-barcode" label="Barcode" value=barcode errors=errors field=FIELD_BARCODE required=true maxlength=14u32
                    inputmode="numeric" placeholder="0850012345015" hint="8–14 digits (UPC / EAN), what the floor scans."/>
            </div>
            <TextField id="sku-name" label="Product name" value=name errors=errors field=FIELD_NAME required=true maxlength=200u32/>
            <TextField id="sku-weight" label="Weight (grams)" value=weight errors=errors field=FIELD_WEIGHT required=true maxlength=6u32
                inputmode="numeric" placeholder="380" hint=format!("Packed weight, 1–{MAX_WEIGHT_GRAMS} g; carrier labels are bought by it.")/>
        </FormDialog>
    }
}
