//! 【Store Authorization】: the merchant's connected stores, with auto sync, 【Test
//! Connection】, 【Manual Sync】 and 【Add Store】.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::sync_dialog::SyncDialog;
use super::*;
use crate::api::platform::{add_store, list_stores, set_store_auto_sync, test_store};
use crate::components::*;

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Sync(StoreId),
    History(StoreId, String),
}

#[component]
pub fn StoresPage() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let stores = Resource::new(move || refresh.get(), |_| list_stores());
    let dialog = RwSignal::new(None::<OpenDialog>);
    let flash = RwSignal::new(None::<Flash>);
    // Test Connection answers by store; kept across refreshes of the list.
    let tests = RwSignal::new(BTreeMap::<StoreId, Option<Result<String, String>>>::new());

    let close = Callback::new(move |_: ()| dialog.set(None));
    let done = Callback::new(move |f: Flash| {
        dialog.set(None);
        flash.set(Some(f));
        refresh.update(|n| *n += 1);
    });
    let on_test = Callback::new(move |id: StoreId| {
        tests.update(|t| {
            t.insert(id, None);
        });
        leptos::task::spawn_local(async move {
            let result = test_store(id).await.map_err(|e| error_text(&e));
            tests.update(|t| {
                t.insert(id, Some(result));
            });
        });
    });
    let on_auto_sync = Callback::new(move |(id, on): (StoreId, bool)| {
        flash.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = set_store_auto_sync(id, on).await {
                flash.set(Some(Flash::Err(error_text(&e))));
            }
            refresh.update(|n| *n += 1);
        });
    });
    let on_sync = Callback::new(move |id: StoreId| {
        flash.set(None);
        dialog.set(Some(OpenDialog::Sync(id)));
    });
    let on_history = Callback::new(move |(id, name): (StoreId, String)| dialog.set(Some(OpenDialog::History(id, name))));

    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"Store Authorization"</h1>
                <div class="head-actions">
                    <a class="btn" href=SYNC_LOG_PATH>"Order Sync Log"</a>
                    <IfAllowed permission=Permission::ManageIntegrations>
                        <button class="btn btn-primary" type="button" on:click=move |_| { flash.set(None); dialog.set(Some(OpenDialog::Add)); }>"Add Store"</button>
                    </IfAllowed>
                </div>
            </div>
            <FlashNotice flash=flash/>
            <Transition fallback=|| view! { <p class="muted">"Loading stores…"</p> }>
                {move || stores.get().map(|r| list_or_empty(r, "No store connected yet. Add your Shopify store to sync its orders.", |list| {
                    view! { <StoreTable stores=list tests=tests on_test=on_test on_auto_sync=on_auto_sync on_sync=on_sync on_history=on_history/> }.into_any()
                }))}
            </Transition>
            {move || dialog.get().map(|d| match d {
                OpenDialog::Add => view! { <AddStoreDialog on_close=close on_done=done/> }.into_any(),
                OpenDialog::History(id, name) => view! {
                    <Dialog title="Store history" subtitle=name wide=true on_close=close>
                        <PlatformHistory object=HistoryOf::Store(id)/>
                        <div class="dialog-foot"><button type="button" class="btn" on:click=move |_| close.run(())>"Close"</button></div>
                    </Dialog>
                }.into_any(),
                OpenDialog::Sync(id) => {
                    let on_queued = Callback::new(move |_: SyncTaskId| done.run(Flash::SyncQueued));
                    view! {
                        <Suspense fallback=|| ()>
                            {move || stores.get().map(|r| view! {
                                <SyncDialog stores=r.unwrap_or_default() store=Some(id) on_close=close on_queued=on_queued/>
                            })}
                        </Suspense>
                    }.into_any()
                }
            })}
        </MerchantLayout>
    }
}

#[component]
fn StoreTable(
    stores: Vec<StoreInfo>,
    tests: RwSignal<BTreeMap<StoreId, Option<Result<String, String>>>>,
    on_test: Callback<StoreId>,
    on_auto_sync: Callback<(StoreId, bool)>,
    on_sync: Callback<StoreId>,
    on_history: Callback<(StoreId, String)>,
) -> impl IntoView {
    // Connecting and switching stores is for merchant admins; others see the state only.
    let manage = may(Permission::ManageIntegrations);
    let rows = stores
        .into_iter()
        .map(|s| {
            let id = s.id;
            let test = move || tests.with(|t| t.get(&id).cloned());
            let testing = move || matches!(test(), Some(None));
            let auto_id = format!("auto-sync-{id}");
            view! {
                <tr data-store-id=id data-store=s.name.clone()>
                    <td data-label="Store" class="strong">{s.name.clone()}</td>
                    <td data-label="Platform">{s.platform.label()}</td>
                    <td data-label="Shop Domain" class="mono">{s.shop_domain.clone()}</td>
                    <td data-label="Access Token" class="mono" data-token-hint="">{format!("••••{}", s.token_hint)}</td>
                    <td data-label="Auto Sync">
                        <label class="switch">
                            <input id=auto_id type="checkbox" role="switch" prop:checked=s.auto_sync disabled=move || !manage.get()
                                aria-label=format!("Auto sync {}", s.name)
                                on:change=move |ev| on_auto_sync.run((id, event_target_checked(&ev)))/>
                            <span>{if s.auto_sync { "On" } else { "Off" }}</span>
                        </label>
                    </td>
                    <td data-label="Last Synced" class="time-cell muted">{time_or_dash(s.last_synced_at_ms)}</td>
                    <td class="actions">
                        <div class="row-actions">
                            <button type="button" class="btn btn-small" data-action="test" disabled=move || testing() || !manage.get()
                                title=move || if manage.get() { "" } else { "Merchant admins only" } on:click=move |_| on_test.run(id)>
                                {move || if testing() { "Testing…" } else { "Test Connection" }}
                            </button>
                            <button type="button" class="btn btn-small" data-action="sync" on:click=move |_| on_sync.run(id)>"Manual Sync"</button>
                            {
                                let name = s.name.clone();
                                view! { <button type="button" class="btn btn-small" data-action="history" on:click=move |_| on_history.run((id, name.clone()))>"History"</button> }
                            }
                        </div>
                        {move || match test() {
                            Some(Some(Ok(shop))) => Some(view! { <p class="ok-text" data-test-result="ok">"Connected: "{shop}</p> }.into_any()),
                            Some(Some(Err(e))) => Some(view! { <p class="field-error" role="alert" data-test-result="failed">{e}</p> }.into_any()),
                            _ => None,
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid stores stack-phone">
                <thead><tr>
                    <th>"Store"</th><th>"Platform"</th><th>"Shop Domain"</th><th>"Access Token"</th>
                    <th>"Auto Sync"</th><th>"Last Synced"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="hint">{format!("Auto sync fetches new and changed orders every {} minutes.", AUTO_SYNC_INTERVAL_MS / 60_000)}</p>
    }
}

/// 【Add Store】: `StoreInput::validated` first; the server then proves the token works and
/// answers on `access_token` when it does not.
#[component]
fn AddStoreDialog(on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let input = RwSignal::new(StoreInput { auto_sync: true, ..Default::default() });
    let attempted = RwSignal::new(false);
    let server_errors = RwSignal::new(ValidationErrors::default());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let client_errors = Memo::new(move |_| {
        if attempted.get() { input.with(|i| i.validated().err().unwrap_or_default()) } else { ValidationErrors::default() }
    });
    let errors = Signal::derive(move || {
        let c = client_errors.get();
        if c.is_empty() { server_errors.get() } else { c }
    });
    let submit = move |_| {
        attempted.set(true);
        server_errors.set(ValidationErrors::default());
        failure.set(None);
        let Ok(valid) = input.get_untracked().validated() else { return };
        sending.set(true);
        let done_text = format!("Store {} added.", valid.name);
        leptos::task::spawn_local(async move {
            match add_store(valid).await {
                Ok(_) => on_done.run(Flash::Ok(done_text)),
                Err(crate::error::AppError::Validation(v)) => {
                    sending.set(false);
                    server_errors.set(v);
                }
                Err(e) => {
                    sending.set(false);
                    failure.set(Some(error_text(&e)));
                }
            }
        });
    };
    let text = move |id: &'static str, kind: &'static str, placeholder: &'static str, get: fn(&StoreInput) -> String, set: fn(&mut StoreInput, String)| {
        view! {
            <input id=id type=kind placeholder=placeholder autocomplete="off" spellcheck="false"
                prop:value=move || input.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); input.update(|i| set(i, v)); }/>
            <FieldError errors=errors field=id/>
        }
    };
    view! {
        <Dialog title="Add Store" on_close=on_close>
            <div class="fields">
                <div class="field">
                    <label for="name">"Store Name"<RequiredMark/></label>
                    {text("name", "text", "My Shop", |i| i.name.clone(), |i, v| i.name = v)}
                </div>
                <div class="field">
                    <label for="shop_domain">"Shop Domain"<RequiredMark/></label>
                    {text("shop_domain", "text", "your-shop.myshopify.com", |i| i.shop_domain.clone(), |i, v| i.shop_domain = v)}
                </div>
                <div class="field">
                    <label for="access_token">"Admin API Access Token"<RequiredMark/></label>
                    {text("access_token", "password", "shpat_…", |i| i.access_token.clone(), |i, v| i.access_token = v)}
                    <p class="hint">"From your Shopify admin: Apps → Develop apps → your app → API credentials. The connection is tested before the store is saved."</p>
                </div>
                <label class="checkbox">
                    <input type="checkbox" id="auto_sync" prop:checked=move || input.with(|i| i.auto_sync)
                        on:change=move |ev| { let on = event_target_checked(&ev); input.update(|i| i.auto_sync = on); }/>
                    " Auto sync new orders"
                </label>
            </div>
            {move || failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
            <div class="dialog-foot">
                <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="btn btn-primary" data-submit="" disabled=move || sending.get() on:click=submit>
                    {move || if sending.get() { "Connecting…" } else { "Add Store" }}
                </button>
            </div>
        </Dialog>
    }
}
