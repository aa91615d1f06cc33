#!/usr/bin/env bash
# `make bench`: one release build, then every figure in one run on this machine:
# bundle sizes, order list at 1M rows (SQLite + PostgreSQL), create throughput, page loads.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup-build-tools.sh
bash scripts/setup-test-services.sh
mkdir -p target/bench

log "Release build (server opt-level 3, WASM opt-level z + wasm-opt)"
cargo leptos build --release

log "Order list at ${BENCH_ROWS:-1000000} rows and create throughput (SQLite, PostgreSQL)"
export DROPDOCK_BENCH_PG_URL="${DROPDOCK_BENCH_PG_URL:-postgres://dropdock:dropdock@127.0.0.1:5432/postgres}"
# Same flags as the cargo-leptos release build (always-erase-components) so nothing is rebuilt.
(cd server && RUSTFLAGS="--cfg erase_components" cargo bench --bench orders)

log "Platform orders: sync throughput from the sandbox store, batch dispatch of 1,000 (SQLite, PostgreSQL)"
(cd server && RUSTFLAGS="--cfg erase_components" cargo bench --bench platform)

log "Cold page loads (release server on SQLite, phone viewport, 4x CPU throttling)"
rm -rf target/bench/site-db && mkdir -p target/bench/site-db
DATABASE_URL=sqlite://target/bench/site-db/pageload.db DROPDOCK_DATA_DIR=target/bench/site-db \
  LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=127.0.0.1:3200 target/release/server > target/bench/site-db/server.log 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fs http://127.0.0.1:3200/healthz >/dev/null && break; sleep 0.5; done
(cd end2end && node bench/pageload.mjs http://127.0.0.1:3200) > target/bench/pageload.json

log "Results"
node end2end/bench/report.mjs
