//! Dropdock server: configuration, storage, HTTP surface. `main.rs` is a thin wrapper so the
//! integration tests can start the very same app in-process.

pub mod carrier;
pub mod db;
pub mod seed;
pub mod sandbox;
pub mod stores;
pub mod web;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use app::ports::{Clock, Services};
use leptos::config::LeptosOptions;

use crate::db::Db;
use crate::stores::*;
use crate::web::AppState;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub seed_demo: bool,
    pub addr: SocketAddr,
    /// Where cargo-leptos put the compiled site (WASM, JS, CSS, assets).
    pub site_root: String,
}

impl Config {
    /// Reads the environment; every setting has a default that works for the demo.
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |k: &str, default: &str| std::env::var(k).unwrap_or_else(|_| default.to_string());
        let addr = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
        Ok(Config {
            database_url: var("DATABASE_URL", "sqlite://dropdock.db"),
            data_dir: PathBuf::from(var("DROPDOCK_DATA_DIR", "data")),
            seed_demo: var("DROPDOCK_SEED_DEMO", "1") != "0",
            addr: addr.parse().map_err(|e| anyhow::anyhow!("LEPTOS_SITE_ADDR {addr:?} is not host:port: {e}"))?,
            site_root: var("LEPTOS_SITE_ROOT", "target/site"),
        })
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("dropdock")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        since.as_millis() as i64
    }
}

/// Connects, migrates, seeds (if asked) and wires the ports together.
pub async fn build(config: &Config) -> anyhow::Result<(axum::Router, Db)> {
    let db = Db::connect(&config.database_url).await?;
    let clock = Arc::new(SystemClock);
    if config.seed_demo && seed::seed_demo(&db, clock.now_ms()).await? {
        tracing::info!("seeded demo data (users: {}, {}; password {})", seed::MERCHANT_EMAIL, seed::WAREHOUSE_EMAIL, seed::DEMO_PASSWORD);
    }
    let labels = Arc::new(SqlLabelStore::new(db.clone(), config.data_dir.join("labels")));
    let services = Services {
        orders: Arc::new(SqlOrderStore::new(db.clone())),
        catalog: Arc::new(SqlCatalogStore::new(db.clone())),
        accounts: Arc::new(SqlAccountStore::new(db.clone())),
        labels: labels.clone(),
        clock,
    };
    let router = web::router(config.leptos_options(), AppState { services, labels });
    Ok((router, db))
}
