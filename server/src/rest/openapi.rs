//! The OpenAPI 3.1 document at `/api/v1/openapi.json`. Paths come from the handlers'
//! `#[utoipa::path]` through `super::api_routes` (the same list the router is built from);
//! this file adds the title, the bearer scheme and the error schema.

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Dropdock API",
        version = "1",
        description = "Dropship orders, platform orders and inventory for merchants' own systems.\n\n\
            Authenticate with a personal API token (Settings → API Tokens): `Authorization: Bearer ddk_…`. \
            Each endpoint names the scope it needs. Other merchants' objects answer 404. \
            POST endpoints take an optional `Idempotency-Key` header (1–255 visible ASCII characters): \
            repeating a request with the same key and body answers the first result (header \
            `Idempotent-Replayed: true`) for 24 hours; the same key with another body answers 409. \
            Errors: `{\"error\": {\"code\", \"message\", \"fields\"}}`. Money is in minor units (cents)."
    ),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody)),
    tags(
        (name = "orders", description = "Dropship orders (Draft → Submitted → … → Shipped)"),
        (name = "platform orders", description = "Orders synced from connected stores"),
        (name = "inventory", description = "Stock levels"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("ddk_…")
            .description(Some("A personal API token; scopes: orders:read, orders:write, platform_orders:read, platform_orders:write, inventory:read"))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The rendered document, shared by every request.
#[derive(Clone)]
pub struct Document(Arc<String>);

impl Document {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> Self {
        Document(Arc::new(doc.to_json().unwrap_or_else(|e| {
            tracing::error!(error = %e, "OpenAPI document does not serialize");
            "{}".into()
        })))
    }
}

/// This document (no token needed).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn document(Extension(doc): Extension<Document>) -> Response {
    let mut response = doc.0.as_str().to_owned().into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
