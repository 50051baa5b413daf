# Tandem: `make run` starts it on http://127.0.0.1:3000, `make test` runs every test,
# `make bench` measures it (docs/PERFORMANCE.md).
# All install what they need first (scripts/setup) and skip what is there.

SHELL := /bin/bash
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Queries are checked against .sqlx/ at build time: no database needed to build.
export SQLX_OFFLINE := true

.PHONY: run test bench setup build lint prepare db-stop

run: setup
	cargo leptos serve --release

test: setup
	scripts/test

# Seeds a large data set into a throwaway database, measures My Tasks and
# claims with wrk on loopback, writes docs/PERFORMANCE.md (figures, never a failure).
bench: setup
	scripts/bench

setup:
	@scripts/setup

build: setup
	cargo leptos build --release

# Clippy for both halves of the app, never both features at once.
lint: setup
	cargo clippy --features ssr --all-targets -- -D warnings
	cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

# Refreshes .sqlx/ after a query changes (needs sqlx-cli and DATABASE_URL).
prepare:
	SQLX_OFFLINE=false cargo sqlx prepare -- --features ssr

# Stops the embedded cluster if a crashed server left it running.
db-stop:
	cargo run --quiet --features ssr --bin tandem -- db stop
