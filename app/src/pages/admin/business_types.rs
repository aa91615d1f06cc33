//! `/admin/business-types`: the kinds of business a channel serves (B2C dropshipping, B2B
//! wholesale …).

use leptos::prelude::*;

use super::*;
use crate::api::admin::{list_business_types, save_business_type};

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Edit(BusinessType),
    History(BusinessType),
}

#[component]
pub fn AdminBusinessTypesPage() -> impl IntoView {
    let page = PageDialogs::<OpenDialog>::new();
    let types = Resource::new(move || page.refresh.get(), |_| list_business_types());
    let (close, done, on_open) = (page.closer(), page.finisher(), page.opener());
    view! {
        <AdminLayout>
            <AdminPageHead title="Business Types" add_label="Add business type" on_add=Callback::new(move |_| page.open(OpenDialog::Add)) flash=page.flash/>
            <Transition fallback=|| view! { <p class="muted">"Loading business types…"</p> }>
                {move || types.get().map(|r| list_or_empty(r, "No business types yet.", |list| view! { <BusinessTypeTable types=list on_open=on_open/> }.into_any()))}
            </Transition>
            {move || page.dialog.get().map(|d| match d {
                OpenDialog::Add => view! { <BusinessTypeDialog business_type=None on_close=close on_done=done/> }.into_any(),
                OpenDialog::Edit(b) => view! { <BusinessTypeDialog business_type=Some(b) on_close=close on_done=done/> }.into_any(),
                OpenDialog::History(b) => view! {
                    <HistoryDialog object=AdminObject::BusinessType(b.id) title="Business type history" subtitle=b.code on_close=close/>
                }.into_any(),
            })}
        </AdminLayout>
    }
}

#[component]
fn BusinessTypeTable(types: Vec<BusinessType>, on_open: Callback<OpenDialog>) -> impl IntoView {
    let rows = types
        .into_iter()
        .map(|b| {
            let stored = StoredValue::new(b.clone());
            view! {
                <tr data-business-type=b.code.clone()>
                    <td data-label="Code" class="mono strong">{b.code.clone()}</td>
                    <td data-label="Name">{b.name.clone()}</td>
                    <td data-label="Kind"><span class=format!("badge badge-kind-{}", b.kind.code().to_lowercase())>{b.kind.code()}</span></td>
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
            <table class="grid admin-business-types stack-phone">
                <thead><tr><th>"Code"</th><th>"Name"</th><th>"Kind"</th><th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">"B2B orders are acknowledged against stock before they are dispatched; B2C orders go straight out."</p>
    }
}

#[component]
fn BusinessTypeDialog(business_type: Option<BusinessType>, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let id = business_type.as_ref().map(|b| b.id);
    let code = RwSignal::new(business_type.as_ref().map(|b| b.code.clone()).unwrap_or_default());
    let name = RwSignal::new(business_type.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(business_type.as_ref().map(|b| b.kind));
    let check = move || BusinessTypeInput { code: code.get(), name: name.get(), kind: kind.get() }.validated();
    let state = FormState::new(check);
    let errors = state.errors();
    let submit = Callback::new(move |_: ()| {
        state.submit(check(), move |input: BusinessTypeInput| save_business_type(id, input), move |_| {
            let verb = if id.is_none() { "added" } else { "saved" };
            on_done.run(Flash::Ok(format!("Business type {} {verb}.", normalize_code(&code.get_untracked()))));
        });
    });
    view! {
        <FormDialog title=if id.is_none() { "Add business type" } else { "Edit business type" } subtitle=business_type.map(|b| b.code).unwrap_or_default()
            label=if id.is_none() { "Add business type" } else { "Save" } state=state on_submit=submit on_close=on_close>
            <div class="fields two">
                <TextField id="business-code" label="Code" value=code errors=errors field=FIELD_CODE required=true maxlength=20u32 upper=true placeholder="DS"/>
                <TextField id="business-name" label="Name" value=name errors=errors field=FIELD_NAME required=true maxlength=100u32 placeholder="Dropshipping"/>
            </div>
            <fieldset class="field check-group">
                <legend>"Kind"<RequiredMark/></legend>
                <div class="check-chips">
                    {BusinessKind::ALL.into_iter().map(|k| view! {
                        <label class="radio check-chip">
                            <input type="radio" name="business-kind" value=k.code() prop:checked=move || kind.get() == Some(k)
                                on:change=move |_| kind.set(Some(k))/>
                            <span>{match k { BusinessKind::B2C => "B2C — to consumers", BusinessKind::B2B => "B2B — wholesale, acknowledged first" }}</span>
                        </label>
                    }).collect_view()}
                </div>
                <FieldError errors=errors field=FIELD_KIND/>
            </fieldset>
        </FormDialog>
    }
}
