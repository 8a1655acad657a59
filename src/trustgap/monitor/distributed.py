"""Collection and assessment on Celery workers (RabbitMQ or Redis as the broker, PostgreSQL as the store).

The embedded default (``trustgap monitor``, ``trustgap serve``) needs none of this: a snapshot runs in the
process. At scale, one snapshot becomes *parts*, each a task any worker may take:

- one per AWS account for its global services (IAM, S3) and one per account and region for the regional
  ones (``aws/<n>/global``, ``aws/<n>/eu-west-1``), one per other configured system (``github``, ``okta``, ...);
- when the last part is stored, the worker that stored it claims the snapshot (an atomic status change, so
  exactly one does) and queues the assessment, which reads the evidence folder, merges the parts and calls
  :func:`trustgap.assessment.run_assessment` through :func:`trustgap.monitor.jobs.run_snapshot`.

Reliability: tasks are acknowledged late and rejected when their worker dies, so the broker hands them to
another worker; a part retries with exponential backoff (``max_retries``) and, when it keeps failing,
is stored as failed: the assessment then records it as a collection issue for that source (the checks
that needed it become Not assessed; the snapshot's status is ``issues``), never a silent gap. Every write
is idempotent by key: a part already done is not collected again, a snapshot finished is not assessed
again. Dispatching the same job again resumes it: only parts not done are queued.

Run workers (each needs the same ``TRUSTGAP_DATABASE_URL`` and ``TRUSTGAP_HOME`` evidence folder)::

    export TRUSTGAP_DATABASE_URL=postgresql+psycopg://trustgap@db/trustgap TRUSTGAP_HOME=/srv/trustgap
    trustgap worker --broker amqp://guest:guest@127.0.0.1:5672// --concurrency 4
    trustgap worker --broker redis://127.0.0.1:6379/0 --concurrency 4      # or Redis

and dispatch from anywhere with ``trustgap monitor DIR --once --broker URL``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustgap.errors import InputError, TrustgapError
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore

if TYPE_CHECKING:
    from celery import Celery

    from trustgap.scope import Scope

DEFAULT_QUEUE = "trustgap"


# -- parts (plain functions, used by the tasks and testable without a broker) ----------------------


def plan_parts(scope: Scope, sources: list[str]) -> list[str]:
    from trustgap.assessment import sources_needed
    from trustgap.collectors.base import parse_collect_config
    from trustgap.collectors.runner import narrow

    cfg, _ = narrow(parse_collect_config(scope.collect), sources_needed(scope))
    parts: list[str] = []
    for name in sources:
        if name == "files":
            continue
        if name == "aws":
            aws = cfg.aws
            if aws is None or not aws.services:
                continue
            for n, acct in enumerate(aws.accounts):
                parts.append(f"aws/{n}/global")
                parts.extend(f"aws/{n}/{r}" for r in acct.regions)
            continue
        if cfg.section(name) is None:
            raise InputError("scope", f"'{name}' is not configured in the scope file", field=f"collect.{name}")
        parts.append(name)
    return parts


def collect_part(scope: Scope, part: str, *, store: EvidenceStore, as_of: date,
                 env: Mapping[str, str] | None = None) -> SourceOutput:
    """Collect one part with the collectors' own code, on a slice of the scope's ``collect`` section."""
    from trustgap.assessment import sources_needed
    from trustgap.collectors.aws import REGIONAL_SERVICES
    from trustgap.collectors.base import parse_collect_config
    from trustgap.collectors.runner import narrow, run_collector

    cfg, _ = narrow(parse_collect_config(scope.collect), sources_needed(scope))
    p = scope.report.period
    period = (p.start, p.end) if p else None
    if part.startswith("aws/"):
        _, index, where = part.split("/", 2)
        assert cfg.aws is not None
        acct = cfg.aws.accounts[int(index)]
        if where == "global":
            services = [s for s in cfg.aws.services if s not in REGIONAL_SERVICES]
            sliced_acct = acct.model_copy(update={"regions": acct.regions[:1]})
        else:
            services = [s for s in cfg.aws.services if s in REGIONAL_SERVICES]
            sliced_acct = acct.model_copy(update={"regions": [where]})
        sliced = cfg.model_copy(update={"aws": cfg.aws.model_copy(update={"accounts": [sliced_acct],
                                                                          "services": services})})
        out = run_collector("aws", sliced, store=store, as_of=as_of, period=period, env=env, options=scope.parsers)
        if where != "global":
            # the identity answer was already kept by the global part; drop the repeat from this part's items
            out.items = [i for i in out.items if not i.name.endswith("sts-get-caller-identity.json")]
        return out
    return run_collector(part, cfg, store=store, as_of=as_of, period=period, env=env, options=scope.parsers)


def failed_part_output(part: str, error: str, *, store: EvidenceStore) -> SourceOutput:
    """A part that kept failing, recorded as a collection issue of its source (with the failure as evidence)."""
    from trustgap.engine.models import EvidenceItem
    from trustgap.facts import CollectionIssue, Src

    source = "aws" if part.startswith("aws/") else part
    body = json.dumps({"part": part, "failed": True, "reason": error}, sort_keys=True).encode()
    now = datetime.now(UTC)
    name = f"live/{part.replace('/', '-')}-failed.json"
    ref = store.put(body, name=name, source=f"worker:{part}", collected_at=now)
    out = SourceOutput()
    out.items.append(EvidenceItem(sha256=ref.sha256, name=name, source=f"worker:{part}",
                                  collected_at=now.isoformat(), size=ref.size, format="live:worker",
                                  format_title="failed collection part"))
    out.facts.append(CollectionIssue(src=Src(ref.sha256, part), source=source,
                                     reason=f"collection of {part} failed after retries: {error}"))
    return out


def merge_parts(parts: list[Any], *, store: EvidenceStore) -> SourceOutput:
    from trustgap.monitor.codec import load_output

    merged = SourceOutput()
    for p in sorted(parts, key=lambda x: x.part_key):
        if p.status == "done" and p.output_json is not None:
            merged.merge(load_output(p.output_json))
        else:
            merged.merge(failed_part_output(p.part_key, p.error or f"part ended {p.status}", store=store))
    return merged


# -- the Celery application --------------------------------------------------------------------


def create_app(broker_url: str, *, queue: str = DEFAULT_QUEUE, max_retries: int = 3,
               retry_backoff: float = 2.0) -> Celery:
    """A Celery application with trustgap's tasks; made on demand (no module-level app)."""
    from celery import Celery

    app = Celery("trustgap", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], task_ignore_result=True, result_backend=None,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=queue, broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        broker_transport_options={"visibility_timeout": 3600},
        # no remote-control (pidbox) queue: it is exclusive per node name, so two workers called the same
        # on one broker would lock each other out; workers are managed by their process supervisor instead
        worker_enable_remote_control=False,
    )

    @app.task(name="trustgap.collect_part", bind=True, max_retries=max_retries)
    def collect_part_task(self: Any, key: str, part: str) -> str:
        return _run_part(app, self, key, part, queue=queue, backoff=retry_backoff)

    @app.task(name="trustgap.assess_snapshot", bind=True, max_retries=max_retries)
    def assess_task(self: Any, key: str) -> str:
        return _run_assess(self, key, backoff=retry_backoff)

    return app


def _now() -> datetime:
    return datetime.now(UTC)


def _context(key: str) -> tuple[Any, Any, Path]:
    """The snapshot, its scope and folder, from the database (the tasks carry only keys)."""
    from trustgap.assessment import resolve_inputs
    from trustgap.scope import load_scope
    from trustgap.store.snapshots import SnapshotStore

    with SnapshotStore.open() as snaps:
        rec = snaps.get(key)
    folder = Path(rec.params["folder"])
    return rec, load_scope(resolve_inputs(folder).scope_path).scope, folder


def _run_part(app: Celery, task: Any, key: str, part: str, *, queue: str, backoff: float) -> str:
    from trustgap import config
    from trustgap.monitor.codec import dump_output
    from trustgap.store.snapshots import SnapshotStore

    rec, scope, _ = _context(key)
    with SnapshotStore.open() as snaps:
        if not snaps.claim_part(key, part, now=_now()):
            # done already (a redelivered task): make sure the assessment was queued, in case the worker that
            # stored the part died before queueing it
            _maybe_assess(app, snaps, key, queue)
            return "already done"
        try:
            out = collect_part(scope, part, store=EvidenceStore(config.evidence_dir()), as_of=rec.as_of)
            text, digest = dump_output(out)
        except Exception as exc:  # retried with backoff, then recorded as failed (never lost)
            final = task.request.retries >= task.max_retries
            snaps.fail_part(key, part, f"{type(exc).__name__}: {exc}", now=_now(), final=final)
            if not final:
                raise task.retry(exc=exc, countdown=backoff * (2 ** task.request.retries)) from None
            _maybe_assess(app, snaps, key, queue)
            return "failed"
        snaps.finish_part(key, part, text, digest, now=_now())
        _maybe_assess(app, snaps, key, queue)
    return "done"


def _maybe_assess(app: Celery, snaps: Any, key: str, queue: str) -> None:
    parts = snaps.parts(key)
    if all(p.status in ("done", "failed") for p in parts) and snaps.transition(key, ("collecting",), "assessing"):
        app.send_task("trustgap.assess_snapshot", args=[key], queue=queue)


def _run_assess(task: Any, key: str, *, backoff: float) -> str:
    from trustgap import config
    from trustgap.monitor.jobs import run_snapshot
    from trustgap.store.snapshots import SnapshotStore

    rec, _, folder = _context(key)
    if rec.finished:
        return "already done"
    store = EvidenceStore(config.evidence_dir())
    with SnapshotStore.open() as snaps:
        merged = merge_parts(snaps.parts(key), store=store)
    try:
        out = run_snapshot(folder, rec.schedule, scheduled_for=rec.scheduled_for, evidence_store=store,
                           collected=merged)
    except TrustgapError as exc:
        if task.request.retries < task.max_retries:
            raise task.retry(exc=exc, countdown=backoff * (2 ** task.request.retries)) from None
        with SnapshotStore.open() as snaps:
            snaps.fail(key, f"{type(exc).__name__}: {exc}", finished_at=_now())
        return "failed"
    return out.snapshot.status


# -- dispatching -------------------------------------------------------------------------------


def dispatch_snapshot(app: Celery, folder: Path, schedule: str, *, scheduled_for: datetime,
                      queue: str = DEFAULT_QUEUE, store_url: str | None = None) -> str:
    """Queue the parts of a snapshot (or, for a job seen before, those not done yet). Returns its key."""
    from trustgap.assessment import resolve_inputs
    from trustgap.monitor.config import parse_monitor_settings
    from trustgap.monitor.jobs import snapshot_key
    from trustgap.scope import load_scope
    from trustgap.store.snapshots import SnapshotStore

    inputs = resolve_inputs(folder)
    loaded = load_scope(inputs.scope_path)
    mon, _ = parse_monitor_settings(loaded.scope, source=str(inputs.scope_path))
    sched = mon.schedule(schedule)
    org = loaded.scope.organisation.name
    key = snapshot_key(org, sched.name, scheduled_for)
    parts = plan_parts(loaded.scope, sched.collect)
    with SnapshotStore.open(store_url) as snaps:
        rec, _ = snaps.begin(key, organisation=org, schedule=sched.name, scheduled_for=scheduled_for,
                             as_of=scheduled_for.astimezone(mon.tz).date(), sources=sched.collect, started_at=_now(),
                             params={"folder": str(folder.resolve()), "parts": parts})
        if rec.finished:
            return key
        # an assessment in flight is left alone: if its worker dies, the broker hands the task to another
        snaps.transition(key, ("running", "failed"), "collecting")
        snaps.add_parts(key, parts, now=_now())
        todo = [p.part_key for p in snaps.parts(key) if p.status != "done"]
        if not todo:
            if snaps.transition(key, ("collecting",), "assessing"):
                app.send_task("trustgap.assess_snapshot", args=[key], queue=queue)
            return key
        for part in todo:
            app.send_task("trustgap.collect_part", args=[key, part], queue=queue)
    return key


def wait_for(key: str, *, timeout: float, store_url: str | None = None, poll: float = 0.2) -> Any:
    """Poll the store until the snapshot is finished or failed (or ``timeout`` seconds pass)."""
    from trustgap.store.snapshots import SnapshotStore

    deadline = time.monotonic() + timeout
    with SnapshotStore.open(store_url) as snaps:
        while True:
            rec = snaps.get(key)
            if rec.status in ("ok", "issues", "failed") or time.monotonic() > deadline:
                return rec
            time.sleep(poll)


def run_worker(broker_url: str, *, concurrency: int = 2, queue: str = DEFAULT_QUEUE, loglevel: str = "INFO",
               hostname: str | None = None, max_retries: int = 3, retry_backoff: float = 2.0) -> None:
    """Start a worker in this process (blocks)."""
    app = create_app(broker_url, queue=queue, max_retries=max_retries, retry_backoff=retry_backoff)
    import uuid

    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency}", f"--queues={queue}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            f"--hostname={hostname or f'trustgap-{uuid.uuid4().hex[:8]}@%h'}"]
    app.worker_main(argv)
