//! 【Acknowledge】 a B2B order: choose the warehouse, see each line's stock there, and accept
//! all, part or none of it. `validate_acknowledgment` runs here before anything is sent.

use leptos::prelude::*;

use super::dispatch::WarehouseSelect;
use super::*;
use crate::api::platform::{acknowledge_order, acknowledgment_lines};
use crate::components::*;

/// Accept as much as the warehouse has, up to what was ordered.
fn accept_all(lines: &[AckLineView], previous: &[AckLineInput]) -> Vec<AckLineInput> {
    lines
        .iter()
        .map(|l| AckLineInput {
            line_id: l.line_id,
            accepted: l.ordered.min(l.available).max(0),
            reason: previous.iter().find(|a| a.line_id == l.line_id).map(|a| a.reason.clone()).unwrap_or_default(),
        })
        .collect()
}

fn reject_all(lines: &[AckLineView], reason: &str) -> Vec<AckLineInput> {
    lines.iter().map(|l| AckLineInput { line_id: l.line_id, accepted: 0, reason: reason.trim().to_string() }).collect()
}

fn line_key(line_id: i64) -> String {
    format!("line.{line_id}")
}

#[component]
pub(super) fn AcknowledgeDialog(
    order: PlatformOrderSummary,
    catalog: CatalogResource,
    on_close: Callback<()>,
    on_done: Callback<Flash>,
) -> impl IntoView {
    let id = order.id;
    let platform_order_no = order.order_no.clone();
    let warehouse = RwSignal::new(None::<WarehouseId>);
    // Tagged with its warehouse, so lines of the previous choice are never shown for a new one.
    let lines = LocalResource::new(move || {
        let w = warehouse.get();
        async move {
            match w {
                Some(w) => Some((w, acknowledgment_lines(id, w).await)),
                None => None,
            }
        }
    });
    // With one warehouse there is nothing to choose.
    Effect::new(move |_| {
        let only = catalog.with(|c| match c {
            Some(Ok(c)) if c.warehouses.len() == 1 => c.warehouses.first().map(|w| w.id),
            _ => None,
        });
        if only.is_some() && warehouse.get_untracked().is_none() {
            warehouse.set(only);
        }
    });
    let on_warehouse = Callback::new(move |w: Option<WarehouseId>| warehouse.set(w));
    let platform_order_no = StoredValue::new(platform_order_no);

    view! {
        <Dialog title=PlatformAction::Acknowledge.label() subtitle=order.order_no.clone() wide=true on_close=on_close>
            {move || match catalog.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                Some(Ok(c)) => view! {
                    <div class="fields two">
                        <WarehouseSelect id="ack-warehouse" catalog=StoredValue::new(c) value=warehouse on_change=on_warehouse/>
                    </div>
                }.into_any(),
            }}
            {move || match (warehouse.get(), lines.get()) {
                (None, _) => view! {
                    <p class="hint">"Choose the warehouse that will ship this order to see what it has in stock."</p>
                    <div class="dialog-foot"><button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button></div>
                }.into_any(),
                (Some(w), Some(Some((loaded, Ok(list))))) if loaded == w => view! {
                    <AckForm id=id warehouse=w lines=list platform_order_no=platform_order_no.get_value() on_close=on_close on_done=on_done/>
                }.into_any(),
                (Some(w), Some(Some((loaded, Err(e))))) if loaded == w => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                _ => view! { <p class="muted">"Loading stock…"</p> }.into_any(),
            }}
        </Dialog>
    }
}

#[component]
fn AckForm(
    id: PlatformOrderId,
    warehouse: WarehouseId,
    lines: Vec<AckLineView>,
    platform_order_no: String,
    on_close: Callback<()>,
    on_done: Callback<Flash>,
) -> impl IntoView {
    let answers = RwSignal::new(accept_all(&lines, &[]));
    let lines = StoredValue::new(lines);
    let reject_reason = RwSignal::new(String::new());
    let reject_error = RwSignal::new(None::<String>);
    let attempted = RwSignal::new(false);
    let server_errors = RwSignal::new(ValidationErrors::default());
    let note = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let platform_order_no = StoredValue::new(platform_order_no);

    let client_errors = Memo::new(move |_| {
        if !attempted.get() {
            return ValidationErrors::default();
        }
        let a = answers.get();
        lines.with_value(|l| validate_acknowledgment(l, &a).err().unwrap_or_default())
    });
    let errors = Signal::derive(move || {
        let c = client_errors.get();
        if c.is_empty() { server_errors.get() } else { c }
    });

    let send = move |valid: Vec<AckLineInput>| {
        server_errors.set(ValidationErrors::default());
        failure.set(None);
        sending.set(true);
        let accepted: i64 = valid.iter().map(|a| a.accepted).sum();
        let ordered: i64 = lines.with_value(|l| l.iter().map(|l| l.ordered).sum());
        let done_text = format!("{} acknowledged: {accepted} of {ordered} unit(s) accepted.", platform_order_no.get_value());
        leptos::task::spawn_local(async move {
            match acknowledge_order(id, warehouse, valid).await {
                Ok(()) => on_done.run(Flash::Ok(done_text)),
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
    let partial = move |_| {
        attempted.set(true);
        note.set(None);
        let a = answers.get_untracked();
        if let Ok(valid) = lines.with_value(|l| validate_acknowledgment(l, &a)) {
            send(valid);
        }
    };
    let accept = move |_| {
        reject_error.set(None);
        let filled = lines.with_value(|l| accept_all(l, &answers.get_untracked()));
        answers.set(filled.clone());
        let short = lines.with_value(|l| l.iter().filter(|l| l.available < l.ordered).count());
        if short == 0 {
            attempted.set(true);
            note.set(None);
            if let Ok(valid) = lines.with_value(|l| validate_acknowledgment(l, &filled)) {
                send(valid);
            }
        } else {
            // Part of the order cannot be accepted: the merchant has to say why before sending.
            attempted.set(true);
            note.set(Some(format!(
                "{short} line(s) cannot be accepted in full with this warehouse's stock. Enter a reason for the rest, then choose Partial Accept."
            )));
        }
    };
    let reject = move |_| {
        note.set(None);
        let reason = reject_reason.get_untracked();
        let all = lines.with_value(|l| reject_all(l, &reason));
        match lines.with_value(|l| validate_acknowledgment(l, &all)) {
            Ok(valid) => {
                reject_error.set(None);
                answers.set(all);
                send(valid);
            }
            Err(e) => reject_error.set(e.messages().next().map(str::to_string)),
        }
    };

    let set_answer = move |line_id: i64, update: Box<dyn FnOnce(&mut AckLineInput)>| {
        answers.update(|all| {
            if let Some(a) = all.iter_mut().find(|a| a.line_id == line_id) {
                update(a);
            }
        });
    };
    let rows = lines.with_value(|l| l.clone()).into_iter().map(|line| {
        let line_id = line.line_id;
        let answer = move || answers.with(|all| all.iter().find(|a| a.line_id == line_id).cloned().unwrap_or_default());
        let short = move || answer().accepted < line.ordered;
        view! {
            <tr data-line-id=line_id data-platform-sku=line.platform_sku.clone() class:short=short>
                <td class="mono">{line.platform_sku.clone()}</td>
                <td>{line.title.clone()}</td>
                <td class="num">{line.ordered}</td>
                <td>{match line.warehouse_sku.clone() {
                    Some(code) => view! { <span class="mono">{code}</span> }.into_any(),
                    None => view! { <span class="not-mapped" data-not-mapped="">"Not Mapped"</span> }.into_any(),
                }}</td>
                <td class="num" data-available="">{line.available}</td>
                <td>
                    <label class="sr-only" for=format!("ack-accepted-{line_id}")>{format!("Accepted quantity of {}", line.platform_sku)}</label>
                    <input id=format!("ack-accepted-{line_id}") class="qty" type="number" min="0" max=line.ordered.to_string() step="1"
                        prop:value=move || answer().accepted.to_string()
                        on:input=move |ev| {
                            // Unreadable input counts as -1 so the range rule reports it.
                            let q = event_target_value(&ev).trim().parse::<i64>().unwrap_or(-1);
                            set_answer(line_id, Box::new(move |a| a.accepted = q));
                        }/>
                </td>
                <td>
                    <label class="sr-only" for=format!("ack-reason-{line_id}")>{format!("Reason for {}", line.platform_sku)}</label>
                    <input id=format!("ack-reason-{line_id}") type="text" maxlength="200"
                        placeholder=move || if short() { "Required: why not all?" } else { "" }
                        prop:value=move || answer().reason
                        on:input=move |ev| { let v = event_target_value(&ev); set_answer(line_id, Box::new(move |a| a.reason = v)); }/>
                    <FieldError errors=errors field=line_key(line_id)/>
                </td>
            </tr>
        }
    }).collect_view();
    let totals = move || {
        let accepted: i64 = answers.with(|a| a.iter().map(|a| a.accepted.max(0)).sum());
        let ordered: i64 = lines.with_value(|l| l.iter().map(|l| l.ordered).sum());
        format!("Accepting {accepted} of {ordered} unit(s)")
    };
    view! {
        <div class="table-scroll">
            <table class="grid lines ack-lines">
                <thead><tr>
                    <th>"SKU"</th><th>"Title"</th><th class="num">"Ordered"</th><th>"Warehouse SKU"</th>
                    <th class="num">"Available"</th><th>"Accepted"</th><th>"Reason"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="muted" data-ack-totals="">{totals}</p>
        <FieldError errors=errors field="lines"/>
        {move || note.get().map(|n| view! { <p class="warn-text" role="alert">{n}</p> })}
        <div class="field reject-reason">
            <label for="ack-reject-reason">"Reason (for Reject All)"</label>
            <input id="ack-reject-reason" type="text" maxlength="200" placeholder="e.g. Discontinued item"
                prop:value=move || reject_reason.get() on:input=move |ev| reject_reason.set(event_target_value(&ev))/>
            {move || reject_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
        {move || failure.get().map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
        <div class="dialog-foot">
            <button type="button" class="btn" on:click=move |_| on_close.run(())>"Cancel"</button>
            <button type="button" class="btn btn-warn" data-ack="reject" disabled=move || sending.get() on:click=reject>"Reject All"</button>
            <button type="button" class="btn" data-ack="partial" disabled=move || sending.get() on:click=partial>"Partial Accept"</button>
            <button type="button" class="btn btn-primary" data-ack="accept" disabled=move || sending.get() on:click=accept>"Accept All"</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(line_id: i64, ordered: i64, available: i64) -> AckLineView {
        AckLineView { line_id, platform_sku: format!("P{line_id}"), title: String::new(), ordered, warehouse_sku: Some("W".into()), available }
    }

    #[test]
    fn accept_all_takes_what_is_in_stock_and_keeps_reasons() {
        let lines = [line(1, 5, 10), line(2, 5, 3)];
        let previous = [AckLineInput { line_id: 2, accepted: 0, reason: "short".into() }];
        let filled = accept_all(&lines, &previous);
        assert_eq!(filled.iter().map(|a| a.accepted).collect::<Vec<_>>(), vec![5, 3]);
        assert_eq!(filled[1].reason, "short");
        assert!(validate_acknowledgment(&lines, &filled).is_ok());
        assert!(validate_acknowledgment(&lines, &accept_all(&lines, &[])).is_err());
    }

    #[test]
    fn reject_all_needs_a_reason() {
        let lines = [line(1, 5, 10), line(2, 1, 0)];
        assert!(validate_acknowledgment(&lines, &reject_all(&lines, "  ")).is_err());
        let valid = validate_acknowledgment(&lines, &reject_all(&lines, " gone ")).unwrap_or_default();
        assert_eq!(valid.iter().map(|a| (a.accepted, a.reason.as_str())).collect::<Vec<_>>(), vec![(0, "gone"), (0, "gone")]);
    }
}
