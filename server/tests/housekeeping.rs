//! Housekeeping on SQLite and PostgreSQL: rows past their retention go (sign-in attempts,
//! expired sessions, day-old idempotency keys, finished webhook deliveries with their attempts
//! and events), everything still in use stays, and a second pass finds nothing.

mod common;

use common::{Backend, TestApp};
use server::housekeeping::{prune, Pruned};

const DAY: i64 = 86_400_000;

async fn run(app: &TestApp, sql: &str, binds: &[i64]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.execute(&app.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn ids(app: &TestApp, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql).fetch_all(&app.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn old_rows_go_and_rows_in_use_stay(backend: Backend) {
    // No webhook worker: it would try the queued delivery below and add an attempt.
    let app = TestApp::start_with(backend, |c| c.webhook_workers = 0).await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
    // The first pass at start-up may already have run; begin from a clean slate either way.
    prune(&app.db, now).await.expect("first pass");
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE merchant_id = 1 ORDER BY id LIMIT 1").fetch_one(&app.db.pool).await.expect("user");

    run(&app, "INSERT INTO sign_in_attempts (at, email, address, succeeded) VALUES ($1, 'old@x.test', '10.0.0.1', 0), ($2, 'new@x.test', '10.0.0.1', 0)", &[now - 8 * DAY, now - 60_000]).await;
    run(&app, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('expired', $1, $2, $3), ('live', $1, $2, $4)", &[user, now - 10 * DAY, now - DAY, now + DAY]).await;
    run(
        &app,
        "INSERT INTO idempotency_keys (merchant_id, idempotency_key, method, path, request_hash, created_at)
         VALUES (1, 'old-key', 'POST', '/api/v1/orders', 'h', $1), (1, 'new-key', 'POST', '/api/v1/orders', 'h', $2)",
        &[now - 2 * DAY, now - 60_000],
    )
    .await;
    run(&app, "INSERT INTO webhook_endpoints (merchant_id, url, secret_sealed, event_types, created_at) VALUES (1, 'https://example.com/hook', 'sealed', 'order.created', $1)", &[now - 40 * DAY]).await;
    let endpoint: i64 = sqlx::query_scalar("SELECT MAX(id) FROM webhook_endpoints").fetch_one(&app.db.pool).await.expect("endpoint");
    for (event, age) in [("ev-old-ok", 31), ("ev-old-failed", 31), ("ev-old-queued", 31), ("ev-recent", 1), ("ev-orphan-recent", 1)] {
        run(&app, &format!("INSERT INTO webhook_events (id, merchant_id, event_type, sequence, payload, created_at) VALUES ('{event}', 1, 'order.created', 1, '{{}}', $1)"), &[now - age * DAY]).await;
    }
    for (event, status, age) in [("ev-old-ok", "succeeded", 31), ("ev-old-failed", "failed", 31), ("ev-old-queued", "queued", 31), ("ev-recent", "succeeded", 1)] {
        run(
            &app,
            &format!(
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, merchant_id, sequence, status, next_attempt_at, created_at, updated_at)
                 VALUES ($1, '{event}', 1, 1, '{status}', $2, $2, $2)"
            ),
            &[endpoint, now - age * DAY],
        )
        .await;
    }
    run(
        &app,
        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code) SELECT id, 1, created_at, 12, 200 FROM webhook_deliveries",
        &[],
    )
    .await;

    let pruned = prune(&app.db, now).await.expect("prune");
    assert_eq!(pruned, Pruned { sign_in_attempts: 1, sessions: 1, idempotency_keys: 1, webhook_deliveries: 2, webhook_events: 2 });
    assert_eq!(ids(&app, "SELECT email FROM sign_in_attempts").await, ["new@x.test"]);
    assert_eq!(ids(&app, "SELECT token_hash FROM sessions").await, ["live"]);
    assert_eq!(ids(&app, "SELECT idempotency_key FROM idempotency_keys").await, ["new-key"]);
    assert_eq!(ids(&app, "SELECT event_id FROM webhook_deliveries ORDER BY event_id").await, ["ev-old-queued", "ev-recent"], "a queued delivery is never dropped");
    assert_eq!(ids(&app, "SELECT id FROM webhook_events ORDER BY id").await, ["ev-old-queued", "ev-orphan-recent", "ev-recent"]);
    let attempts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_attempts").fetch_one(&app.db.pool).await.expect("attempts");
    assert_eq!(attempts, 2, "the removed deliveries' attempts went with them");

    assert_eq!(prune(&app.db, now).await.expect("again"), Pruned::default(), "a second pass finds nothing");
    app.drop_database().await;
}

on_both_backends!(old_rows_go_and_rows_in_use_stay);
