//! Dropdock's shared crate: domain rules, server functions and pages. Compiled for the
//! server (feature `ssr`) and to WASM for the browser (feature `hydrate`).

// Leptos view types nest deeply in release builds (no `erase_components` there).
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use pages::*;

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::provide_me();
    view! {
        <Stylesheet id="leptos" href="/pkg/dropdock.css"/>
        <Title text="Dropdock"/>
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/account") view=AccountPage/>
                <Route path=path!("/") view=HomePage/>
                <Route path=path!("/orders") view=OrderListPage/>
                <Route path=path!("/orders/new") view=OrderCreatePage/>
                <Route path=path!("/orders/:id/edit") view=OrderEditPage/>
                <Route path=path!("/orders/:id") view=OrderDetailPage/>
                <Route path=path!("/products") view=ProductListPage/>
                <Route path=path!("/products/new") view=ProductCreatePage/>
                <Route path=path!("/products/:code") view=ProductDetailPage/>
                <Route path=path!("/platform-orders") view=PlatformOrdersPage/>
                <Route path=path!("/stores") view=StoresPage/>
                <Route path=path!("/sync-log") view=SyncLogPage/>
                <Route path=path!("/sku-mappings") view=SkuMappingsPage/>
                <Route path=path!("/settings/webhooks") view=WebhooksPage/>
                <Route path=path!("/settings/api-tokens") view=ApiTokensPage/>
                <Route path=path!("/admin/users") view=AdminUsersPage/>
                <Route path=path!("/admin/merchants") view=AdminMerchantsPage/>
                <Route path=path!("/admin/warehouses") view=AdminWarehousesPage/>
                <Route path=path!("/admin/business-types") view=AdminBusinessTypesPage/>
                <Route path=path!("/admin/channels") view=AdminChannelsPage/>
                <Route path=path!("/admin/skus") view=AdminSkusPage/>
                <Route path=path!("/floor") view=FloorPage/>
                <Route path=path!("/floor/waves") view=WavesPage/>
                <Route path=path!("/floor/waves/:id") view=PickPage/>
                <Route path=path!("/floor/pack") view=PackPage/>
                <Route path=path!("/floor/ship") view=ShipPage/>
                <Route path=path!("/floor/stock") view=StockPage/>
            </Routes>
        </Router>
    }
}
