"""Generate the benchmark organisations, then score trustgap on them.

python bench/accuracy/run.py [--orgs a,b] [--out DIR] [--small] [--details] [--json FILE] [--update-floor]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.accuracy import orgs as registry  # noqa: E402
from bench.accuracy import score  # noqa: E402


def generate(out: Path, names: Sequence[str], *, small: bool) -> list[Path]:
    """Generate each organisation afresh: a folder left by an earlier generation (recognised by its
    scope.yaml) is removed first, so files a generator no longer writes are not read as evidence."""
    out.mkdir(parents=True, exist_ok=True)
    keys = []
    for n in names:
        folder = out / n
        if folder.is_dir() and (folder / "scope.yaml").is_file():
            shutil.rmtree(folder)
        mod = registry.module(n)
        keys.append(mod.generate(out, small=small))
    return keys


FLOOR = Path(__file__).resolve().parent / "floor.json"


def update_floor(out: Path, scores: Sequence[score.OrgScore], path: Path = FLOOR) -> list[str]:
    """Record the measured figures of the small versions as the floor. For an unchanged key the floor only
    rises (recall up, false alarms down); a key whose items changed gets a new floor, measured on it."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    orgs = doc.setdefault("organisations", {})
    notes = []
    for s in scores:
        if s.error:
            notes.append(f"{s.org}: crashed, floor left as it was")
            continue
        digest = score.key_digest(score.load_key(out / f"{s.org}.key.yaml")["items"])
        recall = math.floor(s.recall * 1000) / 1000
        fa = math.ceil(s.false_alarm_rate * 1000) / 1000
        old = orgs.get(s.org)
        if old and old.get("key") == digest:
            recall = max(recall, old["min_recall"])
            fa = min(fa, old["max_false_alarm_rate"])
            notes.append(f"{s.org}: same key, floor {old['min_recall']}/{old['max_false_alarm_rate']} -> {recall}/{fa}")
        else:
            was = f"{old['min_recall']}/{old['max_false_alarm_rate']}" if old else "none"
            notes.append(
                f"{s.org}: new key {digest} ({s.planted} planted, {s.fine} fine), floor {was} -> {recall}/{fa}"
            )
        orgs[s.org] = {"key": digest, "min_recall": recall, "max_false_alarm_rate": fa}
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return notes


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orgs", default="", help="comma-separated organisations (default: all)")
    ap.add_argument(
        "--out", type=Path, default=Path("accuracy-out"), help="where to write them (default ./accuracy-out)"
    )
    ap.add_argument("--small", action="store_true", help="small versions (the CI smoke run)")
    ap.add_argument("--details", action="store_true", help="list missed planted items and false alarms")
    ap.add_argument("--json", type=Path, default=None, help="figures file (default OUT/scores.json)")
    ap.add_argument(
        "--update-floor",
        action="store_true",
        help="record the figures as the CI floor (with --small): raise only for an unchanged key",
    )
    a = ap.parse_args(argv)
    if a.update_floor and not a.small:
        ap.error("--update-floor measures the small versions: add --small")
    names = [o for o in a.orgs.split(",") if o] or registry.available()
    generate(a.out, names, small=a.small)
    scores = [score.score_org(a.out, n) for n in names]
    print("\n".join(score.summary_lines(scores, details=a.details)))
    jp = a.json or a.out / "scores.json"
    score.write_json(jp, scores)
    print(f"figures and per-item outcomes: {jp}")
    if a.update_floor:
        print("\n".join(update_floor(a.out, scores)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
