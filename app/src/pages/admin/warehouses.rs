//! `/admin/warehouses`: code, name, country and the ship-from address carrier labels use.

use leptos::prelude::*;

use super::*;
use crate::api::admin::{list_warehouses, save_warehouse};

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Edit(Warehouse),
    History(Warehouse),
}

#[component]
pub fn AdminWarehousesPage() -> impl IntoView {
    let page = PageDialogs::<OpenDialog>::new();
    let warehouses = Resource::new(move || page.refresh.get(), |_| list_warehouses());
    let (close, done, on_open) = (page.closer(), page.finisher(), page.opener());
    view! {
        <AdminLayout>
            <AdminPageHead title="Warehouses" add_label="Add warehouse" on_add=Callback::new(move |_| page.open(OpenDialog::Add)) flash=page.flash/>
            <Transition fallback=|| view! { <p class="muted">"Loading warehouses…"</p> }>
                {move || warehouses.get().map(|r| list_or_empty(r, "No warehouses yet.", |list| view! { <WarehouseTable warehouses=list on_open=on_open/> }.into_any()))}
            </Transition>
            {move || page.dialog.get().map(|d| match d {
                OpenDialog::Add => view! { <WarehouseDialog warehouse=None on_close=close on_done=done/> }.into_any(),
                OpenDialog::Edit(w) => view! { <WarehouseDialog warehouse=Some(w) on_close=close on_done=done/> }.into_any(),
                OpenDialog::History(w) => view! {
                    <HistoryDialog object=AdminObject::Warehouse(w.id) title="Warehouse history" subtitle=w.code on_close=close/>
                }.into_any(),
            })}
        </AdminLayout>
    }
}

fn ship_from(w: &Warehouse) -> String {
    let place = [w.city.as_str(), w.state.as_str(), w.postal_code.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
    [w.address1.as_str(), place.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(", ")
}

#[component]
fn WarehouseTable(warehouses: Vec<Warehouse>, on_open: Callback<OpenDialog>) -> impl IntoView {
    let rows = warehouses
        .into_iter()
        .map(|w| {
            let stored = StoredValue::new(w.clone());
            view! {
                <tr data-warehouse=w.code.clone()>
                    <td data-label="Code" class="mono strong">{w.code.clone()}</td>
                    <td data-label="Name">{w.name.clone()}</td>
                    <td data-label="Country">{w.country.clone()}</td>
                    <td data-label="Ship-from address">{ship_from(&w)}</td>
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
            <table class="grid admin-warehouses stack-phone">
                <thead><tr><th>"Code"</th><th>"Name"</th><th>"Country"</th><th>"Ship-from address"</th><th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn WarehouseDialog(warehouse: Option<Warehouse>, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let id = warehouse.as_ref().map(|w| w.id);
    let w = warehouse.clone().unwrap_or_default();
    let code = RwSignal::new(w.code.clone());
    let name = RwSignal::new(w.name.clone());
    let country = RwSignal::new(if id.is_none() { "US".to_string() } else { w.country.clone() });
    let address1 = RwSignal::new(w.address1.clone());
    let city = RwSignal::new(w.city.clone());
    let st = RwSignal::new(w.state.clone());
    let postal = RwSignal::new(w.postal_code.clone());
    let check = move || {
        WarehouseInput {
            code: code.get(),
            name: name.get(),
            country: country.get(),
            address1: address1.get(),
            city: city.get(),
            state: st.get(),
            postal_code: postal.get(),
        }
        .validated()
    };
    let state = FormState::new(check);
    let errors = state.errors();
    let submit = Callback::new(move |_: ()| {
        state.submit(check(), move |input: WarehouseInput| save_warehouse(id, input), move |_| {
            let verb = if id.is_none() { "added" } else { "saved" };
            on_done.run(Flash::Ok(format!("Warehouse {} {verb}.", normalize_code(&code.get_untracked()))));
        });
    });
    view! {
        <FormDialog title=if id.is_none() { "Add warehouse" } else { "Edit warehouse" } subtitle=warehouse.map(|w| w.code).unwrap_or_default()
            label=if id.is_none() { "Add warehouse" } else { "Save" } state=state on_submit=submit on_close=on_close>
            <div class="fields two">
                <TextField id="warehouse-code" label="Code" value=code errors=errors field=FIELD_CODE required=true maxlength=10u32 upper=true
                    placeholder="LAX1" hint="2–10 capital letters, digits or -."/>
                <TextField id="warehouse-name" label="Name" value=name errors=errors field=FIELD_NAME required=true maxlength=100u32
                    placeholder="Los Angeles, CA"/>
            </div>
            <h3>"Ship-from address"</h3>
            <TextField id="warehouse-address1" label="Street address" value=address1 errors=errors field=FIELD_ADDRESS1 required=true/>
            <div class="fields two">
                <TextField id="warehouse-city" label="City" value=city errors=errors field=FIELD_CITY required=true maxlength=100u32/>
                <TextField id="warehouse-state" label="State / province" value=st errors=errors field=FIELD_STATE maxlength=100u32/>
                <TextField id="warehouse-postal" label="Postal code" value=postal errors=errors field=FIELD_POSTAL_CODE required=true maxlength=20u32/>
                <TextField id="warehouse-country" label="Country" value=country errors=errors field=FIELD_COUNTRY required=true maxlength=2u32 upper=true
                    placeholder="US" hint="2-letter code."/>
            </div>
        </FormDialog>
    }
}
