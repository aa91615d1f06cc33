//! Server functions, one file per area. Each body: authorize → validate with the domain →
//! call a port → map the error. Helpers here keep those bodies short. The HTTP status of an
//! error follows its `AppError` kind (set in one place: `server::web::error_status_from_body`).

pub mod admin;
pub mod auth;
pub mod floor;
pub mod orders;
pub mod platform;
pub mod products;
pub mod webhooks;
pub mod tokens;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use leptos::prelude::*;

    use crate::domain::{CurrentUser, MerchantId, Permission, WarehouseId};
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

    /// The client's address as the server decided it (for sign-in throttling).
    pub fn client_address() -> String {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<crate::ports::ClientAddress>().cloned())
            .map(|a| a.0)
            .unwrap_or_else(|| "unknown".into())
    }

    /// Adds a Set-Cookie header to the server function's response.
    pub fn set_cookie(cookie: &str) -> Result<(), AppError> {
        let response = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
        let value = http::HeaderValue::from_str(cookie).map_err(|_| AppError::Internal)?;
        response.append_header(http::header::SET_COOKIE, value);
        Ok(())
    }

    pub async fn current_user() -> Result<CurrentUser, AppError> {
        let token = session_token().ok_or(AppError::Unauthorized)?;
        let svc = services()?;
        svc.accounts
            .user_for_session(&token, svc.clock.now_ms())
            .await?
            .ok_or(AppError::Unauthorized)
    }

    /// The signed-in user if their role may do `permission` (Forbidden otherwise).
    pub async fn require(permission: Permission) -> Result<CurrentUser, AppError> {
        let user = current_user().await?;
        if user.may(permission) { Ok(user) } else { Err(AppError::Forbidden) }
    }

    /// A merchant user (admin or not) and the merchant whose data they may touch.
    pub async fn require_merchant() -> Result<(CurrentUser, MerchantId), AppError> {
        merchant_with(Permission::ViewMerchantData).await
    }

    /// A merchant user who may change orders (create, submit, dispatch, map SKUs, sync).
    pub async fn require_merchant_worker() -> Result<(CurrentUser, MerchantId), AppError> {
        merchant_with(Permission::WorkOrders).await
    }

    /// A merchant admin: stores, API tokens, webhooks.
    pub async fn require_merchant_admin() -> Result<(CurrentUser, MerchantId), AppError> {
        merchant_with(Permission::ManageIntegrations).await
    }

    async fn merchant_with(permission: Permission) -> Result<(CurrentUser, MerchantId), AppError> {
        let user = require(permission).await?;
        let merchant = user.merchant_id.ok_or(AppError::Forbidden)?;
        Ok((user, merchant))
    }

    /// A warehouse user (lead or picker) and the warehouse they work in now.
    pub async fn require_warehouse() -> Result<(CurrentUser, WarehouseId), AppError> {
        warehouse_with(Permission::WorkFloor).await
    }

    /// A warehouse lead: waves, stock adjustments.
    pub async fn require_warehouse_lead() -> Result<(CurrentUser, WarehouseId), AppError> {
        warehouse_with(Permission::LeadFloor).await
    }

    async fn warehouse_with(permission: Permission) -> Result<(CurrentUser, WarehouseId), AppError> {
        let user = require(permission).await?;
        let warehouse = user.warehouse_id.ok_or(AppError::Forbidden)?;
        Ok((user, warehouse))
    }
}
