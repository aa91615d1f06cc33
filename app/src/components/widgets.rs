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

/// Tracking number and carrier label state of an order, with downloads when the label is
/// ready and a Retry button when buying it failed.
#[component]
pub fn LabelInfo(
    id: crate::domain::OrderId,
    status: crate::domain::LabelStatus,
    tracking_no: String,
    error: String,
    on_retry: impl Fn(crate::domain::OrderId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use crate::domain::LabelStatus;
    let downloads = move || {
        view! {
            <a class="label-link" href=format!("/api/orders/{id}/label/pdf") target="_blank">"PDF"</a>
            <a class="label-link" href=format!("/api/orders/{id}/label/zpl") target="_blank">"ZPL"</a>
        }
    };
    match status {
        LabelStatus::Pending => view! { <span class="label-state pending">"Label: pending"</span> }.into_any(),
        LabelStatus::Ready => view! {
            <span class="label-state ready"><span class="mono">{tracking_no}</span>" "{downloads()}</span>
        }
        .into_any(),
        LabelStatus::Failed => view! {
            <span class="label-state failed">
                <span role="alert">"Label failed: "{error}</span>
                " "<button class="btn btn-small" on:click=move |_| on_retry(id)>"Retry"</button>
            </span>
        }
        .into_any(),
        LabelStatus::Voided => view! { <span class="label-state muted">"Label voided"</span> }.into_any(),
        LabelStatus::None => view! { <span class="mono">{tracking_no}</span> }.into_any(),
    }
}
