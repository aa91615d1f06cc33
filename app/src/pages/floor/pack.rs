//! 【Pack】: scan the order (or tap it), scan its items to verify, weigh, print the label,
//! mark packed. The item check is the same function the server runs on "Mark packed".

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::FloorShell;
use crate::api::floor::{find_pack_order, floor_queue, mark_packed};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn PackPage() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let queue = Resource::new(move || refresh.get(), |_| floor_queue(OrderStatus::Picked));
    let order = RwSignal::new(None::<PackOrder>);
    let scanned = RwSignal::new(BTreeMap::<SkuId, i64>::new());
    let weight = RwSignal::new(String::new());
    let feedback = RwSignal::new(None::<ScanFeedback>);
    let notice = RwSignal::new(None::<(String, String)>);

    let load = move |code: String| {
        leptos::task::spawn_local(async move {
            match find_pack_order(code).await {
                Ok(o) => {
                    give_feedback(feedback, true, format!("{}: scan its items", order_no(o.id)));
                    scanned.set(BTreeMap::new());
                    weight.set(String::new());
                    notice.set(None);
                    order.set(Some(o));
                }
                Err(e) => give_feedback(feedback, false, error_text(&e)),
            }
        });
    };
    let on_scan = Callback::new(move |code: String| {
        let Some(current) = order.get_untracked() else {
            load(code);
            return;
        };
        match scanned.with_untracked(|s| judge_pack_scan(&current.lines, s, &code)) {
            Ok(sku) => {
                scanned.update(|s| *s.entry(sku).or_insert(0) += 1);
                let left = scanned.with_untracked(|s| pack_problems(&current.lines, s));
                give_feedback(feedback, true, if left.is_empty() { "All items verified".to_string() } else { left.join(", ") });
            }
            Err(message) => give_feedback(feedback, false, message),
        }
    });
    let problems = move || order.with(|o| o.as_ref().map(|o| scanned.with(|s| pack_problems(&o.lines, s))).unwrap_or_default());
    let finish = move |_| {
        let Some(current) = order.get_untracked() else { return };
        if let Err(m) = parse_weight_kg(&weight.get_untracked()) {
            give_feedback(feedback, false, m);
            return;
        }
        let counts: Vec<(SkuId, i64)> = scanned.get_untracked().into_iter().collect();
        leptos::task::spawn_local(async move {
            match mark_packed(current.id, counts, weight.get_untracked()).await {
                Ok(()) => {
                    notice.set(Some(("success".into(), format!("{} packed", order_no(current.id)))));
                    order.set(None);
                    give_feedback(feedback, true, "Scan the next order");
                    refresh.update(|n| *n += 1);
                }
                Err(e) => give_feedback(feedback, false, error_text(&e)),
            }
        });
    };

    view! {
        <FloorShell>
            <h1>"Pack"</h1>
            {move || notice.get().map(|(kind, text)| view! { <Notice kind=kind>{text}</Notice> })}
            <ScanInput label="Scan order or item" placeholder="Order no., tracking no. or item barcode" on_scan=on_scan/>
            <ScanBanner feedback=feedback/>
            {move || order.get().map(|o| {
                let id = o.id;
                let expected = format!("{:.2}", o.expected_grams as f64 / 1000.0);
                view! {
                    <section class="card pack-order" data-order=order_no(id)>
                        <div class="pack-title">
                            <span class="mono strong">{order_no(id)}</span>
                            <span class="muted">{format!("{} · {}", o.channel_code, o.carrier)}</span>
                        </div>
                        <div class="pack-lines">
                            {o.lines.iter().map(|l| {
                                let sku = l.sku_id;
                                let have = move || scanned.with(|s| s.get(&sku).copied().unwrap_or(0));
                                let q = l.quantity;
                                view! {
                                    <div class="pack-line" class:done=move || have() == q data-sku=l.sku_code.clone()>
                                        <div>
                                            <div class="strong">{l.sku_code.clone()}</div>
                                            <div class="muted">{l.sku_name.clone()}</div>
                                        </div>
                                        <div class="pick-qty"><span class="strong">{have}</span>"/"{q}</div>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                        {move || {
                            let p = problems();
                            (!p.is_empty()).then(|| view! { <p class="pack-problems">{p.join(" · ")}</p> })
                        }}
                        <label class="field">
                            <span>"Parcel weight (kg)"</span>
                            <input class="input input-big" inputmode="decimal" aria-label="Weight in kg" placeholder=format!("about {expected}")
                                prop:value=move || weight.get() on:input=move |ev| weight.set(event_target_value(&ev))/>
                        </label>
                        <div class="pack-actions">
                            {match o.label_url.clone() {
                                Some(url) => view! { <a class="btn btn-big" href=url target="_blank">"Print label"</a> }.into_any(),
                                None => view! { <span class="muted">"Label not ready yet"</span> }.into_any(),
                            }}
                            <button class="btn btn-primary btn-big" disabled=move || !problems().is_empty() on:click=finish>"Mark packed"</button>
                            <button class="btn btn-big" on:click=move |_| order.set(None)>"Other order"</button>
                        </div>
                    </section>
                }
            })}
            <section class="card floor-card-col">
                <h2>"Picked, waiting to pack"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || queue.get().map(|r| match r {
                        Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">"Nothing to pack."</p> }.into_any(),
                        Ok(rows) => rows.into_iter().map(|o| {
                            let no = order_no(o.id);
                            let no_for_click = no.clone();
                            let data_order = no.clone();
                            view! {
                                <button class="floor-item as-button" data-order=data_order on:click=move |_| load(no_for_click.clone())>
                                    <div class="floor-item-main">
                                        <div class="mono strong">{no}</div>
                                        <div class="muted">{format!("{} · {} unit(s)", o.channel_code, o.total_units)}</div>
                                        {(!o.exception.is_empty()).then(|| view! { <div class="short-note">{o.exception.clone()}</div> })}
                                    </div>
                                </button>
                            }
                        }).collect_view().into_any(),
                    })}
                </Transition>
            </section>
        </FloorShell>
    }
}
