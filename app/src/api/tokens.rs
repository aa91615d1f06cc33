//! Personal API tokens for the REST API (`/api/v1`): list, create (the plaintext is answered
//! once), revoke. Merchant administrators only.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::*;
use crate::error::AppError;

#[server(endpoint = "tokens/list", input = Json)]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenInfo>, AppError> {
    use crate::api::ssr::*;
    let (_, merchant) = require_merchant_admin().await?;
    services()?.api_tokens.list(merchant).await
}

/// A new token acting as the caller, limited to the chosen scopes. The answer carries the
/// token itself; only its hash is kept, so it cannot be shown again.
#[server(endpoint = "tokens/create", input = Json)]
pub async fn create_api_token(input: ApiTokenInput) -> Result<CreatedApiToken, AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_admin().await?;
    let input = input.validated()?;
    let svc = services()?;
    svc.api_tokens.create(&user, merchant, &input, svc.clock.now_ms()).await
}

/// Revoked tokens are refused from the next request on.
#[server(endpoint = "tokens/revoke", input = Json)]
pub async fn revoke_api_token(id: ApiTokenId) -> Result<(), AppError> {
    use crate::api::ssr::*;
    let (user, merchant) = require_merchant_admin().await?;
    let svc = services()?;
    svc.api_tokens.revoke(&(&user).into(), merchant, id, svc.clock.now_ms()).await
}
