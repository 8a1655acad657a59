"""Web app latency: dashboard and control page p95 with many stored runs of a large organisation, on SQLite
and PostgreSQL, with concurrent users (target: p95 <= 200 ms).

    python bench/bench_web.py [--people 10000] [--runs 100] [--users 1,4,8] [--requests 200]
                              [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/db] [--keep DIR]

The synthetic organisation (bench/synthetic_org.py) is assessed once; the result is stored ``--runs`` times
(a day apart) in each database, exactly as ``trustgap assess`` stores a run. The web app runs in its own
process (uvicorn, as ``trustgap serve`` runs it); each simulated user is a thread with its own signed-in
session, alternating dashboard and control-page requests. The first request of a page after a new run
derives that run's page summary once (reported as "first view"); the percentiles are over the requests
after it. PostgreSQL gets a private schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSWORD = "benchmark password 1"
EMAIL = "bench@synthetic.example"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def already_stored(url: str, organisation: str, runs: int) -> bool:
    """The database holds ``runs`` runs of the organisation and the benchmark's account (a kept database)."""
    from trustgap.store.accounts import Accounts
    from trustgap.store.db import create_store_engine, upgrade_to_head
    from trustgap.store.runs import RunStore

    engine = create_store_engine(url)
    try:
        upgrade_to_head(engine)
        have = len(RunStore(engine, url).list(limit=runs, organisation=organisation))
        return have >= runs and Accounts(engine).user_by_email(EMAIL) is not None
    finally:
        engine.dispose()


def populate(url: str, result, runs: int, folder: Path, home: Path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Store ``runs`` copies of the result (as of successive days) and register the organisation and a user."""
    from trustgap.store.accounts import Accounts
    from trustgap.store.db import create_store_engine
    from trustgap.store.runs import RunStore

    if already_stored(url, result.organisation, runs):
        return {"store_seconds_total": "kept from a previous run (--keep)"}
    store = RunStore.open(url)
    t = time.perf_counter()
    start = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)
    for i in range(runs):
        r = result.model_copy(update={"as_of": result.as_of - timedelta(days=runs - 1 - i)})
        store.save(r, created_at=start + timedelta(days=i), source=str(folder))
    store_seconds = time.perf_counter() - t
    store.close()
    engine = create_store_engine(url)
    acc = Accounts(engine)
    user = acc.add_user(EMAIL, PASSWORD, server_admin=True)
    org = acc.add_organisation("synthetic", result.organisation, str(folder))
    acc.grant(user.id, org, "admin", actor="bench")
    engine.dispose()
    return {"store_seconds_total": round(store_seconds, 1), "store_seconds_per_run": round(store_seconds / runs, 2)}


def serve(url: str, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "TRUSTGAP_DATABASE_URL": url, "TRUSTGAP_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "trustgap.web.app:create_app",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the web app did not start")


def signed_in(base: str):  # type: ignore[no-untyped-def]
    import httpx

    c = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    page = c.get("/login").text
    token = re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"login_csrf": token, "email": EMAIL, "password": PASSWORD, "next": "/"})
    assert r.status_code == 303, r.text
    return c


def load(base: str, pages: list[str], users: int, requests: int) -> dict[str, dict[str, float]]:
    """``users`` threads, ``requests`` requests in all, round-robin over ``pages``; latencies per page."""
    clients = [signed_in(base) for _ in range(users)]
    times: dict[str, list[float]] = {p: [] for p in pages}
    errors: list[str] = []
    lock = threading.Lock()
    per_user = max(1, requests // users)

    def user(i: int) -> None:
        c = clients[i]
        for n in range(per_user):
            path = pages[(i + n) % len(pages)]
            t = time.perf_counter()
            r = c.get(path)
            ms = (time.perf_counter() - t) * 1000
            with lock:
                if r.status_code != 200:
                    errors.append(f"{path}: {r.status_code}")
                times[path].append(ms)

    wall = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - wall
    for c in clients:
        c.close()
    if errors:
        raise SystemExit(f"errors during the load: {errors[:5]}")
    out: dict[str, dict[str, float]] = {}
    for p, ts in times.items():
        out[p] = {"n": len(ts), "p50_ms": round(statistics.median(ts), 1), "p95_ms": round(_pct(ts, 95), 1),
                  "p99_ms": round(_pct(ts, 99), 1), "max_ms": round(max(ts), 1)}
    out["_all"] = {"requests_per_s": round(sum(len(t) for t in times.values()) / wall, 1)}
    return out


def bench_database(label: str, url: str, result, folder: Path, home: Path, control: str,  # type: ignore[no-untyped-def]
                   args: argparse.Namespace) -> dict[str, object]:
    print(f"[{label}] storing {args.runs} runs ...", flush=True)
    report: dict[str, object] = {"database": label, **populate(url, result, args.runs, folder, home)}
    proc, base = serve(url, home)
    try:
        dashboard, control_page = "/o/synthetic", f"/o/synthetic/controls/{control}"
        c = signed_in(base)
        first = {}
        for p in (dashboard, control_page):
            t = time.perf_counter()
            assert c.get(p).status_code == 200
            first[p] = round((time.perf_counter() - t) * 1000, 1)
        c.close()
        report["first_view_ms"] = first
        for users in args.users:
            print(f"[{label}] {users} concurrent user(s) ...", flush=True)
            report[f"users_{users}"] = load(base, [dashboard, control_page], users, args.requests)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return report


def main() -> int:
    sys.path.insert(0, str(HERE))
    from synthetic_org import write_org

    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--pulls", type=int, default=100_000)
    ap.add_argument("--vulns", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--users", default="1,4,8", help="concurrent users, comma separated")
    ap.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    ap.add_argument("--postgres", default=os.environ.get("TRUSTGAP_TEST_POSTGRES_URL"),
                    help="PostgreSQL URL (default: $TRUSTGAP_TEST_POSTGRES_URL; none: SQLite only)")
    ap.add_argument("--keep", type=Path, default=None,
                    help="work in this folder and keep it (and the PostgreSQL schema): a second run with the same "
                         "folder reuses the organisation, the assessment's runs and the databases")
    args = ap.parse_args()
    args.users = [int(x) for x in str(args.users).split(",") if x.strip()]

    work = args.keep or Path(tempfile.mkdtemp(prefix="trustgap-bench-web-"))
    folder, home = work / "org", work / "home"
    home.mkdir(parents=True, exist_ok=True)
    if not (folder / "scope.yaml").is_file():
        print(f"generating {args.people} people into {folder} ...", flush=True)
        write_org(folder, people=args.people, pulls=args.pulls, vulns=args.vulns)
    from trustgap.assessment import resolve_inputs, run_assessment
    from trustgap.engine.models import AssessmentResult
    from trustgap.evidence.store import EvidenceStore

    kept = work / "result.json"
    t = time.perf_counter()
    if args.keep is not None and kept.is_file():
        print(f"reading the kept assessment {kept} ...", flush=True)
        result = AssessmentResult.from_json(kept.read_text(encoding="utf-8"))
    else:
        print("assessing once ...", flush=True)
        inputs = resolve_inputs(folder)
        result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                                   as_of=date(2026, 11, 16), save=False,
                                   evidence_store=EvidenceStore(home / "evidence"))
        if args.keep is not None:
            kept.write_text(result.to_json(), encoding="utf-8")
    assess_s = time.perf_counter() - t
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.control_id] = counts.get(f.control_id, 0) + 1
    control = max(counts, key=lambda c: counts[c]) if counts else result.verdicts[0].control_id
    info = {"people": args.people, "runs": args.runs, "findings_per_run": len(result.findings),
            "result_json_mb": round(len(result.to_json().encode()) / 1e6, 1), "assessment_s": round(assess_s, 1),
            "control_page": control, "control_findings": counts.get(control, 0)}
    print(json.dumps(info), flush=True)
    reports = [bench_database("sqlite", f"sqlite:///{home / 'bench.db'}", result, folder, home, control, args)]
    if args.postgres:
        from sqlalchemy import create_engine, text

        from trustgap.store.db import normalise_url

        # with --keep the schema is kept too (named after the folder), so a second run reuses the stored runs
        keep_id = hashlib.sha256(str(args.keep.resolve()).encode()).hexdigest()[:10] if args.keep else None
        schema = f"tg_bench_keep_{keep_id}" if keep_id else f"tg_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(normalise_url(args.postgres))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        url = normalise_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            pg_home = work / "home-pg"
            pg_home.mkdir(exist_ok=True)
            reports.append(bench_database("postgresql", url.render_as_string(hide_password=False), result, folder,
                                          pg_home, control, args))
        finally:
            if keep_id is None:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    print(json.dumps({"setup": info, "results": reports}, indent=2))
    worst = max((v["p95_ms"] for r in reports for k, lvl in r.items() if k.startswith("users_")
                 for p, v in lvl.items() if not p.startswith("_")), default=float("nan"))
    print(f"worst p95: {worst} ms (target 200 ms): {'met' if worst <= 200 else 'NOT met'}")
    if args.keep is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
