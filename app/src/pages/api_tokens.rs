//! 【API Tokens】 (`/settings/api-tokens`): personal tokens for the REST API (`/api/v1`).
//! Create one (name + scopes; the token is shown once, to copy), see the merchant's tokens,
//! revoke one, see who created and revoked it (History).

use leptos::prelude::*;

use crate::api::tokens::{create_api_token, list_api_tokens, revoke_api_token};
use crate::components::*;
use crate::domain::*;

pub const API_TOKENS_PATH: &str = "/settings/api-tokens";

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let tokens = Resource::new(move || refresh.get(), |_| list_api_tokens());
    let created = RwSignal::new(None::<CreatedApiToken>);
    let revoking = RwSignal::new(None::<ApiTokenInfo>);
    let on_created = Callback::new(move |token: CreatedApiToken| {
        created.set(Some(token));
        refresh.update(|n| *n += 1);
    });
    let on_revoke = Callback::new(move |token: ApiTokenInfo| revoking.set(Some(token)));
    let history = RwSignal::new(None::<ApiTokenInfo>);
    let on_history = Callback::new(move |token: ApiTokenInfo| history.set(Some(token)));
    let revoked = Callback::new(move |_: ()| {
        revoking.set(None);
        refresh.update(|n| *n += 1);
    });

    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"API Tokens"</h1>
                <a class="btn" href="/api/v1/openapi.json" target="_blank" rel="noopener">"API reference (OpenAPI)"</a>
            </div>
            <p class="hint page-intro">
                "Tokens let your own systems use the REST API at "<code class="mono">"/api/v1"</code>
                ". Send one as "<code class="mono">"Authorization: Bearer ddk_…"</code>
                ". A token acts as you, limited to the permissions you give it; revoke it when it is no longer needed."
            </p>
            {move || created.get().map(|c| view! { <NewTokenBox created=c on_dismiss=Callback::new(move |_| created.set(None))/> })}
            <CreateTokenForm on_created=on_created/>
            <Transition fallback=|| view! { <p class="muted">"Loading tokens…"</p> }>
                {move || tokens.get().map(|r| list_or_empty(r, "No API tokens yet.", |list| view! { <TokenTable tokens=list on_revoke=on_revoke on_history=on_history/> }.into_any()))}
            </Transition>
            {move || revoking.get().map(|t| view! { <RevokeDialog token=t on_close=Callback::new(move |_| revoking.set(None)) on_done=revoked/> })}
            {move || history.get().map(|t| view! {
                <Dialog title="Token history" subtitle=format!("{} · {}", t.name, t.masked()) wide=true on_close=Callback::new(move |_| history.set(None))>
                    <PlatformHistory object=HistoryOf::ApiToken(t.id)/>
                    <div class="dialog-foot"><button type="button" class="btn" on:click=move |_| history.set(None)>"Close"</button></div>
                </Dialog>
            })}
        </MerchantLayout>
    }
}

/// Name + scope checkboxes; `ApiTokenInput::validated` runs before anything is sent.
#[component]
fn CreateTokenForm(on_created: Callback<CreatedApiToken>) -> impl IntoView {
    let input = RwSignal::new(ApiTokenInput { name: String::new(), scopes: vec![ApiScope::OrdersRead] });
    let state = FormState::new(move || input.with(|i| i.validated()));
    let errors = state.errors();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        state.submit(input.get_untracked().validated(), create_api_token, move |created| {
            input.set(ApiTokenInput { name: String::new(), scopes: vec![ApiScope::OrdersRead] });
            on_created.run(created);
        });
    };
    let scope_boxes = ApiScope::ALL
        .into_iter()
        .map(|scope| {
            let id = format!("scope-{}", scope.code().replace(':', "-"));
            let label_for = id.clone();
            let checked = move || input.with(|i| i.scopes.contains(&scope));
            view! {
                <label class="scope-option" for=label_for>
                    <input type="checkbox" id=id data-scope=scope.code() prop:checked=checked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            input.update(|i| {
                                i.scopes.retain(|s| *s != scope);
                                if on { i.scopes.push(scope); }
                            });
                        }/>
                    <span>
                        <span class="mono strong">{scope.code()}</span>
                        <span class="scope-desc">{scope.description()}</span>
                    </span>
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="card token-form" on:submit=submit>
            <h2>"Create Token"</h2>
            <div class="token-form-grid">
                <div class="field">
                    <label for="token-name">"Name"<RequiredMark/></label>
                    <input id="token-name" type="text" placeholder="e.g. ERP integration" autocomplete="off" maxlength="100"
                        prop:value=move || input.with(|i| i.name.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); input.update(|i| i.name = v); }/>
                    <FieldError errors=errors field="name"/>
                </div>
                <fieldset class="field scopes">
                    <legend>"Permissions"<RequiredMark/></legend>
                    <div class="scope-list">{scope_boxes}</div>
                    <FieldError errors=errors field="scopes"/>
                </fieldset>
            </div>
            {state.failure_notice()}
            <div class="token-form-actions">
                <button type="submit" class="btn btn-primary" data-create-token="" disabled=move || state.busy().get()>
                    {move || if state.busy().get() { "Creating…" } else { "Create Token" }}
                </button>
            </div>
        </form>
    }
}

/// The new token, shown once.
#[component]
fn NewTokenBox(created: CreatedApiToken, on_dismiss: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let token = created.token.clone();
    let copy = move |_| copied.set(copy_to_clipboard(&token));
    view! {
        <div class="notice notice-success new-token" role="status" data-new-token="">
            <p class="strong">{format!("Token \u{201c}{}\u{201d} created.", created.info.name)}</p>
            <p>"Copy it now: it will not be shown again. Only a fingerprint of it is stored."</p>
            <div class="token-copy">
                <input type="text" readonly class="mono token-value" aria-label="New API token" data-token-value=""
                    prop:value=created.token.clone() on:focus=move |ev| select_field_text(&ev)/>
                <button type="button" class="btn btn-primary" data-copy-token="" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
            <button type="button" class="btn btn-small btn-ghost" on:click=move |_| on_dismiss.run(())>"I have copied it"</button>
        </div>
    }
}

#[component]
fn TokenTable(tokens: Vec<ApiTokenInfo>, on_revoke: Callback<ApiTokenInfo>, on_history: Callback<ApiTokenInfo>) -> impl IntoView {
    let rows = tokens
        .into_iter()
        .map(|t| {
            let active = t.is_active();
            let scopes = t.scopes.iter().map(|s| view! { <span class="tag mono">{s.code()}</span> }).collect_view();
            let status = match t.revoked_at_ms {
                None => view! { <span class="badge badge-shipped">"Active"</span> }.into_any(),
                Some(at) => view! { <span class="badge badge-draft" title=time::format_utc_minutes(at)>"Revoked"</span> }.into_any(),
            };
            let revoke = t.clone();
            let history = t.clone();
            view! {
                <tr data-token-id=t.id data-token-name=t.name.clone() class:revoked=!active>
                    <td data-label="Name" class="strong">{t.name.clone()}</td>
                    <td data-label="Token" class="mono nowrap">{t.masked()}</td>
                    <td data-label="Permissions"><div class="tags token-scopes">{scopes}</div></td>
                    <td data-label="Owner">{t.owner_name.clone()}</td>
                    <td data-label="Created" class="muted nowrap">{time::format_utc_minutes(t.created_at_ms)}</td>
                    <td data-label="Last used" class="muted nowrap">{t.last_used_at_ms.map(time::format_utc_minutes).unwrap_or_else(|| "Never".into())}</td>
                    <td data-label="Status" data-status=if active { "active" } else { "revoked" }>{status}</td>
                    <td class="actions">
                        <button type="button" class="btn btn-small" data-action="history" on:click=move |_| on_history.run(history.clone())>"History"</button>
                        {active.then(|| view! {
                            <button type="button" class="btn btn-small btn-warn" data-action="revoke" on:click=move |_| on_revoke.run(revoke.clone())>"Revoke"</button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid stack-phone api-tokens">
                <thead><tr>
                    <th>"Name"</th><th>"Token"</th><th>"Permissions"</th><th>"Owner"</th>
                    <th>"Created"</th><th>"Last used"</th><th>"Status"</th><th><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn RevokeDialog(token: ApiTokenInfo, on_close: Callback<()>, on_done: Callback<()>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = token.id;
    let on_confirm = Callback::new(move |_: ()| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match revoke_api_token(id).await {
                Ok(()) => on_done.run(()),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(error_text(&e)));
                }
            }
        });
    });
    view! {
        <ConfirmDialog title="Revoke Token" subtitle=token.masked()
            message=format!("Revoke \u{201c}{}\u{201d}? Systems using it are refused from their next request. This cannot be undone.", token.name)
            confirm_label="Revoke" busy=busy error=error on_confirm=on_confirm on_close=on_close/>
    }
}
