//! Live updates: the server streams "an order of yours changed" events (SSE on
//! /api/orders/events); pages refetch what they show.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;

pub const ORDER_EVENTS_PATH: &str = "/api/orders/events";

/// Calls `on_change` whenever one of the merchant's orders changes, for as long as the
/// calling component lives. No-op during server rendering.
pub fn on_order_change(on_change: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;
        // Connect once the page has hydrated: a change reported while the server-rendered
        // data is still being hydrated would refetch under it and break hydration.
        let held = StoredValue::new_local(None::<(web_sys::EventSource, Closure<dyn FnMut(web_sys::MessageEvent)>)>);
        let on_change = std::rc::Rc::new(on_change);
        let timer = set_timeout_with_handle(
            move || {
                let Ok(source) = web_sys::EventSource::new(ORDER_EVENTS_PATH) else { return };
                let on_change = on_change.clone();
                let callback = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| on_change());
                source.set_onmessage(Some(callback.as_ref().unchecked_ref()));
                held.set_value(Some((source, callback)));
            },
            std::time::Duration::from_millis(1500),
        );
        on_cleanup(move || {
            if let Ok(t) = timer {
                t.clear();
            }
            held.with_value(|h| {
                if let Some((source, _)) = h {
                    source.close();
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on_change;
}
