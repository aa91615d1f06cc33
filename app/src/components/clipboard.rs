//! Copying a secret shown once (API token, webhook signing secret).

/// Puts `text` on the clipboard; false where the browser has no clipboard API (an insecure
/// origin) or refuses at once. The field stays selectable for copying by hand either way.
pub fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else { return false };
        let navigator = window.navigator();
        let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return false };
        let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else { return false };
        let Ok(write) = write.dyn_into::<js_sys::Function>() else { return false };
        write.call1(&clipboard, &text.into()).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

/// Selects a read-only input's or text area's text on focus, ready to copy by hand.
pub fn select_field_text(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(field) = ev.target() else { return };
        if let Ok(select) = js_sys::Reflect::get(&field, &"select".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
            let _ = select.call0(&field);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}
