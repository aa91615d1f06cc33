# Shared settings for the Makefile scripts. Sourced, not run.
# Host builds use the same flags cargo-leptos uses for debug builds, so `cargo test` reuses
# the server build instead of compiling the world a second time.
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
export LEPTOS_OUTPUT_NAME=dropdock
CARGO_LEPTOS_VERSION=0.3.10
# wasm-bindgen-cli must equal the wasm-bindgen crate version in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[" ]/,""); sub("version=",""); print; exit}' Cargo.lock)
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
log() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
