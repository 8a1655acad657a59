"""Small runs of the benchmarks in ``bench/``, so they keep working; the figures are read, never timed here
(speed and memory targets are judged by running the scripts at full size)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("TRUSTGAP_PROWLER", None)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_assessment_bench_small(tmp_path: Path) -> None:
    out = _run(str(BENCH / "bench_assessment.py"), "--people", "200", "--pulls", "1500", "--vulns", "300",
               "--vendors", "40", "--docs", "15", "--keep", str(tmp_path / "org"))
    assert out.returncode in (0, 1), out.stderr[-2000:]  # 1: a target missed, which is for full size to judge
    parse = re.search(r"parse only : ([\d.]+) s, peak (\d+) MB, (\d+) facts", out.stdout)
    full = re.search(r"full assess: ([\d.]+) s, peak (\d+) MB, (\d+) findings", out.stdout)
    ratio = re.search(r"ratio full/parse: ([\d.]+)x", out.stdout)
    assert parse and full and ratio, out.stdout
    assert int(parse.group(3)) > 200 and int(full.group(3)) > 0
    # the generated organisation is in the real export formats: its HR roster and credential report exist
    names = {p.name for p in (tmp_path / "org" / "evidence").rglob("*") if p.is_file()}
    assert len(names) >= 8


def test_collect_aws_bench_small() -> None:
    out = _run(str(BENCH / "bench_collect_aws.py"), "--scale", "1")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    rows = {}
    for line in out.stdout.splitlines():
        m = re.match(r"(.+?)\s{2,}(\d+)\s+(\d+)\s+(\S+)$", line)
        if m:
            rows[m.group(1).strip()] = (int(m.group(2)), int(m.group(3)))
    assert len(rows) >= 9, out.stdout
    for what, (bad, found) in rows.items():
        assert found == bad, f"{what}: {found} of {bad} seeded misconfigurations found"


def test_cli_startup_bench_small() -> None:
    out = _run(str(BENCH / "bench_cli_startup.py"), "2")
    assert out.returncode in (0, 1), out.stderr[-2000:]
    assert re.search(r"trustgap --help: best \d+ ms, median \d+ ms over 2 runs", out.stdout), out.stdout
    # the import profile names the slowest modules with their cumulative time (which ones lead depends on the
    # machine's load: a module name and a number per line, sorted)
    profile = [(int(m.group(1)), m.group(2)) for m in re.finditer(r"^\s+(\d+)\s+([\w.]+)$", out.stdout, re.M)]
    assert len(profile) >= 3, out.stdout
    assert profile == sorted(profile, reverse=True), out.stdout
