//! sqlx implementations of the app's ports. The SQL is written once for both backends
//! (`$n` placeholders work on SQLite too); only the migrations differ per dialect.

mod accounts;
mod catalog;
mod labels;
mod orders;

pub use accounts::{hash_password, SqlAccountStore};
pub use catalog::SqlCatalogStore;
pub use labels::{LabelUploadError, SqlLabelStore};
pub use orders::SqlOrderStore;

use app::error::AppError;

/// Database failures are logged with their detail and reach the user as a generic error.
pub(crate) fn db_error(e: sqlx::Error) -> AppError {
    tracing::error!(error = %e, "database error");
    AppError::Internal
}
