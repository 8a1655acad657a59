"""Reading stored runs back: the HTML report of the newest run and the diff of the two newest runs (targets for a
10,000-person run: report <= 1 s and <= 150 MiB, diff <= 1 s).

    python bench/bench_report.py sqlite:////tmp/org/bench.db     # e.g. the database bench_assessment.py leaves

Each measurement runs ``trustgap report`` / ``trustgap diff`` in a fresh subprocess (wall time of the command, and
its peak memory, ru_maxrss), so the figures are those a person running the command sees.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
t = time.perf_counter()
from trustgap.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
"""


def measure(url: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "TRUSTGAP_DATABASE_URL": url, "COLUMNS": "160"}
    out = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env)
    last = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""
    if not last.startswith("{"):
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(last)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("url", help="database URL holding at least two runs of one organisation")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="trustgap-report-") as tmp:
        html = measure(a.url, "report", "latest", "--format", "html", "-o", str(Path(tmp) / "report.html"))
        size = (Path(tmp) / "report.html").stat().st_size
    diff = measure(a.url, "diff", "--format", "json")
    print(f"report (HTML, {size / 2**20:.1f} MiB): {html['seconds']:.2f} s, peak {html['peak_mb']:.0f} MB "
          "(targets <= 1 s, <= 150 MiB)")
    print(f"diff of the two newest runs: {diff['seconds']:.2f} s, peak {diff['peak_mb']:.0f} MB (target <= 1 s)")
    ok = html["seconds"] <= 1 and html["peak_mb"] <= 150 and diff["seconds"] <= 1
    print("PASS" if ok else "MISS")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
