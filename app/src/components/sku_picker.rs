//! A searchable warehouse-SKU chooser: type part of a code, name or barcode, pick one of the
//! matches. Used where a platform SKU gets its warehouse SKU (dispatch, SKU mapping).

use leptos::prelude::*;

use crate::domain::Sku;

/// Most matches listed at once; typing more narrows them.
const MAX_MATCHES: usize = 8;

#[component]
pub fn SkuPicker(
    /// Id of the search box (for a `<label for>`).
    #[prop(into)]
    id: String,
    /// Accessible name of the search box, e.g. "Warehouse SKU for TSHIRT-RED".
    #[prop(into)]
    label: String,
    /// The SKUs to choose from.
    #[prop(into)]
    skus: Signal<Vec<Sku>>,
    /// The chosen code.
    #[prop(into)]
    value: Signal<Option<String>>,
    on_pick: Callback<Option<String>>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    let label = StoredValue::new(label);
    let matches = move || {
        let q = query.get();
        if q.trim().is_empty() {
            let n = skus.with(Vec::len);
            return view! { <p class="hint">{format!("Type to search {n} warehouse SKU(s).")}</p> }.into_any();
        }
        let found: Vec<Sku> = skus.with(|all| all.iter().filter(|s| s.matches(&q)).take(MAX_MATCHES).cloned().collect());
        if found.is_empty() {
            return view! { <p class="hint">"No warehouse SKU matches."</p> }.into_any();
        }
        view! {
            <ul class="sku-results" role="listbox" aria-label=format!("Matches for {}", label.get_value())>
                {found.into_iter().map(|s| {
                    let code = s.code.clone();
                    view! {
                        <li data-sku=s.code.clone()>
                            <span class="mono">{s.code.clone()}</span>" "<span>{s.name}</span>
                            <button class="btn btn-small" type="button" aria-label=format!("Choose {}", s.code)
                                on:click=move |_| { query.set(String::new()); on_pick.run(Some(code.clone())); }>"Choose"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="sku-pick">
            {move || match value.get() {
                Some(code) => view! {
                    <span class="sku-chosen mono" data-chosen=code.clone()>{code.clone()}</span>
                    <button class="btn btn-small btn-ghost" type="button" on:click=move |_| on_pick.run(None)>"Change"</button>
                }.into_any(),
                None => view! {
                    <input id=id.get_value() type="search" autocomplete="off" placeholder="Search code or name"
                        aria-label=label.get_value()
                        prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                    {matches}
                }.into_any(),
            }}
        </div>
    }
}
