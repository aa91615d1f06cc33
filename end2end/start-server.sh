#!/usr/bin/env bash
# Starts the debug server on a fresh SQLite database for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf target/e2e && mkdir -p target/e2e
port="${E2E_PORT:-3100}"
export DATABASE_URL="sqlite://target/e2e/e2e.db"
export DROPDOCK_DATA_DIR=target/e2e/data
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
# Slow carrier: the browser tests can see "Label: pending" before the label arrives.
export DROPDOCK_SANDBOX_LATENCY_MS=1200
export DROPDOCK_LABEL_WORKERS=2
# The webhook test's receiver listens on 127.0.0.1.
export DROPDOCK_WEBHOOK_ALLOW_PRIVATE=1
exec target/debug/server
