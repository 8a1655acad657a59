"""Full assessment vs parse-only on a synthetic organisation (targets: <= 30 s, <= 1 GB peak, <= 3x parse), and
re-runs over the stored facts (targets: nothing changed <= 10% of the cold run, one file changed <= 15%).

    python bench/bench_assessment.py [--people 10000 --pulls 100000 ...] [--keep DIR] [--no-rerun]

Each measurement runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own. The full
assessment is what `trustgap assess` does (ingest, facts, checks, verdicts, roll-ups, plan, save to a
SQLite file); parse-only is ingest + finalize of the same folder. The cold run starts from an empty evidence
store; the re-runs use the store (and its caches) the cold run left, first unchanged, then with one file (the
vendor inventory) changed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, resource, sys, time
from datetime import date
from pathlib import Path
mode, folder = sys.argv[1], Path(sys.argv[2])
t = time.perf_counter()
if mode == "parse":
    from trustgap.evidence.ingest import finalize_facts, ingest_folder
    from trustgap.evidence.store import EvidenceStore
    out = ingest_folder(folder / "evidence", store=EvidenceStore(folder / "store"), as_of=date(2026, 11, 16))
    n = len(finalize_facts(out))
    extra = {"facts": n}
else:
    from trustgap.assessment import run_assessment
    from trustgap.evidence.store import EvidenceStore
    result, run_id = run_assessment(folder / "scope.yaml", evidence_dir=folder / "evidence", as_of=date(2026, 11, 16),
                                    evidence_store=EvidenceStore(folder / "store"), save=True,
                                    store_url=f"sqlite:///{folder / 'bench.db'}")
    extra = {"findings": len(result.findings), "readiness": result.readiness.score, "run": run_id}
secs = time.perf_counter() - t
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": secs, "peak_mb": peak_mb, **extra}))
"""


def measure(mode: str, folder: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(folder)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    sys.path.insert(0, str(HERE))
    from synthetic_org import write_org

    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--pulls", type=int, default=100_000)
    ap.add_argument("--vulns", type=int, default=20_000)
    ap.add_argument("--vendors", type=int, default=2_000)
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    ap.add_argument("--no-rerun", dest="rerun", action="store_false", help="measure the cold run only")
    a = ap.parse_args()
    folder = a.keep or Path(tempfile.mkdtemp(prefix="trustgap-bench-"))
    sizes = write_org(folder, people=a.people, pulls=a.pulls, vulns=a.vulns, vendors=a.vendors, docs=a.docs)
    print(f"synthetic organisation in {folder}: {sizes}")
    for old in (folder / "store", folder / "bench.db"):  # a cold run: nothing parsed or decided before
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    parse = measure("parse", folder)
    shutil.rmtree(folder / "store", ignore_errors=True)
    full = measure("full", folder)
    ratio = full["seconds"] / parse["seconds"] if parse["seconds"] else float("inf")
    print(f"parse only : {parse['seconds']:.2f} s, peak {parse['peak_mb']:.0f} MB, {parse.get('facts')} facts")
    print(f"full assess: {full['seconds']:.2f} s, peak {full['peak_mb']:.0f} MB, {full.get('findings')} findings, "
          f"readiness {full.get('readiness')}")
    print(f"ratio full/parse: {ratio:.2f}x  (targets: full <= 30 s, peak <= 1024 MB, ratio <= 3x)")
    ok = full["seconds"] <= 30 and full["peak_mb"] <= 1024 and ratio <= 3
    if a.rerun:
        same = measure("full", folder)
        vendors = folder / "evidence" / "vendors" / "vendors.csv"
        vendors.write_text(vendors.read_text(encoding="utf-8") + "Vendor late,SaaS,none,Low,,No,2026-10-15,No\n",
                           encoding="utf-8")
        one = measure("full", folder)
        r_same, r_one = same["seconds"] / full["seconds"], one["seconds"] / full["seconds"]
        print(f"re-run, nothing changed: {same['seconds']:.2f} s = {r_same:.1%} of cold, peak {same['peak_mb']:.0f} MB"
              f" (target <= 10%)")
        print(f"re-run, one file changed: {one['seconds']:.2f} s = {r_one:.1%} of cold, peak {one['peak_mb']:.0f} MB"
              f" (target <= 15%)")
        ok = ok and r_same <= 0.10 and r_one <= 0.15
    print("PASS" if ok else "MISS")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
