# Esemes: `make run` and `make test` work from a fresh clone; each installs what it needs and
# skips what is already there.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

CARGO_LEPTOS_VERSION := 0.3.11
BINARYEN_VERSION := 132.0.0
LIGHTHOUSE_VERSION := 13.5.0
SCHEMATHESIS_VERSION := 4.32.5
# The PayU REST 2.1 simulator the payment tests pay through (they declare Python 3.12 and run on 3.11).
PAYU_SIMULATOR_VERSION := 3.2.0
# The SMTP server whose Maildir the e-mail tests read.
AIOSMTPD_VERSION := 1.4.6
# The wasm-bindgen CLI must equal the library in Cargo.lock (pinned with = in Cargo.toml).
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)

# Test peers (all on 127.0.0.1).
PG_URL := postgres://esemes:esemes@127.0.0.1:5432

.PHONY: run test tools test-tools postgres build-release build-debug test-rust test-api test-e2e bench-web

## Release build, then the app on http://127.0.0.1:3000 with SQLite, the simulator and demo data.
run: tools build-release
	LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD ./target/release/server

## Every test: Rust unit/integration tests on SQLite and PostgreSQL (the SMPP and Kannel drivers
## against an SMS centre fixture and Debian's Kannel), the HTTP API checked against its OpenAPI
## document by schemathesis, then Playwright in Chromium.
test: tools test-tools postgres build-debug test-rust test-api test-e2e

# Pages other than login, composer and messages are lazy routes whose code is split out of the
# main wasm (--split); the release build also writes brotli and gzip copies at full quality,
# which the server sends as they are.
build-release:
	cargo leptos build --release --split --precompress

build-debug:
	cargo leptos build --split

test-rust:
	ESEMES_TEST_POSTGRES_URL=$(PG_URL) cargo test --workspace --features app/ssr

test-api:
	end2end/api-check.sh

test-e2e:
	cd end2end && npx playwright test

tools:
	rustup target add wasm32-unknown-unknown
	@if ! cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)"; then \
		echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 20 minutes, once per machine)"; \
		toolchain=$$(rustup toolchain list | grep -q '^nightly' && echo nightly || echo 1.97.0); \
		rustup toolchain list | grep -q "^$$toolchain" || rustup toolchain install $$toolchain --profile minimal; \
		cargo +$$toolchain install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads; \
	fi
	@if ! wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)"; then \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi
	@# Debian's binaryen is too old and breaks the wasm; npm's is current.
	@if ! wasm-opt --version 2>/dev/null | grep -q "version $(firstword $(subst ., ,$(BINARYEN_VERSION)))"; then \
		npm install --prefix $(TOOLS) --no-save --no-audit --no-fund binaryen@$(BINARYEN_VERSION); \
	fi

## First-load figures of the release build on a phone (Lighthouse), as BENCHMARKS.md gives them.
bench-web: tools test-tools build-release
	@if ! test -d $(TOOLS)/lighthouse/node_modules/lighthouse; then \
		npm install --prefix $(TOOLS)/lighthouse --no-save --no-audit --no-fund lighthouse@$(LIGHTHOUSE_VERSION); \
	fi
	cd end2end && node bench-web.mjs

test-tools:
	@if ! command -v chromium >/dev/null || ! command -v pg_ctlcluster >/dev/null || ! command -v bearerbox >/dev/null; then \
		apt-get update && apt-get install -y chromium postgresql kannel; \
	fi
	cd end2end && npm ci --no-audit --no-fund
	npm ci --prefix end2end/fixtures/smsc --no-audit --no-fund
	@if ! $(TOOLS)/venv/bin/schemathesis --version 2>/dev/null | grep -q "$(SCHEMATHESIS_VERSION)"; then \
		python3 -m venv $(TOOLS)/venv && $(TOOLS)/venv/bin/pip install -q schemathesis==$(SCHEMATHESIS_VERSION); \
	fi
	@if ! $(TOOLS)/payu/bin/pip show python-getpaid-simulator 2>/dev/null | grep -q "Version: $(PAYU_SIMULATOR_VERSION)"; then \
		python3 -m venv $(TOOLS)/payu && $(TOOLS)/payu/bin/pip install -q --ignore-requires-python \
			python-getpaid-simulator==$(PAYU_SIMULATOR_VERSION) 'python-getpaid-payu[simulator]==$(PAYU_SIMULATOR_VERSION)'; \
	fi
	@if ! $(TOOLS)/smtp/bin/pip show aiosmtpd 2>/dev/null | grep -q "Version: $(AIOSMTPD_VERSION)"; then \
		python3 -m venv $(TOOLS)/smtp && $(TOOLS)/smtp/bin/pip install -q aiosmtpd==$(AIOSMTPD_VERSION); \
	fi

## PostgreSQL for the tests: start the cluster and create the test role (tests make their own databases).
postgres:
	@version=$$(ls /usr/lib/postgresql | sort -n | tail -1); \
	pg_ctlcluster $$version main status >/dev/null 2>&1 || pg_ctlcluster $$version main start
	@su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'esemes'\"" | grep -q 1 || \
		su postgres -c "psql -qc \"CREATE ROLE esemes LOGIN CREATEDB PASSWORD 'esemes'\""
	@# Databases left by interrupted test runs.
	@for db in $$(su postgres -c "psql -qtAc \"SELECT datname FROM pg_database WHERE datname LIKE 'esemes_test_%'\""); do \
		su postgres -c "psql -qc 'DROP DATABASE \"$$db\" WITH (FORCE)'"; \
	done
