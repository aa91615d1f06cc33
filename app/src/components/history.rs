//! History (audit log) views: who changed what, when, from what to what.

use leptos::prelude::*;

use crate::api::platform::platform_history;
use crate::domain::{time, AuditEntry, HistoryOf};

use super::{error_text, Notice};

/// The entries, oldest first, each with its changed fields as "field: before → after".
#[component]
pub fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="muted empty-history">"No changes recorded yet."</p> }.into_any();
    }
    view! {
        <table class="grid history stack-phone">
            <thead><tr><th>"When"</th><th>"Who"</th><th>"What"</th><th>"Changes"</th></tr></thead>
            <tbody>
                {entries.into_iter().map(|e| {
                    let changes = e.changes();
                    view! {
                        <tr class="audit-row">
                            <td class="nowrap" data-label="When">{time::format_utc_minutes(e.at_ms)}</td>
                            <td data-label="Who">{e.actor_name.clone()}</td>
                            <td data-label="What">{e.action.clone()}</td>
                            <td data-label="Changes">
                                <ul class="changes">
                                    {changes.into_iter().map(|c| view! {
                                        <li>
                                            <span class="change-field">{field_label(&c.field)}</span>": "
                                            <span class="change-before">{if c.before.is_empty() { "—".to_string() } else { c.before }}</span>
                                            " → "
                                            <span class="change-after">{if c.after.is_empty() { "—".to_string() } else { c.after }}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// "dropship_order" → "Dropship order".
fn field_label(field: &str) -> String {
    let words = field.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The history of a platform order, SKU mapping or store (loaded when shown).
#[component]
pub fn PlatformHistory(object: HistoryOf) -> impl IntoView {
    let entries = LocalResource::new(move || platform_history(object));
    view! {
        {move || match entries.get() {
            None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
            Some(Ok(list)) => view! { <AuditTable entries=list/> }.into_any(),
        }}
    }
}
