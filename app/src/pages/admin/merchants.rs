//! `/admin/merchants`: the tenants, and which warehouses each may use (a SKU of merchant M at
//! warehouse W needs M allowed at W). Onboarding a merchant: add it here, then its SKUs and
//! its users.

use leptos::prelude::*;

use super::*;
use crate::api::admin::{load_admin_refs, save_merchant};

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Edit(Merchant),
    History(Merchant),
}

#[component]
pub fn AdminMerchantsPage() -> impl IntoView {
    let page = PageDialogs::<OpenDialog>::new();
    let refs: RefsResource = Resource::new(move || page.refresh.get(), |_| load_admin_refs());
    let (close, done, on_open) = (page.closer(), page.finisher(), page.opener());
    // The last loaded reference data, for the dialogs (kept while the list reloads).
    let loaded = Signal::derive(move || refs.get().and_then(Result::ok));

    view! {
        <AdminLayout>
            <AdminPageHead title="Merchants" add_label="Add merchant" on_add=Callback::new(move |_| page.open(OpenDialog::Add)) flash=page.flash/>
            <Transition fallback=|| view! { <p class="muted">"Loading merchants…"</p> }>
                {move || refs.get().map(|r| match r {
                    Err(e) => load_error(&e),
                    Ok(r) if r.merchants.is_empty() => view! { <div class="empty card" data-empty="">"No merchants yet."</div> }.into_any(),
                    Ok(r) => view! { <MerchantTable refs=r on_open=on_open/> }.into_any(),
                })}
            </Transition>
            {move || page.dialog.get().and_then(|d| {
                let refs = loaded.get_untracked()?;
                Some(match d {
                    OpenDialog::Add => view! { <MerchantDialog merchant=None warehouses=refs.warehouses on_close=close on_done=done/> }.into_any(),
                    OpenDialog::Edit(m) => view! { <MerchantDialog merchant=Some(m) warehouses=refs.warehouses on_close=close on_done=done/> }.into_any(),
                    OpenDialog::History(m) => view! {
                        <HistoryDialog object=AdminObject::Merchant(m.id) title="Merchant history" subtitle=m.name on_close=close/>
                    }.into_any(),
                })
            })}
        </AdminLayout>
    }
}

#[component]
fn MerchantTable(refs: AdminRefs, on_open: Callback<OpenDialog>) -> impl IntoView {
    let rows = refs
        .merchants
        .iter()
        .map(|m| {
            let stored = StoredValue::new(m.clone());
            let codes: Vec<String> = m.warehouse_ids.iter().filter_map(|id| refs.warehouse(*id)).map(|w| w.code.clone()).collect();
            view! {
                <tr data-merchant=m.name.clone()>
                    <td data-label="Merchant" class="strong">{m.name.clone()}</td>
                    <td data-label="Warehouses">
                        {if codes.is_empty() {
                            view! { <span class="muted">"None yet"</span> }.into_any()
                        } else {
                            view! { <span class="chips">{codes.into_iter().map(|c| view! { <span class="chip mono">{c}</span> }).collect_view()}</span> }.into_any()
                        }}
                    </td>
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
            <table class="grid admin-merchants stack-phone">
                <thead><tr><th>"Merchant"</th><th>"Warehouses it may use"</th><th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">"Merchant users are added on the Users page; their SKUs on the SKUs page."</p>
    }
}

#[component]
fn MerchantDialog(merchant: Option<Merchant>, warehouses: Vec<Warehouse>, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let id = merchant.as_ref().map(|m| m.id);
    let name = RwSignal::new(merchant.as_ref().map(|m| m.name.clone()).unwrap_or_default());
    let selected = RwSignal::new(merchant.as_ref().map(|m| m.warehouse_ids.clone()).unwrap_or_default());
    let refs = StoredValue::new(AdminRefs { warehouses: warehouses.clone(), ..Default::default() });
    let check = move || refs.with_value(|r| MerchantInput { name: name.get(), warehouse_ids: selected.get() }.validated(r));
    let state = FormState::new(check);
    let errors = state.errors();
    let submit = Callback::new(move |_: ()| {
        state.submit(check(), move |input: MerchantInput| save_merchant(id, input), move |_| {
            let verb = if id.is_none() { "added" } else { "saved" };
            on_done.run(Flash::Ok(format!("Merchant {} {verb}.", name.get_untracked().trim())));
        });
    });
    view! {
        <FormDialog title=if id.is_none() { "Add merchant" } else { "Edit merchant" } subtitle=merchant.map(|m| m.name).unwrap_or_default()
            label=if id.is_none() { "Add merchant" } else { "Save" } state=state on_submit=submit on_close=on_close>
            <TextField id="merchant-name" label="Name" value=name errors=errors field=FIELD_NAME required=true maxlength=100u32
                placeholder="Company name"/>
            <WarehouseChecks legend="Warehouses it may use" warehouses=warehouses selected=selected errors=errors
                hint="Its SKUs, channels and orders come from these warehouses."/>
        </FormDialog>
    }
}
