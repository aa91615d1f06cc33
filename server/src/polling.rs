//! The loop the background workers (labels, platform sync, webhooks) share.

use std::time::Duration;

use tokio::sync::Notify;

use app::ports::AppResult;

/// What a polling worker does after one step: go straight on while it finds work, wait `idle`
/// when it found none or failed (a failure is logged and retried on the next look). `wake`
/// (work queued by this process) ends an idle wait early; work queued by another process is
/// found at the next poll.
pub async fn pause_after(step: AppResult<bool>, worker: &str, idle: Duration, wake: Option<&Notify>) {
    match step {
        Ok(true) => {}
        Ok(false) => match wake {
            Some(wake) => {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = wake.notified() => {}
                }
            }
            None => tokio::time::sleep(idle).await,
        },
        Err(e) => {
            tracing::warn!(error = %e, worker, "worker step failed");
            tokio::time::sleep(idle).await;
        }
    }
}
