#!/usr/bin/env bash
# Installs what building the app needs, skipping whatever is already at the right version:
# the wasm32 target, cargo-leptos, wasm-bindgen-cli (pinned to Cargo.lock) and the npm tools
# (binaryen's wasm-opt for release builds, Playwright for the browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
  log "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 18 minutes, once)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  log "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock)"
  # Not --locked: its lock file names a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! command -v npm >/dev/null; then
  log "Installing Node.js and npm"
  $SUDO apt-get update -q && $SUDO apt-get install -y -q nodejs npm
fi
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  log "Installing npm tools (binaryen, Playwright; no browser download)"
  (cd end2end && npm ci --no-audit --no-fund)
fi
