#!/usr/bin/env python3
"""Generate domain/data/jp-holidays.json (Japanese public holidays).

The list is produced with the PyPI package ``jpholiday`` and cross-checked,
year by year, against the independent ``holidays`` package. Both are pinned
and installed into a throwaway virtual environment under the system temp
directory, so nothing is installed globally and nothing is fetched at run
time by the service itself.

Usage:
    python3 domain/data/generate_jp_holidays.py            # (re)write the JSON
    python3 domain/data/generate_jp_holidays.py --check    # verify the committed JSON
    python3 domain/data/generate_jp_holidays.py --to 2031 --version 2027.1

The script is idempotent: regenerating unchanged data leaves the file
byte-for-byte identical (the "generated" date is kept when nothing changed).
Exit codes: 0 ok, 1 the packages disagree on dates or --check found drift,
2 environment/setup problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

JPHOLIDAY_VERSION = "1.0.3"
HOLIDAYS_VERSION = "0.108"
DEFAULT_VERSION = "2026.1"
DEFAULT_FROM = 2020
DEFAULT_TO = 2030
SOURCE = "内閣府「国民の祝日について」に基づく"
SUBSTITUTE = "振替休日"

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "jp-holidays.json"
REEXEC_MARKER = "MADOGUCHI_JP_HOLIDAYS_VENV"

# Dates that must be present with these names; a guard against a broken
# package release. Covers the Olympic moves, a citizens' holiday and a
# substitute holiday.
EXPECTED = {
    "2020-07-23": "海の日",
    "2020-07-24": "スポーツの日",
    "2020-08-10": "山の日",
    "2021-07-22": "海の日",
    "2021-07-23": "スポーツの日",
    "2021-08-08": "山の日",
    "2021-08-09": SUBSTITUTE,
    "2026-05-06": SUBSTITUTE,
    "2026-09-22": "国民の休日",
    "2026-09-23": "秋分の日",
}


def log(msg: str) -> None:
    print(f"[jp-holidays] {msg}", flush=True)


# --------------------------------------------------------------------------
# Throwaway virtual environment
# --------------------------------------------------------------------------

def packages_ready() -> bool:
    try:
        import holidays  # noqa: F401
        import jpholiday  # noqa: F401
        from importlib.metadata import version
    except ImportError:
        return False
    return (
        version("jpholiday") == JPHOLIDAY_VERSION
        and version("holidays") == HOLIDAYS_VERSION
    )


def ensure_venv_support() -> None:
    """Debian ships venv/ensurepip separately (python3-venv)."""
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
        return
    except ImportError:
        pass
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("python venv support missing; installing python3-venv with apt-get")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "python3-venv"], check=True, env=env
        )
    else:
        log("python venv support missing: install python3-venv and retry")
        sys.exit(2)


def venv_python(venv_dir: Path) -> Path:
    return venv_dir / "bin" / "python"


def bootstrap(venv_dir: Path) -> None:
    """Re-run this script inside a venv holding the pinned packages."""
    if packages_ready():
        return
    if os.environ.get(REEXEC_MARKER):
        log("packages still missing inside the venv; giving up")
        sys.exit(2)
    py = venv_python(venv_dir)
    if not py.exists():
        ensure_venv_support()
        log(f"creating throwaway venv in {venv_dir}")
        subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True)
        if not py.exists():
            # A half-made venv from an interrupted run: start over.
            shutil.rmtree(venv_dir, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True)
    log(f"installing jpholiday=={JPHOLIDAY_VERSION} holidays=={HOLIDAYS_VERSION}")
    subprocess.run(
        [
            str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            f"jpholiday=={JPHOLIDAY_VERSION}", f"holidays=={HOLIDAYS_VERSION}",
        ],
        check=True,
    )
    env = dict(os.environ, **{REEXEC_MARKER: "1"})
    os.execve(str(py), [str(py), str(Path(__file__).resolve()), *sys.argv[1:]], env)


# --------------------------------------------------------------------------
# Generation and cross-check
# --------------------------------------------------------------------------

def normalise_name(name: str) -> str:
    """jpholiday names substitute holidays '<holiday> 振替休日'; we use '振替休日'
    (as the `holidays` package and the Cabinet Office page do)."""
    name = name.strip()
    if name.endswith(SUBSTITUTE):
        return SUBSTITUTE
    return name


def from_jpholiday(year: int) -> dict[str, str]:
    import jpholiday

    return {d.isoformat(): name for d, name in jpholiday.year_holidays(year)}


def from_holidays(year: int) -> dict[str, str]:
    import holidays

    cal = holidays.country_holidays("JP", years=year, language="ja")
    return {d.isoformat(): name for d, name in cal.items() if d.year == year}


def cross_check(first: int, last: int) -> tuple[list[dict[str, str]], int]:
    """Return (holidays, number of date disagreements)."""
    merged: list[dict[str, str]] = []
    date_diffs = 0
    for year in range(first, last + 1):
        a = from_jpholiday(year)
        b = from_holidays(year)
        raw_name_diffs = 0
        year_date_diffs = []
        year_name_diffs = []
        for day in sorted(set(a) | set(b)):
            if day not in a or day not in b:
                year_date_diffs.append(
                    f"{day}: jpholiday={a.get(day, '-')!r} holidays={b.get(day, '-')!r}"
                )
                continue
            if a[day] != b[day]:
                raw_name_diffs += 1
            if normalise_name(a[day]) != normalise_name(b[day]):
                year_name_diffs.append(
                    f"{day}: jpholiday={a[day]!r} holidays={b[day]!r}"
                )
        status = "agree" if not (year_date_diffs or year_name_diffs) else "DIFFER"
        note = f" ({raw_name_diffs} substitute-holiday name spellings normalised)" if raw_name_diffs else ""
        log(f"{year}: jpholiday={len(a)} holidays={len(b)} -> {status}{note}")
        for line in year_date_diffs:
            log(f"  date difference  {line}")
        for line in year_name_diffs:
            log(f"  name difference  {line} (jpholiday name kept)")
        date_diffs += len(year_date_diffs)
        merged.extend(
            {"date": day, "name": normalise_name(name)} for day, name in sorted(a.items())
        )
    return merged, date_diffs


def sanity(hol: list[dict[str, str]], first: int, last: int) -> None:
    by_date = {h["date"]: h["name"] for h in hol}
    for day, name in EXPECTED.items():
        year = int(day[:4])
        if first <= year <= last and by_date.get(day) != name:
            log(f"sanity check failed: expected {day} {name}, got {by_date.get(day)!r}")
            sys.exit(1)
    dates = [h["date"] for h in hol]
    if dates != sorted(dates) or len(dates) != len(set(dates)):
        log("sanity check failed: dates not sorted or not unique")
        sys.exit(1)


def render(doc: dict) -> str:
    """Stable JSON: header fields indented, one holiday per line."""
    head = {k: v for k, v in doc.items() if k != "holidays"}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    lines.append('  "holidays": [')
    items = [
        "    " + json.dumps(h, ensure_ascii=False, separators=(", ", ": "))
        for h in doc["holidays"]
    ]
    lines.append(",\n".join(items))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--from", dest="first", type=int, default=DEFAULT_FROM)
    p.add_argument("--to", dest="last", type=int, default=DEFAULT_TO)
    p.add_argument("--version", default=None,
                   help=f"data version to write (default: keep the file's, else {DEFAULT_VERSION})")
    p.add_argument("--generated", default=None,
                   help="generated date (YYYY-MM-DD); default keeps the file's when data is unchanged, else today")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    p.add_argument("--check", action="store_true",
                   help="do not write; fail if the file differs from a fresh generation")
    p.add_argument("--venv", type=Path,
                   default=Path(tempfile.gettempdir()) / f"madoguchi-jp-holidays-venv-{JPHOLIDAY_VERSION}-{HOLIDAYS_VERSION}")
    args = p.parse_args()
    if args.first > args.last:
        p.error("--from must not be after --to")

    bootstrap(args.venv)

    log(f"cross-checking jpholiday {JPHOLIDAY_VERSION} against holidays {HOLIDAYS_VERSION}, {args.first}-{args.last}")
    hol, date_diffs = cross_check(args.first, args.last)
    if date_diffs:
        log(f"{date_diffs} date difference(s) between the packages: resolve by hand before publishing")
        return 1
    sanity(hol, args.first, args.last)

    existing = None
    if args.output.exists():
        existing = json.loads(args.output.read_text(encoding="utf-8"))

    same_data = (
        existing is not None
        and existing.get("holidays") == hol
        and existing.get("from") == args.first
        and existing.get("to") == args.last
    )

    if args.check:
        if existing is None:
            log(f"--check: {args.output.name} does not exist")
            return 1
        if not same_data:
            old = {(h["date"], h["name"]) for h in existing.get("holidays", [])}
            new = {(h["date"], h["name"]) for h in hol}
            for d, n in sorted(new - old):
                log(f"  missing from file: {d} {n}")
            for d, n in sorted(old - new):
                log(f"  only in file:      {d} {n}")
            log("--check: file is out of date; regenerate and bump \"version\"")
            return 1
        log(f"--check: {args.output.name} matches ({len(hol)} holidays, version {existing.get('version')})")
        return 0

    version = args.version or (existing or {}).get("version") or DEFAULT_VERSION
    if existing is not None and not same_data and version == existing.get("version"):
        log(f"warning: data changed but version stays {version}; pass --version to bump it")
    if args.generated:
        generated = args.generated
    elif same_data and existing.get("generated"):
        generated = existing["generated"]
    else:
        generated = dt.date.today().isoformat()

    doc = {
        "version": version,
        "source": SOURCE,
        "generated": generated,
        "from": args.first,
        "to": args.last,
        "holidays": hol,
    }
    text = render(doc)
    if args.output.exists() and args.output.read_text(encoding="utf-8") == text:
        log(f"{args.output.name} unchanged ({len(hol)} holidays, version {version})")
        return 0
    args.output.write_text(text, encoding="utf-8")
    log(f"wrote {args.output.name}: {len(hol)} holidays, {args.first}-{args.last}, version {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
