#!/usr/bin/env bash
# Starts Datadog's own test agent, which accepts traces as the real agent
# does and shows what it received at GET /test/traces, so the tracing tests
# check real exports.
#
#   bash scripts/ddapm-test-agent.sh   # prints the agent URL, e.g. http://127.0.0.1:8126
#
# Installs ddapm-test-agent into .tools/ddapm (a virtualenv) the first time,
# starts it in the background unless something already answers on
# DDAPM_PORT (default 8126), and waits until it is ready. Its log goes to
# .tools/ddapm/agent.log. Stop it with: kill "$(cat .tools/ddapm/agent.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.69.1
port="${DDAPM_PORT:-8126}"
url="http://127.0.0.1:${port}"
venv=.tools/ddapm

answers() {
  python3 - "$url" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/test/traces", timeout=2).read()
PY
}

if ! answers; then
  if [ "$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("ddapm-test-agent"))' 2>/dev/null)" != "$VERSION" ]; then
    echo "installing ddapm-test-agent ${VERSION} into ${venv}" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "ddapm-test-agent==${VERSION}"
  fi
  # setsid: the agent outlives this script and the shell that ran it.
  setsid "$venv/bin/ddapm-test-agent" --host 127.0.0.1 --port "$port" \
    >"$venv/agent.log" 2>&1 </dev/null &
  echo $! >"$venv/agent.pid"
  for _ in $(seq 1 60); do
    answers && break
    sleep 0.5
  done
  answers || {
    echo "ddapm-test-agent did not start on ${url}; see ${venv}/agent.log" >&2
    exit 1
  }
fi
echo "$url"
