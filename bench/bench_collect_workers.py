"""Collection at scale on Celery workers: 200 AWS accounts x 3 regions from moto servers with 1, 2 and 4 workers.

    python bench/bench_collect_workers.py [--accounts 200] [--regions 3] [--workers 1,2,4] [--servers 4]
        [--broker redis://127.0.0.1:6379/0] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Starts ``--servers`` moto servers (``moto_server`` from ``moto[server]``) on loopback ports and spreads the
accounts over them (``collect.aws.accounts[].endpoint_url``); in every account (reached, as in production,
by assuming an audit role into it) it seeds two console users (one without MFA), a bucket, and in every
region an unencrypted volume. Then, for each worker count, with a fresh PostgreSQL schema, a fresh evidence
folder and a queue of its own, it starts that many ``trustgap worker`` processes (concurrency 1 each),
dispatches one snapshot of the organisation (``collect: [aws]``: one part per account for IAM and S3 and one
per account and region for the regional services) and measures:

- collection wall time: from dispatch until every part is stored (in PostgreSQL, by the workers);
- assessment time: from then until the snapshot is finished (merge of all parts, checks, verdicts, plan,
  stored run), done by one worker;
- throughput: account-regions collected per second, and per worker.

It checks that every account's users were collected (the MFA finding names each account's user without MFA)
and prints a table. The machine's cores are shared by the moto servers and the workers: the figures say how
collection scales on this machine, not on a cluster.

Measured on the 2-core development machine (shared, load average 9-16 during the run), 2026-12-03, with
``--accounts 200 --regions 3 --servers 4 --services iam,s3,ec2`` over Redis (800 parts):

    workers  collect s  assess s  total s  acct-regions/s  per worker  speed-up
          1      871.2       5.6    876.8            0.69        0.69      1.00
          2      623.5       3.9    627.4            0.96        0.48      1.40
          4      480.6       2.5    483.1            1.25        0.31      1.81
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1")
ENV = {"AWS_ACCESS_KEY_ID": "AKIABENCHWORKERS0001", "AWS_SECRET_ACCESS_KEY": "bench-workers-secret-0123456789",
       "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent/aws-config",
       "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto(n: int) -> list[tuple[subprocess.Popen[bytes], str]]:
    exe = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if exe is None:
        raise SystemExit("moto_server not found: pip install 'moto[server]'")
    out = []
    for _ in range(n):
        port = free_port()
        proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        out.append((proc, f"http://127.0.0.1:{port}"))
    for _, url in out:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit(f"moto_server at {url} did not start") from None
                time.sleep(0.2)
    return out


def account_ids(n: int) -> list[str]:
    return [f"{300000000000 + i:012d}" for i in range(n)]


def seed(urls: list[str], accounts: list[str], regions: tuple[str, ...]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        list(pool.map(lambda i: seed_account(urls[i % len(urls)], accounts[i], regions), range(len(accounts))))


def seed_account(url: str, acct: str, regions: tuple[str, ...]) -> None:
    import boto3

    boto = boto3.session.Session()  # one per thread: the default session is not thread-safe
    c = boto.client("sts", endpoint_url=url, region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{acct}:role/audit", RoleSessionName="seed")["Credentials"]
    creds = {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
             "aws_session_token": c["SessionToken"]}
    iam = boto.client("iam", endpoint_url=url, region_name="us-east-1", **creds)
    for name in (f"ops-{acct}", f"nomfa-{acct}"):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Bench-Workers-Pass-9!")
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"ops-{acct}")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName=f"ops-{acct}", SerialNumber=dev["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    boto.client("s3", endpoint_url=url, region_name="us-east-1", **creds).create_bucket(Bucket=f"data-{acct}")
    for region in regions:
        boto.client("ec2", endpoint_url=url, region_name=region, **creds).create_volume(
            AvailabilityZone=f"{region}a", Size=8, Encrypted=False)


def write_org(folder: Path, urls: list[str], accounts: list[str], regions: tuple[str, ...],
              services: list[str] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evidence").mkdir(exist_ok=True)
    lines = ["organisation: {name: Bench Workers}", "systems: [{name: AWS, kind: aws, role: cloud}]",
             "collect:", "  aws:", "    max_workers: 4"]
    if services:
        lines.append(f"    services: [{', '.join(services)}]")
    lines.append("    accounts:")
    for i, acct in enumerate(accounts):
        lines.append(f'      - {{role_arn: "arn:aws:iam::{acct}:role/audit", endpoint_url: "{urls[i % len(urls)]}", '
                     f"regions: [{', '.join(regions)}]}}")
    lines += ["monitor:", '  schedules: [{name: bench, cron: "0 * * * *", collect: [aws]}]']
    (folder / "scope.yaml").write_text("\n".join(lines) + "\n")


def new_schema(base: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    from trustgap.store.db import normalise_url

    schema = f"tg_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(normalise_url(base))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(base: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    from trustgap.store.db import normalise_url

    engine = create_engine(normalise_url(base))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def run_once(n_workers: int, folder: Path, broker: str, pg_base: str, work: Path, expect: set[str]
             ) -> dict[str, float]:
    from trustgap.monitor.distributed import create_app, dispatch_snapshot
    from trustgap.store.runs import RunStore
    from trustgap.store.snapshots import SnapshotStore

    url, schema = new_schema(pg_base)
    home = work / f"home-{n_workers}"
    queue = f"tg-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTGAP_")}
    env.update({"TRUSTGAP_DATABASE_URL": url, "TRUSTGAP_HOME": str(home)})
    os.environ["TRUSTGAP_HOME"] = str(home)
    procs = []
    log = (work / f"workers-{n_workers}.log").open("wb")
    try:
        SnapshotStore.open(url).close()  # migrate before the workers start
        for _ in range(n_workers):
            procs.append(subprocess.Popen(
                [sys.executable, "-c", "from trustgap.cli import main; main()", "worker", "--broker", broker,
                 "--queue", queue, "--concurrency", "1", "--loglevel", "WARNING"],
                env=env, stdout=log, stderr=subprocess.STDOUT))
        time.sleep(3)  # workers connect
        app = create_app(broker, queue=queue)
        at = datetime(2026, 12, 1, 6, tzinfo=UTC)
        t0 = time.perf_counter()
        key = dispatch_snapshot(app, folder, "bench", scheduled_for=at, queue=queue, store_url=url)
        collected = None
        with SnapshotStore.open(url) as snaps:
            while True:
                rec = snaps.get(key)
                if collected is None and all(p.status in ("done", "failed") for p in snaps.parts(key)):
                    collected = time.perf_counter() - t0
                if rec.status in ("ok", "issues", "failed"):
                    break
                time.sleep(0.2)
            total = time.perf_counter() - t0
            parts = snaps.parts(key)
        if rec.status == "failed":
            raise SystemExit(f"snapshot failed: {rec.error}")
        with RunStore.open(url) as runs:
            _, result = runs.get(rec.run_id or "")
        got = {(f.entity or "").split(" ")[0] for f in result.findings if f.check_id == "mfa.enabled_on_every_system"}
        missing = expect - got
        return {"workers": n_workers, "parts": len(parts), "failed_parts": sum(p.status != "done" for p in parts),
                "collect_s": collected or total, "assess_s": total - (collected or total), "total_s": total,
                "accounts_missing": len(missing), "issues": len(rec.issues)}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()
        drop_schema(pg_base, schema)
        from kombu import Connection

        with Connection(broker, connect_timeout=5) as conn:
            with contextlib.suppress(Exception):  # gone already
                conn.default_channel.queue_delete(queue)
            if broker.startswith("amqp"):
                with contextlib.suppress(Exception):  # the queue's own exchange (RabbitMQ)
                    conn.default_channel.exchange_delete(queue)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=200)
    ap.add_argument("--regions", type=int, default=3)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--servers", type=int, default=4)
    ap.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--services", help="AWS services to collect, comma-separated (default: what the scope needs)")
    ap.add_argument("--postgres", default=os.environ.get("TRUSTGAP_TEST_POSTGRES_URL",
                                                         "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    os.environ.update(ENV)
    regions = REGIONS[: args.regions]
    accounts = account_ids(args.accounts)
    servers = start_moto(args.servers)
    work = Path(tempfile.mkdtemp(prefix="trustgap-bench-workers-"))
    try:
        urls = [u for _, u in servers]
        t = time.perf_counter()
        seed(urls, accounts, regions)
        print(f"{args.servers} moto servers, {len(accounts)} accounts x {len(regions)} regions seeded in "
              f"{time.perf_counter() - t:.1f} s")
        folder = work / "org"
        services = args.services.split(",") if args.services else None
        write_org(folder, urls, accounts, regions, services)
        expect = {f"nomfa-{a}" for a in accounts}
        rows = []
        for n in (int(x) for x in args.workers.split(",")):
            row = run_once(n, folder, args.broker, args.postgres, work, expect)
            rows.append(row)
            print(f"workers={n}: collect {row['collect_s']:.1f} s, assess {row['assess_s']:.1f} s, "
                  f"{row['parts']} parts ({row['failed_parts']} failed), accounts missing {row['accounts_missing']}",
                  flush=True)
        ar = len(accounts) * len(regions)
        base = rows[0]["collect_s"]
        print(f"\n{'workers':>7} {'collect s':>10} {'assess s':>9} {'total s':>8} {'acct-regions/s':>15} "
              f"{'per worker':>11} {'speed-up':>9}")
        for r in rows:
            tput = ar / r["collect_s"]
            print(f"{r['workers']:7d} {r['collect_s']:10.1f} {r['assess_s']:9.1f} {r['total_s']:8.1f} {tput:15.2f} "
                  f"{tput / r['workers']:11.2f} {base / r['collect_s']:9.2f}")
        print(f"(machine: {os.cpu_count()} cores shared by {args.servers} moto servers and the workers; "
              f"broker {args.broker.split('@')[-1]}; services {args.services or 'as the scope needs'})")
        return 0 if all(r["accounts_missing"] == 0 and r["failed_parts"] == 0 for r in rows) else 1
    finally:
        for proc, _ in servers:
            proc.terminate()
        for proc, _ in servers:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a busy moto server may not stop on SIGTERM
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
