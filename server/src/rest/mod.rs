//! The public REST API under `/api/v1`, for merchants' own systems. Authenticated by personal
//! API tokens (`tokens.rs`), one JSON error shape (`error.rs`), `Idempotency-Key` on POSTs
//! (`idempotency.rs`). Handlers are thin: the token's scope → input → the same service
//! function the server functions call (`app::api::*::service`) → a resource.
//!
//! [`api_routes`] is the one list of endpoints: the router and the OpenAPI document
//! (`/api/v1/openapi.json`) are both built from it.

mod error;
pub mod idempotency;
mod inventory;
pub mod openapi;
mod orders;
mod platform;
mod tokens;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Extension, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use inventory::{InventoryItem, InventoryList};
pub use orders::{Order, OrderLine, OrderList, OrderListItem};
pub use platform::{DispatchResult, PlatformOrder, PlatformOrderLine, PlatformOrderList, PlatformOrderListItem};

use crate::web::AppState;

/// Largest request body the API reads (an order with 200 lines is far below this).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Every endpoint, each documented by its handler's `#[utoipa::path]`.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(orders::get_catalog))
        .routes(routes!(orders::list_orders, orders::create_order))
        .routes(routes!(orders::get_order))
        .routes(routes!(orders::submit_order))
        .routes(routes!(orders::intercept_order))
        .routes(routes!(platform::list_platform_orders))
        .routes(routes!(platform::get_platform_order))
        .routes(routes!(platform::dispatch_platform_order))
        .routes(routes!(inventory::list_inventory))
        .routes(routes!(openapi::document))
}

/// The OpenAPI document of [`api_routes`].
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api_routes().into_openapi()
}

/// The `/api/v1` routes, ready to merge into the app's router.
pub fn router(state: AppState) -> Router {
    let (router, document) = api_routes().split_for_parts();
    router
        // Unknown endpoints answer in the API's shape, not with the app's HTML 404 page.
        .route("/api/v1/{*rest}", any(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such endpoint") }))
        .layer(Extension(openapi::Document::new(&document)))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn(json_errors))
        .with_state(state)
}

/// Answers axum makes itself (405 method not allowed, …) get the API's JSON error shape.
async fn json_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "No such endpoint".to_string()),
        StatusCode::METHOD_NOT_ALLOWED => ("bad_request", "This endpoint does not accept this HTTP method".to_string()),
        StatusCode::PAYLOAD_TOO_LARGE => return ApiError::body_too_large(MAX_BODY_BYTES).into_response(),
        StatusCode::UNAUTHORIZED => ("unauthorized", "A valid API token is required".to_string()),
        StatusCode::FORBIDDEN => ("forbidden", "Forbidden".to_string()),
        StatusCode::CONFLICT => ("conflict", "Conflict".to_string()),
        StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "Try again in a minute".to_string()),
        s if s.is_server_error() => ("internal", app::error::AppError::Internal.to_string()),
        s => ("bad_request", s.canonical_reason().unwrap_or("Bad request").to_string()),
    };
    let mut out = ApiError::new(status, code, message).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            t == "application/json" || t.ends_with("+json")
        })
}

/// The raw request body (idempotency fingerprints it), at most [`MAX_BODY_BYTES`].
pub struct ApiBody {
    bytes: Bytes,
    is_json: bool,
}

/// An oversized body is still read (and dropped) up to this size, so the client, which is
/// still sending, gets the 413 instead of a cut connection. Beyond it the connection is cut.
const DRAIN_LIMIT: usize = 16 * MAX_BODY_BYTES;

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        use futures_util::StreamExt;
        let is_json = is_json(req.headers());
        let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > DRAIN_LIMIT) {
            return Err(ApiError::body_too_large(MAX_BODY_BYTES));
        }
        let mut stream = req.into_body().into_data_stream();
        let mut kept = Vec::new();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| ApiError::bad_request(format!("The body could not be read: {}", ApiError::detail(&e.to_string()))))?;
            total += chunk.len();
            if total <= MAX_BODY_BYTES {
                kept.extend_from_slice(&chunk);
            } else if total > DRAIN_LIMIT {
                break;
            }
        }
        if total > MAX_BODY_BYTES {
            return Err(ApiError::body_too_large(MAX_BODY_BYTES));
        }
        Ok(ApiBody { bytes: Bytes::from(kept), is_json })
    }
}

impl ApiBody {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn is_empty(&self) -> bool {
        self.bytes.iter().all(u8::is_ascii_whitespace)
    }

    /// The body as `T`; malformed JSON, wrong types and missing fields are a 400 naming the
    /// problem.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        use axum::extract::rejection::JsonRejection;
        if self.is_empty() {
            return Err(ApiError::bad_request("The request needs a JSON body"));
        }
        if !self.is_json {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "bad_request", "Send the body as JSON (Content-Type: application/json)"));
        }
        axum::Json::<T>::from_bytes(&self.bytes).map(|axum::Json(v)| v).map_err(|e| match e {
            JsonRejection::JsonSyntaxError(e) => ApiError::bad_request(format!("The body is not valid JSON: {}", ApiError::detail(&e.body_text()))),
            JsonRejection::JsonDataError(e) => ApiError::bad_request(format!("The body does not have the expected fields and types: {}", ApiError::detail(&e.body_text()))),
            other => ApiError::bad_request(ApiError::detail(&other.body_text())),
        })
    }

    /// Endpoints that take no input accept an empty body or `{}`, nothing else.
    pub fn expect_none(&self) -> Result<(), ApiError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct NoFields {}
        if self.is_empty() {
            return Ok(());
        }
        self.json::<NoFields>().map(|_| ())
    }
}

/// Query parameters; values of the wrong type are a 400 naming the problem.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::bad_request(ApiError::detail(&e.body_text())))
    }
}

/// An object id from the path; anything but a positive integer is no object of ours (404).
pub struct ApiId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for ApiId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) if id > 0 => Ok(ApiId(id)),
            _ => Err(ApiError::not_found()),
        }
    }
}

/// `limit` checked against the page size the list allows.
fn page_limit(limit: Option<u32>, max: u32) -> Result<Option<u32>, ApiError> {
    match limit {
        Some(l) if l == 0 || l > max => Err(ApiError::bad_parameter("limit", format!("limit must be between 1 and {max}"))),
        other => Ok(other),
    }
}

/// A `cursor` is the `next_cursor` of the previous page.
fn parse_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Some)
            .ok_or_else(|| ApiError::bad_parameter("cursor", "cursor is not valid; pass the next_cursor of the previous page")),
    }
}

/// An enum query value by its code ("partially_shipped") or its JSON name ("PartiallyShipped").
fn parse_enum<T: DeserializeOwned>(name: &str, value: Option<&str>, from_code: fn(&str) -> Option<T>, codes: &[&str]) -> Result<Option<T>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    from_code(value)
        .or_else(|| from_code(&value.to_ascii_lowercase()))
        .or_else(|| serde_json::from_value(serde_json::Value::String(value.to_string())).ok())
        .map(Some)
        .ok_or_else(|| ApiError::bad_parameter(name, format!("{name} must be one of: {}", codes.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{OrderStatus, PlatformStatus};

    #[test]
    fn cursors_and_limits_are_checked() {
        assert_eq!(parse_cursor(None), Ok(None));
        assert_eq!(parse_cursor(Some("42")), Ok(Some(42)));
        assert!(parse_cursor(Some("'; DROP TABLE orders;--")).is_err());
        assert!(parse_cursor(Some("-1")).is_err());
        assert_eq!(page_limit(Some(100), 100), Ok(Some(100)));
        assert!(page_limit(Some(0), 100).is_err() && page_limit(Some(101), 100).is_err());
    }

    #[test]
    fn enum_values_by_code_or_name() {
        let codes: Vec<&str> = PlatformStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(parse_enum("status", Some("partially_shipped"), PlatformStatus::from_code, &codes), Ok(Some(PlatformStatus::PartiallyShipped)));
        assert_eq!(parse_enum("status", Some("PartiallyShipped"), PlatformStatus::from_code, &codes), Ok(Some(PlatformStatus::PartiallyShipped)));
        assert_eq!(parse_enum("status", Some("Draft"), OrderStatus::from_code, &["draft"]), Ok(Some(OrderStatus::Draft)));
        let e = parse_enum("status", Some("nope"), OrderStatus::from_code, &["draft", "submitted"]).expect_err("unknown");
        assert_eq!(e.body.error.fields["status"], vec!["status must be one of: draft, submitted".to_string()]);
    }
}
