use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::{logout, whoami};

/// Top bar + page body for the merchant desktop pages.
#[component]
pub fn MerchantLayout(children: Children) -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let path = use_location().pathname;
    let nav = move |href: &'static str, text: &'static str| {
        let active = move || {
            let p = path.get();
            if href == "/orders" { p == "/orders" || (p.starts_with("/orders/") && p != "/orders/new") } else { p == href }
        };
        view! { <a href=href class="nav-link" class:active=active>{text}</a> }
    };
    view! {
        <header class="topbar">
            <a href="/orders" class="brand">"Dropdock"</a>
            <nav class="topnav">
                {nav("/orders", "Dropship Orders")}
                {nav("/orders/new", "Create Order")}
                {nav("/platform-orders", "Platform Orders")}
                {nav("/stores", "Stores")}
                {nav("/sku-mappings", "SKU Mapping")}
                {nav("/settings/api-tokens", "API Tokens")}
            </nav>
            <div class="spacer"></div>
            <Suspense fallback=|| ()>
                {move || me.get().and_then(|r| r.ok()).flatten().map(|u| view! {
                    <span class="whoami">{u.display_name}</span>
                })}
            </Suspense>
            <SignOutButton/>
        </header>
        <main class="page">{children()}</main>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = logout().await;
            go_to("/login");
        });
    };
    view! { <button class="btn btn-ghost" on:click=sign_out>"Sign out"</button> }
}

/// Full page load (not client-side routing), so the server sees the new cookie state.
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
