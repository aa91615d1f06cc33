//! Platform admin pages (`/admin/…`): users and roles, merchants, warehouses, business types,
//! channels and SKUs, each with add / edit dialogs and the object's history. Every form runs
//! the domain's `validated` before anything is sent (errors appear next to the fields) and
//! the server runs it again.
//!
//! Dialogs are rendered only while open; on success a dialog calls `on_done`, which closes it,
//! and touches none of its own signals afterwards (see `pages::platform`).

mod business_types;
mod channels;
mod merchants;
mod skus;
mod users;
mod warehouses;

pub use business_types::AdminBusinessTypesPage;
pub use channels::AdminChannelsPage;
pub use merchants::AdminMerchantsPage;
pub use skus::AdminSkusPage;
pub use users::AdminUsersPage;
pub use warehouses::AdminWarehousesPage;

use std::future::Future;

use leptos::prelude::*;

pub(crate) use super::platform::{parse_id, Flash, FlashNotice};
use crate::api::admin::admin_history;
use crate::components::*;
use crate::domain::*;
use crate::error::AppError;

/// What a form dialog shows besides its fields: field errors (from the domain function or the
/// server), a failure that belongs to no field, and whether a request is on its way.
#[derive(Clone, Copy)]
pub struct FormState {
    errors: RwSignal<ValidationErrors>,
    failure: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

impl FormState {
    pub fn new() -> Self {
        Self { errors: RwSignal::new(ValidationErrors::default()), failure: RwSignal::new(None), busy: RwSignal::new(false) }
    }

    pub fn errors(self) -> Signal<ValidationErrors> {
        self.errors.into()
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
        let input = match checked {
            Ok(input) => input,
            Err(errors) => {
                self.errors.set(errors);
                return;
            }
        };
        self.errors.set(ValidationErrors::default());
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            match send(input).await {
                Ok(answer) => on_done(answer),
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
pub(crate) fn FormFoot(state: FormState, #[prop(into)] label: String, on_close: Callback<()>) -> impl IntoView {
    view! {
        {move || state.failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
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
pub(crate) fn FormDialog(
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

/// A labelled text input bound to `value`, with its field's first error under it.
#[component]
pub(crate) fn TextField(
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
            <label for=id.clone()>{label}{required.then(|| view! { <span class="req">"*"</span> })}</label>
            <input id=id type=kind.unwrap_or_else(|| "text".into()) placeholder=placeholder inputmode=inputmode
                autocomplete=autocomplete.unwrap_or_else(|| "off".into()) spellcheck="false" maxlength=maxlength.unwrap_or(200)
                class:upper=upper aria-invalid=move || invalid().then_some("true")
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <FieldError errors=errors field=field/>
        </div>
    }
}

/// Check boxes for a set of warehouses (by code and name).
#[component]
pub(crate) fn WarehouseChecks(
    #[prop(into)] legend: String,
    warehouses: Vec<Warehouse>,
    selected: RwSignal<Vec<WarehouseId>>,
    errors: Signal<ValidationErrors>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let boxes = warehouses
        .into_iter()
        .map(|w| {
            let id = w.id;
            let checked = move || selected.with(|s| s.contains(&id));
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                selected.update(|s| {
                    s.retain(|x| *x != id);
                    if on {
                        s.push(id);
                    }
                });
            };
            view! {
                <label class="checkbox check-chip">
                    <input type="checkbox" value=id prop:checked=checked on:change=toggle/>
                    <span class="mono">{w.code}</span><span class="muted">{w.name}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field check-group">
            <legend>{legend}</legend>
            <div class="check-chips">{boxes}</div>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <FieldError errors=errors field=FIELD_WAREHOUSES/>
        </fieldset>
    }
}

/// The history of an admin object, loaded when the dialog opens.
#[component]
pub(crate) fn HistoryDialog(object: AdminObject, #[prop(into)] title: String, #[prop(into)] subtitle: String, on_close: Callback<()>) -> impl IntoView {
    let entries = LocalResource::new(move || admin_history(object));
    view! {
        <Dialog title=title subtitle=subtitle wide=true on_close=on_close>
            {move || match entries.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                Some(Ok(list)) => view! { <AuditTable entries=list/> }.into_any(),
            }}
            <div class="dialog-foot"><button type="button" class="btn" on:click=move |_| on_close.run(())>"Close"</button></div>
        </Dialog>
    }
}

/// Reference data every admin page loads once (merchants, warehouses, business types).
pub(crate) type RefsResource = Resource<Result<AdminRefs, AppError>>;

/// `<option>`s for a select of ids; `selected` marks the current one.
pub(crate) fn id_options(items: Vec<(i64, String)>, selected: impl Fn(i64) -> bool + Copy + Send + Sync + 'static) -> impl IntoView {
    items
        .into_iter()
        .map(|(id, text)| view! { <option value=id.to_string() selected=move || selected(id)>{text}</option> })
        .collect_view()
}

/// A list that could not be loaded.
pub(crate) fn load_error(e: &AppError) -> AnyView {
    let text = error_text(e);
    view! { <Notice kind="error">{text}</Notice> }.into_any()
}

/// What every admin list page keeps: the open dialog (`D` says which and for what row), the
/// flash the last dialog left, and a counter that reloads the list after a save.
pub(crate) struct PageDialogs<D: Send + Sync + 'static> {
    pub dialog: RwSignal<Option<D>>,
    pub flash: RwSignal<Option<Flash>>,
    pub refresh: RwSignal<u32>,
}

impl<D: Send + Sync + 'static> Clone for PageDialogs<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D: Send + Sync + 'static> Copy for PageDialogs<D> {}

impl<D: Send + Sync + 'static> PageDialogs<D> {
    pub fn new() -> Self {
        Self { dialog: RwSignal::new(None), flash: RwSignal::new(None), refresh: RwSignal::new(0) }
    }

    /// Opens `which`; the last dialog's flash goes away.
    pub fn open(self, which: D) {
        self.flash.set(None);
        self.dialog.set(Some(which));
    }

    pub fn opener(self) -> Callback<D> {
        Callback::new(move |which: D| self.open(which))
    }

    pub fn closer(self) -> Callback<()> {
        Callback::new(move |_: ()| self.dialog.set(None))
    }

    /// A dialog finished: close it, show what it says, reload the list.
    pub fn finisher(self) -> Callback<Flash> {
        Callback::new(move |flash: Flash| {
            self.dialog.set(None);
            self.flash.set(Some(flash));
            self.refresh.update(|n| *n += 1);
        })
    }
}

/// An admin page's title, its Add button and the flash under them.
#[component]
pub(crate) fn AdminPageHead(title: &'static str, add_label: &'static str, on_add: Callback<()>, flash: RwSignal<Option<Flash>>) -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>{title}</h1>
            <button class="btn btn-primary" type="button" on:click=move |_| on_add.run(())>{add_label}</button>
        </div>
        <FlashNotice flash=flash/>
    }
}

/// A loaded list: its error, `empty` when it has no rows, else `table`.
pub(crate) fn list_or_empty<T>(loaded: Result<Vec<T>, AppError>, empty: &'static str, table: impl FnOnce(Vec<T>) -> AnyView) -> AnyView {
    match loaded {
        Err(e) => load_error(&e),
        Ok(list) if list.is_empty() => view! { <div class="empty card" data-empty="">{empty}</div> }.into_any(),
        Ok(list) => table(list),
    }
}
