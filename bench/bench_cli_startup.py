"""How fast commands start (target: under 0.3 s). Run: python bench/bench_cli_startup.py [runs] [--postgres URL]

Measures a fresh interpreter running ``trustgap --help``, ``trustgap --version``, and ``trustgap runs`` over 100
stored runs on SQLite and (with ``--postgres URL`` or ``TRUSTGAP_TEST_POSTGRES_URL``) on PostgreSQL in a schema of
its own, dropped afterwards:
best and median wall time of N runs and the median CPU time (user + system; wall time is noisy on a shared machine).
Lists the slowest imports of one ``--help`` run (python -X importtime) so a regression is easy to find.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

TARGET_S = 0.3
STORED_RUNS = 100


def once(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh ``trustgap ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "trustgap", *args], check=True, capture_output=True,
                   env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(label: str, args: list[str], n: int, env: dict[str, str] | None = None) -> float:
    once(args, env)  # warm the file cache
    walls, cpus = zip(*(once(args, env) for _ in range(n)), strict=True)
    median = statistics.median(walls)
    print(f"{label}: best {min(walls) * 1000:.0f} ms, median {median * 1000:.0f} ms over {n} runs, "
          f"CPU median {statistics.median(cpus) * 1000:.0f} ms (target {TARGET_S * 1000:.0f} ms)")
    return statistics.median(cpus)


def slowest_imports(n: int = 8) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "trustgap", "--help"], capture_output=True,
                         text=True, check=True).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        # "import time:   self |   cumulative | name"
        parts = line.split(":", 1)[1].split("|")
        if len(parts) != 3:
            continue
        rows.append((int(parts[1].strip()), parts[2].strip()))
    return sorted(rows, reverse=True)[:n]


def fill(url: str, count: int = STORED_RUNS) -> None:
    """``count`` stored runs of the demo organisation (one assessment, saved ``count`` times a day apart)."""
    from trustgap.assessment import run_assessment
    from trustgap.demo import DEMO_AS_OF, demo_folder
    from trustgap.evidence.store import EvidenceStore
    from trustgap.store.runs import RunStore

    folder = demo_folder()
    result, _ = run_assessment(folder / "scope.yaml", evidence_dir=folder / "evidence", as_of=DEMO_AS_OF,
                               answers=[folder / "answers.yaml"], evidence_store=EvidenceStore(None), save=False)
    text = result.to_json()
    start = datetime(2026, 1, 1, 6, tzinfo=UTC)
    with RunStore.open(url) as store:
        for i in range(count):
            store.save(result, created_at=start + timedelta(days=i), source=str(folder), text=text)


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    from trustgap.store.db import normalise_url

    schema = f"tg_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(base))
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="?", type=int, default=10)
    ap.add_argument("--postgres", default=os.environ.get("TRUSTGAP_TEST_POSTGRES_URL"))
    ap.add_argument("--stored", type=int, default=STORED_RUNS, help="runs stored before listing them")
    a = ap.parse_args()
    n = a.runs
    cpus = [measure("trustgap --help", ["--help"], n), measure("trustgap --version", ["--version"], n)]
    with tempfile.TemporaryDirectory(prefix="trustgap-startup-") as home:
        url = f"sqlite:///{Path(home) / 'trustgap.db'}"
        fill(url, a.stored)
        env = {"TRUSTGAP_HOME": home, "TRUSTGAP_DATABASE_URL": url}
        cpus.append(measure(f"trustgap runs ({a.stored} runs, SQLite)", ["runs"], n, env))
        if a.postgres:
            with postgres_schema(a.postgres) as pg:
                fill(pg, a.stored)
                env = {"TRUSTGAP_HOME": home, "TRUSTGAP_DATABASE_URL": pg}
                cpus.append(measure(f"trustgap runs ({a.stored} runs, PostgreSQL)", ["runs"], n, env))
    print("slowest imports of --help (cumulative µs):")
    for us, name in slowest_imports():
        print(f"  {us:>8}  {name}")
    return 0 if max(cpus) <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
