#!/usr/bin/env bash
# Starts moto, a local stand-in for the AWS APIs Madoguchi calls (SES v2,
# EventBridge, SQS), so the AWS tests run against a real HTTP server.
#
#   bash scripts/moto.sh          # prints the endpoint, e.g. http://127.0.0.1:5005
#
# Installs moto into .tools/moto (a virtualenv) the first time, starts it in
# the background unless something already answers on MOTO_PORT (default
# 5005), and waits until it is ready. Its log goes to .tools/moto/server.log.
# Stop it with: kill "$(cat .tools/moto/server.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
port="${MOTO_PORT:-5005}"
endpoint="http://127.0.0.1:${port}"
venv=.tools/moto

# Answers, and serves a real API call: a moto whose files were deleted under
# it (its checkout removed) still answers the first but fails the second.
answers() {
  python3 - "$endpoint" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=2).read()
request = urllib.request.Request(sys.argv[1] + "/", data=b"Action=ListQueues&Version=2012-11-05", headers={
    "Content-Type": "application/x-www-form-urlencoded",
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sqs/aws4_request, "
                     "SignedHeaders=host, Signature=0"})
urllib.request.urlopen(request, timeout=5).read()
PY
}

# Installed even when a moto of another checkout already answers: the SES
# outage test starts and stops a moto of its own with this venv's Python.
if ! "$venv/bin/python" -c "import moto, flask, flask_cors" >/dev/null 2>&1 ||
  [ "$("$venv/bin/python" -c 'import moto; print(moto.__version__)')" != "$MOTO_VERSION" ]; then
  echo "installing moto ${MOTO_VERSION} into ${venv}" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
fi

if ! answers; then
  # A broken moto of an earlier run may still hold the port: replace it.
  pkill -f "moto.server -H 127.0.0.1 -p ${port}\$" 2>/dev/null && sleep 1 || true
  # setsid: the server outlives this script and the shell that ran it.
  setsid "$venv/bin/python" -m moto.server -H 127.0.0.1 -p "$port" \
    >"$venv/server.log" 2>&1 </dev/null &
  echo $! >"$venv/server.pid"
  for _ in $(seq 1 60); do
    answers && break
    sleep 0.5
  done
  answers || {
    echo "moto did not start on ${endpoint}; see ${venv}/server.log" >&2
    exit 1
  }
fi
echo "$endpoint"
