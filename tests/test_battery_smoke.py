"""A few seconds of the hostile-input battery (``bench/battery.py``): a folder of hostile files and an
impossible date, each run in a subprocess under a time and memory limit, with no failure."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_battery_smoke(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import battery
        import battery_inputs
    finally:
        sys.path.remove(str(BENCH))
    results = battery.run(battery_inputs.smoke_cases(), timeout=180, memory_mb=3072, src=None, keep=tmp_path,
                          say=False)
    assert len(results) == 2
    assert [(r.name, r.problems) for r in results if r.problems] == []
    assert (tmp_path / "case00" / "out" / "r.md").is_file()  # the run went on past every hostile file
