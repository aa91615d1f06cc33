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
        let Ok(source) = web_sys::EventSource::new(ORDER_EVENTS_PATH) else { return };
        let callback = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| on_change());
        source.set_onmessage(Some(callback.as_ref().unchecked_ref()));
        // Browser objects are not Send; the wrapper only lets the cleanup hold them.
        let held = send_wrapper::SendWrapper::new((source, callback));
        on_cleanup(move || held.0.close());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on_change;
}
