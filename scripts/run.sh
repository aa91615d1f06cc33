#!/usr/bin/env bash
# `make run`: install build tools, build the release app, then serve it on 127.0.0.1:3000 with
# demo data in a local SQLite file (data/dropdock.db). No other service is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/setup-build-tools.sh
log "Building the release app (cargo leptos build --release)"
cargo leptos build --release

mkdir -p data
export DATABASE_URL="${DATABASE_URL:-sqlite://data/dropdock.db}"
export DROPDOCK_DATA_DIR="${DROPDOCK_DATA_DIR:-data}"
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
log "Dropdock on http://$LEPTOS_SITE_ADDR — merchant@demo.test / demo1234, warehouse@demo.test / demo1234"
exec target/release/server
