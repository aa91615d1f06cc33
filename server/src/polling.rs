//! The loop the background workers (labels, platform sync, webhooks) share.

use std::time::Duration;

use app::ports::AppResult;

/// What a polling worker does after one step: go straight on while it finds work, wait `idle`
/// when it found none or failed (a failure is logged and retried on the next look).
pub async fn pause_after(step: AppResult<bool>, worker: &str, idle: Duration) {
    match step {
        Ok(true) => {}
        Ok(false) => tokio::time::sleep(idle).await,
        Err(e) => {
            tracing::warn!(error = %e, worker, "worker step failed");
            tokio::time::sleep(idle).await;
        }
    }
}
