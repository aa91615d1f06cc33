//! The self-pickup label field: a PDF of at most 10 MB, checked here with the domain's
//! `validate_label_file` before it is sent (the upload endpoint checks the bytes again).

use leptos::prelude::*;

use crate::components::{FieldError, RequiredMark};
use crate::domain::{LabelRef, ValidationErrors, FIELD_LABEL};

#[component]
pub fn LabelUpload(
    /// Id of the file input.
    #[prop(into)]
    id: String,
    /// What the server stored; None until an upload succeeded.
    #[prop(into)]
    label: Signal<Option<LabelRef>>,
    /// Told of every change: None when a new file starts uploading, then what was stored.
    on_change: Callback<Option<LabelRef>>,
    errors: Signal<ValidationErrors>,
) -> impl IntoView {
    let upload_error = RwSignal::new(None::<String>);
    let uploading = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        upload_error.set(None);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            if let Err(msg) = crate::domain::validate_label_file(&file.name(), file.size() as u64) {
                upload_error.set(Some(msg));
                input.set_value("");
                return;
            }
            uploading.set(true);
            on_change.run(None);
            leptos::task::spawn_local(async move {
                match crate::components::upload_label(file).await {
                    Ok(stored) => on_change.run(Some(stored)),
                    Err(msg) => {
                        upload_error.set(Some(msg));
                        input.set_value("");
                    }
                }
                uploading.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, on_change);
    };
    view! {
        <div class="field">
            <label for=id.clone()>"Shipping Label"<RequiredMark/></label>
            <input id=id type="file" accept=".pdf,application/pdf" on:change=on_file/>
            <p class="hint">"PDF only, up to 10 MB."</p>
            {move || uploading.get().then(|| view! { <p class="hint">"Uploading…"</p> })}
            {move || label.get().map(|l| view! {
                <p class="ok-text" data-uploaded="">"Uploaded: "{l.file_name}" ("{(l.size_bytes + 1023) / 1024}" KB)"</p>
            })}
            {move || upload_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <FieldError errors=errors field=FIELD_LABEL/>
        </div>
    }
}
