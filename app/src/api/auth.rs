//! Sign-in, sign-out, password change and "who am I".

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{CurrentUser, Role};
use crate::error::AppError;

/// Checks the password and sets the session cookie. Returns the role so the page knows
/// where to go next. Refused for a while after too many failures for the account or from
/// the client's address (checked before the password, so a locked account cannot be probed).
#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<Role, AppError> {
    use crate::api::ssr::*;
    use crate::domain::SignInLock;
    use crate::ports::PasswordCheck;
    let email = email.trim().to_lowercase();
    if email.is_empty() || password.is_empty() {
        return Err(AppError::BadRequest("Enter your email and password".into()));
    }
    if email.len() > 254 || password.chars().count() > crate::domain::MAX_PASSWORD_CHARS {
        return Err(AppError::Conflict("Email or password is incorrect".into()));
    }
    let svc = services()?;
    let address = client_address();
    let now = svc.clock.now_ms();
    let (account_failures, address_failures) = svc.accounts.recent_sign_in_failures(&email, &address, now).await?;
    if let Some(lock) = SignInLock::decide(account_failures, address_failures, now) {
        return Err(AppError::TooManyRequests(lock.message()));
    }
    let user = match svc.accounts.check_password(&email, &password).await? {
        PasswordCheck::Valid(user) => user,
        PasswordCheck::Disabled => return Err(AppError::Conflict(crate::domain::MSG_ACCOUNT_DISABLED.into())),
        PasswordCheck::Invalid => {
            svc.accounts.record_sign_in(&email, &address, false, now).await?;
            return Err(AppError::Conflict("Email or password is incorrect".into()));
        }
    };
    svc.accounts.record_sign_in(&email, &address, true, now).await?;
    let token = svc.accounts.create_session(user.id, now).await?;
    set_cookie(&crate::ports::session_cookie(&token, svc.secure_cookies))?;
    Ok(user.role)
}

#[server(endpoint = "auth/logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    use crate::api::ssr::*;
    let svc = services()?;
    if let Some(token) = session_token() {
        svc.accounts.delete_session(&token).await?;
    }
    set_cookie(&crate::ports::expired_session_cookie(svc.secure_cookies))
}

/// Ends every session of the caller on every device (this one too).
#[server(endpoint = "auth/logout-everywhere", input = Json)]
pub async fn logout_everywhere() -> Result<u64, AppError> {
    use crate::api::ssr::*;
    let user = current_user().await?;
    let svc = services()?;
    let ended = svc.accounts.delete_user_sessions(user.id, None).await?;
    set_cookie(&crate::ports::expired_session_cookie(svc.secure_cookies))?;
    Ok(ended)
}

/// Changes the caller's password after checking the current one; every other session of
/// the user ends (a thief holding an old session is locked out).
#[server(endpoint = "auth/change-password", input = Json)]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::api::ssr::*;
    use crate::domain::{validate_new_password, SignInLock, ValidationErrors};
    use crate::ports::PasswordCheck;
    let user = current_user().await?;
    validate_new_password(&user.email, &new_password)?;
    let svc = services()?;
    let address = client_address();
    let now = svc.clock.now_ms();
    // Guessing the current password from a stolen session is throttled like sign-in.
    let (account_failures, address_failures) = svc.accounts.recent_sign_in_failures(&user.email, &address, now).await?;
    if let Some(lock) = SignInLock::decide(account_failures, address_failures, now) {
        return Err(AppError::TooManyRequests(lock.message()));
    }
    if !matches!(svc.accounts.check_password(&user.email, &current_password).await?, PasswordCheck::Valid(_)) {
        svc.accounts.record_sign_in(&user.email, &address, false, now).await?;
        return Err(ValidationErrors::single("current_password", "The current password is not right").into());
    }
    svc.accounts.set_password(user.id, &new_password, &(&user).into(), now).await?;
    svc.accounts.delete_user_sessions(user.id, session_token().as_deref()).await?;
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
