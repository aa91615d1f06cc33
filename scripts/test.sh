#!/usr/bin/env bash
# Everything `make test` (and CI) runs: tools, services, one debug build, then unit,
# integration (SQLite and PostgreSQL) and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
start=$(date +%s)

bash scripts/setup-build-tools.sh
bash scripts/setup-test-services.sh
export DROPDOCK_TEST_PG_URL="${DROPDOCK_TEST_PG_URL:-postgres://dropdock:dropdock@127.0.0.1:5432/postgres}"
export DROPDOCK_TEST_S3_ENDPOINT="${DROPDOCK_TEST_S3_ENDPOINT:-http://127.0.0.1:5055}"

log "Building server and WASM (cargo leptos build, debug)"
cargo leptos build

log "Guard: no server-only crate in the WASM build"
server_only="sqlx axum tokio reqwest argon2 hmac utoipa lopdf printpdf object_store"
for crate in $server_only; do
  if cargo tree -p frontend --target wasm32-unknown-unknown -i "$crate" 2>/dev/null | grep -q .; then
    echo "$crate reaches the wasm32 build of frontend:"; cargo tree -p frontend --target wasm32-unknown-unknown -i "$crate"; exit 1
  fi
done
echo "ok: none of $server_only is in the frontend's wasm32 dependency tree"

log "Unit and integration tests (SQLite + PostgreSQL)"
# Same flags as cargo-leptos' debug build above, so the dependencies are reused.
RUSTFLAGS="--cfg erase_components" cargo test -p app -p server --no-fail-fast

log "Browser tests (Playwright, Chromium)"
(cd end2end && npx playwright test)

log "All tests passed in $(( $(date +%s) - start ))s"
