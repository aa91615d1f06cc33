//! Test harness: starts the real app in-process on a loopback port against a fresh SQLite or
//! PostgreSQL database, and talks to it over HTTP like the browser does.
#![allow(dead_code)]

use std::net::SocketAddr;

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: server::db::Db,
    pub sandbox: server::sandbox::carrier::SandboxHandle,
    pub shopify: server::sandbox::shopify::ShopifySandboxHandle,
    _dir: tempdir::TempDir,
    pg_cleanup: Option<(String, String)>,
}

/// Tiny temp dir helper (avoids another dependency).
mod tempdir {
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> TempDir {
            let p = std::env::temp_dir().join(format!("dropdock-test-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&p).expect("create temp dir");
            TempDir(p)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Admin URL of the test PostgreSQL server; `make test` starts one and sets it.
fn pg_admin_url() -> String {
    std::env::var("DROPDOCK_TEST_PG_URL").expect(
        "DROPDOCK_TEST_PG_URL is not set: PostgreSQL tests need a server (run `make test`, which starts one)",
    )
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        Self::start_with(backend, |_| {}).await
    }

    /// Like `start`, with a chance to adjust the configuration first.
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut server::Config)) -> TestApp {
        let dir = tempdir::TempDir::new();
        let (database_url, pg_cleanup) = match backend {
            Backend::Sqlite => (format!("sqlite://{}/test.db", dir.0.display()), None),
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!("dd_test_{}", uuid::Uuid::new_v4().simple());
                let conn = sqlx::PgPool::connect(&admin).await.expect("connect to the PostgreSQL test server");
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await.expect("create test database");
                conn.close().await;
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
                (format!("{base}/{name}"), Some((admin, name)))
            }
        };
        let mut config = server::Config::local(database_url, dir.0.join("data"));
        adjust(&mut config);
        let server::App { router, db, sandbox, shopify, .. } = server::build(&config).await.expect("app starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = server::serve(listener, router).await;
        });
        TestApp {
            addr,
            db,
            sandbox: sandbox.expect("tests run the sandbox carrier"),
            shopify: shopify.expect("tests run the sandbox store"),
            _dir: dir,
            pg_cleanup,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The app's data directory (local label files live under `labels/`).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.0.join("data")
    }

    /// A signed-in client (cookie jar), like one browser.
    pub async fn client(&self, email: &str) -> Client {
        let http = reqwest::Client::builder().cookie_store(true).build().expect("client");
        let c = Client { http, base: self.url("") };
        let res = c
            .http
            .post(c.url("/api/auth/login"))
            .form(&[("email", email), ("password", "demo1234")])
            .send()
            .await
            .expect("login request");
        assert!(res.status().is_success(), "login as {email} failed: {}", res.status());
        c
    }

    /// A browser that has not signed in yet (keeps cookies once it does).
    pub fn browser(&self) -> Client {
        Client { http: reqwest::Client::builder().cookie_store(true).build().expect("client"), base: self.url("") }
    }

    pub fn anonymous(&self) -> Client {
        Client { http: reqwest::Client::new(), base: self.url("") }
    }

    pub async fn drop_database(self) {
        if let Some((admin, name)) = &self.pg_cleanup {
            self.db.pool.close().await;
            if let Ok(conn) = sqlx::PgPool::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&conn).await;
            }
        }
    }
}

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    base: String,
}

/// What a server function answered: HTTP status and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn ok<T: DeserializeOwned>(self) -> T {
        assert!((200..300).contains(&self.status), "expected success, got {} {}", self.status, self.body);
        serde_json::from_value(self.body).expect("response shape")
    }
    /// Field → messages of a validation error.
    pub fn validation(&self) -> &serde_json::Map<String, Value> {
        assert_eq!(self.status, 422, "expected a validation error, got {}", self.body);
        self.body["Validation"]["fields"].as_object().expect("validation fields")
    }
    pub fn conflict(&self) -> String {
        assert_eq!(self.status, 409, "expected a conflict, got {} {}", self.status, self.body);
        self.body["Conflict"].as_str().expect("conflict message").to_string()
    }
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Calls a server function the way the browser does (JSON body).
    pub async fn call(&self, endpoint: &str, args: Value) -> Reply {
        let res = self.http.post(self.url(&format!("/api/{endpoint}"))).json(&args).send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    pub async fn save(&self, id: Option<i64>, draft: &app::domain::OrderDraft) -> Reply {
        self.call("orders/save", json!({ "id": id, "draft": draft })).await
    }
}

/// Expands each scenario into one test per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $scenario() { super::$scenario(super::common::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $scenario() { super::$scenario(super::common::Backend::Postgres).await } )*
        }
    };
}

/// A small valid PDF made with lopdf.
pub fn minimal_pdf() -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content_id = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 288.into(), 432.into()],
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! {
        "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
    }));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf");
    out
}

/// A complete order from LAX1 to Miami on `channel_code` (see `server::seed::sample_draft`).
pub fn miami_draft(cat: &app::domain::Catalog, channel_code: &str) -> app::domain::OrderDraft {
    server::seed::sample_draft(cat, channel_code).expect("LAX1, the channel and a LAX1 SKU in the catalog")
}
