//! Warehouse floor (phone-first: one column, big touch targets, works at 360 px).

mod pack;
mod pick;
mod ship;
mod stock;
mod waves;

pub use pack::*;
pub use pick::*;
pub use ship::*;
pub use stock::*;
pub use waves::*;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::floor::{floor_queue, list_waves, load_floor_context, select_warehouse};
use crate::components::*;
use crate::domain::*;

/// Top bar with the current warehouse and the floor's sections.
#[component]
pub fn FloorShell(children: Children) -> impl IntoView {
    let context = Resource::new(|| (), |_| load_floor_context());
    let path = use_location().pathname;
    let tab = move |href: &'static str, text: &'static str| {
        let active = move || {
            let p = path.get();
            if href == "/floor" { p == "/floor" } else { p.starts_with(href) }
        };
        view! { <a href=href class="floor-tab" class:active=active>{text}</a> }
    };
    view! {
        <header class="topbar floor">
            <a href="/floor" class="brand">"Floor"</a>
            <Suspense fallback=|| ()>
                {move || context.get().and_then(|r| r.ok()).map(|c| {
                    let code = c.warehouses.iter().find(|w| w.id == c.current).map(|w| w.code.clone()).unwrap_or_default();
                    let label = code.clone();
                    view! { <span class="floor-wh" data-warehouse=code>{label}</span> }
                })}
            </Suspense>
            <div class="spacer"></div>
            <a class="whoami" href="/account" title="Your account">"Account"</a>
            <SignOutButton/>
        </header>
        <nav class="floor-tabs">
            {tab("/floor", "Home")}
            {tab("/floor/waves", "Waves")}
            {tab("/floor/pack", "Pack")}
            {tab("/floor/ship", "Ship")}
            {tab("/floor/stock", "Stock")}
        </nav>
        <main class="floor-page">{children()}</main>
    }
}

/// Warehouse choice and what is waiting at each station.
#[component]
pub fn FloorPage() -> impl IntoView {
    let context = Resource::new(|| (), |_| load_floor_context());
    let waves = Resource::new(|| (), |_| list_waves());
    let to_pack = Resource::new(|| (), |_| floor_queue(OrderStatus::Picked));
    let to_ship = Resource::new(|| (), |_| floor_queue(OrderStatus::Packed));
    let error = RwSignal::new(None::<String>);
    let switch = move |id: WarehouseId| {
        leptos::task::spawn_local(async move {
            match select_warehouse(id).await {
                Ok(()) => go_to("/floor"),
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    let count = |r: Option<Result<usize, crate::error::AppError>>| r.and_then(|r| r.ok()).map(|n| n.to_string()).unwrap_or_else(|| "–".into());
    view! {
        <FloorShell>
            <h1>"Warehouse floor"</h1>
            {move || error.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || context.get().map(|r| match r {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(c) => view! {
                        <label class="field floor-field">
                            <span>"Working in"</span>
                            <select class="input input-big" aria-label="Warehouse" on:change=move |ev| {
                                if let Ok(id) = event_target_value(&ev).parse() { switch(id) }
                            }>
                                {c.warehouses.into_iter().map(|w| {
                                    let selected = w.id == c.current;
                                    view! { <option value=w.id.to_string() selected=selected>{format!("{} · {}", w.code, w.name)}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <p class="muted">{format!("Signed in as {}", c.user_name)}</p>
                    }.into_any(),
                })}
            </Suspense>
            <div class="floor-tiles">
                <a class="floor-tile" href="/floor/waves">
                    <span class="tile-title">"Waves & pick"</span>
                    <Suspense fallback=|| ()>
                        <span class="tile-count">{move || count(waves.get().map(|r| r.map(|w| w.iter().filter(|w| w.status == WaveStatus::Picking).count())))}</span>
                    </Suspense>
                    <span class="muted">"open waves"</span>
                </a>
                <a class="floor-tile" href="/floor/pack">
                    <span class="tile-title">"Pack"</span>
                    <Suspense fallback=|| ()>
                        <span class="tile-count">{move || count(to_pack.get().map(|r| r.map(|o| o.len())))}</span>
                    </Suspense>
                    <span class="muted">"picked orders"</span>
                </a>
                <a class="floor-tile" href="/floor/ship">
                    <span class="tile-title">"Ship"</span>
                    <Suspense fallback=|| ()>
                        <span class="tile-count">{move || count(to_ship.get().map(|r| r.map(|o| o.len())))}</span>
                    </Suspense>
                    <span class="muted">"parcels to hand over"</span>
                </a>
                <a class="floor-tile" href="/floor/stock">
                    <span class="tile-title">"Stock"</span>
                    <span class="tile-count">"⌕"</span>
                    <span class="muted">"levels & adjustments"</span>
                </a>
            </div>
        </FloorShell>
    }
}
