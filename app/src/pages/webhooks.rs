//! 【Webhooks】 settings: the merchant's endpoints (add, edit events, enable, delete, send a
//! test) and the delivery log (status, response code, attempts, next retry, the request body
//! and the answer, 【Re-send】). While a delivery is queued or being sent the log asks again
//! every 2 seconds. The form runs `WebhookEndpointInput::validated` before anything is sent.

use std::collections::BTreeSet;

use leptos::prelude::*;

use super::platform::{Flash, FlashNotice};
use crate::api::webhooks::*;
use crate::components::*;
use crate::domain::*;

#[cfg(feature = "hydrate")]
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Clone, Debug, PartialEq)]
enum OpenDialog {
    Add,
    Edit(WebhookEndpoint),
    Delete(WebhookEndpoint),
}

/// "Retrying" for a queued delivery that has already failed once.
fn status_text(status: DeliveryStatus, attempts: i64) -> &'static str {
    match status {
        DeliveryStatus::Queued if attempts > 0 => "Retrying",
        other => other.label(),
    }
}

/// "2026-11-23 04:53:13 UTC": retries can be seconds apart.
fn time_text(ms: i64) -> String {
    time::format_utc_seconds(ms)
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    // `tick` moves while deliveries are under way: the endpoints' "Last delivery" follows too.
    let tick = RwSignal::new(0u32);
    let endpoints = Resource::new(move || (refresh.get(), tick.get()), |_| list_webhook_endpoints());
    let log_filter = RwSignal::new(DeliveryQuery::default());
    let deliveries = Resource::new(move || (log_filter.get(), tick.get(), refresh.get()), |(q, _, _)| list_webhook_deliveries(q));
    let dialog = RwSignal::new(None::<OpenDialog>);
    let flash = RwSignal::new(None::<Flash>);
    let expanded = RwSignal::new(BTreeSet::<WebhookDeliveryId>::new());

    // Poll while the newest answer has a delivery still going (the timer runs outside any
    // reactive context, so an effect keeps the flag).
    let active = RwSignal::new(false);
    Effect::new(move |_| active.set(deliveries.with(|r| matches!(r, Some(Ok(p)) if p.deliveries.iter().any(|d| d.status.is_open())))));
    #[cfg(feature = "hydrate")]
    {
        let timer = set_interval_with_handle(
            move || {
                if active.get_untracked() {
                    tick.update(|n| *n += 1);
                }
            },
            POLL_EVERY,
        );
        on_cleanup(move || {
            if let Ok(t) = timer {
                t.clear();
            }
        });
    }

    let close = Callback::new(move |_: ()| dialog.set(None));
    let done = Callback::new(move |f: Flash| {
        dialog.set(None);
        flash.set(Some(f));
        refresh.update(|n| *n += 1);
    });
    let changed = Callback::new(move |_: ()| refresh.update(|n| *n += 1));
    let report = move |result: Result<String, crate::error::AppError>| match result {
        Ok(text) => {
            flash.set(Some(Flash::Ok(text)));
            refresh.update(|n| *n += 1);
        }
        Err(e) => flash.set(Some(Flash::Err(error_text(&e)))),
    };
    let on_test = Callback::new(move |id: WebhookEndpointId| {
        flash.set(None);
        leptos::task::spawn_local(async move {
            report(send_test_webhook(id).await.map(|_| "Test event queued — its delivery shows in the log below.".to_string()));
        });
    });
    let on_enable = Callback::new(move |(id, enabled): (WebhookEndpointId, bool)| {
        flash.set(None);
        leptos::task::spawn_local(async move {
            let patch = WebhookEndpointPatch { enabled: Some(enabled), ..Default::default() };
            let text = if enabled { "Endpoint enabled." } else { "Endpoint disabled: no new deliveries until you enable it again." };
            report(update_webhook_endpoint(id, patch).await.map(|_| text.to_string()));
        });
    });
    let on_edit = Callback::new(move |e: WebhookEndpoint| {
        flash.set(None);
        dialog.set(Some(OpenDialog::Edit(e)));
    });
    let on_delete = Callback::new(move |e: WebhookEndpoint| {
        flash.set(None);
        dialog.set(Some(OpenDialog::Delete(e)));
    });
    let on_resend = Callback::new(move |id: WebhookDeliveryId| {
        flash.set(None);
        leptos::task::spawn_local(async move {
            report(resend_webhook_delivery(id).await.map(|_| format!("Delivery {id} queued to be sent again.")));
        });
    });
    let retry = RetryPolicy::STANDARD;

    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"Webhooks"</h1>
                <div class="head-actions">
                    <IfAllowed permission=Permission::ManageIntegrations>
                        <button class="btn btn-primary" type="button" on:click=move |_| { flash.set(None); dialog.set(Some(OpenDialog::Add)); }>"Add Endpoint"</button>
                    </IfAllowed>
                </div>
            </div>
            <p class="hint page-intro">
                "Dropdock POSTs your orders' events as JSON to these URLs, signed with your endpoint's secret (header "
                <code>"Dropdock-Signature"</code>"), each with a per-order "<code>"sequence"</code>" number. Failed deliveries are retried after "
                {short_duration(retry.delay_ms(1))}", "{short_duration(retry.delay_ms(2))}", "{short_duration(retry.delay_ms(3))}
                " … (at most "{short_duration(retry.cap_ms)}" apart) for "{short_duration(retry.window_ms)}
                ". The log keeps finished deliveries for "{WEBHOOK_LOG_KEPT_DAYS}" days."
            </p>
            <FlashNotice flash=flash/>
            <Transition fallback=|| view! { <p class="muted">"Loading endpoints…"</p> }>
                {move || endpoints.get().map(|r| list_or_empty(r, "No endpoints yet. Add one to receive order events.", |list| {
                    view! { <EndpointTable endpoints=list on_test=on_test on_enable=on_enable on_edit=on_edit on_delete=on_delete/> }.into_any()
                }))}
            </Transition>

            <section class="delivery-log" aria-label="Delivery log">
                <div class="section-head">
                    <h2>"Delivery log"</h2>
                    <Transition fallback=|| ()>
                    <div class="searchbar log-filters">
                        <label class="sr-only" for="log-endpoint">"Endpoint"</label>
                        <select id="log-endpoint" on:change=move |ev| {
                            let id = event_target_value(&ev).parse().ok();
                            log_filter.update(|q| { q.endpoint_id = id; q.before_id = None; });
                        }>
                            <option value="" selected=move || log_filter.with(|q| q.endpoint_id.is_none())>"All endpoints"</option>
                            {move || endpoints.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|e| {
                                let id = e.id;
                                view! { <option value=id.to_string() selected=move || log_filter.with(|q| q.endpoint_id == Some(id))>{e.url}</option> }
                            }).collect_view()}
                        </select>
                        <label class="sr-only" for="log-status">"Status"</label>
                        <select id="log-status" on:change=move |ev| {
                            let status = DeliveryStatus::from_code(&event_target_value(&ev));
                            log_filter.update(|q| { q.status = status; q.before_id = None; });
                        }>
                            <option value="" selected=move || log_filter.with(|q| q.status.is_none())>"Any status"</option>
                            {DeliveryStatus::ALL.into_iter().map(|s| view! {
                                <option value=s.code() selected=move || log_filter.with(|q| q.status == Some(s))>{s.label()}</option>
                            }).collect_view()}
                        </select>
                        <button class="btn" type="button" data-action="refresh" on:click=move |_| tick.update(|n| *n += 1)>"Refresh"</button>
                    </div>
                    </Transition>
                </div>
                <Transition fallback=|| view! { <p class="muted">"Loading deliveries…"</p> }>
                    {move || deliveries.get().map(|r| match r {
                        Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                        Ok(page) if page.deliveries.is_empty() => view! {
                            <div class="empty card" data-empty="deliveries">"No deliveries yet. Send a test event to try an endpoint."</div>
                        }.into_any(),
                        Ok(page) => view! {
                            <DeliveryTable page=page expanded=expanded on_resend=on_resend log_filter=log_filter/>
                        }.into_any(),
                    })}
                </Transition>
                {move || active.get().then(|| view! {
                    <p class="hint" role="status" data-polling="">"Deliveries are on their way — this log updates every 2 seconds."</p>
                })}
            </section>

            {move || dialog.get().map(|d| match d {
                OpenDialog::Add => view! { <AddEndpointDialog on_close=close on_created=changed/> }.into_any(),
                OpenDialog::Edit(e) => view! { <EditEndpointDialog endpoint=e on_close=close on_done=done/> }.into_any(),
                OpenDialog::Delete(e) => view! { <DeleteEndpointDialog endpoint=e on_close=close on_done=done/> }.into_any(),
            })}
        </MerchantLayout>
    }
}

#[component]
fn DeliveryStatusBadge(status: DeliveryStatus, attempts: i64) -> impl IntoView {
    let kind = if status == DeliveryStatus::Queued && attempts > 0 { "retrying" } else { status.code() };
    view! { <span class=format!("badge badge-dlv-{kind}") data-status=status.code()>{status_text(status, attempts)}</span> }
}

#[component]
fn EndpointTable(
    endpoints: Vec<WebhookEndpoint>,
    on_test: Callback<WebhookEndpointId>,
    on_enable: Callback<(WebhookEndpointId, bool)>,
    on_edit: Callback<WebhookEndpoint>,
    on_delete: Callback<WebhookEndpoint>,
) -> impl IntoView {
    let rows = endpoints
        .into_iter()
        .map(|e| {
            let id = e.id;
            let stored = StoredValue::new(e.clone());
            let events = e.event_types.iter().map(|t| view! { <span class="tag mono">{t.code()}</span> }).collect_view();
            let last = match e.last_delivery {
                Some((status, code)) => view! {
                    <span class="last-delivery">
                        <DeliveryStatusBadge status=status attempts=0/>
                        {code.map(|c| view! { <span class="mono" data-code="">{format!(" HTTP {c}")}</span> })}
                    </span>
                }
                .into_any(),
                None => view! { <span class="muted">"—"</span> }.into_any(),
            };
            let switch_id = format!("endpoint-enabled-{id}");
            let disabled = !e.enabled;
            let manage = may(Permission::ManageIntegrations);
            view! {
                <tr data-endpoint-id=id data-url=e.url.clone()>
                    <td data-label="URL" class="endpoint-url">
                        <span class="mono url-text">{e.url.clone()}</span>
                        {(!e.description.is_empty()).then(|| view! { <span class="muted small">{e.description.clone()}</span> })}
                    </td>
                    <td data-label="Events"><span class="tags event-tags">{events}</span></td>
                    <td data-label="Enabled">
                        <label class="switch">
                            <input id=switch_id type="checkbox" role="switch" prop:checked=e.enabled disabled=move || !manage.get()
                                aria-label=format!("Enabled {}", e.url)
                                on:change=move |ev| on_enable.run((id, event_target_checked(&ev)))/>
                            <span>{if e.enabled { "On" } else { "Off" }}</span>
                        </label>
                    </td>
                    <td data-label="Last delivery">{last}</td>
                    <td class="actions"><IfAllowed permission=Permission::ManageIntegrations><div class="row-actions">
                        <button type="button" class="btn btn-small" data-action="test" disabled=disabled on:click=move |_| on_test.run(id)>"Send test"</button>
                        <button type="button" class="btn btn-small" data-action="edit" on:click=move |_| on_edit.run(stored.get_value())>"Edit"</button>
                        <button type="button" class="btn btn-small btn-warn" data-action="delete" on:click=move |_| on_delete.run(stored.get_value())>"Delete"</button>
                    </div></IfAllowed></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid endpoints stack-phone">
                <thead><tr><th>"URL"</th><th>"Events"</th><th>"Enabled"</th><th>"Last delivery"</th><th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn DeliveryTable(
    page: DeliveryPage,
    expanded: RwSignal<BTreeSet<WebhookDeliveryId>>,
    on_resend: Callback<WebhookDeliveryId>,
    log_filter: RwSignal<DeliveryQuery>,
) -> impl IntoView {
    let newer = log_filter.with_untracked(|q| q.before_id.is_some());
    let at_newest = !newer;
    let older = page.next_before_id;
    let no_older = older.is_none();
    let rows = page
        .deliveries
        .into_iter()
        .map(|d| {
            let id = d.id;
            let open = move || expanded.with(|s| s.contains(&id));
            let toggle = move |_| {
                expanded.update(|s| {
                    if !s.remove(&id) {
                        s.insert(id);
                    }
                })
            };
            let order = match d.order_id {
                Some(o) => view! { <a href=format!("/orders/{o}") class="mono">{order_no(o)}</a> }.into_any(),
                None => view! { <span class="muted">"—"</span> }.into_any(),
            };
            let next = d.next_attempt_at_ms.map(time_text).unwrap_or_else(|| "—".into());
            let detail = StoredValue::new(d.clone());
            let sending = d.status == DeliveryStatus::Delivering;
            view! {
                <tr data-delivery-id=id data-event=d.event_type.code() data-status=d.status.code() class:open-row=open>
                    <td data-label="Time" class="time-cell muted">{time_text(d.created_at_ms)}</td>
                    <td data-label="Event" class="mono">{d.event_type.code()}{(d.sequence > 0).then(|| view! { <span class="muted">{format!(" #{}", d.sequence)}</span> })}</td>
                    <td data-label="Order">{order}</td>
                    <td data-label="Endpoint" class="endpoint-cell"><span class="mono url-text" title=d.endpoint_url.clone()>{d.endpoint_url.clone()}</span></td>
                    <td data-label="Status"><DeliveryStatusBadge status=d.status attempts=d.attempts/></td>
                    <td data-label="Response" class="mono" data-code="">{d.last_status_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td data-label="Attempts" class="num" data-attempts="">{d.attempts}</td>
                    <td data-label="Next retry" class="time-cell muted">{next}</td>
                    <td class="actions"><div class="row-actions">
                        <button type="button" class="btn btn-small" data-action="details" aria-expanded=move || open().to_string() on:click=toggle>
                            {move || if open() { "Hide" } else { "Details" }}
                        </button>
                        <IfAllowed permission=Permission::ManageIntegrations>
                            <button type="button" class="btn btn-small" data-action="resend" disabled=sending
                                on:click=move |_| on_resend.run(id)>"Re-send"</button>
                        </IfAllowed>
                    </div></td>
                </tr>
                {move || open().then(|| view! { <DeliveryDetail delivery=detail.get_value()/> })}
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid deliveries stack-phone">
                <thead><tr>
                    <th>"Time"</th><th>"Event"</th><th>"Order"</th><th>"Endpoint"</th><th>"Status"</th><th>"Response"</th>
                    <th class="num">"Attempts"</th><th>"Next retry"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(newer || older.is_some()).then(|| view! {
            <div class="pager">
                <button type="button" class="btn" disabled=at_newest on:click=move |_| log_filter.update(|q| q.before_id = None)>"← Newest"</button>
                <button type="button" class="btn" disabled=no_older on:click=move |_| log_filter.update(|q| q.before_id = older)>"Older →"</button>
            </div>
        })}
    }
}

/// The expanded row: what was sent, what came back, every attempt.
#[component]
fn DeliveryDetail(delivery: WebhookDelivery) -> impl IntoView {
    let body = indent_json(&delivery.request_body);
    let attempts = delivery
        .attempt_log
        .into_iter()
        .rev()
        .map(|a| {
            let outcome = match a.status_code {
                Some(code) => format!("HTTP {code}"),
                None => "no answer".into(),
            };
            view! {
                <li data-attempt=a.attempt>
                    <span class="strong">{format!("#{}", a.attempt)}</span>" "
                    <span class="muted">{time_text(a.at_ms)}</span>" · "
                    <span class="mono">{outcome}</span>" · "{format!("{} ms", a.duration_ms)}
                    // Why there was no answer (a status code speaks for itself).
                    {(a.status_code.is_none() && !a.error.is_empty()).then(|| view! { <span class="fail-text">" · "{a.error}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <tr class="delivery-detail" data-detail-for=delivery.id>
            <td colspan="9">
                <div class="detail-grid">
                    <section>
                        <h3>"Request body"</h3>
                        <p class="muted small mono">{format!("event id {}", delivery.event_id)}</p>
                        <pre class="code-block" data-request-body="">{body}</pre>
                    </section>
                    <section>
                        <h3>"Response"</h3>
                        {(delivery.last_status_code.is_none() && !delivery.last_error.is_empty())
                            .then(|| view! { <p class="fail-text small" data-error="">{delivery.last_error.clone()}</p> })}
                        <pre class="code-block" data-response="">{if delivery.response_snippet.is_empty() { "(empty)".to_string() } else { delivery.response_snippet }}</pre>
                        <h3>"Attempts"</h3>
                        <ul class="attempt-list">{attempts}</ul>
                    </section>
                </div>
            </td>
        </tr>
    }
}

/// Event checkboxes with what each one means.
#[component]
fn EventChoices(chosen: RwSignal<Vec<WebhookEventType>>, errors: Signal<ValidationErrors>) -> impl IntoView {
    let boxes = WebhookEventType::SUBSCRIBABLE
        .into_iter()
        .map(|t| {
            let id = format!("event-{}", t.code().replace('.', "-"));
            let label_for = id.clone();
            view! {
                <label class="checkbox event-choice" for=label_for>
                    <input type="checkbox" id=id value=t.code() prop:checked=move || chosen.with(|c| c.contains(&t))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|x| *x != t);
                                if on { c.push(t); }
                            });
                        }/>
                    <span><span class="mono">{t.code()}</span><span class="muted small event-help">{t.description()}</span></span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="event-choices">
            <legend>"Events"<RequiredMark/></legend>
            <div class="choice-tools">
                <button type="button" class="link-button" on:click=move |_| chosen.set(WebhookEventType::SUBSCRIBABLE.to_vec())>"Select all"</button>
                <button type="button" class="link-button" on:click=move |_| chosen.set(Vec::new())>"Clear"</button>
            </div>
            {boxes}
            <FieldError errors=errors field=FIELD_WEBHOOK_EVENTS/>
        </fieldset>
    }
}

/// 【Add Endpoint】: the form, then the signing secret, shown this once.
#[component]
fn AddEndpointDialog(on_close: Callback<()>, on_created: Callback<()>) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let chosen = RwSignal::new(WebhookEventType::SUBSCRIBABLE.to_vec());
    let input = move || WebhookEndpointInput { url: url.get(), description: description.get(), event_types: chosen.get() };
    let state = FormState::new(move || input().validated());
    let created = RwSignal::new(None::<CreatedWebhookEndpoint>);
    let submit = Callback::new(move |_: ()| {
        state.submit(input().validated(), create_webhook_endpoint, move |c| {
            created.set(Some(c));
            on_created.run(());
        });
    });
    move || match created.get() {
        None => view! {
            <FormDialog title="Add Endpoint" label="Add Endpoint" state=state on_submit=submit on_close=on_close>
                <TextField id="url" label="Endpoint URL" value=url errors=state.errors() field=FIELD_WEBHOOK_URL required=true
                    inputmode="url" placeholder="https://example.com/dropdock/webhooks"/>
                <TextField id="description" label="Description" value=description errors=state.errors() field=FIELD_WEBHOOK_DESCRIPTION
                    placeholder="e.g. ERP order sync"/>
                <EventChoices chosen=chosen errors=state.errors()/>
            </FormDialog>
        }
        .into_any(),
        Some(c) => view! {
            <Dialog title="Add Endpoint" on_close=on_close>
                <SecretOnce created=c on_close=on_close/>
            </Dialog>
        }
        .into_any(),
    }
}

/// The new endpoint's signing secret with a copy button; it is not shown again.
#[component]
fn SecretOnce(created: CreatedWebhookEndpoint, on_close: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let secret = StoredValue::new(created.secret.clone());
    let copy = move |_| copied.set(copy_to_clipboard(&secret.get_value()));
    view! {
        <div class="notice notice-success" role="status">"Endpoint added: "<span class="mono url-text">{created.endpoint.url}</span></div>
        <div class="field secret-field">
            <label for="signing-secret">"Signing secret"</label>
            <div class="secret-row">
                <textarea id="signing-secret" rows="2" readonly class="mono" spellcheck="false" data-secret="" prop:value=created.secret
                    on:focus=move |ev| select_field_text(&ev)></textarea>
                <button type="button" class="btn" data-action="copy" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
            </div>
            <p class="warn-text" role="note">"Copy it now: this is the only time the secret is shown. Your receiver uses it to check the "
                <code>"Dropdock-Signature"</code>" header."</p>
        </div>
        <div class="dialog-foot">
            <button type="button" class="btn btn-primary" data-action="done" on:click=move |_| on_close.run(())>"Done"</button>
        </div>
    }
}

/// 【Edit】: description and events (a new URL needs a new endpoint and secret).
#[component]
fn EditEndpointDialog(endpoint: WebhookEndpoint, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let id = endpoint.id;
    let description = RwSignal::new(endpoint.description.clone());
    let chosen = RwSignal::new(endpoint.event_types.clone());
    let patch = move || WebhookEndpointPatch { description: Some(description.get()), event_types: Some(chosen.get()), enabled: None };
    let state = FormState::new(move || patch().validated());
    let submit = Callback::new(move |_: ()| {
        state.submit(patch().validated(), move |valid| update_webhook_endpoint(id, valid), move |e: WebhookEndpoint| {
            on_done.run(Flash::Ok(format!("Endpoint {} saved.", e.url)))
        });
    });
    view! {
        <FormDialog title="Edit Endpoint" subtitle=endpoint.url.clone() label="Save" state=state on_submit=submit on_close=on_close>
            <TextField id="description" label="Description" value=description errors=state.errors() field=FIELD_WEBHOOK_DESCRIPTION/>
            <EventChoices chosen=chosen errors=state.errors()/>
        </FormDialog>
    }
}

#[component]
fn DeleteEndpointDialog(endpoint: WebhookEndpoint, on_close: Callback<()>, on_done: Callback<Flash>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = endpoint.id;
    let url = endpoint.url.clone();
    let confirm = Callback::new(move |_: ()| {
        busy.set(true);
        error.set(None);
        let url = url.clone();
        leptos::task::spawn_local(async move {
            match delete_webhook_endpoint(id).await {
                Ok(()) => on_done.run(Flash::Ok(format!("Endpoint {url} deleted."))),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(error_text(&e)));
                }
            }
        });
    });
    view! {
        <ConfirmDialog title="Delete Endpoint" subtitle=endpoint.url
            message="Its queued deliveries are dropped and its delivery log is removed. Receivers stop getting events at once."
            confirm_label="Delete" busy=busy error=error on_confirm=confirm on_close=on_close/>
    }
}

/// The body as sent, one member per line: keys keep their order (re-serializing through
/// `serde_json::Value` would sort them) and string contents are left alone.
fn indent_json(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Keep empty objects and arrays on one line.
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_indented_in_their_own_key_order() {
        let raw = r#"{"id":"e1","type":"ping","order":null,"data":{"message":"a, b: {c}","list":[1,2],"none":{},"q":"say \"hi\", ok"}}"#;
        let expected = r#"{
  "id": "e1",
  "type": "ping",
  "order": null,
  "data": {
    "message": "a, b: {c}",
    "list": [
      1,
      2
    ],
    "none": {},
    "q": "say \"hi\", ok"
  }
}"#;
        assert_eq!(indent_json(raw), expected);
        let back: serde_json::Value = serde_json::from_str(&indent_json(raw)).expect("still JSON");
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(raw).expect("JSON"));
        assert_eq!(indent_json("not json"), "notjson", "garbage in, garbage out, no panic");
    }

    #[test]
    fn a_queued_delivery_that_failed_before_reads_retrying() {
        assert_eq!(status_text(DeliveryStatus::Queued, 0), "Queued");
        assert_eq!(status_text(DeliveryStatus::Queued, 2), "Retrying");
        assert_eq!(status_text(DeliveryStatus::Failed, 2), "Failed");
    }
}
