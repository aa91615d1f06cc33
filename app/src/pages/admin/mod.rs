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

use leptos::prelude::*;

pub(crate) use super::platform::{parse_id, Flash, FlashNotice};
use crate::api::admin::admin_history;
use crate::components::*;
use crate::domain::*;
use crate::error::AppError;

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
