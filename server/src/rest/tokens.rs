//! Who is calling the REST API: `Authorization: Bearer ddk_…` personal API tokens only.
//! Session cookies do not count here (so a browser cannot be tricked into calling the API
//! for its user), and tokens do not count anywhere else.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use app::domain::{ApiScope, CurrentUser, MerchantId};

use super::error::ApiError;
use crate::web::AppState;

/// A scope an endpoint needs, as a type, so the extractor checks it before anything else runs.
pub trait RequiredScope: Send + Sync {
    const SCOPE: ApiScope;
}

macro_rules! scopes {
    ($($name:ident => $scope:ident),* $(,)?) => {
        $( pub struct $name;
           impl RequiredScope for $name { const SCOPE: ApiScope = ApiScope::$scope; } )*
    };
}

scopes! {
    OrdersRead => OrdersRead,
    OrdersWrite => OrdersWrite,
    PlatformOrdersRead => PlatformOrdersRead,
    PlatformOrdersWrite => PlatformOrdersWrite,
    InventoryRead => InventoryRead,
}

/// The token's owner (a merchant user) and their merchant, once the token is valid and has
/// scope `S`. Missing / unknown / revoked token → 401; without `S` → 403 naming it.
pub struct Caller<S> {
    pub user: CurrentUser,
    pub merchant: MerchantId,
    _scope: PhantomData<S>,
}

/// The token from `Authorization: Bearer …`, if that is how the header reads.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

impl<S: RequiredScope> FromRequestParts<AppState> for Caller<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers)
            .ok_or_else(|| ApiError::unauthorized("Send your API token in the header `Authorization: Bearer ddk_…`"))?;
        let svc = &state.services;
        let (user, scopes) = svc
            .api_tokens
            .authenticate(token, svc.clock.now_ms())
            .await?
            .ok_or_else(|| ApiError::unauthorized("This API token is not valid or has been revoked"))?;
        if !scopes.contains(&S::SCOPE) {
            return Err(ApiError::missing_scope(S::SCOPE));
        }
        let merchant = match user.merchant_id {
            Some(m) if user.may(S::SCOPE.permission()) => m,
            _ => return Err(app::error::AppError::Forbidden.into()),
        };
        Ok(Caller { user, merchant, _scope: PhantomData })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_bearer_credentials_are_read() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer ddk_abc"));
        assert_eq!(bearer_token(&h), Some("ddk_abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer   ddk_abc "));
        assert_eq!(bearer_token(&h), Some("ddk_abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic ZGRrOng="));
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&h), None);
    }
}
