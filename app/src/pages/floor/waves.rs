//! 【Waves】: pick which Submitted orders go out together, then pick them.

use leptos::prelude::*;

use super::FloorShell;
use crate::api::floor::{create_wave, list_waves, load_floor_context, wave_order, wave_queue};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn WavesPage() -> impl IntoView {
    let context = Resource::new(|| (), |_| load_floor_context());
    let filter = RwSignal::new(WaveFilter::default());
    let refresh = RwSignal::new(0u32);
    let candidates = Resource::new(move || (filter.get(), refresh.get()), |(f, _)| wave_queue(f));
    let waves = Resource::new(move || refresh.get(), |_| list_waves());
    let message = RwSignal::new(None::<(String, String)>);
    let busy = RwSignal::new(false);

    let create = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match create_wave(filter.get_untracked()).await {
                Ok(w) => go_to(&format!("/floor/waves/{}", w.id)),
                Err(e) => {
                    message.set(Some(("error".into(), error_text(&e))));
                    busy.set(false);
                    refresh.update(|n| *n += 1);
                }
            }
        });
    };
    let wave_one = move |id: OrderId| {
        leptos::task::spawn_local(async move {
            match wave_order(id).await {
                Ok(_) => message.set(Some(("success".into(), format!("{} waved", order_no(id))))),
                Err(e) => message.set(Some(("error".into(), format!("{}: {}", order_no(id), error_text(&e))))),
            }
            refresh.update(|n| *n += 1);
        });
    };

    view! {
        <FloorShell>
            <h1>"Waves"</h1>
            {move || message.get().map(|(kind, text)| view! { <Notice kind=kind>{text}</Notice> })}
            <section class="card floor-card-col">
                <h2>"Open waves"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || waves.get().map(|r| match r {
                        Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No waves yet."</p> }.into_any(),
                        Ok(list) => list.into_iter().map(|w| view! { <WaveRow wave=w/> }).collect_view().into_any(),
                    })}
                </Transition>
            </section>
            <IfAllowed permission=Permission::LeadFloor>
            <section class="card floor-card-col">
                <h2>"New wave"</h2>
                <Suspense fallback=|| ()>
                    {move || context.get().and_then(|r| r.ok()).map(|c| view! { <WaveFilterForm channels=c.channels filter=filter/> })}
                </Suspense>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || candidates.get().map(|r| match r {
                        Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <div class="empty">"No Submitted orders match."</div> }.into_any(),
                        Ok(rows) => {
                            let n = rows.len();
                            view! {
                                <button class="btn btn-primary btn-big btn-block" disabled=move || busy.get() on:click=create>
                                    {format!("Create wave ({n} order{})", if n == 1 { "" } else { "s" })}
                                </button>
                                <div class="floor-list">
                                    {rows.into_iter().map(|o| {
                                        let id = o.id;
                                        view! {
                                            <div class="floor-item" data-order=order_no(id)>
                                                <div class="floor-item-main">
                                                    <div class="mono strong">{order_no(id)}</div>
                                                    <div>{o.recipient_name}" · "{o.recipient_country}</div>
                                                    <div class="muted">{o.channel_code}" · "{o.total_units}" unit(s)"</div>
                                                </div>
                                                <button class="btn btn-big" on:click=move |_| wave_one(id)>"Wave"</button>
                                            </div>
                                        }
                                    }).collect_view()}
                                </div>
                            }.into_any()
                        }
                    })}
                </Transition>
            </section>
            </IfAllowed>
        </FloorShell>
    }
}

#[component]
fn WaveRow(wave: WaveSummary) -> impl IntoView {
    let picking = wave.status == WaveStatus::Picking;
    let pct = if wave.units > 0 { wave.picked_units * 100 / wave.units } else { 0 };
    view! {
        <div class="floor-item" data-wave=wave_no(wave.id)>
            <div class="floor-item-main">
                <div class="strong"><span class="mono">{wave_no(wave.id)}</span>" · "{if picking { "Picking" } else { "Picked" }}</div>
                <div class="muted">{wave.description}</div>
                <div>{format!("{} order(s) · {}/{} unit(s) picked", wave.order_count, wave.picked_units, wave.units)}</div>
                <div class="progress"><div class="progress-bar" style=format!("width:{pct}%")></div></div>
            </div>
            <div class="floor-item-actions">
                {picking.then(|| view! { <a class="btn btn-primary btn-big" href=format!("/floor/waves/{}", wave.id)>"Pick"</a> })}
                <a class="btn btn-big" href=format!("/api/floor/waves/{}/picklist.pdf", wave.id) target="_blank">"Pick list"</a>
            </div>
        </div>
    }
}

/// Channel / carrier / cut-off / single-vs-multi filters for the next wave.
#[component]
fn WaveFilterForm(channels: Vec<Channel>, filter: RwSignal<WaveFilter>) -> impl IntoView {
    let mut carriers: Vec<String> = channels.iter().map(|c| c.carrier.clone()).collect();
    carriers.sort();
    carriers.dedup();
    view! {
        <div class="filter-grid">
            <label class="field">
                <span>"Channel"</span>
                <select class="input input-big" aria-label="Channel" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.channel_id = v.parse().ok());
                }>
                    <option value="">"All channels"</option>
                    {channels.into_iter().map(|c| view! { <option value=c.id.to_string()>{format!("{} ({})", c.code, c.carrier)}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"Carrier"</span>
                <select class="input input-big" aria-label="Carrier" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.carrier = (!v.is_empty()).then_some(v));
                }>
                    <option value="">"All carriers"</option>
                    {carriers.into_iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>"Items"</span>
                <select class="input input-big" aria-label="Items" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.item_mix = ItemMix::from_code(&v));
                }>
                    <option value="any">"Single and multi-item"</option>
                    <option value="single">"Single-item only"</option>
                    <option value="multi">"Multi-item only"</option>
                </select>
            </label>
            <label class="field">
                <span>"Submitted by (cut-off)"</span>
                <input class="input input-big" type="datetime-local" aria-label="Cut-off" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    filter.update(|f| f.cutoff_ms = local_datetime_ms(&v));
                }/>
            </label>
        </div>
    }
}

/// "2026-11-23T14:00" in the phone's time zone → epoch ms (None when empty or unreadable).
fn local_datetime_ms(value: &str) -> Option<i64> {
    if value.is_empty() {
        return None;
    }
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
        (!ms.is_nan()).then_some(ms as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    None
}
