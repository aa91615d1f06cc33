//! The app's routes. Every page except sign-in is a lazy route: `cargo leptos build --split`
//! moves each page's WASM (and code only it uses) into a chunk of its own that the browser
//! fetches when the page is first shown. The first download is then the runtime, the router
//! and the shell, not the whole app (measured by `make bench`).
//!
//! A page's data is loaded by the page component itself, so `data()` is empty: on a full page
//! load the server already sent the data with the HTML, and on client-side navigation the chunk
//! (tens of KB, cached afterwards) is fetched before the page asks for its data.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::pages::*;

/// Declares one lazy route per `RouteType => PageComponent` pair.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    HomeRoute => HomePage,
    OrderListRoute => OrderListPage,
    OrderCreateRoute => OrderCreatePage,
    OrderEditRoute => OrderEditPage,
    OrderDetailRoute => OrderDetailPage,
    PlatformOrdersRoute => PlatformOrdersPage,
    StoresRoute => StoresPage,
    SyncLogRoute => SyncLogPage,
    SkuMappingsRoute => SkuMappingsPage,
    FloorRoute => FloorPage,
    WavesRoute => WavesPage,
    PickRoute => PickPage,
    PackRoute => PackPage,
    ShipRoute => ShipPage,
    StockRoute => StockPage,
}
