//! 【Ship】: scan each parcel's tracking number at handover. Packed → Shipped (stock leaves the
//! building); the manifest lists today's parcels per carrier.

use leptos::prelude::*;

use super::FloorShell;
use crate::api::floor::{floor_queue, manifest};
use crate::components::*;
use crate::domain::*;

const DAY_MS: i64 = 24 * 3600 * 1000;

#[component]
pub fn ShipPage() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let waiting = Resource::new(move || refresh.get(), |_| floor_queue(OrderStatus::Packed));
    let since = today_start_ms();
    let shipped = Resource::new(move || refresh.get(), move |_| manifest(since));
    let feedback = RwSignal::new(None::<ScanFeedback>);
    // Tracking numbers handed over on this phone (shown at once, even while offline).
    let handed = RwSignal::new(Vec::<String>::new());

    let queue = CommandQueue::new(Callback::new(move |(_, result): CommandResult| {
        match result {
            Ok(_) => refresh.update(|n| *n += 1),
            Err(e) => give_feedback(feedback, false, format!("Not shipped: {}", error_text(&e))),
        }
    }));
    let on_scan = Callback::new(move |code: String| {
        if handed.with_untracked(|h| h.contains(&code)) {
            give_feedback(feedback, false, format!("{code} was already scanned"));
            return;
        }
        // Judge from the loaded list when we have it; unknown parcels are refused at once.
        let known = waiting.get_untracked().and_then(|r| r.ok()).map(|rows| rows.iter().any(|o| o.tracking_no == code));
        if known == Some(false) {
            give_feedback(feedback, false, format!("{code} is not a packed parcel of this warehouse"));
            return;
        }
        handed.update(|h| h.push(code.clone()));
        queue.push(FloorAction::ShipParcel { tracking_no: code.clone() });
        give_feedback(feedback, true, format!("Handed over {code}"));
    });

    view! {
        <FloorShell>
            <h1>"Ship"</h1>
            <QueueStatus queue=queue/>
            <ScanInput label="Scan tracking number at handover" placeholder="Tracking number" on_scan=on_scan/>
            <ScanBanner feedback=feedback/>
            <section class="card floor-card-col">
                <h2>"Packed, waiting for the carrier"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || waiting.get().map(|r| match r {
                        Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                        Ok(rows) => {
                            let rows: Vec<_> = rows.into_iter().filter(|o| !handed.with_untracked(|h| h.contains(&o.tracking_no))).collect();
                            if rows.is_empty() {
                                view! { <p class="muted">"No parcels waiting."</p> }.into_any()
                            } else {
                                by_carrier(rows.into_iter().map(|o| (o.carrier.clone(), (o.id, o.tracking_no, o.channel_code))).collect())
                                    .into_iter()
                                    .map(|(carrier, items)| view! {
                                        <h3 class="carrier-head">{format!("{carrier} · {}", items.len())}</h3>
                                        {items.into_iter().map(|(id, tracking, channel)| {
                                            let data_tracking = tracking.clone();
                                            view! {
                                            <div class="floor-item" data-tracking=data_tracking>
                                                <div class="floor-item-main">
                                                    <div class="mono strong">{tracking}</div>
                                                    <div class="muted">{format!("{} · {channel}", order_no(id))}</div>
                                                </div>
                                            </div>
                                        }}).collect_view()}
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </section>
            <section class="card floor-card-col">
                <h2>"Today's manifest"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || shipped.get().map(|r| match r {
                        Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">"Nothing shipped yet today."</p> }.into_any(),
                        Ok(rows) => by_carrier(rows.into_iter().map(|m| (m.carrier.clone(), m)).collect())
                            .into_iter()
                            .map(|(carrier, items)| {
                                let grams: i64 = items.iter().map(|m| m.weight_grams).sum();
                                view! {
                                    <div class="manifest" data-carrier=carrier.clone()>
                                        <h3 class="carrier-head">{format!("{carrier} · {} parcel(s) · {:.2} kg", items.len(), grams as f64 / 1000.0)}</h3>
                                        {items.into_iter().map(|m| view! {
                                            <div class="manifest-row">
                                                <span class="mono">{m.tracking_no}</span>
                                                <span class="muted">{order_no(m.order_id)}</span>
                                            </div>
                                        }).collect_view()}
                                    </div>
                                }
                            })
                            .collect_view()
                            .into_any(),
                    })}
                </Transition>
            </section>
        </FloorShell>
    }
}

/// Groups (carrier, item) pairs by carrier, carriers in name order.
fn by_carrier<T>(items: Vec<(String, T)>) -> Vec<(String, Vec<T>)> {
    let mut groups: std::collections::BTreeMap<String, Vec<T>> = Default::default();
    for (carrier, item) in items {
        groups.entry(carrier).or_default().push(item);
    }
    groups.into_iter().collect()
}

/// Midnight UTC today, as the manifest's day boundary.
fn today_start_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    let now = js_sys::Date::now() as i64;
    #[cfg(not(feature = "hydrate"))]
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    now - now.rem_euclid(DAY_MS)
}
