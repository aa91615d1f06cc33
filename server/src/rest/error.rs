//! The one error shape of the REST API and the one place `AppError` becomes an HTTP answer:
//! `{"error": {"code": "…", "message": "…", "fields": {field: [messages]}}}`.

use std::collections::BTreeMap;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::domain::ApiScope;
use app::error::AppError;

/// Longest message taken from a rejection (serde errors quote the offending value).
const MAX_DETAIL_CHARS: usize = 300;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// validation | bad_request | unauthorized | forbidden | not_found | conflict | unavailable | internal
    pub code: String,
    /// One line for a person.
    pub message: String,
    /// Field → messages (validation errors; empty otherwise). Keys are the domain's, e.g.
    /// `channel`, `lines`, `lines.0`, `recipient.postal_code`.
    pub fields: BTreeMap<String, Vec<String>>,
}

/// An error answer of the REST API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, body: ErrorBody { error: ErrorDetail { code: code.into(), message: message.into(), fields: BTreeMap::new() } } }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A query or path value that cannot be used, named by its parameter.
    pub fn bad_parameter(name: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::bad_request(message.clone());
        e.body.error.fields.insert(name.into(), vec![message]);
        e
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn missing_scope(scope: ApiScope) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", format!("This API token lacks the {} scope", scope.code()))
    }

    pub fn not_found() -> Self {
        AppError::NotFound.into()
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict(message.into()).into()
    }

    pub fn body_too_large(limit_bytes: usize) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "bad_request", format!("The request body is too large (max {} KB)", limit_bytes / 1024))
    }

    /// A rejection's explanation, cut short: serde quotes the value it could not take.
    pub fn detail(text: &str) -> String {
        let mut out: String = text.chars().take(MAX_DETAIL_CHARS).collect();
        if text.chars().count() > MAX_DETAIL_CHARS {
            out.push('…');
        }
        out
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (code, message) = match &e {
            AppError::Validation(_) => ("validation", e.user_message()),
            AppError::BadRequest(m) => ("bad_request", m.clone()),
            AppError::Unauthorized => ("unauthorized", "A valid API token is required".to_string()),
            AppError::Forbidden => ("forbidden", "This API token's owner may not do this".to_string()),
            AppError::NotFound => ("not_found", "Not found".to_string()),
            AppError::Conflict(m) => ("conflict", m.clone()),
            AppError::TooManyRequests(m) => ("too_many_requests", m.clone()),
            AppError::Unavailable(m) => ("unavailable", m.clone()),
            AppError::Internal => ("internal", e.to_string()),
        };
        let mut out = ApiError::new(status, code, message);
        if let AppError::Validation(v) = e {
            out.body.error.fields = v.fields;
        }
        out
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unauthorized = self.status == StatusCode::UNAUTHORIZED;
        let mut response = (self.status, Json(self.body)).into_response();
        if unauthorized {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::ValidationErrors;

    #[test]
    fn app_errors_keep_their_status_and_fields() {
        let e: ApiError = AppError::Validation(ValidationErrors::single("channel", "Please select a channel")).into();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e.body.error.code, "validation");
        assert_eq!(e.body.error.fields["channel"], vec!["Please select a channel".to_string()]);
        let e: ApiError = AppError::Internal.into();
        assert_eq!((e.status, e.body.error.code.as_str()), (StatusCode::INTERNAL_SERVER_ERROR, "internal"));
        assert_eq!(ApiError::from(AppError::NotFound).status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn rejection_details_are_cut_short() {
        let long = "x".repeat(100_000);
        assert_eq!(ApiError::detail(&long).chars().count(), MAX_DETAIL_CHARS + 1);
        assert_eq!(ApiError::detail("short"), "short");
    }
}
