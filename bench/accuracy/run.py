"""Generate the benchmark organisations, then score trustgap on them.

python bench/accuracy/run.py [--orgs a,b] [--out DIR] [--small] [--details] [--json FILE]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.accuracy import orgs as registry  # noqa: E402
from bench.accuracy import score  # noqa: E402


def generate(out: Path, names: Sequence[str], *, small: bool) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    keys = []
    for n in names:
        mod = registry.module(n)
        keys.append(mod.generate(out, small=small))
    return keys


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orgs", default="", help="comma-separated organisations (default: all)")
    ap.add_argument(
        "--out", type=Path, default=Path("accuracy-out"), help="where to write them (default ./accuracy-out)"
    )
    ap.add_argument("--small", action="store_true", help="small versions (the CI smoke run)")
    ap.add_argument("--details", action="store_true", help="list missed planted items and false alarms")
    ap.add_argument("--json", type=Path, default=None, help="figures file (default OUT/scores.json)")
    a = ap.parse_args(argv)
    names = [o for o in a.orgs.split(",") if o] or registry.available()
    generate(a.out, names, small=a.small)
    scores = [score.score_org(a.out, n) for n in names]
    print("\n".join(score.summary_lines(scores, details=a.details)))
    jp = a.json or a.out / "scores.json"
    score.write_json(jp, scores)
    print(f"figures and per-item outcomes: {jp}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
