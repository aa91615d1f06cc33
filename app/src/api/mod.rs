//! Server functions, one file per area. Each body: authorize → validate with the domain →
//! call a port → map the error. Helpers here keep those bodies short. The HTTP status of an
//! error follows its `AppError` kind (set in one place: `server::web::error_status_from_body`).

pub mod auth;
pub mod floor;
pub mod orders;
pub mod platform;
pub mod tokens;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use leptos::prelude::*;

    use crate::domain::{CurrentUser, MerchantId, Role, WarehouseId};
    use crate::error::AppError;
    use crate::ports::Services;

    pub fn services() -> Result<Services, AppError> {
        use_context::<Services>().ok_or_else(|| {
            tracing::error!("Services missing from the Leptos context");
            AppError::Internal
        })
    }

    /// A carrier failure as the user sees it: its own message when it refused, "try again"
    /// when it was unreachable.
    pub fn carrier_error(e: crate::domain::CarrierError) -> AppError {
        match e {
            crate::domain::CarrierError::Permanent(m) => AppError::Conflict(m),
            crate::domain::CarrierError::Transient(m) => {
                tracing::warn!(error = %m, "carrier unavailable");
                AppError::Unavailable("The carrier is not answering right now; please try again in a minute".into())
            }
        }
    }

    /// A platform failure as the user sees it.
    pub fn platform_message(e: &crate::ports::PlatformError) -> String {
        match e {
            crate::ports::PlatformError::Permanent(m) => m.clone(),
            crate::ports::PlatformError::Transient(m) => {
                tracing::warn!(error = %m, "platform unavailable");
                "the store's platform is not answering right now; please try again in a minute".into()
            }
        }
    }

    pub fn platform_error(e: crate::ports::PlatformError) -> AppError {
        match &e {
            crate::ports::PlatformError::Permanent(m) => AppError::Conflict(format!("The store's platform refused: {m}")),
            crate::ports::PlatformError::Transient(_) => AppError::Unavailable(capitalize(&platform_message(&e))),
        }
    }

    fn capitalize(s: &str) -> String {
        let mut c = s.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    }

    /// The session token from the request's cookie header, if any.
    pub fn session_token() -> Option<String> {
        let parts = use_context::<http::request::Parts>()?;
        crate::ports::session_token_from_headers(&parts.headers)
    }

    pub async fn current_user() -> Result<CurrentUser, AppError> {
        let token = session_token().ok_or(AppError::Unauthorized)?;
        let svc = services()?;
        svc.accounts
            .user_for_session(&token, svc.clock.now_ms())
            .await?
            .ok_or(AppError::Unauthorized)
    }

    /// A merchant user and the merchant whose data they may touch.
    pub async fn require_merchant() -> Result<(CurrentUser, MerchantId), AppError> {
        let user = current_user().await?;
        match (user.role, user.merchant_id) {
            (Role::Merchant, Some(m)) => Ok((user, m)),
            _ => Err(AppError::Forbidden),
        }
    }

    /// A merchant administrator (API tokens). TEMP until roles land: every merchant user.
    pub async fn require_merchant_admin() -> Result<(CurrentUser, MerchantId), AppError> {
        require_merchant().await
    }

    /// A warehouse user and the warehouse they work in.
    pub async fn require_warehouse() -> Result<(CurrentUser, WarehouseId), AppError> {
        let user = current_user().await?;
        match (user.role, user.warehouse_id) {
            (Role::Warehouse, Some(w)) => Ok((user, w)),
            _ => Err(AppError::Forbidden),
        }
    }
}
