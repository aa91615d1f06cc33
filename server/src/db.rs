//! One connection pool for SQLite or PostgreSQL, chosen by the URL, plus migrations.

use std::str::FromStr;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl FromStr for Backend {
    type Err = String;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(format!("DATABASE_URL must start with sqlite:// or postgres:// (got {url:?})"))
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        install_default_drivers();
        let backend: Backend = url.parse().map_err(anyhow::Error::msg)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never wait for the writer; NORMAL is durable enough with WAL.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;").await?;
                    }
                    Ok(())
                })
            })
            .connect(&with_create_mode(url, backend))
            .await?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator.run(&pool).await?;
        Ok(Db { pool, backend })
    }

    /// Appended to a job-claiming `SELECT … LIMIT 1`: on PostgreSQL concurrent workers skip
    /// each other's rows instead of waiting on them; SQLite has one writer, so one UPDATE is
    /// atomic on its own.
    pub fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// Appended to a `SELECT` inside a write transaction to lock the rows it reads on
    /// PostgreSQL; SQLite's write transaction already holds the whole database.
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// A write transaction. SQLite must take the write lock up front (BEGIN IMMEDIATE), or two
    /// transactions that both read first fail instead of waiting for each other.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

/// One value of a row written through `JsonRows`: every column it is used for is text or an
/// integer (booleans are 0 / 1, money is minor units).
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum Cell<'a> {
    Text(std::borrow::Cow<'a, str>),
    Int(i64),
}

impl Cell<'_> {
    /// Text without U+0000: PostgreSQL text cannot hold it (the whole batch would fail, and
    /// with it every later sync of the store), and it means nothing in an order.
    pub fn text(s: &str) -> Cell<'_> {
        if s.contains('\0') {
            Cell::Text(std::borrow::Cow::Owned(s.replace('\0', "")))
        } else {
            Cell::Text(std::borrow::Cow::Borrowed(s))
        }
    }

    /// The same cell, owning its text (for text computed on the spot).
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Text(t) => Cell::Text(std::borrow::Cow::Owned(t.into_owned())),
            Cell::Int(n) => Cell::Int(n),
        }
    }
}

/// A named column of a batch row.
pub type Column<'a> = (&'static str, Cell<'a>);

/// Rows for a batch write, sent as one JSON parameter (an array of arrays) and read back as a
/// table by `INSERT … SELECT {values} FROM {json_table}` (or `UPDATE … FROM` that SELECT). A
/// batch of any size is then one statement with one bind and one prepared plan; a multi-row
/// VALUES needs a bind per value (a third of PostgreSQL's insert time went to binding), is
/// capped by the parameter limit, and is a new statement text, prepared again, for every
/// batch size.
pub struct JsonRows {
    columns: Vec<(&'static str, bool)>,
    json: String,
}

impl JsonRows {
    /// Every row has the same columns, in the same order (one function builds them).
    pub fn new<'a>(rows: impl IntoIterator<Item = Vec<Column<'a>>>) -> Result<JsonRows, serde_json::Error> {
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for row in rows {
            if columns.is_empty() {
                columns = row.iter().map(|(name, cell)| (*name, matches!(cell, Cell::Int(_)))).collect();
            }
            values.push(row.into_iter().map(|(_, cell)| cell).collect::<Vec<_>>());
        }
        Ok(JsonRows { columns, json: serde_json::to_string(&values)? })
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|(name, _)| *name)
    }

    /// The column names, for the INSERT's column list.
    pub fn columns(&self) -> String {
        self.names().collect::<Vec<_>>().join(", ")
    }

    /// The SELECT list reading each column, under its name, from the JSON row `r.value` (same
    /// syntax on both databases: `->>` gives text, integers are cast back).
    pub fn values(&self) -> String {
        let cells = self.columns.iter().enumerate().map(|(i, (name, int))| {
            if *int {
                format!("CAST(r.value ->> {i} AS BIGINT) AS {name}")
            } else {
                format!("r.value ->> {i} AS {name}")
            }
        });
        cells.collect::<Vec<_>>().join(", ")
    }

    /// The JSON text, bound as the parameter `json_table` reads.
    pub fn json(&self) -> &str {
        &self.json
    }
}

impl Backend {
    /// A FROM item turning the JSON array bound as `param` into rows `r`, one array element in
    /// `r.value` each (see `JsonRows`).
    pub fn json_table(self, param: &str) -> String {
        match self {
            Backend::Postgres => format!("jsonb_array_elements(CAST({param} AS jsonb)) AS r(value)"),
            Backend::Sqlite => format!("json_each({param}) AS r"),
        }
    }
}

/// SQLite files are created on first start.
fn with_create_mode(url: &str, backend: Backend) -> String {
    if backend == Backend::Sqlite && !url.contains("mode=") && !url.contains(":memory:") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_string()
    }
}
