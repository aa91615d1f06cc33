//! Warehouse floor (phone-first). For now: the wave queue; pick/pack/ship come next.

use leptos::prelude::*;

use crate::api::floor::{wave_order, wave_queue};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn FloorPage() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let queue = Resource::new(move || refresh.get(), |_| wave_queue());
    let message = RwSignal::new(None::<(String, String)>);
    let wave = move |id: OrderId| {
        leptos::task::spawn_local(async move {
            match wave_order(id).await {
                Ok(_) => message.set(Some(("success".into(), format!("{} waved", order_no(id))))),
                Err(e) => message.set(Some(("error".into(), format!("{}: {}", order_no(id), error_text(&e))))),
            }
            refresh.update(|n| *n += 1);
        });
    };
    view! {
        <header class="topbar floor">
            <span class="brand">"Dropdock Floor"</span>
            <div class="spacer"></div>
            <SignOutButton/>
        </header>
        <main class="floor-page">
            <h1>"Wave queue"</h1>
            <p class="muted">"Submitted orders waiting for a wave. Once waved, the merchant can no longer intercept them."</p>
            {move || message.get().map(|(kind, text)| view! { <Notice kind=kind>{text}</Notice> })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || queue.get().map(|r| match r {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <div class="empty card">"Nothing to wave right now."</div> }.into_any(),
                    Ok(rows) => rows.into_iter().map(|o| {
                        let id = o.id;
                        view! {
                            <div class="floor-card card" data-order=order_no(id)>
                                <div>
                                    <div class="mono strong">{order_no(id)}</div>
                                    <div>{o.recipient_name}" · "{o.recipient_country}</div>
                                    <div class="muted">{o.channel_code}" · "{o.total_units}" unit(s)"</div>
                                </div>
                                <button class="btn btn-primary btn-big" on:click=move |_| wave(id)>"Wave"</button>
                            </div>
                        }
                    }).collect_view().into_any(),
                })}
            </Transition>
        </main>
    }
}
