//! Where label documents live: an `object_store` backend (a local directory by default; any
//! object store the crate supports, such as S3, slots in here without touching callers).

use std::path::Path;
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use app::error::AppError;
use app::ports::AppResult;

#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
}

impl Blobs {
    /// Documents as files under `dir` (created if missing).
    pub fn local(dir: &Path) -> anyhow::Result<Blobs> {
        std::fs::create_dir_all(dir)?;
        Ok(Blobs { store: Arc::new(LocalFileSystem::new_with_prefix(dir)?) })
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> AppResult<()> {
        self.store.put(&Key::from(key), PutPayload::from(bytes)).await.map(|_| ()).map_err(blob_error)
    }

    pub async fn get(&self, key: &str) -> AppResult<Vec<u8>> {
        let result = self.store.get(&Key::from(key)).await.map_err(blob_error)?;
        Ok(result.bytes().await.map_err(blob_error)?.to_vec())
    }
}

fn blob_error(e: object_store::Error) -> AppError {
    tracing::error!(error = %e, "label storage error");
    AppError::Internal
}
