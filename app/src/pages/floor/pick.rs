//! 【Pick】: the wave's lines in walking order; scan the bin, then each unit. Scans are judged
//! right here from the loaded pick sheet and sent through the offline-safe command queue.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::FloorShell;
use crate::api::floor::{complete_pick, load_pick_sheet, report_short};
use crate::components::*;
use crate::domain::*;

#[component]
pub fn PickPage() -> impl IntoView {
    let params = use_params_map();
    let wave_id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<WaveId>().ok()).unwrap_or(0));
    let sheet = Resource::new(wave_id, load_pick_sheet);
    view! {
        <FloorShell>
            <Suspense fallback=|| view! { <p class="muted">"Loading pick sheet…"</p> }>
                {move || sheet.get().map(|r| match r {
                    Err(e) => view! { <Notice kind="error">{error_text(&e)}</Notice> }.into_any(),
                    Ok(s) => view! { <PickScreen sheet=s/> }.into_any(),
                })}
            </Suspense>
        </FloorShell>
    }
}

#[component]
fn PickScreen(sheet: PickSheet) -> impl IntoView {
    let wave = sheet.wave.clone();
    let wave_id = wave.id;
    let lines = RwSignal::new(sheet.lines);
    let current_bin = RwSignal::new(None::<String>);
    let feedback = RwSignal::new(None::<ScanFeedback>);
    let notice = RwSignal::new(None::<(String, String)>);
    let done = RwSignal::new(wave.status == WaveStatus::Picked);

    // The server refusing a queued scan (e.g. another picker finished the line) is shown too.
    let queue = CommandQueue::new(Callback::new(move |(_, result): CommandResult| {
        if let Err(e) = result {
            give_feedback(feedback, false, format!("Not recorded: {}", error_text(&e)));
        }
    }));

    let on_scan = Callback::new(move |code: String| {
        let verdict = lines.with_untracked(|l| judge_pick_scan(l, current_bin.get_untracked().as_deref(), &code));
        match verdict {
            Ok(PickScan::Bin(bin)) => {
                let todo: Vec<String> = lines.with_untracked(|l| {
                    l.iter().filter(|x| x.bin == bin && !x.is_done()).map(|x| format!("{} × {}", x.remaining(), x.sku_code)).collect()
                });
                give_feedback(feedback, true, format!("Bin {bin}: pick {}", todo.join(", ")));
                current_bin.set(Some(bin));
            }
            Ok(PickScan::Unit(sku)) => {
                let mut text = String::new();
                lines.update(|l| {
                    if let Some(line) = l.iter_mut().find(|x| x.sku_id == sku) {
                        line.picked += 1;
                        text = format!("{} {}/{}", line.sku_code, line.picked, line.needed - line.short);
                    }
                });
                queue.push(FloorAction::PickUnit { wave_id, sku_id: sku });
                give_feedback(feedback, true, text);
            }
            Err(message) => give_feedback(feedback, false, message),
        }
    });

    let remaining = move || lines.with(|l| l.iter().map(PickLine::remaining).sum::<i64>());
    let picked = move || lines.with(|l| l.iter().map(|x| x.picked).sum::<i64>());
    let total = move || lines.with(|l| l.iter().map(|x| x.needed).sum::<i64>());
    // Named closures: a bare `>` inside view! attributes would end the tag.
    let cannot_finish = move || remaining() > 0 || queue.pending.get() > 0;
    let percent = move || if total() > 0 { picked() * 100 / total() } else { 0 };
    let finish = move |_: leptos::ev::MouseEvent| {
        leptos::task::spawn_local(async move {
            match complete_pick(wave_id).await {
                Ok(r) => {
                    done.set(true);
                    let mut text = format!("Wave complete: {} order(s) picked", r.picked_orders);
                    if !r.held.is_empty() {
                        let held: Vec<String> = r.held.iter().map(|(id, why)| format!("{} ({why})", order_no(*id))).collect();
                        text.push_str(&format!("; held: {}", held.join("; ")));
                    }
                    notice.set(Some(("success".into(), text)));
                }
                Err(e) => notice.set(Some(("error".into(), error_text(&e)))),
            }
        });
    };

    view! {
        <div class="pick-head">
            <h1><span class="mono">{wave_no(wave_id)}</span></h1>
            <span class="muted">{wave.description.clone()}</span>
        </div>
        <div class="pick-progress">
            <div class="progress"><div class="progress-bar" style=move || format!("width:{}%", percent())></div></div>
            <span data-testid="pick-count">{move || format!("{}/{} picked", picked(), total())}</span>
        </div>
        <QueueStatus queue=queue/>
        {move || notice.get().map(|(kind, text)| view! { <Notice kind=kind>{text}</Notice> })}
        <Show when=move || !done.get()>
            <ScanInput label="Scan bin, then item" placeholder="Bin or item barcode" on_scan=on_scan/>
            <ScanBanner feedback=feedback/>
            <p class="current-bin">
                {move || match current_bin.get() {
                    Some(b) => format!("At bin {b}"),
                    None => "Scan the first bin".into(),
                }}
            </p>
        </Show>
        <div class="pick-lines">
            <For each=move || lines.get() key=|l| (l.sku_id, l.picked, l.short) let:line>
                <PickLineCard line=line wave_id=wave_id lines=lines current_bin=current_bin queue=queue notice=notice/>
            </For>
        </div>
        <Show when=move || !done.get()>
            <button
                class="btn btn-primary btn-big btn-block"
                disabled=cannot_finish
                on:click=finish
            >
                {move || if remaining() > 0 { format!("{} unit(s) left to pick", remaining()) } else { "Complete pick".to_string() }}
            </button>
        </Show>
        <Show when=move || done.get()>
            <a class="btn btn-big btn-block" href="/floor/pack">"Go to packing"</a>
        </Show>
    }
}

#[component]
fn PickLineCard(
    line: PickLine,
    wave_id: WaveId,
    lines: RwSignal<Vec<PickLine>>,
    current_bin: RwSignal<Option<String>>,
    queue: CommandQueue,
    notice: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let sku = line.sku_id;
    let bin = line.bin.clone();
    let here = move || current_bin.get().as_deref() == Some(bin.as_str());
    let asking = RwSignal::new(false);
    // Shorts are judged against the server's count, so queued scans must land first.
    let scans_unsent = move || queue.pending.get() > 0;
    let reason = RwSignal::new(String::new());
    let send_short = move |_| {
        let why = reason.get_untracked();
        leptos::task::spawn_local(async move {
            match report_short(wave_id, sku, why.clone()).await {
                Ok(()) => {
                    lines.update(|l| {
                        if let Some(x) = l.iter_mut().find(|x| x.sku_id == sku) {
                            x.short = x.needed - x.picked;
                            x.short_reason = why;
                        }
                    });
                    asking.set(false);
                }
                Err(e) => notice.set(Some(("error".into(), error_text(&e)))),
            }
        });
    };
    let done = line.is_done();
    let short_text = (line.short > 0).then(|| format!("Short {} ({})", line.short, line.short_reason));
    view! {
        <div class="pick-line" class:done=done class:here=here data-sku=line.sku_code.clone()>
            <div class="pick-bin mono">{line.bin.clone()}</div>
            <div class="pick-sku">
                <div class="strong">{line.sku_code.clone()}</div>
                <div class="muted">{line.sku_name.clone()}</div>
                {short_text.map(|t| view! { <div class="short-note">{t}</div> })}
            </div>
            <div class="pick-qty"><span class="strong">{line.picked}</span>"/"{line.needed}</div>
            {(!done).then(|| view! {
                <button class="btn" disabled=scans_unsent on:click=move |_| asking.set(true)>"Short"</button>
            })}
            <Show when=move || asking.get()>
                <div class="short-form">
                    <input class="input input-big" placeholder="Why is it short? (e.g. bin empty)" aria-label="Short reason"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                    <button class="btn btn-danger btn-big" on:click=send_short>"Report short"</button>
                </div>
            </Show>
        </div>
    }
}
