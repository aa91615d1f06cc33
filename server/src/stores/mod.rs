//! sqlx implementations of the app's ports. The SQL is written once for both backends
//! (`$n` placeholders work on SQLite too); only the migrations differ per dialect.

pub(crate) mod accounts;
mod admin;
pub mod audit;
mod api_tokens;
mod catalog;
pub mod floor;
pub mod inventory;
mod labels;
pub mod orders;
pub mod platform;
pub mod products;
pub mod webhooks;

pub use accounts::{hash_password, SqlAccountStore};
pub use api_tokens::SqlApiTokenStore;
pub use admin::SqlAdminStore;
pub use catalog::SqlCatalogStore;
pub use floor::SqlFloorStore;
pub use labels::{CarrierLabelFormat, LabelUploadError, SqlLabelStore};
pub use orders::SqlOrderStore;

use app::error::AppError;

/// Database failures are logged with their detail and reach the user as a generic error.
pub fn db_error(e: sqlx::Error) -> AppError {
    tracing::error!(error = %e, "database error");
    AppError::Internal
}

/// `row.col("name")?`: read a column, logging a decode failure as an internal error.
pub trait RowExt {
    fn col<'r, T>(&'r self, name: &str) -> Result<T, AppError>
    where
        T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>;
}

impl RowExt for sqlx::any::AnyRow {
    fn col<'r, T>(&'r self, name: &str) -> Result<T, AppError>
    where
        T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        sqlx::Row::try_get(self, name).map_err(db_error)
    }
}
