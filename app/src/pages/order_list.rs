use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::orders::{intercept_order, list_orders, retry_label, submit_order};
use crate::components::*;
use crate::domain::*;

/// Builds the list URL for a tab / search / cursor combination.
fn list_href(status: Option<OrderStatus>, search: &str, after: Option<OrderId>, before: Option<OrderId>) -> String {
    let mut params = Vec::new();
    if let Some(s) = status {
        params.push(format!("status={}", s.code()));
    }
    if !search.is_empty() {
        params.push(format!("q={}", encode_query_value(search)));
    }
    if let Some(a) = after {
        params.push(format!("after={a}"));
    }
    if let Some(b) = before {
        params.push(format!("before={b}"));
    }
    if params.is_empty() { "/orders".into() } else { format!("/orders?{}", params.join("&")) }
}

pub(crate) fn encode_query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[component]
pub fn OrderListPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| OrderListQuery {
            status: p.get("status").and_then(|s| OrderStatus::from_code(&s)),
            search: p.get("q").unwrap_or_default(),
            after: p.get("after").and_then(|v| v.parse().ok()),
            before: p.get("before").and_then(|v| v.parse().ok()),
            limit: None,
        })
    });
    let saved = Memo::new(move |_| params.with(|p| p.get("saved").and_then(|v| v.parse::<OrderId>().ok())));
    let updated = Memo::new(move |_| params.with(|p| p.get("updated").and_then(|v| v.parse::<OrderId>().ok())));
    let refresh = RwSignal::new(0u32);
    let page = Resource::new(move || (query.get(), refresh.get()), |(q, _)| list_orders(q));
    // Labels arrive from the carrier in the background: show them without a reload.
    on_order_change(move || refresh.update(|n| *n += 1));
    let action_error = RwSignal::new(None::<String>);

    let run_action = move |id: OrderId, action: RowAction| {
        action_error.set(None);
        leptos::task::spawn_local(async move {
            let result = match action {
                RowAction::Submit => submit_order(id).await.map(|_| ()),
                RowAction::Intercept => intercept_order(id).await.map(|_| ()),
                RowAction::RetryLabel => retry_label(id).await,
            };
            match result {
                Ok(_) => refresh.update(|n| *n += 1),
                Err(e) => action_error.set(Some(format!("{}: {}", order_no(id), error_text(&e)))),
            }
        });
    };

    let tabs = move || {
        let current = query.get().status;
        let search = query.get().search;
        std::iter::once(None)
            .chain(OrderStatus::ALL.into_iter().map(Some))
            .map(|s| {
                let label = s.map(|s| s.label()).unwrap_or("All");
                view! {
                    <a class="tab" class:active=current == s href=list_href(s, &search, None, None)>{label}</a>
                }
            })
            .collect_view()
    };

    view! {
        <MerchantLayout>
            <div class="page-head">
                <h1>"Dropship Orders"</h1>
                <a class="btn btn-primary" href="/orders/new">"+ Create Order"</a>
            </div>
            {move || saved.get().map(|id| view! {
                <Notice kind="success">{MSG_ADDED}" — "<a href=format!("/orders/{id}")>{order_no(id)}</a>" saved as Draft."</Notice>
            })}
            {move || updated.get().map(|id| view! {
                <Notice kind="success">"Saved successfully — "<a href=format!("/orders/{id}")>{order_no(id)}</a>" updated."</Notice>
            })}
            {move || action_error.get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
            <nav class="tabs" aria-label="Order status">{tabs}</nav>
            <Form method="GET" action="/orders" attr:class="searchbar">
                {move || query.get().status.map(|s| view! { <input type="hidden" name="status" value=s.code()/> })}
                <input type="search" name="q" aria-label="Search orders"
                    placeholder="Order no., platform order no., recipient or tracking no."
                    prop:value=move || query.get().search/>
                <button class="btn" type="submit">"Search"</button>
            </Form>
            <Transition fallback=|| view! { <p class="muted">"Loading orders…"</p> }>
                {move || page.get().map(|result| match result {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(page) => view! { <OrderTable page=page query=query.get_untracked() on_action=run_action/> }.into_any(),
                })}
            </Transition>
        </MerchantLayout>
    }
}

/// What a row button asks for.
#[derive(Clone, Copy)]
enum RowAction {
    Submit,
    Intercept,
    RetryLabel,
}

#[component]
fn OrderTable(
    page: OrderPage,
    query: OrderListQuery,
    on_action: impl Fn(OrderId, RowAction) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if page.rows.is_empty() {
        let text = if query.search.is_empty() { "No orders here yet." } else { "No orders match your search." };
        return view! { <div class="empty card">{text}" "<a href="/orders/new">"Create an order"</a></div> }.into_any();
    }
    let prev = page.prev_before.map(|b| list_href(query.status, &query.search, None, Some(b)));
    let next = page.next_after.map(|a| list_href(query.status, &query.search, Some(a), None));
    let rows = page
        .rows
        .into_iter()
        .map(|o| {
            let id = o.id;
            view! {
                <tr data-order=order_no(id)>
                    <td data-label="Order No."><a href=format!("/orders/{id}") class="mono">{order_no(id)}</a></td>
                    <td data-label="Platform Order No.">{o.platform_order_no}</td>
                    <td data-label="Recipient" class="recipient"><span>{o.recipient_name}<span class="muted">" · "{o.recipient_country}</span></span></td>
                    <td data-label="Warehouse" class="hide-phone">{o.warehouse_code}</td>
                    <td data-label="Channel" class="mono">{o.channel_code}</td>
                    <td data-label="Units" class="num hide-phone">{o.total_units}</td>
                    <td data-label="Tracking No."><LabelInfo id=id status=o.label_status tracking_no=o.tracking_no error=o.label_error
                        on_retry=move |id| on_action(id, RowAction::RetryLabel)/></td>
                    <td data-label="Status"><StatusBadge status=o.status/></td>
                    <td data-label="Created" class="time-cell muted hide-phone">{time::format_utc_minutes(o.created_at_ms)}</td>
                    <td class="actions"><div class="row-actions">
                        <a class="btn btn-small" href=format!("/orders/{id}")>"View"</a>
                        {o.status.is_editable().then(|| view! {
                            <a class="btn btn-small" href=format!("/orders/{id}/edit")>"Edit"</a>
                            <button class="btn btn-small btn-primary" on:click=move |_| on_action(id, RowAction::Submit)>"Submit"</button>
                        })}
                        {OrderAction::Intercept.allowed_from(o.status).then(|| view! {
                            <button class="btn btn-small btn-warn" on:click=move |_| on_action(id, RowAction::Intercept)>"Intercept"</button>
                        })}
                    </div></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="grid orders stack-phone">
                <thead><tr>
                    <th>"Order No."</th><th class="wrap-head">"Platform Order No."</th><th>"Recipient"</th><th>"Warehouse"</th>
                    <th>"Channel"</th><th class="num">"Units"</th><th>"Tracking No."</th><th>"Status"</th>
                    <th>"Created"</th><th>"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <div class="pager">
            {match prev { Some(h) => view! { <a class="btn" href=h>"← Newer"</a> }.into_any(), None => view! { <span class="btn disabled">"← Newer"</span> }.into_any() }}
            {match next { Some(h) => view! { <a class="btn" href=h>"Older →"</a> }.into_any(), None => view! { <span class="btn disabled">"Older →"</span> }.into_any() }}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_links_carry_tab_search_and_cursor() {
        assert_eq!(list_href(None, "", None, None), "/orders");
        assert_eq!(
            list_href(Some(OrderStatus::Draft), "Jane Doe&co", Some(40), None),
            "/orders?status=draft&q=Jane+Doe%26co&after=40"
        );
    }
}
