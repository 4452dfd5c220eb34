#!/usr/bin/env bash
# The browser end-to-end test, from a fresh machine: a real madoguchi server
# on a throwaway SQLite database, four employees, and headless Chromium
# (Debian's package) driven by playwright-core through e2e/console.test.mjs.
#
#   bash scripts/e2e.sh
#
# MADOGUCHI_BIN uses an already built binary instead of building one.
# CHROMIUM_PATH points at another Chromium (default /usr/bin/chromium).
# Screenshots are written to e2e/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  step "installing chromium"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

command -v node >/dev/null 2>&1 || { echo "node (20 or later) is required" >&2; exit 1; }

step "installing the test's npm packages"
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)

if [ -n "${MADOGUCHI_BIN:-}" ]; then
  bin="$MADOGUCHI_BIN"
else
  step "building madoguchi"
  cargo build --bin madoguchi --locked
  bin="${CARGO_TARGET_DIR:-target}/debug/madoguchi"
fi
[ -x "$bin" ] || { echo "no madoguchi binary at $bin" >&2; exit 1; }

work="$(mktemp -d)"
server_pid=""
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
export MADOGUCHI_DATABASE_URL="sqlite://$work/e2e.db?mode=rwc"
export MADOGUCHI_BIND="127.0.0.1:$port"
export MADOGUCHI_DATA_DIR="$work/data"
export MADOGUCHI_OUTBOX_DIR="$work/outbox"
export MADOGUCHI_LOG_FORMAT=json
base_url="http://127.0.0.1:$port"

password() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20; }

# Employees exist before the server starts, so it does not create (and
# print the password of) a first administrator.
step "creating employees"
E2E_AGENT1_PASSWORD="$(password)"
E2E_AGENT2_PASSWORD="$(password)"
E2E_SUPER1_PASSWORD="$(password)"
E2E_ADMIN1_PASSWORD="$(password)"
create_user() { # login, display name, role, password
  printf '%s\n' "$4" | "$bin" user create --login "$1" --name "$2" --role "$3"
}
create_user agent1 '佐藤 花子' agent "$E2E_AGENT1_PASSWORD"
create_user agent2 '鈴木 一郎' agent "$E2E_AGENT2_PASSWORD"
create_user super1 '高橋 美咲' supervisor "$E2E_SUPER1_PASSWORD"
create_user admin1 '田中 健' admin "$E2E_ADMIN1_PASSWORD"

step "starting madoguchi on $base_url"
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
ready=""
for _ in $(seq 1 100); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  if node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$base_url/readyz"; then
    ready=yes
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "madoguchi did not become ready; its log:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi

step "running the browser test"
mkdir -p e2e/artifacts
status=0
E2E_BASE_URL="$base_url" \
  E2E_AGENT1_PASSWORD="$E2E_AGENT1_PASSWORD" \
  E2E_AGENT2_PASSWORD="$E2E_AGENT2_PASSWORD" \
  E2E_SUPER1_PASSWORD="$E2E_SUPER1_PASSWORD" \
  E2E_ADMIN1_PASSWORD="$E2E_ADMIN1_PASSWORD" \
  CHROMIUM_PATH="$chromium" \
  node --test e2e/console.test.mjs || status=$?

if [ "$status" -ne 0 ]; then
  echo "the browser test failed; the server's last log lines:" >&2
  tail -n 40 "$work/server.log" >&2
fi
echo "screenshots: $(pwd)/e2e/artifacts/"
exit "$status"
