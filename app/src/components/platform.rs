//! Badges for platform orders and sync tasks.

use leptos::prelude::*;

use crate::domain::{PlatformStatus, SyncTaskStatus};

/// `badge badge-p-{code}`, e.g. `badge-p-pending`.
#[component]
pub fn PlatformStatusBadge(status: PlatformStatus) -> impl IntoView {
    view! { <span class=format!("badge badge-p-{}", status.code()) data-status=status.code()>{status.label()}</span> }
}

/// `badge badge-sync-{code}`, e.g. `badge-sync-running`.
#[component]
pub fn SyncStatusBadge(status: SyncTaskStatus) -> impl IntoView {
    view! { <span class=format!("badge badge-sync-{}", status.code()) data-status=status.code()>{status.label()}</span> }
}
