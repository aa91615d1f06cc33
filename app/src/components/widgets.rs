use leptos::prelude::*;

use crate::domain::{OrderStatus, ValidationErrors};
use crate::error::AppError;

#[component]
pub fn StatusBadge(status: OrderStatus) -> impl IntoView {
    view! { <span class=format!("badge badge-{}", status.code())>{status.label()}</span> }
}

/// The first message for `field`, shown under its input.
#[component]
pub fn FieldError(errors: Signal<ValidationErrors>, #[prop(into)] field: String) -> impl IntoView {
    let field_for_msg = field.clone();
    view! {
        {move || errors.with(|e| e.first(&field_for_msg).map(|m| m.to_string())).map(|m| view! {
            <p class="field-error" role="alert" data-field=field.clone()>{m}</p>
        })}
    }
}

/// A banner for a message the user must notice (success or failure).
#[component]
pub fn Notice(#[prop(into)] kind: String, children: Children) -> impl IntoView {
    view! { <div class=format!("notice notice-{kind}") role="status">{children()}</div> }
}

/// Text for an error coming back from a server function.
pub fn error_text(e: &AppError) -> String {
    match e {
        AppError::Validation(v) => v.to_string(),
        other => other.to_string(),
    }
}
