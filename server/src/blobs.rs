//! Where label documents live: an `object_store` backend — a local directory by default, or
//! an S3 bucket (`s3://bucket/prefix`, credentials and endpoint from the usual AWS_* variables)
//! so several app servers share them.

use std::path::Path;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};

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

    /// Documents in an S3 bucket: `s3://bucket` or `s3://bucket/prefix`.
    pub fn s3(url: &str) -> anyhow::Result<Blobs> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| anyhow::anyhow!("label store URL {url:?} must start with s3://"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let s3 = AmazonS3Builder::from_env().with_bucket_name(bucket).build()?;
        let store: Arc<dyn ObjectStore> = if prefix.trim_matches('/').is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(PrefixStore::new(s3, prefix.trim_matches('/')))
        };
        Ok(Blobs { store })
    }

    /// `label_store_url` if set (S3), else the local directory.
    pub fn from_config(label_store_url: Option<&str>, dir: &Path) -> anyhow::Result<Blobs> {
        match label_store_url {
            Some(url) => Blobs::s3(url),
            None => Blobs::local(dir),
        }
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
