//! Offline-safe scan commands. Every scan becomes a command with a client-made id, stored in
//! localStorage before it is sent; sending goes in order and stops at the first network
//! failure, and resumes when the browser comes back online (or every few seconds). The
//! server applies each id once, so a command sent twice is harmless.

use leptos::prelude::*;

use crate::api::floor::send_floor_command;
use crate::domain::{CommandOutcome, FloorAction, FloorCommand};
use crate::error::AppError;

/// What became of one command: applied (or already applied earlier), or refused.
pub type CommandResult = (FloorCommand, Result<CommandOutcome, AppError>);

#[derive(Clone, Copy)]
pub struct CommandQueue {
    /// Commands stored but not yet confirmed by the server.
    pub pending: RwSignal<usize>,
    /// The last send failed for lack of a connection.
    pub offline: RwSignal<bool>,
    sending: StoredValue<bool>,
    on_result: Callback<CommandResult>,
}

impl CommandQueue {
    /// A queue for this page; `on_result` hears about every command the server answered.
    pub fn new(on_result: Callback<CommandResult>) -> Self {
        let queue = CommandQueue {
            pending: RwSignal::new(0),
            offline: RwSignal::new(false),
            sending: StoredValue::new(false),
            on_result,
        };
        #[cfg(feature = "hydrate")]
        {
            queue.pending.set(storage::load().len());
            let handle = window_event_listener(leptos::ev::online, move |_| queue.flush());
            let timer = set_interval_with_handle(
                move || {
                    if queue.pending.get_untracked() > 0 {
                        queue.flush();
                    }
                },
                std::time::Duration::from_secs(4),
            );
            on_cleanup(move || {
                handle.remove();
                if let Ok(t) = timer {
                    t.clear();
                }
            });
            queue.flush();
        }
        queue
    }

    /// Stores the command and tries to send it.
    pub fn push(&self, action: FloorAction) {
        let command = FloorCommand { id: new_command_id(), action };
        #[cfg(feature = "hydrate")]
        {
            let mut all = storage::load();
            all.push(command);
            storage::save(&all);
            self.pending.set(all.len());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = command;
        self.flush();
    }

    /// Sends stored commands oldest first until none are left or the network fails.
    pub fn flush(&self) {
        #[cfg(feature = "hydrate")]
        {
            if self.sending.get_value() {
                return;
            }
            self.sending.set_value(true);
            let queue = *self;
            leptos::task::spawn_local(async move {
                while let Some(command) = storage::load().into_iter().next() {
                    let result = send_floor_command(command.clone()).await;
                    if let Err(AppError::Unavailable(_)) = result {
                        queue.offline.set(true);
                        break;
                    }
                    // Answered (applied, replayed or refused): it leaves the queue either way.
                    // Re-read: scans made while this one was in flight were appended meanwhile.
                    let mut rest = storage::load();
                    rest.retain(|c| c.id != command.id);
                    storage::save(&rest);
                    queue.offline.set(false);
                    queue.pending.set(rest.len());
                    queue.on_result.run((command, result));
                }
                queue.pending.set(storage::load().len());
                queue.sending.set_value(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (send_floor_command, self.sending, self.on_result);
    }
}

/// Random enough to never repeat across the floor's devices: time + 64 random bits.
fn new_command_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::now() as u64;
        let r1 = (js_sys::Math::random() * 4294967296.0) as u64;
        let r2 = (js_sys::Math::random() * 4294967296.0) as u64;
        format!("c{now:x}-{r1:08x}{r2:08x}")
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// The banner the floor shows while scans wait for the network.
#[component]
pub fn QueueStatus(queue: CommandQueue) -> impl IntoView {
    let offline = move || queue.offline.get() && queue.pending.get() > 0;
    let sending = move || !queue.offline.get() && queue.pending.get() > 0;
    view! {
        <Show when=offline>
            <div class="offline-banner" role="status">
                {move || format!("Offline — {} scan(s) queued", queue.pending.get())}
            </div>
        </Show>
        <Show when=sending>
            <div class="syncing-banner" role="status">{move || format!("Sending {} scan(s)…", queue.pending.get())}</div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod storage {
    use super::*;

    const STORAGE_KEY: &str = "dropdock.floor.commands";

    fn local_storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn load() -> Vec<FloorCommand> {
        local_storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    pub fn save(commands: &[FloorCommand]) {
        if let (Some(s), Ok(json)) = (local_storage(), serde_json::to_string(commands)) {
            let _ = s.set_item(STORAGE_KEY, &json);
        }
    }
}
