//! 【Platform SKU Mapping】: which warehouse SKU a store's platform SKU ships as. One mapping
//! per (store, platform SKU); saving again changes it. `MappingInput::validated` runs here
//! against the catalog before anything is sent.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::*;
use crate::api::orders::get_catalog;
use crate::api::platform::{delete_mapping, list_mappings, list_stores, save_mapping};
use crate::components::*;

const MAPPINGS_PATH: &str = "/sku-mappings";

/// A warehouse SKU code is the same in every warehouse that stocks it: one entry per code.
fn distinct_skus(catalog: &Catalog) -> Vec<Sku> {
    let mut skus: Vec<Sku> = Vec::new();
    for s in &catalog.skus {
        if !skus.iter().any(|k| k.code == s.code) {
            skus.push(s.clone());
        }
    }
    skus.sort_by(|a, b| a.code.cmp(&b.code));
    skus
}

/// The form's store (None = not chosen) → the input the domain checks.
fn mapping_input(store: Option<StoreId>, platform_sku: &str, warehouse_sku: Option<&str>, catalog: &Catalog) -> Result<MappingInput, ValidationErrors> {
    let input = MappingInput { store_id: store.unwrap_or_default(), platform_sku: platform_sku.to_string(), warehouse_sku: warehouse_sku.unwrap_or_default().to_string() };
    let checked = input.validated(catalog);
    match (store, checked) {
        (Some(_), checked) => checked,
        (None, checked) => {
            let mut errors = checked.err().unwrap_or_default();
            errors.add("store", "Please choose a store");
            Err(errors)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Edit(SkuMapping),
    Delete(SkuMapping),
    History(SkuMapping),
}

#[component]
pub fn SkuMappingsPage() -> impl IntoView {
    let params = use_query_map();
    let store = Memo::new(move |_| params.with(|p| p.get("store").and_then(|v| parse_id(&v))));
    let search = Memo::new(move |_| params.with(|p| p.get("q").unwrap_or_default()));
    let refresh = RwSignal::new(0u32);
    let mappings = Resource::new(move || (store.get(), search.get(), refresh.get()), |(s, q, _)| list_mappings(s, q));
    let stores = Resource::new(|| (), |_| list_stores());
    let catalog = Resource::new(|| (), |_| get_catalog());
    let dialog = RwSignal::new(None::<OpenDialog>);
    let flash = RwSignal::new(None::<Flash>);

    let close = Callback::new(move |_: ()| dialog.set(None));
    let done = Callback::new(move |f: Flash| {
        dialog.set(None);
        flash.set(Some(f));
        refresh.update(|n| *n += 1);
    });
    let on_edit = Callback::new(move |m: SkuMapping| {
        flash.set(None);
        dialog.set(Some(OpenDialog::Edit(m)));
    });
    let on_delete = Callback::new(move |m: SkuMapping| {
        flash.set(None);
        dialog.set(Some(OpenDialog::Delete(m)));
    });
    let on_history = Callback::new(move |m: SkuMapping| dialog.set(Some(OpenDialog::History(m))));
    let store_list = move || stores.get().and_then(Result::ok).unwrap_or_default();
    let skus = Signal::derive(move || catalog.get().and_then(Result::ok).map(|c| distinct_skus(&c)).unwrap_or_default());

    view! {
        <MerchantLayout>
            <div class="page-head"><h1>"Platform SKU Mapping"</h1></div>
            <FlashNotice flash=flash/>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || match catalog.get() {
                    None => None,
                    Some(Err(e)) => Some(view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any()),
                    Some(Ok(c)) => Some(view! {
                        <AddMapping stores=store_list() default_store=store.get_untracked() catalog=c skus=skus on_done=done/>
                    }.into_any()),
                }}
                <Form method="GET" action=MAPPINGS_PATH attr:class="searchbar">
                    <label class="sr-only" for="map-store">"Store"</label>
                    <select id="map-store" name="store" class="narrow-select">
                        <option value="" selected=move || store.get().is_none()>"All stores"</option>
                        {move || store_options(store_list(), move |id| store.get() == Some(id))}
                    </select>
                    <input type="search" name="q" maxlength="100" aria-label="Search mappings" placeholder="Platform SKU or warehouse SKU"
                        prop:value=move || search.get()/>
                    <button class="btn" type="submit">"Search"</button>
                </Form>
            </Suspense>
            <Transition fallback=|| view! { <p class="muted">"Loading mappings…"</p> }>
                {move || mappings.get().map(|r| match r {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <div class="empty card" data-empty="">"No mappings match."</div> }.into_any(),
                    Ok(list) => view! { <MappingTable mappings=list on_edit=on_edit on_delete=on_delete on_history=on_history/> }.into_any(),
                })}
            </Transition>
            {move || dialog.get().map(|d| match d {
                OpenDialog::Edit(m) => view! {
                    <Suspense fallback=|| ()>
                        {move || catalog.get().map(|r| match r {
                            Ok(c) => view! { <EditMappingDialog mapping=m.clone() catalog=c skus=skus on_close=close on_done=done/> }.into_any(),
                            Err(e) => view! { <Dialog title="Edit Mapping" on_close=close><Notice kind="error">{error_text(&e)}</Notice></Dialog> }.into_any(),
                        })}
                    </Suspense>
                }.into_any(),
                OpenDialog::Delete(m) => view! { <DeleteMappingDialog mapping=m on_close=close on_done=done/> }.into_any(),
                OpenDialog::History(m) => view! {
                    <Dialog title="Mapping history" subtitle=m.platform_sku.clone() wide=true on_close=close>
                        <PlatformHistory object=HistoryOf::Mapping(m.id)/>
                        <div class="dialog-foot"><button type="button" class="btn" on:click=move |_| close.run(())>"Close"</button></div>
                    </Dialog>
                }.into_any(),
            })}
        </MerchantLayout>
    }
}

#[component]
fn MappingTable(mappings: Vec<SkuMapping>, on_edit: Callback<SkuMapping>, on_delete: Callback<SkuMapping>, on_history: Callback<SkuMapping>) -> impl IntoView {
    let rows = mappings
        .into_iter()
        .map(|m| {
            let stored = StoredValue::new(m.clone());
            view! {
                <tr data-mapping-id=m.id data-platform-sku=m.platform_sku.clone()>
                    <td data-label="Store">{m.store_name}</td>
                    <td data-label="Platform SKU" class="mono">{m.platform_sku.clone()}</td>
                    <td data-label="Warehouse SKU" class="mono" data-warehouse-sku="">{m.warehouse_sku}</td>
                    <td data-label="Updated" class="time-cell muted">{time::format_utc_minutes(m.updated_at_ms)}</td>
                    <td class="actions"><div class="row-actions">
                        <button type="button" class="btn btn-small" data-action="edit" on:click=move |_| on_edit.run(stored.get_value())>"Edit"</button>
                        <button type="button" class="btn btn-small" data-action="history" on:click=move |_| on_history.run(stored.get_value())>"History"</button>
                        <button type="button" class="btn btn-small btn-warn" data-action="delete" on:click=move |_| on_delete.run(stored.get_value())>"Delete"</button>
                    </div></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid mappings stack-phone">
                <thead><tr><th>"Store"</th><th>"Platform SKU"</th><th>"Warehouse SKU"</th><th>"Updated"</th><th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn AddMapping(
    stores: Vec<StoreInfo>,
    default_store: Option<StoreId>,
    catalog: Catalog,
    skus: Signal<Vec<Sku>>,
    on_done: Callback<Flash>,
) -> impl IntoView {
    let only_store = (stores.len() == 1).then(|| stores.first().map(|s| s.id)).flatten();
    let store = RwSignal::new(default_store.or(only_store));
    let platform_sku = RwSignal::new(String::new());
    let warehouse_sku = RwSignal::new(None::<String>);
    let catalog = StoredValue::new(catalog);
    let attempted = RwSignal::new(false);
    let server_errors = RwSignal::new(ValidationErrors::default());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let check = move || catalog.with_value(|c| mapping_input(store.get(), &platform_sku.get(), warehouse_sku.get().as_deref(), c));
    let client_errors = Memo::new(move |_| if attempted.get() { check().err().unwrap_or_default() } else { ValidationErrors::default() });
    let errors = Signal::derive(move || {
        let c = client_errors.get();
        if c.is_empty() { server_errors.get() } else { c }
    });
    let submit = move |_| {
        attempted.set(true);
        server_errors.set(ValidationErrors::default());
        failure.set(None);
        let Ok(input) = check() else { return };
        sending.set(true);
        let done_text = format!("Mapping saved: {} → {}.", input.platform_sku, input.warehouse_sku);
        leptos::task::spawn_local(async move {
            match save_mapping(input).await {
                Ok(_) => {
                    sending.set(false);
                    attempted.set(false);
                    platform_sku.set(String::new());
                    warehouse_sku.set(None);
                    on_done.run(Flash::Ok(done_text));
                }
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
    let on_pick = Callback::new(move |code: Option<String>| warehouse_sku.set(code));
    view! {
        <section class="card add-mapping" aria-label="Add mapping">
            <h2>"Add Mapping"</h2>
            <div class="fields three">
                <div class="field">
                    <label for="add-store">"Store"<RequiredMark/></label>
                    <select id="add-store" on:change=move |ev| store.set(parse_id(&event_target_value(&ev)))>
                        <option value="" selected=move || store.get().is_none()>"Select a store"</option>
                        {store_options(stores, move |id| store.get() == Some(id))}
                    </select>
                    <FieldError errors=errors field="store"/>
                </div>
                <div class="field">
                    <label for="add-platform-sku">"Platform SKU"<RequiredMark/></label>
                    <input id="add-platform-sku" type="text" maxlength="100" autocomplete="off"
                        prop:value=move || platform_sku.get() on:input=move |ev| platform_sku.set(event_target_value(&ev))/>
                    <FieldError errors=errors field="platform_sku"/>
                </div>
                <div class="field">
                    <label for="add-warehouse-sku">"Warehouse SKU"<RequiredMark/></label>
                    <SkuPicker id="add-warehouse-sku" label="Warehouse SKU" skus=skus value=warehouse_sku on_pick=on_pick/>
                    <FieldError errors=errors field="warehouse_sku"/>
                </div>
            </div>
            {move || failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
            <div class="card-actions">
                <button type="button" class="btn btn-primary" data-submit="" disabled=move || sending.get() on:click=submit>
                    {move || if sending.get() { "Saving…" } else { "Save Mapping" }}
                </button>
            </div>
        </section>
    }
}

/// Changes the warehouse SKU of one (store, platform SKU).
#[component]
fn EditMappingDialog(mapping: SkuMapping, catalog: Catalog, skus: Signal<Vec<Sku>>, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let warehouse_sku = RwSignal::new(Some(mapping.warehouse_sku.clone()));
    let errors = RwSignal::new(ValidationErrors::default());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let catalog = StoredValue::new(catalog);
    let (store_id, platform_sku) = (mapping.store_id, mapping.platform_sku.clone());
    let submit = move |_| {
        failure.set(None);
        let checked = catalog.with_value(|c| mapping_input(Some(store_id), &platform_sku, warehouse_sku.get_untracked().as_deref(), c));
        let input = match checked {
            Ok(input) => input,
            Err(e) => {
                errors.set(e);
                return;
            }
        };
        errors.set(ValidationErrors::default());
        sending.set(true);
        let done_text = format!("Mapping saved: {} → {}.", input.platform_sku, input.warehouse_sku);
        leptos::task::spawn_local(async move {
            match save_mapping(input).await {
                Ok(_) => on_done.run(Flash::Ok(done_text)),
                Err(crate::error::AppError::Validation(v)) => {
                    sending.set(false);
                    errors.set(v);
                }
                Err(e) => {
                    sending.set(false);
                    failure.set(Some(error_text(&e)));
                }
            }
        });
    };
    let on_pick = Callback::new(move |code: Option<String>| warehouse_sku.set(code));
    let errors_signal: Signal<ValidationErrors> = errors.into();
    view! {
        <Dialog title="Edit Mapping" subtitle=mapping.platform_sku.clone() on_close=on_close>
            <dl class="facts">
                <dt>"Store"</dt><dd>{mapping.store_name.clone()}</dd>
                <dt>"Platform SKU"</dt><dd class="mono">{mapping.platform_sku.clone()}</dd>
            </dl>
            <div class="field">
                <label for="edit-warehouse-sku">"Warehouse SKU"<RequiredMark/></label>
                <SkuPicker id="edit-warehouse-sku" label="Warehouse SKU" skus=skus value=warehouse_sku on_pick=on_pick/>
                <FieldError errors=errors_signal field="warehouse_sku"/>
                <FieldError errors=errors_signal field="platform_sku"/>
            </div>
            {move || failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
            <div class="dialog-foot">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="btn btn-primary" data-submit="" disabled=move || sending.get() on:click=submit>"Save"</button>
            </div>
        </Dialog>
    }
}

#[component]
fn DeleteMappingDialog(mapping: SkuMapping, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = mapping.id;
    let done_text = format!("Mapping of {} deleted.", mapping.platform_sku);
    let confirm = Callback::new(move |_: ()| {
        busy.set(true);
        error.set(None);
        let done_text = done_text.clone();
        leptos::task::spawn_local(async move {
            match delete_mapping(id).await {
                Ok(()) => on_done.run(Flash::Ok(done_text)),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(error_text(&e)));
                }
            }
        });
    });
    let message = format!(
        "Delete the mapping {} → {} of {}? Orders with this platform SKU will show Not Mapped until it is mapped again.",
        mapping.platform_sku, mapping.warehouse_sku, mapping.store_name
    );
    view! {
        <ConfirmDialog title="Delete Mapping" subtitle=mapping.platform_sku.clone() message=message confirm_label="Delete"
            busy=busy error=error on_confirm=confirm on_close=on_close/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sku(id: i64, warehouse_id: i64, code: &str) -> Sku {
        Sku { id, warehouse_id, code: code.into(), name: String::new(), barcode: String::new(), weight_grams: 1 }
    }

    #[test]
    fn codes_are_listed_once_across_warehouses() {
        let catalog = Catalog { skus: vec![sku(1, 1, "B"), sku(2, 2, "B"), sku(3, 2, "A")], ..Default::default() };
        assert_eq!(distinct_skus(&catalog).iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), vec!["A", "B"]);
    }

    #[test]
    fn a_mapping_needs_a_store_and_a_known_sku() {
        let catalog = Catalog { skus: vec![sku(1, 1, "W-1")], ..Default::default() };
        let e = mapping_input(None, "P-1", Some("W-1"), &catalog).err().unwrap_or_default();
        assert!(e.first("store").is_some());
        let e = mapping_input(Some(1), "P-1", Some("NOPE"), &catalog).err().unwrap_or_default();
        assert!(e.first("warehouse_sku").is_some());
        assert!(mapping_input(Some(1), " P-1 ", Some("W-1"), &catalog).is_ok_and(|m| m.platform_sku == "P-1"));
    }
}
