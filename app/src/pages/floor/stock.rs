//! Stock: levels per SKU and bin (on hand, allocated, available), adjustments with a reason,
//! and the movement history of a SKU.

use leptos::prelude::*;

use super::FloorShell;
use crate::api::floor::{adjust_stock, list_stock, stock_movements};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn StockPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let refresh = RwSignal::new(0u32);
    let rows = Resource::new(move || (search.get(), refresh.get()), |(s, _)| list_stock(s));
    let selected = RwSignal::new(None::<StockRow>);
    view! {
        <FloorShell>
            <h1>"Stock"</h1>
            <input class="input input-big" type="search" placeholder="Search SKU, name, barcode or bin" aria-label="Search stock"
                on:change=move |ev| search.set(event_target_value(&ev))/>
            {move || selected.get().map(|row| view! { <AdjustCard row=row selected=selected refresh=refresh/> })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">"No SKUs match."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="stock-list">
                            {list.into_iter().map(|row| {
                                let pick = row.clone();
                                view! {
                                    <button class="stock-row as-button" data-sku=row.sku_code.clone() on:click=move |_| selected.set(Some(pick.clone()))>
                                        <span class="pick-bin mono">{if row.bin.is_empty() { "—".to_string() } else { row.bin.clone() }}</span>
                                        <span class="stock-sku">
                                            <span class="strong">{row.sku_code.clone()}</span>
                                            <span class="muted">{format!("{} · {}", row.sku_name, row.merchant_name)}</span>
                                        </span>
                                        <span class="stock-levels">
                                            <span class="strong" data-testid="available">{row.available()}</span>
                                            <span class="muted">{format!("{} on hand · {} allocated", row.on_hand, row.allocated)}</span>
                                        </span>
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </FloorShell>
    }
}

#[component]
fn AdjustCard(row: StockRow, selected: RwSignal<Option<StockRow>>, refresh: RwSignal<u32>) -> impl IntoView {
    let sku = row.sku_id;
    let kind = RwSignal::new(AdjustmentKind::Receive);
    let quantity = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(ValidationErrors::default());
    let notice = RwSignal::new(None::<(String, String)>);
    let history_refresh = RwSignal::new(0u32);
    let history = Resource::new(move || history_refresh.get(), move |_| stock_movements(sku));
    let save = move |_| {
        let Ok(q) = quantity.get_untracked().trim().parse::<i64>() else {
            errors.set(ValidationErrors::single(FIELD_QUANTITY, "Enter a whole number"));
            return;
        };
        let adjustment = StockAdjustment { sku_id: sku, kind: kind.get_untracked(), quantity: q, reason: reason.get_untracked() };
        leptos::task::spawn_local(async move {
            match adjust_stock(adjustment).await {
                Ok(updated) => {
                    errors.set(ValidationErrors::default());
                    notice.set(Some(("success".into(), format!("{}: {} on hand, {} available", updated.sku_code, updated.on_hand, updated.available()))));
                    quantity.set(String::new());
                    reason.set(String::new());
                    selected.set(Some(updated));
                    refresh.update(|n| *n += 1);
                    history_refresh.update(|n| *n += 1);
                }
                Err(e) => match e.validation() {
                    Some(v) => errors.set(v.clone()),
                    None => notice.set(Some(("error".into(), error_text(&e)))),
                },
            }
        });
    };
    view! {
        <section class="card adjust-card">
            <div class="pack-title">
                <span class="strong">{row.sku_code.clone()}</span>
                <span class="muted">{format!("bin {} · {} on hand · {} allocated", row.bin, row.on_hand, row.allocated)}</span>
            </div>
            {move || notice.get().map(|(k, t)| view! { <Notice kind=k>{t}</Notice> })}
            <IfAllowed permission=Permission::LeadFloor>
            <div class="segmented" role="radiogroup" aria-label="Adjustment">
                {AdjustmentKind::ALL.into_iter().map(|k| view! {
                    <button class="seg" class:active=move || kind.get() == k role="radio" aria-checked=move || (kind.get() == k).to_string()
                        on:click=move |_| kind.set(k)>{k.label()}</button>
                }).collect_view()}
            </div>
            <label class="field">
                <span>{move || match kind.get() {
                    AdjustmentKind::Receive => "Quantity received",
                    AdjustmentKind::Count => "Counted on hand",
                    AdjustmentKind::Damage => "Quantity damaged",
                }}</span>
                <input class="input input-big" inputmode="numeric" aria-label="Quantity" prop:value=move || quantity.get()
                    on:input=move |ev| quantity.set(event_target_value(&ev))/>
                <FieldError errors=errors.into() field=FIELD_QUANTITY/>
            </label>
            <label class="field">
                <span>"Reason"</span>
                <input class="input input-big" aria-label="Reason" placeholder="e.g. PO 1042, cycle count, crushed box" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <FieldError errors=errors.into() field=FIELD_REASON/>
            </label>
            <div class="pack-actions">
                <button class="btn btn-primary btn-big" on:click=save>"Save adjustment"</button>
            </div>
            </IfAllowed>
            <div class="pack-actions">
                <button class="btn btn-big" on:click=move |_| selected.set(None)>"Close"</button>
            </div>
            <h3 class="carrier-head">"Movements"</h3>
            <Transition fallback=|| ()>
                {move || history.get().and_then(|r| r.ok()).map(|moves| moves.into_iter().map(|m| view! {
                    <div class="manifest-row">
                        <span>{format!("{}: {}", m.kind, m.change_text())}</span>
                        <span class="muted">{format!("{} · {}{}", crate::domain::time::format_utc_minutes(m.at_ms), m.actor,
                            if m.reason.is_empty() { String::new() } else { format!(" · {}", m.reason) })}</span>
                    </div>
                }).collect_view())}
            </Transition>
        </section>
    }
}
