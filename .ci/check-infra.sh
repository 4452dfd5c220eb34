#!/usr/bin/env bash
# Static checks for the Terraform under infra/.
#
#   1. installs the check tools into .tools/ (git-ignored) when missing;
#   2. parses every .tf file with HashiCorp's HCL parser (@cdktf/hcl2json);
#   3. cross-checks references between files and modules (a subset of
#      `terraform validate`: undeclared var/local/resource/module output,
#      unknown or missing module inputs, duplicates, and variables or
#      outputs without a description);
#   4. runs checkov with infra/.checkov.yaml and fails on any failed check
#      or parsing error (checkov itself exits 0 on parse errors);
#   5. prints every skipped check with its justification.
#
# Run from the repository root:  bash .ci/check-infra.sh
# `terraform validate` needs provider downloads and runs in GitHub Actions.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

HCL2JSON_VERSION="0.21.0"
CHECKOV_VERSION="3.3.30"
TOOLS_DIR=".tools"
NODE_PREFIX="${TOOLS_DIR}/node"
CHECKOV_VENV="${TOOLS_DIR}/venv-checkov"
INFRA_DIR="infra"
CHECKOV_CONFIG="${INFRA_DIR}/.checkov.yaml"
PARSED_JSON="${TOOLS_DIR}/infra-parsed.json"

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

apt_install() {
  # Only for fresh Debian machines; nothing is installed when the tools exist.
  if ! command -v apt-get >/dev/null 2>&1; then
    die "missing $* and apt-get is not available; install them and re-run"
  fi
  log "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_system_tools() {
  local missing=()
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}" ca-certificates
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    apt_install python3-venv
  fi
}

ensure_hcl2json() {
  local pkg="${NODE_PREFIX}/node_modules/@cdktf/hcl2json/package.json"
  if [[ -f "${pkg}" ]] && grep -q "\"version\": \"${HCL2JSON_VERSION}\"" "${pkg}"; then
    echo "@cdktf/hcl2json ${HCL2JSON_VERSION} already installed"
    return
  fi
  log "installing @cdktf/hcl2json ${HCL2JSON_VERSION} into ${NODE_PREFIX}"
  mkdir -p "${NODE_PREFIX}"
  npm install --prefix "${NODE_PREFIX}" --no-audit --no-fund --silent \
    "@cdktf/hcl2json@${HCL2JSON_VERSION}"
}

ensure_checkov() {
  if [[ -x "${CHECKOV_VENV}/bin/checkov" ]] &&
    "${CHECKOV_VENV}/bin/python" -m pip show checkov 2>/dev/null | grep -qx "Version: ${CHECKOV_VERSION}"; then
    echo "checkov ${CHECKOV_VERSION} already installed"
    return
  fi
  log "installing checkov ${CHECKOV_VERSION} into ${CHECKOV_VENV}"
  python3 -m venv "${CHECKOV_VENV}"
  "${CHECKOV_VENV}/bin/python" -m pip install --quiet --upgrade pip
  "${CHECKOV_VENV}/bin/python" -m pip install --quiet "checkov==${CHECKOV_VERSION}"
}

parse_hcl() {
  log "parsing every .tf file under ${INFRA_DIR}/ with @cdktf/hcl2json"
  NODE_PATH="${NODE_PREFIX}/node_modules" node - "${INFRA_DIR}" "${PARSED_JSON}" <<'JS'
const fs = require('fs');
const path = require('path');
const { parse } = require('@cdktf/hcl2json');

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.terraform') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.name.endsWith('.tf')) out.push(full);
  }
  return out;
}

(async () => {
  const files = walk(process.argv[2], []).sort();
  const parsed = {};
  let failed = 0;
  for (const file of files) {
    try {
      parsed[file] = await parse(file, fs.readFileSync(file, 'utf8'));
    } catch (err) {
      failed += 1;
      console.error(`PARSE ERROR in ${file}: ${String(err.message || err).trim()}`);
    }
  }
  fs.writeFileSync(process.argv[3], JSON.stringify(parsed));
  console.log(`hcl2json: ${files.length} files parsed, ${failed} with errors`);
  process.exit(failed === 0 && files.length > 0 ? 0 : 1);
})();
JS
}

check_references() {
  log "cross-checking references between files and modules"
  python3 - "${PARSED_JSON}" <<'PY'
import collections
import json
import os
import re
import sys

parsed = json.load(open(sys.argv[1], encoding="utf-8"))
META_ARGS = {"source", "version", "count", "for_each", "depends_on", "providers"}
problems = []

modules = collections.defaultdict(lambda: {
    "vars": {}, "outputs": {}, "locals": set(), "modules": {}, "resources": set(), "text": ""})
for path, doc in parsed.items():
    mod = modules[os.path.dirname(path)]
    with open(path, encoding="utf-8") as fh:
        mod["text"] += re.sub(r"(?m)#.*$", "", fh.read()) + "\n"
    # hcl2json gives {name: [body]} for labelled blocks and [body] for locals.
    for name, body in doc.get("variable", {}).items():
        if name in mod["vars"]:
            problems.append(f"{path}: variable {name} declared twice")
        mod["vars"][name] = body[0]
        if not body[0].get("description"):
            problems.append(f"{path}: variable {name} has no description")
    for name, body in doc.get("output", {}).items():
        if name in mod["outputs"]:
            problems.append(f"{path}: output {name} declared twice")
        mod["outputs"][name] = body[0]
        if not body[0].get("description"):
            problems.append(f"{path}: output {name} has no description")
    for local_block in doc.get("locals", []):
        for name in local_block:
            if name in mod["locals"]:
                problems.append(f"{path}: local {name} declared twice")
            mod["locals"].add(name)
    for name, body in doc.get("module", {}).items():
        mod["modules"][name] = (path, body[0])
    for kind, prefix in (("resource", ""), ("data", "data.")):
        for rtype, items in doc.get(kind, {}).items():
            for rname in items:
                key = f"{prefix}{rtype}.{rname}"
                if key in mod["resources"]:
                    problems.append(f"{path}: {key} declared twice")
                mod["resources"].add(key)

for mdir, mod in sorted(modules.items()):
    text = mod["text"]
    for name in sorted(set(re.findall(r"\bvar\.(\w+)", text)) - set(mod["vars"])):
        problems.append(f"{mdir}: var.{name} is not declared")
    for name in sorted(set(re.findall(r"\blocal\.(\w+)", text)) - mod["locals"]):
        problems.append(f"{mdir}: local.{name} is not declared")
    for rtype, rname in sorted(set(re.findall(r"(?<![\w.\"/-])((?:aws|datadog)_\w+)\.(\w+)", text))):
        if f"{rtype}.{rname}" not in mod["resources"]:
            problems.append(f"{mdir}: {rtype}.{rname} is not declared")
    for dtype, dname in sorted(set(re.findall(r"\bdata\.(\w+)\.(\w+)", text))):
        if f"data.{dtype}.{dname}" not in mod["resources"]:
            problems.append(f"{mdir}: data.{dtype}.{dname} is not declared")

    for call, (path, body) in sorted(mod["modules"].items()):
        target = os.path.normpath(os.path.join(mdir, body.get("source", "")))
        if target not in modules:
            problems.append(f"{path}: module {call} has source {body.get('source')} with no .tf files")
            continue
        child = modules[target]
        for arg in sorted(set(body) - META_ARGS - set(child["vars"])):
            problems.append(f"{path}: module {call} passes {arg}, which {target} does not declare")
        for var, spec in sorted(child["vars"].items()):
            if "default" not in spec and var not in body:
                problems.append(f"{path}: module {call} does not set required input {var}")
        used = re.findall(rf"\bmodule\.{call}(?:\[[^\]]*\])?\.(\w+)", text)
        for out in sorted(set(used) - set(child["outputs"])):
            problems.append(f"{mdir}: module.{call}.{out} is not an output of {target}")
    for call in sorted(set(re.findall(r"\bmodule\.(\w+)", text)) - set(mod["modules"])):
        problems.append(f"{mdir}: module.{call} is not declared")

for p in problems:
    print(f"ERROR: {p}", file=sys.stderr)
print(f"references: {len(modules)} modules checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
}

check_skip_justifications() {
  log "checking that every skip has a justification"
  python3 - "${CHECKOV_CONFIG}" "${INFRA_DIR}" <<'PY'
import pathlib
import re
import sys

config = pathlib.Path(sys.argv[1])
infra = pathlib.Path(sys.argv[2])
problems = []

# Global skips: "  - CKV_...  # reason" inside the skip-check list.
global_skips = []
in_list = False
for n, line in enumerate(config.read_text().splitlines(), 1):
    if re.match(r"^skip-check:\s*$", line):
        in_list = True
        continue
    if in_list and re.match(r"^\S", line):
        in_list = False
    m = re.match(r"^\s+-\s+(CKV2?_[A-Z0-9_]+)\s*(?:#\s*(.*))?$", line) if in_list else None
    if m:
        reason = (m.group(2) or "").strip()
        if not reason:
            problems.append(f"{config}:{n}: global skip {m.group(1)} has no justification comment")
        global_skips.append((m.group(1), reason))

# Resource-scoped skips live inline in the .tf files and must also be
# listed, with their reason, in the "inline skips" comment block.
documented = set(re.findall(r"^#\s+inline\s+(CKV2?_[A-Z0-9_]+)\s+(\S+)\s+-\s+\S", config.read_text(), re.M))
inline = []
for tf in sorted(infra.rglob("*.tf")):
    if ".terraform" in tf.parts:
        continue
    for n, line in enumerate(tf.read_text().splitlines(), 1):
        m = re.search(r"checkov:skip=(CKV2?_[A-Z0-9_]+)(?::(.*))?", line)
        if not m:
            continue
        reason = (m.group(2) or "").strip()
        rel = tf.relative_to(infra).as_posix()
        inline.append((m.group(1), rel, reason))
        if not reason:
            problems.append(f"{tf}:{n}: inline skip {m.group(1)} has no reason")
        if (m.group(1), rel) not in documented:
            problems.append(f"{tf}:{n}: inline skip {m.group(1)} is not listed in {config}")

print(f"global skips ({len(global_skips)}):")
for check, reason in global_skips:
    print(f"  {check:<14} {reason}")
print(f"resource-scoped skips ({len(inline)}):")
for check, rel, reason in inline:
    print(f"  {check:<14} {rel}: {reason}")
for p in problems:
    print(f"ERROR: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
PY
}

run_checkov() {
  log "running checkov ${CHECKOV_VERSION} on ${INFRA_DIR}/"
  local report="${TOOLS_DIR}/checkov-report.json"
  # checkov's exit code is not trusted: it is 0 on parse errors, so the JSON decides.
  "${CHECKOV_VENV}/bin/checkov" --config-file "${CHECKOV_CONFIG}" -d "${INFRA_DIR}" \
    --output json --quiet >"${report}" 2>"${TOOLS_DIR}/checkov-stderr.log" || true
  python3 - "${report}" <<'PY'
import json
import sys

path = sys.argv[1]
try:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
except (OSError, ValueError) as exc:
    print(f"ERROR: checkov produced no JSON report ({exc}); see .tools/checkov-stderr.log", file=sys.stderr)
    sys.exit(1)

reports = data if isinstance(data, list) else [data]
totals = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0}
failed_checks, parse_errors = [], []
for rep in reports:
    summary = rep.get("summary", {})
    for key in totals:
        totals[key] += int(summary.get(key, 0) or 0)
    results = rep.get("results", {})
    failed_checks += results.get("failed_checks", [])
    parse_errors += results.get("parsing_errors", []) or []

for chk in failed_checks:
    print(f"FAILED {chk['check_id']} {chk.get('check_name', '')}\n"
          f"       {chk.get('resource')} in {chk.get('file_path')}:{chk.get('file_line_range')}")
for err in parse_errors:
    print(f"PARSING ERROR {err}")
print("checkov: {passed} passed, {failed} failed, {skipped} skipped, "
      "{parsing_errors} parsing errors, {resource_count} resources".format(**totals))
if totals["resource_count"] == 0:
    print("ERROR: checkov scanned no resources", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if totals["failed"] or totals["parsing_errors"] else 0)
PY
}

main() {
  [[ -d "${INFRA_DIR}" ]] || die "run from the repository root (no ${INFRA_DIR}/ here)"
  [[ -f "${CHECKOV_CONFIG}" ]] || die "missing ${CHECKOV_CONFIG}"
  ensure_system_tools
  ensure_hcl2json
  ensure_checkov

  local status=0 hcl="ok" refs="ok" skips="ok" checkov="ok"
  if parse_hcl; then
    check_references || { status=1; refs="FAILED"; }
  else
    status=1 hcl="FAILED" refs="not run"
  fi
  check_skip_justifications || { status=1; skips="FAILED"; }
  run_checkov || { status=1; checkov="FAILED"; }

  log "summary"
  printf '  hcl2json parse      %s\n  references          %s\n  skip justifications %s\n  checkov             %s\n' \
    "${hcl}" "${refs}" "${skips}" "${checkov}"
  if ((status)); then
    echo "infra checks FAILED"
  else
    echo "infra checks passed"
  fi
  return "${status}"
}

main "$@"
