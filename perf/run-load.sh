#!/usr/bin/env bash
# Runs load scenarios against the all-in-one binary on MariaDB.
#
#   bash perf/run-load.sh normal sale shipping recall spike target stress
#
# For each run: a fresh database `madoguchi_load` on LOAD_MYSQL (default
# mysql://root@127.0.0.1:3306), migrated, with one agent and an API token;
# `madoguchi serve` (release build) on 127.0.0.1:18080 with its log in
# perf/load-reports/; then the goose scenario, whose Markdown report goes to
# perf/load-reports/<scenario>.md. Exits non-zero if any scenario fails its
# thresholds.
set -euo pipefail
cd "$(dirname "$0")/.."

server="${LOAD_MYSQL:-mysql://root@127.0.0.1:3306}"
database="${server}/madoguchi_load"
bind=127.0.0.1:18080
reports=perf/load-reports
mkdir -p "$reports"
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --locked --workspace --bin madoguchi --bin load
bin="$target/release/madoguchi"

mysql_admin() {
  python3 - "$server" "$1" <<'PY'
import subprocess, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
args = ["mariadb", "--protocol=tcp", f"-h{u.hostname}", f"-P{u.port or 3306}", f"-u{u.username or 'root'}"]
if u.password:
    args.append(f"-p{urllib.parse.unquote(u.password)}")
subprocess.run(args + ["-e", sys.argv[2]], check=True)
PY
}

failed=0
for scenario in "$@"; do
  echo "==> $scenario: fresh database"
  mysql_admin "DROP DATABASE IF EXISTS madoguchi_load; CREATE DATABASE madoguchi_load CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  export DATABASE_URL="$database" MADOGUCHI_BIND="$bind" MADOGUCHI_DATA_DIR="$reports/data" \
    MADOGUCHI_OUTBOX_DIR="$reports/data/outbox" MADOGUCHI_LOG_FORMAT=json \
    MADOGUCHI_CONTACT_LIMIT_PER_HOUR=100000 MADOGUCHI_CONTACT_LIMIT_PER_DAY=1000000
  rm -rf "$reports/data"
  "$bin" migrate >/dev/null 2>&1
  password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
  printf '%s\n' "$password" | "$bin" user create --login load-agent --name '負荷 試験' --role agent >/dev/null
  token="$("$bin" token create --login load-agent --label load)"
  "$bin" serve >"$reports/$scenario.server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://$bind/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "==> $scenario: load (goose)"
  if ! MADOGUCHI_LOAD_SCENARIO="$scenario" MADOGUCHI_LOAD_TOKEN="$token" \
    MADOGUCHI_LOAD_LOGIN=load-agent MADOGUCHI_LOAD_PASSWORD="$password" \
    "$target/release/load" --host "http://$bind" --no-telnet --no-websocket \
    --report-file "$reports/$scenario.md" --running-metrics 15; then
    echo "==> $scenario: thresholds failed (see $reports/$scenario.md)"
    failed=1
  fi
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
done
exit "$failed"
