"""A small run of bench/bench_web.py (the real benchmark stores 100 runs of a 10,000-person organisation)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_web_bench_small(tmp_path: Path) -> None:
    args = [sys.executable, str(ROOT / "bench" / "bench_web.py"), "--people", "60", "--pulls", "100", "--vulns", "50",
            "--runs", "3", "--users", "1,2", "--requests", "8", "--postgres", "", "--keep", str(tmp_path)]
    env = {**os.environ, "TRUSTGAP_HOME": str(tmp_path / "home")}
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    report = json.loads(text[text.index('{\n  "setup"'):text.rindex("}") + 1])
    assert report["setup"]["runs"] == 3
    sqlite = report["results"][0]
    assert sqlite["database"] == "sqlite"
    for level in ("users_1", "users_2"):
        pages = {k: v for k, v in sqlite[level].items() if not k.startswith("_")}
        assert set(pages) == {"/o/synthetic", f"/o/synthetic/controls/{report['setup']['control_page']}"}
        assert all(v["n"] > 0 and v["p95_ms"] > 0 for v in pages.values())
    assert "worst p95:" in text
