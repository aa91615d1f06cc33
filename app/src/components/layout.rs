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

/// One page in the merchant navigation; `permission` hides it from roles that may not use it.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub permission: Option<Permission>,
}

/// A section of the merchant navigation: the top bar names the sections, the bar under it
/// lists the current section's pages.
pub struct NavGroup {
    pub label: &'static str,
    pub items: &'static [NavItem],
}

const fn item(href: &'static str, label: &'static str) -> NavItem {
    NavItem { href, label, permission: None }
}

/// Every merchant page that has a place in the navigation, by section. A page under a
/// section's path (e.g. `/orders/42`) belongs to the section of its longest matching entry.
pub const MERCHANT_NAV: &[NavGroup] = &[
    NavGroup { label: "Orders", items: &[item("/orders", "Dropship Orders"), item("/orders/new", "Create Order")] },
    NavGroup { label: "Products", items: &[item("/products", "Products"), item("/products/new", "Add Product")] },
    NavGroup {
        label: "Platform",
        items: &[item("/platform-orders", "Platform Orders"), item("/stores", "Stores"), item("/sku-mappings", "SKU Mapping"), item("/sync-log", "Sync Log")],
    },
    NavGroup {
        label: "Settings",
        items: &[
            item("/settings/webhooks", "Webhooks"),
            NavItem { href: "/settings/api-tokens", label: "API Tokens", permission: Some(Permission::ManageIntegrations) },
        ],
    },
];

/// The navigation entry a path belongs to: an exact match, else the longest entry the path
/// sits under (`/orders/42/edit` → `/orders`).
pub fn nav_entry_for(path: &str) -> Option<&'static str> {
    let all = MERCHANT_NAV.iter().flat_map(|g| g.items.iter()).map(|i| i.href);
    if let Some(exact) = all.clone().find(|h| *h == path) {
        return Some(exact);
    }
    all.filter(|h| path.starts_with(&format!("{h}/"))).max_by_key(|h| h.len())
}

/// Top bar (sections) + section bar (pages) + page body for the merchant desktop pages.
#[component]
pub fn MerchantLayout(children: Children) -> impl IntoView {
    let me = use_me();
    let path = use_location().pathname;
    let current = Memo::new(move |_| nav_entry_for(&path.get()));
    let allowed = move |i: &NavItem| i.permission.is_none_or(|p| me.get().and_then(Result::ok).flatten().is_some_and(|u| u.may(p)));
    let group_of = move || MERCHANT_NAV.iter().find(|g| g.items.iter().any(|i| Some(i.href) == current.get()));
    view! {
        <header class="topbar">
            <a href="/orders" class="brand">"Dropdock"</a>
            <nav class="topnav" aria-label="Sections">
                {MERCHANT_NAV.iter().map(|g| {
                    let active = move || group_of().is_some_and(|c| c.label == g.label);
                    let first = g.items[0].href;
                    view! { <a href=first class="nav-link" class:active=active aria-current=move || active().then_some("true")>{g.label}</a> }
                }).collect_view()}
            </nav>
            <div class="spacer"></div>
            <Suspense fallback=|| ()>
                {move || me.get().and_then(|r| r.ok()).flatten().map(|u| view! {
                    <a class="whoami" href="/account" title="Your account">{u.display_name}</a>
                })}
            </Suspense>
            <SignOutButton/>
        </header>
        <Suspense fallback=|| ()>
            {move || group_of().map(|g| view! {
                <nav class="subnav" aria-label=g.label>
                    {g.items.iter().filter(|i| allowed(i)).map(|i| {
                        let href = i.href;
                        let active = move || current.get() == Some(href);
                        view! { <a href=href class="subnav-link" class:active=active aria-current=move || active().then_some("page")>{i.label}</a> }
                    }).collect_view()}
                </nav>
            })}
        </Suspense>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_find_their_navigation_entry() {
        assert_eq!(nav_entry_for("/orders"), Some("/orders"));
        assert_eq!(nav_entry_for("/orders/new"), Some("/orders/new"));
        assert_eq!(nav_entry_for("/orders/42/edit"), Some("/orders"));
        assert_eq!(nav_entry_for("/settings/api-tokens"), Some("/settings/api-tokens"));
        assert_eq!(nav_entry_for("/ordersx"), None);
        assert_eq!(nav_entry_for("/account"), None);
    }

    #[test]
    fn every_entry_is_unique() {
        let mut all: Vec<_> = MERCHANT_NAV.iter().flat_map(|g| g.items.iter()).map(|i| i.href).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
        assert!(MERCHANT_NAV.iter().all(|g| !g.items.is_empty()));
    }
}
