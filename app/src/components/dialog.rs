//! Modal dialogs. Rendered only while open (the page keeps which one is open in a signal).
//! `role="dialog"`, `aria-modal` and an `aria-label` equal to the title, so a test or a screen
//! reader finds it by name; the × button and Escape close it.

use leptos::prelude::*;

#[component]
pub fn Dialog(
    #[prop(into)] title: String,
    /// Shown after the title, e.g. the order number the dialog is about.
    #[prop(optional, into)]
    subtitle: Option<String>,
    /// Room for a table (dispatch, acknowledgment, details).
    #[prop(optional)]
    wide: bool,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() == "Escape" {
                on_close.run(());
            }
        });
        on_cleanup(move || handle.remove());
    }
    // Keyboard and screen-reader users start inside the dialog.
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            let _ = el.focus();
        }
    });
    let label = title.clone();
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" class:dialog-wide=wide node_ref=panel tabindex="-1"
                role="dialog" aria-modal="true" aria-label=label>
                <div class="dialog-head">
                    <h2>{title}</h2>
                    {subtitle.filter(|s| !s.is_empty()).map(|s| view! { <span class="dialog-sub mono">{s}</span> })}
                    <button type="button" class="dialog-close" aria-label="Close" title="Close (Esc)"
                        on:click=move |_| on_close.run(())>"×"</button>
                </div>
                <div class="dialog-body">{children()}</div>
            </div>
        </div>
    }
}

/// "Are you sure?" for an action that cannot be undone. The caller runs the action in
/// `on_confirm` and reports back through `busy` and `error` (the dialog stays open on failure).
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    #[prop(into)] message: String,
    #[prop(into)] confirm_label: String,
    #[prop(into, default = "Back".to_string())] dismiss_label: String,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    on_confirm: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    view! {
        <Dialog title=title subtitle=subtitle.unwrap_or_default() on_close=on_close>
            <p>{message}</p>
            {move || error.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
            <div class="dialog-foot">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>{dismiss_label}</button>
                <button type="button" class="btn btn-danger" data-confirm="" disabled=move || busy.get()
                    on:click=move |_| on_confirm.run(())>{confirm_label}</button>
            </div>
        </Dialog>
    }
}
