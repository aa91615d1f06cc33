//! Dropdock's shared crate: domain rules, server functions and pages. Compiled for the
//! server (feature `ssr`) and to WASM for the browser (feature `hydrate`).

// Leptos view types nest deeply in release builds (no `erase_components` there).
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
mod routes;
#[cfg(feature = "ssr")]
pub mod ports;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};

use pages::{LoginPage, NotFoundPage};
use routes::*;

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
    view! {
        <Stylesheet id="leptos" href="/pkg/dropdock.css"/>
        <Title text="Dropdock"/>
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/") view={Lazy::<HomeRoute>::new()}/>
                <Route path=path!("/orders") view={Lazy::<OrderListRoute>::new()}/>
                <Route path=path!("/orders/new") view={Lazy::<OrderCreateRoute>::new()}/>
                <Route path=path!("/orders/:id/edit") view={Lazy::<OrderEditRoute>::new()}/>
                <Route path=path!("/orders/:id") view={Lazy::<OrderDetailRoute>::new()}/>
                <Route path=path!("/platform-orders") view={Lazy::<PlatformOrdersRoute>::new()}/>
                <Route path=path!("/stores") view={Lazy::<StoresRoute>::new()}/>
                <Route path=path!("/sync-log") view={Lazy::<SyncLogRoute>::new()}/>
                <Route path=path!("/sku-mappings") view={Lazy::<SkuMappingsRoute>::new()}/>
                <Route path=path!("/floor") view={Lazy::<FloorRoute>::new()}/>
                <Route path=path!("/floor/waves") view={Lazy::<WavesRoute>::new()}/>
                <Route path=path!("/floor/waves/:id") view={Lazy::<PickRoute>::new()}/>
                <Route path=path!("/floor/pack") view={Lazy::<PackRoute>::new()}/>
                <Route path=path!("/floor/ship") view={Lazy::<ShipRoute>::new()}/>
                <Route path=path!("/floor/stock") view={Lazy::<StockRoute>::new()}/>
            </Routes>
        </Router>
    }
}
