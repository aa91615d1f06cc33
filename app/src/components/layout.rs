use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::{logout, whoami};
use crate::domain::{CurrentUser, Permission};
use crate::error::AppError;

/// The signed-in user, loaded once per page load and shared by every component that asks.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<CurrentUser>, AppError>>);

/// Called once by the app root.
pub fn provide_me() {
    provide_context(Me(Resource::new(|| (), |_| whoami())));
}

/// The signed-in user (shared by every component on the page).
pub fn use_me() -> Resource<Result<Option<CurrentUser>, AppError>> {
    match use_context::<Me>() {
        Some(me) => me.0,
        None => Resource::new(|| (), |_| whoami()),
    }
}

/// Shows its children only to users whose role may do `permission` (the server refuses the
/// action anyway; this keeps buttons that would only be refused off the page).
#[component]
pub fn IfAllowed(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let me = use_me();
    view! {
        <Suspense fallback=|| ()>
            {move || me.get().and_then(Result::ok).flatten().filter(|u| u.may(permission)).map(|_| children())}
        </Suspense>
    }
}

/// Whether the signed-in user may do `permission` (false until known). Read it inside a
/// Suspense/Transition, like any resource.
pub fn may(permission: Permission) -> Signal<bool> {
    let me = use_me();
    Signal::derive(move || me.get().and_then(Result::ok).flatten().is_some_and(|u| u.may(permission)))
}

/// Top bar + page body for the merchant desktop pages.
#[component]
pub fn MerchantLayout(children: Children) -> impl IntoView {
    let me = use_me();
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
                {nav("/settings/webhooks", "Webhooks")}
                <IfAllowed permission=Permission::ManageIntegrations>{nav("/settings/api-tokens", "API Tokens")}</IfAllowed>
            </nav>
            <div class="spacer"></div>
            <Suspense fallback=|| ()>
                {move || me.get().and_then(|r| r.ok()).flatten().map(|u| view! {
                    <a class="whoami" href="/account" title="Your account">{u.display_name}</a>
                })}
            </Suspense>
            <SignOutButton/>
        </header>
        <main class="page">{children()}</main>
    }
}

/// Top bar + page body for the platform admin pages (`/admin/…`).
#[component]
pub fn AdminLayout(children: Children) -> impl IntoView {
    let me = use_me();
    let path = use_location().pathname;
    let nav = move |href: &'static str, text: &'static str| {
        let active = move || path.get() == href;
        view! { <a href=href class="nav-link" class:active=active aria-current=move || active().then_some("page")>{text}</a> }
    };
    view! {
        <header class="topbar admin">
            <a href="/admin/users" class="brand">"Dropdock"<span class="brand-tag">"Admin"</span></a>
            <nav class="topnav" aria-label="Administration">
                {nav("/admin/users", "Users")}
                {nav("/admin/merchants", "Merchants")}
                {nav("/admin/warehouses", "Warehouses")}
                {nav("/admin/business-types", "Business Types")}
                {nav("/admin/channels", "Channels")}
                {nav("/admin/skus", "SKUs")}
            </nav>
            <div class="spacer"></div>
            <Suspense fallback=|| ()>
                {move || me.get().and_then(|r| r.ok()).flatten().map(|u| view! {
                    <a class="whoami" href="/account" title="Your account">{u.display_name}</a>
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
