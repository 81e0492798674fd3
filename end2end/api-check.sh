#!/usr/bin/env bash
# The outside check of the HTTP API: schemathesis (PyPI) against /api/v1/openapi.json of the
# debug server, on a fresh SQLite database with the demo data, with an API token of the demo
# account. A fixed seed and number of examples keep the run the same each time. Fails on any
# 5xx, any answer outside the schema, or a schema-valid request refused (see schemathesis.toml).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
port=${ESEMES_API_CHECK_PORT:-3108}
work="$root/target/api-check"
rm -rf "$work" && mkdir -p "$work"
export DATABASE_URL="sqlite://$work/esemes.db" ESEMES_BIND="127.0.0.1:$port" \
    ESEMES_ADMIN_PASSWORD="api-check-Haslo-1" LEPTOS_SITE_ROOT="$root/target/site" RUST_LOG=warn \
    ESEMES_SECRET_KEY_FILE="$work/secret.key"
"$root/target/debug/server" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 60); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.5
done
token=$("$root/target/debug/server" token create --account-id 1 --name "API check" | grep '^esk_')
cd "$work" # schemathesis keeps its example database in the working directory
"$root/.tools/venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run \
    "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all --max-examples 30 --seed 1 --workers 1
