#!/usr/bin/env bash
# shellcheck disable=SC2016  # jq programs in single quotes use jq's own $variables
# Runs ecs-deploy.sh against a fake `aws` and `docker` (no AWS account needed)
# through the paths that matter: a clean deploy, a failed migration, a circuit
# breaker rollback, services that never settle, and a wrong repository name.
#
#   bash .github/scripts/tests/ecs-deploy.test.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deploy="$here/../ecs-deploy.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bin"
cat >"$work/bin/aws" <<EOF
#!/usr/bin/env bash
exec python3 "$here/fake_aws.py" "\$@"
EOF
cat >"$work/bin/docker" <<'EOF'
#!/usr/bin/env bash
echo "docker $*" >>"$FAKE_AWS_LOG"
EOF
chmod +x "$work/bin/aws" "$work/bin/docker"

sha=0123456789abcdef0123456789abcdef01234567
passed=0
failed=0

# scenario NAME: fresh state and the environment a deploy job has.
scenario() {
  current=$1
  rm -rf "$work/case"
  mkdir -p "$work/case"
  export PATH="$work/bin:$PATH"
  export FAKE_AWS_STATE="$work/case/state.json" FAKE_AWS_LOG="$work/case/calls.log"
  export DEPLOY_STATE_DIR="$work/case/deploy" GITHUB_STEP_SUMMARY="$work/case/summary.md"
  export AWS_REGION=ap-northeast-1 ECS_CLUSTER=madoguchi-dev DEPLOY_ENVIRONMENT=dev
  export ECS_SERVICES="command-api, read-api projections"
  export ECR_REGISTRY=123456789012.dkr.ecr.ap-northeast-1.amazonaws.com ECR_REPOSITORY=madoguchi-dev
  export MIGRATE_TASK_DEFINITION=madoguchi-dev-migrate
  export MIGRATE_SUBNETS="subnet-a, subnet-b" MIGRATE_SECURITY_GROUP=sg-1
  export LOCAL_IMAGE="madoguchi:$sha" IMAGE_TAG=$sha
  export STABLE_TIMEOUT_SECONDS=3 MIGRATE_TIMEOUT_SECONDS=5
  unset FAKE_IMAGE_EXISTS FAKE_MIGRATE_EXIT FAKE_CIRCUIT_BREAKER FAKE_NEVER_STABLE
  : >"$FAKE_AWS_LOG"
}
step() { bash "$deploy" "$@" >"$work/case/out.log" 2>&1; }
ok() {
  echo "ok - ${current}: $*"
  passed=$((passed + 1))
}
not_ok() {
  echo "not ok - ${current}: $*"
  sed 's/^/    /' "$work/case/out.log" 2>/dev/null || true
  failed=$((failed + 1))
}
expect() { # expect DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
service_on() { # service_on NAME REVISION
  jq -e --arg s "$1" --arg r "$2" '.services[$s] | endswith(":" + $r)' "$FAKE_AWS_STATE" >/dev/null
}
called() { grep -qE -- "$1" "$FAKE_AWS_LOG"; }
json() { jq -e "$@" >/dev/null; }

scenario "clean deploy"
expect "preflight passes" step preflight
expect "push succeeds" step push
expect "image tagged and pushed" called "docker push .*/madoguchi-dev:${sha}"
expect "render succeeds" step render
expect "app image replaced" json --arg i "${ECR_REGISTRY}/madoguchi-dev:${sha}" \
  '.containerDefinitions[0].image == $i' "$DEPLOY_STATE_DIR/service-command-api.json"
expect "sidecar keeps its image" json '.containerDefinitions[1].image | endswith("/datadog/agent:7")' \
  "$DEPLOY_STATE_DIR/service-command-api.json"
expect "DD_VERSION is the commit in every container" json --arg v "$sha" \
  '[.containerDefinitions[].environment[] | select(.name == "DD_VERSION") | .value] == [$v, $v]' \
  "$DEPLOY_STATE_DIR/service-read-api.json"
expect "version label is the commit" json --arg v "$sha" \
  '.containerDefinitions[0].dockerLabels["com.datadoghq.tags.version"] == $v' \
  "$DEPLOY_STATE_DIR/service-projections.json"
expect "read-only fields dropped" json 'has("revision") or has("status") | not' "$DEPLOY_STATE_DIR/migrate.json"
expect "migration succeeds" step migrate
expect "migration runs in the given subnets" called 'run-task .*subnet-b'
expect "update succeeds" step update
expect "services on new revisions" service_on projections 2

scenario "failed migration"
export FAKE_MIGRATE_EXIT=1
step push && step render
if step migrate; then not_ok "migration failure not detected"; else ok "migration failure stops the deploy"; fi
expect "exit code reported" grep -q 'exit code 1' "$work/case/out.log"
expect "task log printed" grep -q 'migration 0007 failed' "$work/case/out.log"
expect "services untouched" service_on command-api 1
if called 'update-service'; then not_ok "services updated after failed migration"; else ok "no service updated"; fi

scenario "circuit breaker rolled back"
export FAKE_CIRCUIT_BREAKER=1
step push && step render && step migrate
if step update; then not_ok "rolled-back deploy reported as success"; else ok "update fails when ECS rolled back"; fi
expect "mismatch reported" grep -q 'expected madoguchi-dev-command-api:' "$work/case/out.log"
expect "rollback succeeds" step rollback
expect "services on previous revisions" service_on read-api 1

scenario "never stable"
export FAKE_NEVER_STABLE=1
step push && step render && step migrate
if step update; then not_ok "unstable deploy reported as success"; else ok "update times out"; fi
expect "rollback succeeds" step rollback
expect "rollback re-deploys previous revision" called 'update-service .*--service projections --task-definition .*madoguchi-dev-projections:1'
expect "services on previous revisions" service_on projections 1
expect "summary records rollback" grep -q 'Rolled back' "$GITHUB_STEP_SUMMARY"

scenario "image already in ECR"
export FAKE_IMAGE_EXISTS=1
expect "push succeeds" step push
if called 'docker push'; then not_ok "pushed over an immutable tag"; else ok "existing tag reused"; fi

scenario "wrong repository"
export ECR_REPOSITORY=some-other-repo
step push
if step render; then not_ok "render accepted a task definition without our image"; else ok "render refuses"; fi

scenario "missing configuration"
unset MIGRATE_SUBNETS
if step preflight; then not_ok "preflight passed without MIGRATE_SUBNETS"; else ok "preflight names the gap"; fi
expect "variable named" grep -q 'MIGRATE_SUBNETS' "$work/case/out.log"

echo "${passed} passed, ${failed} failed"
((failed == 0))
