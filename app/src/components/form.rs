//! Form dialogs and loaded lists, shared by every page with add / edit dialogs: the form's
//! state (field errors from the domain's `validated` or the server, a failure, busy), the
//! dialog around it, labelled text fields, and how a loaded list shows an error or emptiness.

use std::future::Future;

use leptos::prelude::*;

use super::{error_text, Dialog, FieldError, Notice};
use crate::domain::ValidationErrors;
use crate::error::AppError;

/// What a form dialog shows besides its fields: field errors (from the domain function or the
/// server), a failure that belongs to no field, and whether a request is on its way.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The server's field errors from the last Save.
    errors: RwSignal<ValidationErrors>,
    failure: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    /// The domain function's errors for the current input. Shown once Save was pressed, so an
    /// error goes away as soon as the field is put right.
    check: Signal<ValidationErrors>,
    attempted: RwSignal<bool>,
}

impl FormState {
    /// `check` runs the domain function on the current input (the same one Save sends).
    pub fn new<T>(check: impl Fn() -> Result<T, ValidationErrors> + Send + Sync + 'static) -> Self {
        Self {
            errors: RwSignal::new(ValidationErrors::default()),
            failure: RwSignal::new(None),
            busy: RwSignal::new(false),
            check: Signal::derive(move || check().err().unwrap_or_default()),
            attempted: RwSignal::new(false),
        }
    }

    pub fn errors(self) -> Signal<ValidationErrors> {
        Signal::derive(move || {
            let now = if self.attempted.get() { self.check.get() } else { ValidationErrors::default() };
            if now.is_empty() {
                self.errors.get()
            } else {
                now
            }
        })
    }

    /// True while a request is on its way (the submit button is disabled).
    pub fn busy(self) -> Signal<bool> {
        self.busy.into()
    }

    /// The failure notice, for forms that are not in a dialog (`FormFoot` shows it otherwise).
    pub fn failure_notice(self) -> impl IntoView {
        move || self.failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })
    }

    /// Sends the domain function's answer unless it found errors (then nothing is sent and
    /// they show next to the fields). The server's field errors show the same way; `on_done`
    /// gets the answer and closes the dialog.
    pub fn submit<I, T, Fut>(self, checked: Result<I, ValidationErrors>, send: impl FnOnce(I) -> Fut + 'static, on_done: impl FnOnce(T) + 'static)
    where
        I: 'static,
        T: 'static,
        Fut: Future<Output = Result<T, AppError>> + 'static,
    {
        self.failure.set(None);
        self.attempted.set(true);
        // The domain function's errors show through `check`; the server's last ones are stale.
        self.errors.set(ValidationErrors::default());
        let Ok(input) = checked else { return };
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            match send(input).await {
                Ok(answer) => {
                    // Before `on_done`, which may close the dialog and dispose of this state
                    // (or clear the form for the next one: no errors for it yet).
                    self.busy.set(false);
                    self.attempted.set(false);
                    on_done(answer)
                }
                Err(AppError::Validation(errors)) => {
                    self.busy.set(false);
                    self.errors.set(errors);
                }
                Err(e) => {
                    self.busy.set(false);
                    self.failure.set(Some(error_text(&e)));
                }
            }
        });
    }
}

/// The failure notice and the Cancel / submit buttons of a form dialog.
#[component]
pub fn FormFoot(state: FormState, #[prop(into)] label: String, on_close: Callback<()>) -> impl IntoView {
    view! {
        {state.failure_notice()}
        <div class="dialog-foot">
            <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
            <button type="submit" class="btn btn-primary" data-submit="" disabled=move || state.busy.get()>
                {move || if state.busy.get() { "Saving…".to_string() } else { label.clone() }}
            </button>
        </div>
    }
}

/// A dialog whose body is a form: Enter in a field submits, the foot has Cancel and `label`.
#[component]
pub fn FormDialog(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    #[prop(into)] label: String,
    state: FormState,
    on_submit: Callback<()>,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <Dialog title=title subtitle=subtitle.unwrap_or_default() on_close=on_close>
            <form class="admin-form" novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); on_submit.run(()); }>
                {children()}
                <FormFoot state=state label=label on_close=on_close/>
            </form>
        </Dialog>
    }
}

/// The asterisk after a required field's label. Hidden from screen readers, which hear the
/// input's `aria-required` instead, so the field's accessible name stays its plain label.
#[component]
pub fn RequiredMark() -> impl IntoView {
    view! { <span class="req" aria-hidden="true">"*"</span> }
}

/// A labelled text input bound to `value`, with its field's first error under it.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: Signal<ValidationErrors>,
    #[prop(into)] field: String,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] kind: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] inputmode: Option<String>,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional, into)] maxlength: Option<u32>,
    #[prop(optional)] upper: bool,
) -> impl IntoView {
    let invalid_field = field.clone();
    let invalid = move || errors.with(|e| e.first(&invalid_field).is_some());
    view! {
        <div class="field">
            <label for=id.clone()>{label}{required.then(|| view! { <RequiredMark/> })}</label>
            <input id=id type=kind.unwrap_or_else(|| "text".into()) placeholder=placeholder inputmode=inputmode
                autocomplete=autocomplete.unwrap_or_else(|| "off".into()) spellcheck="false" maxlength=maxlength.unwrap_or(200)
                class:upper=upper aria-required=required.then_some("true") aria-invalid=move || invalid().then_some("true")
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <FieldError errors=errors field=field/>
        </div>
    }
}

/// A list that could not be loaded.
pub fn load_error(e: &AppError) -> AnyView {
    let text = error_text(e);
    view! { <Notice kind="error">{text}</Notice> }.into_any()
}

/// A loaded list: its error, `empty` when it has no rows, else `table`.
pub fn list_or_empty<T>(loaded: Result<Vec<T>, AppError>, empty: &'static str, table: impl FnOnce(Vec<T>) -> AnyView) -> AnyView {
    match loaded {
        Err(e) => load_error(&e),
        Ok(list) if list.is_empty() => view! { <div class="empty card" data-empty="">{empty}</div> }.into_any(),
        Ok(list) => table(list),
    }
}
