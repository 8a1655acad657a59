"""Hostile-input and fault battery: generate broken, huge and malicious inputs, run trustgap on each in a
subprocess with a time and memory limit, and count the failures.

Run: ``python bench/battery.py [--full] [--quick] [--only TEXT] [--timeout S] [--memory-mb MB] [--src DIR]``

A failure is any of: a Python traceback in the output, an exit code other than 0, 1 or 2 (or than the code a
step must give, such as 1 from ``verify`` after the store was altered), a step past its time limit, memory
exhaustion (``MemoryError`` or a kill by signal), a credential from the inputs in any output (terminal, reports,
database, evidence store, package), a live formula or raw HTML in an exported spreadsheet, CSV or Markdown, and
concurrent runs that were not all stored. ``--src`` runs another checkout's ``src`` folder (to measure a
version before a change); ``--full`` adds the slow inputs (a 200 MB CSV, a 200,000-row workbook).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from battery_inputs import SECRETS, Case, cases  # noqa: E402

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Outcome:
    name: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def _limits(memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))


def _env(home: Path, src: Path | None, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTGAP_")}
    env.update({"TRUSTGAP_HOME": str(home), "COLUMNS": "200", "PYTHONDONTWRITEBYTECODE": "1", **extra})
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def _start(args: list[str], env: dict[str, str], memory_mb: int, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "trustgap", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True,
                            preexec_fn=lambda: _limits(memory_mb))


def _finish(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int | None, bytes]:
    """(exit code or None on timeout, stdout + stderr); a process past its time is killed with its group."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out + err
    return proc.returncode, out + err


def _judge(step: str, code: int | None, output: bytes, allowed: set[int]) -> list[str]:
    problems = []
    if code is None:
        problems.append(f"{step}: still running at the time limit")
    elif code < 0:
        problems.append(f"{step}: killed by signal {-code} (memory exhaustion?)")
    elif code not in allowed:
        problems.append(f"{step}: exit {code} (expected {sorted(allowed)})")
    if b"Traceback (most recent call last)" in output:
        last = output.decode("utf-8", "replace").strip().splitlines()[-1][:160]
        problems.append(f"{step}: traceback ({last})")
    if b"MemoryError" in output:
        problems.append(f"{step}: MemoryError")
    return problems


def _leaks(case_dir: Path, outputs: list[bytes]) -> list[str]:
    """Credentials of the inputs found in any output (terminal, reports, database, evidence store, package)."""
    blobs = list(outputs)
    for p in case_dir.rglob("*"):
        if "org" in p.relative_to(case_dir).parts[:1] or p.is_symlink() or not p.is_file():
            continue
        data = p.read_bytes()
        blobs.append(data)
        if zipfile.is_zipfile(p):
            try:
                with zipfile.ZipFile(p) as zf:
                    blobs += [zf.read(n) for n in zf.namelist()]
            except (zipfile.BadZipFile, OSError):
                pass
    found = []
    for secret in SECRETS:
        forms = (secret.encode(), secret.encode("utf-16-le"))
        if any(f in b for b in blobs for f in forms):
            found.append(f"credential {secret[:4]}... reached an output")
    return found


def _injection(out_dir: Path) -> list[str]:
    problems = []
    for p in sorted(out_dir.glob("*")):
        if p.suffix == ".csv":
            cells = [c for row in csv.reader(p.read_text(encoding="utf-8-sig").splitlines()) for c in row]
            live = [c for c in cells if c.startswith(FORMULA_START)]
            if live:
                problems.append(f"{p.name}: {len(live)} cell(s) would run as formulas ({live[0][:30]!r})")
        elif p.suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(p)
            bad = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row
                   if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith(FORMULA_START)
                                             and not c.quotePrefix)]
            if bad:
                problems.append(f"{p.name}: {len(bad)} cell(s) would run as formulas ({bad[0]})")
        elif p.suffix == ".md" and b"<script" in p.read_bytes().lower():
            problems.append(f"{p.name}: raw <script> in the Markdown")
    return problems


def _stored_runs(home: Path) -> int:
    db = home / "trustgap.db"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from runs").fetchone()[0])


def run_case(case: Case, root: Path, *, timeout: float, memory_mb: int, src: Path | None) -> Outcome:
    case_dir = root
    org, out_dir, home = case_dir / "org", case_dir / "out", case_dir / "home"
    out_dir.mkdir(parents=True)
    outcome = Outcome(case.name)
    started = time.perf_counter()
    try:
        case.write(org)
    except OSError as exc:
        outcome.problems.append(f"input could not be written here: {exc}")
        return outcome
    env = _env(home, src, case.env)
    outputs: list[bytes] = []
    for i, step in enumerate(case.steps):
        args = [a.replace("{org}", str(org)).replace("{out}", str(out_dir)) for a in step]
        allowed = case.expect.get(i, {0, 1, 2})
        n = case.parallel if i == 0 else 1
        procs = [_start(args, env, memory_mb, case_dir) for _ in range(n)]
        for proc in procs:
            code, output = _finish(proc, timeout)
            outputs.append(output)
            outcome.problems += _judge(step[0], code, output, allowed)
        if n > 1 and (stored := _stored_runs(home)) != n:
            outcome.problems.append(f"{n} concurrent runs, {stored} stored")
        if i in case.between:
            case.between[i](home)
    outcome.problems += _leaks(case_dir, outputs)
    outcome.problems += _injection(out_dir)
    outcome.seconds = time.perf_counter() - started
    return outcome


def run(selected: list[Case], *, timeout: float, memory_mb: int, src: Path | None, keep: Path | None,
        say: bool = True) -> list[Outcome]:
    base = Path(tempfile.mkdtemp(prefix="trustgap-battery-")) if keep is None else keep
    results = []
    try:
        for n, case in enumerate(selected):
            result = run_case(case, base / f"case{n:02d}", timeout=timeout, memory_mb=memory_mb, src=src)
            results.append(result)
            if say:
                mark = "ok  " if not result.problems else "FAIL"
                print(f"{mark} {result.seconds:6.1f}s  {case.name}", flush=True)
                for p in result.problems:
                    print(f"             {p}", flush=True)
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full", action="store_true", help="also the slow inputs (200 MB CSV, 200,000-row workbook)")
    ap.add_argument("--quick", action="store_true", help="only the handful of inputs the test suite runs")
    ap.add_argument("--only", help="only inputs whose name contains this text")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per command (default 120)")
    ap.add_argument("--memory-mb", type=int, default=3072, help="address-space limit per command (default 3072)")
    ap.add_argument("--src", type=Path, help="the src folder of the trustgap to test (default: the installed one)")
    ap.add_argument("--keep", type=Path, help="write the inputs and outputs here and keep them")
    args = ap.parse_args(argv)
    selected = [c for c in cases(args.full) if (not args.quick or c.quick) and
                (args.only is None or args.only.lower() in c.name.lower())]
    results = run(selected, timeout=args.timeout, memory_mb=args.memory_mb, src=args.src, keep=args.keep)
    failed = [r for r in results if r.problems]
    print(f"\ninputs tried: {len(results)}, failures: {len(failed)} "
          f"({sum(len(r.problems) for r in failed)} problems)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
