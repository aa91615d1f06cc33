//! The one error type every server function returns. Internal details are logged on the
//! server and never sent to the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::{TransitionError, ValidationErrors};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Field → messages; the form shows them next to the inputs.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// The request itself is malformed (wrong types, missing arguments).
    #[error("Bad request: {0}")]
    BadRequest(String),
    #[error("Please sign in")]
    Unauthorized,
    /// The caller's role may not do this.
    #[error("Your role does not allow this; ask your admin")]
    Forbidden,
    /// Also returned for other tenants' objects, so their existence is not revealed.
    #[error("Not found")]
    NotFound,
    /// The object changed state under the caller (e.g. waved before the intercept arrived).
    #[error("{0}")]
    Conflict(String),
    /// Throttled (too many failed sign-ins); the text says how long to wait.
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("Something went wrong on our side; please try again")]
    Internal,
}

impl AppError {
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Unavailable(_) => 503,
            AppError::Internal => 500,
        }
    }

    /// One line for a person: the validation messages joined, or the error's own text.
    pub fn user_message(&self) -> String {
        match self {
            AppError::Validation(v) => v.messages().collect::<Vec<_>>().join("; "),
            other => other.to_string(),
        }
    }

    pub fn validation(&self) -> Option<&ValidationErrors> {
        match self {
            AppError::Validation(v) => Some(v),
            _ => None,
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(v: ValidationErrors) -> Self {
        AppError::Validation(v)
    }
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        AppError::Conflict(e.message())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) | ServerFnErrorErr::MissingArg(m) => {
                AppError::BadRequest(m)
            }
            ServerFnErrorErr::Request(_) => {
                AppError::Unavailable("Could not reach the server; check your connection and try again".into())
            }
            _ => AppError::Internal,
        }
    }
}
