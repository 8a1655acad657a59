"""Snapshots collected and assessed by real Celery workers (subprocesses) over the local Redis and RabbitMQ,
with PostgreSQL as the store and a moto server holding several AWS accounts (reached by assuming a role
into each). Each test uses a queue of its own, so nothing else on the broker interferes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from trustgap.monitor.codec import dump_output, load_output
from trustgap.monitor.distributed import create_app, dispatch_snapshot, plan_parts, wait_for
from trustgap.monitor.jobs import snapshot_key
from trustgap.scope import load_scope
from trustgap.store.db import normalise_url
from trustgap.store.runs import RunStore
from trustgap.store.snapshots import SnapshotStore

REDIS = "redis://127.0.0.1:6379/0"
RABBIT = "amqp://guest:guest@127.0.0.1:5672//"
ACCOUNTS = ("100000000001", "100000000002", "100000000003")
AWS_ENV = {"AWS_ACCESS_KEY_ID": "AKIATRUSTGAPWORKER01", "AWS_SECRET_ACCESS_KEY": "worker-test-secret-0123456789",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": "/nonexistent/aws-config",
           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials"}


def _reachable(url: str) -> bool:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def unique_queue() -> str:
    """A queue name no other test run on the same broker uses (two suites may run at once)."""
    return f"tg-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def drop_queue(broker: str, queue: str) -> None:
    """Remove the test's queue (and any message left in it) and its exchange from the broker."""
    from kombu import Connection

    with Connection(broker, connect_timeout=5) as conn:
        with contextlib.suppress(Exception):  # gone already
            conn.default_channel.queue_delete(queue)
        if conn.transport_cls in ("amqp", "pyamqp") or broker.startswith("amqp"):
            with contextlib.suppress(Exception):
                conn.default_channel.exchange_delete(queue)


def consumers_on(broker: str, queue: str) -> int | None:
    """How many consumers the broker has on ``queue`` (RabbitMQ); None when the queue does not exist."""
    from amqp.exceptions import NotFound
    from kombu import Connection

    with Connection(broker, connect_timeout=5) as conn:
        try:
            _, _, consumers = conn.channel().queue_declare(queue, passive=True)
        except NotFound:
            return None
        return int(consumers)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    base = os.environ.get("TRUSTGAP_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set TRUSTGAP_TEST_POSTGRES_URL: workers share a PostgreSQL store")
    schema = f"tg_workers_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    import boto3
    from moto.server import ThreadedMotoServer

    old = {k: os.environ.get(k) for k in AWS_ENV}
    os.environ.update(AWS_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1")
    for acct in ACCOUNTS:  # in each account: one console user with MFA, one without
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{acct}:role/audit", RoleSessionName="seed")["Credentials"]
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
                           aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
        for name in (f"nomfa-{acct}", f"mfa-{acct}"):
            iam.create_user(UserName=name)
            iam.create_login_profile(UserName=name, Password="Worker-Test-Pass-9!")
        dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"mfa-{acct}")["VirtualMFADevice"]
        iam.enable_mfa_device(UserName=f"mfa-{acct}", SerialNumber=dev["SerialNumber"],
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
    yield url
    server.stop()
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def org(tmp_path: Path, moto_url: str, regions: tuple[str, ...], accounts: tuple[str, ...] = ACCOUNTS) -> Path:
    folder = tmp_path / "org"
    (folder / "evidence").mkdir(parents=True)
    entries = ", ".join(f'{{role_arn: "arn:aws:iam::{a}:role/audit", regions: [{", ".join(regions)}]}}'
                        for a in accounts)
    (folder / "scope.yaml").write_text(f"""\
organisation: {{name: Workers Ltd}}
systems: [{{name: AWS, kind: aws, role: cloud}}]
collect:
  aws: {{endpoint_url: "{moto_url}", accounts: [{entries}], services: [iam, s3, ec2, kms], max_workers: 4}}
monitor:
  schedules: [{{name: hourly, cron: "0 * * * *", collect: [files, aws]}}]
""")
    return folder


class Workers:
    """``trustgap worker`` subprocesses on one queue."""

    def __init__(self, broker: str, queue: str, env: dict[str, str], log: Path) -> None:
        self.broker, self.queue, self.env, self.log = broker, queue, env, log
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, concurrency: int = 2) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-c", "from trustgap.cli import main; main()", "worker", "--broker", self.broker,
               "--queue", self.queue, "--concurrency", str(concurrency), "--loglevel", "WARNING",
               "--max-retries", "1", "--retry-backoff", "0.2"]
        with self.log.open("ab") as out:
            proc = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.fixture()
def workers_env(pg_url: str, tmp_path: Path, moto: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTGAP_")}
    env.update(AWS_ENV)
    env.update({"TRUSTGAP_DATABASE_URL": pg_url, "TRUSTGAP_HOME": str(tmp_path / "home")})
    os.environ["TRUSTGAP_HOME"] = env["TRUSTGAP_HOME"]  # the dispatcher and the workers share it
    return env


def test_codec_round_trips_collector_output(tmp_path: Path, moto: str) -> None:
    from trustgap.evidence.store import EvidenceStore
    from trustgap.monitor.distributed import collect_part

    scope = load_scope(org(tmp_path, moto, ("us-east-1",)) / "scope.yaml").scope
    assert plan_parts(scope, ["files", "aws"]) == [f"aws/{i}/{w}" for i in range(3) for w in ("global", "us-east-1")]
    out = collect_part(scope, "aws/1/global", store=EvidenceStore(tmp_path / "ev"), as_of=datetime.now(UTC).date())
    text, digest = dump_output(out)
    back = load_output(text)
    assert back.facts == out.facts and back.items == out.items and back.facts_by_parser == out.facts_by_parser
    assert dump_output(back) == (text, digest)
    assert any(getattr(f, "account_id", None) == "nomfa-100000000002" for f in back.facts_by_parser.get(
        "aws_credential_report", [])) or "nomfa-100000000002" in text


@pytest.mark.parametrize("broker", [REDIS, pytest.param(RABBIT, id="rabbitmq")])
def test_workers_collect_every_account_and_region(broker: str, workers_env: dict[str, str], tmp_path: Path,
                                                  moto: str, pg_url: str) -> None:
    if not _reachable(broker):
        pytest.skip(f"no broker at {broker}")
    regions = ("us-east-1", "eu-west-1") if broker == REDIS else ("us-east-1",)
    folder = org(tmp_path, moto, regions)
    queue = unique_queue()
    w = Workers(broker, queue, workers_env, tmp_path / "workers.log")
    w.start(2)
    try:
        app = create_app(broker, queue=queue)
        at = datetime(2026, 11, 2, 10 if broker == REDIS else 12, 0, tzinfo=UTC)  # one job per broker
        key = dispatch_snapshot(app, folder, "hourly", scheduled_for=at, queue=queue, store_url=pg_url)
        rec = wait_for(key, timeout=240, store_url=pg_url)
        assert rec.status == "ok", (rec.status, rec.error, (tmp_path / "workers.log").read_text()[-3000:])
        with SnapshotStore.open(pg_url) as snaps:
            parts = snaps.parts(key)
        assert sorted(p.part_key for p in parts) == sorted(
            f"aws/{i}/{w}" for i in range(3) for w in ("global", *regions))
        assert all(p.status == "done" and p.attempts == 1 and p.output_sha256 for p in parts)
        with RunStore.open(pg_url) as runs:
            _, result = runs.get(rec.run_id or "")
        names = {e.name for e in result.evidence}
        for acct in ACCOUNTS:
            assert f"live/aws/{acct}/sts-get-caller-identity.json" in names
            assert any(n.startswith(f"live/aws/{acct}/eu-west-1/") for n in names) == ("eu-west-1" in regions)
        no_mfa = {f.entity for f in result.findings if f.check_id == "mfa.enabled_on_every_system"}
        assert {e.split(" ")[0] for e in no_mfa if e} == {f"nomfa-{a}" for a in ACCOUNTS}
        # dispatching the same job again changes nothing: the snapshot is finished
        assert dispatch_snapshot(app, folder, "hourly", scheduled_for=at, queue=queue, store_url=pg_url) == key
        assert wait_for(key, timeout=5, store_url=pg_url).run_id == rec.run_id
    finally:
        w.stop()
        drop_queue(broker, queue)


def test_a_failing_part_is_retried_then_recorded_and_a_dead_worker_is_resumed(
        workers_env: dict[str, str], tmp_path: Path, moto: str, pg_url: str) -> None:
    if not _reachable(RABBIT):
        pytest.skip(f"no broker at {RABBIT}")
    folder = org(tmp_path, moto, ("us-east-1",), accounts=ACCOUNTS[:2])
    queue = unique_queue()
    app = create_app(RABBIT, queue=queue)
    at = datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    key = snapshot_key("Workers Ltd", "hourly", at)
    # a part nobody can collect (no such account entry): it raises on every attempt
    with SnapshotStore.open(pg_url) as snaps:
        snaps.begin(key, organisation="Workers Ltd", schedule="hourly", scheduled_for=at, as_of=at.date(),
                    sources=["files", "aws"], started_at=at, params={"folder": str(folder.resolve())})
        snaps.add_parts(key, ["aws/7/global"], now=at)
    # queued while no worker runs: the job waits in the broker, nothing is lost
    dispatch_snapshot(app, folder, "hourly", scheduled_for=at, queue=queue, store_url=pg_url)
    w = Workers(RABBIT, queue, workers_env, tmp_path / "workers.log")
    first = w.start(1)
    try:
        deadline = time.monotonic() + 120
        with SnapshotStore.open(pg_url) as snaps:
            while time.monotonic() < deadline and not any(p.status == "done" for p in snaps.parts(key)):
                time.sleep(0.1)
            first.kill()  # the worker dies mid-job (SIGKILL: no clean-up)
            first.wait()
            done_before = {p.part_key for p in snaps.parts(key) if p.status == "done"}
        assert done_before
        w.start(1)  # another worker takes over the unacknowledged tasks
        dispatch_snapshot(app, folder, "hourly", scheduled_for=at, queue=queue, store_url=pg_url)  # resume
        rec = wait_for(key, timeout=240, store_url=pg_url)
        assert rec.status == "issues", (rec.status, rec.error, (tmp_path / "workers.log").read_text()[-3000:])
        with SnapshotStore.open(pg_url) as snaps:
            parts = {p.part_key: p for p in snaps.parts(key)}
        bogus = parts.pop("aws/7/global")
        assert bogus.status == "failed" and bogus.attempts >= 2 and "IndexError" in (bogus.error or "")
        assert all(p.status == "done" for p in parts.values())
        assert all(parts[k].attempts == 1 for k in done_before)  # what was done before the crash was kept
        assert [i["source"] for i in rec.issues] == ["aws"]
        assert "aws/7/global failed after retries" in rec.issues[0]["reason"]
        with RunStore.open(pg_url) as runs:
            _, result = runs.get(rec.run_id or "")
        assert {e.split(" ")[0] for f in result.findings if f.check_id == "mfa.enabled_on_every_system"
                for e in [f.entity or ""]} >= {f"nomfa-{a}" for a in ACCOUNTS[:2]}
    finally:
        w.stop()
        drop_queue(RABBIT, queue)


def test_two_test_runs_share_a_rabbitmq_broker_without_locking_each_other_out(workers_env: dict[str, str],
                                                                             tmp_path: Path) -> None:
    """Two suites at once on one broker: every worker has a node name and a queue of its own, no exclusive
    remote-control queue, so none fails with 'exclusive queue declared on another connection'; each run
    removes its queues afterwards."""
    if not _reachable(RABBIT):
        pytest.skip(f"no broker at {RABBIT}")
    queues = [unique_queue(), unique_queue()]
    runs = [Workers(RABBIT, q, workers_env, tmp_path / f"workers-{i}.log") for i, q in enumerate(queues)]
    try:
        for w in runs:  # both runs start their workers at the same moment, twice each (same default names)
            w.start(1)
            w.start(1)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and any((consumers_on(RABBIT, q) or 0) < 2 for q in queues):
            time.sleep(0.5)
        assert [consumers_on(RABBIT, q) for q in queues] == [2, 2]
        assert all(p.poll() is None for w in runs for p in w.procs)
        logs = "".join((tmp_path / f"workers-{i}.log").read_text() for i in range(2))
        assert "RESOURCE_LOCKED" not in logs and "exclusive" not in logs.lower(), logs[-3000:]
    finally:
        for w in runs:
            w.stop()
        for q in queues:
            drop_queue(RABBIT, q)
    assert [consumers_on(RABBIT, q) for q in queues] == [None, None]  # nothing left behind on the broker
