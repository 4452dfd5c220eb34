#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs and starts what the
# tests need (MariaDB), runs the infrastructure, workflow and fixture checks,
# then every Rust test on both database backends.
#
#   bash scripts/test.sh
#
# MADOGUCHI_TEST_MYSQL_URL points the tests at an existing MariaDB server
# (as in GitHub Actions); without it, a local server is installed if missing,
# started if stopped, and given a test-only user.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

mariadb_answers() {
  mariadb-admin --protocol=tcp -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1 ||
    sudo_if_needed mariadb-admin ping >/dev/null 2>&1
}

ensure_local_mariadb() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    step "installing mariadb-server"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client >/dev/null
  fi
  if ! mariadb_answers; then
    step "starting MariaDB"
    sudo_if_needed mkdir -p /run/mysqld
    sudo_if_needed chown mysql:mysql /run/mysqld 2>/dev/null || true
    sudo_if_needed start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    for _ in $(seq 1 60); do mariadb_answers && break; sleep 1; done
    mariadb_answers || { echo "MariaDB did not start" >&2; exit 1; }
  fi
  # A user that can only touch the throwaway test databases (mdgt_…).
  local sql="CREATE USER IF NOT EXISTS 'madoguchi_test'@'127.0.0.1' IDENTIFIED BY 'madoguchi_test';
             CREATE USER IF NOT EXISTS 'madoguchi_test'@'localhost' IDENTIFIED BY 'madoguchi_test';
             GRANT ALL PRIVILEGES ON \`mdgt\\_%\`.* TO 'madoguchi_test'@'127.0.0.1';
             GRANT ALL PRIVILEGES ON \`mdgt\\_%\`.* TO 'madoguchi_test'@'localhost';"
  mariadb --protocol=tcp -h127.0.0.1 -uroot -e "$sql" 2>/dev/null || sudo_if_needed mariadb -e "$sql"
  export MADOGUCHI_TEST_MYSQL_URL="mysql://madoguchi_test:madoguchi_test@127.0.0.1:3306"
}

drop_test_databases() {
  command -v mariadb >/dev/null 2>&1 || return 0
  local creds
  creds=$(python3 - <<'PY'
import os, urllib.parse
u = urllib.parse.urlparse(os.environ["MADOGUCHI_TEST_MYSQL_URL"])
print(f"-h{u.hostname} -P{u.port or 3306} -u{urllib.parse.unquote(u.username or 'root')} " + (f"-p{urllib.parse.unquote(u.password)}" if u.password else ""))
PY
)
  # shellcheck disable=SC2086
  for db in $(mariadb --protocol=tcp $creds -N -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'mdgt\\_%'" 2>/dev/null); do
    # shellcheck disable=SC2086
    mariadb --protocol=tcp $creds -e "DROP DATABASE \`$db\`" 2>/dev/null || true
  done
}

if [ -z "${MADOGUCHI_TEST_MYSQL_URL:-}" ]; then
  ensure_local_mariadb
fi
trap drop_test_databases EXIT

step "fixture checks"
python3 projections/tests/fixtures/mail/verify.py
python3 projections/tests/fixtures/triage/evaluate.py
python3 domain/data/generate_jp_holidays.py --check

step "infrastructure checks (Terraform parse, checkov)"
bash .ci/check-infra.sh

step "workflow checks (actionlint, zizmor)"
bash .ci/check-workflows.sh

step "formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "moto (stand-in for SES, EventBridge, S3, SQS)"; MADOGUCHI_TEST_MOTO_URL=$(bash scripts/moto.sh); export MADOGUCHI_TEST_MOTO_URL
# The SES outage test starts and stops a moto of its own with this Python.
export MADOGUCHI_TEST_MOTO_PYTHON="$PWD/.tools/moto/bin/python"
step "ddapm-test-agent (Datadog's fake agent, for the tracing test)"
MADOGUCHI_TEST_DD_AGENT_URL=$(bash scripts/ddapm-test-agent.sh); export MADOGUCHI_TEST_DD_AGENT_URL
step "Rust tests (domain, contract tests on MariaDB and SQLite, HTTP)"
# One build for the tests and the binary the browser test runs: built with
# the tests, the binary shares their feature set, so nothing compiles twice.
cargo build --workspace --all-targets --locked
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

step "browser end-to-end test (Chromium, playwright-core, axe)"
MADOGUCHI_BIN="${CARGO_TARGET_DIR:-target}/debug/madoguchi" bash scripts/e2e.sh
