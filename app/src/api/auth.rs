//! Sign-in, sign-out and "who am I".

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{CurrentUser, Role};
use crate::error::AppError;

/// Checks the password and sets the session cookie. Returns the role so the page knows
/// where to go next.
#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<Role, AppError> {
    use crate::api::ssr::*;
    use crate::ports::SESSION_COOKIE;
    let email = email.trim().to_lowercase();
    if email.is_empty() || password.is_empty() {
        return Err(AppError::BadRequest("Enter your email and password".into()));
    }
    let svc = services()?;
    let Some(user) = svc.accounts.verify_password(&email, &password).await? else {
        return Err(AppError::Conflict("Email or password is incorrect".into()));
    };
    let token = svc.accounts.create_session(user.id, svc.clock.now_ms()).await?;
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=1209600");
    let res = expect_context::<leptos_axum::ResponseOptions>();
    let value = http::HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?;
    res.insert_header(http::header::SET_COOKIE, value);
    Ok(user.role)
}

#[server(endpoint = "auth/logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    use crate::api::ssr::*;
    use crate::ports::SESSION_COOKIE;
    if let Some(token) = session_token() {
        services()?.accounts.delete_session(&token).await?;
    }
    let res = expect_context::<leptos_axum::ResponseOptions>();
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(value) = http::HeaderValue::from_str(&expired) {
        res.insert_header(http::header::SET_COOKIE, value);
    }
    Ok(())
}

/// The signed-in user, or None.
#[server(endpoint = "auth/whoami", input = Json)]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    use crate::api::ssr::*;
    match current_user().await {
        Ok(user) => Ok(Some(user)),
        Err(AppError::Unauthorized) => Ok(None),
        Err(e) => Err(e),
    }
}
