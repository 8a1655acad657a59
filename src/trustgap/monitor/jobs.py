"""One scheduled collection: collect, assess through :mod:`trustgap.assessment`, store a hashed snapshot.

:func:`run_snapshot` is what the scheduler (in the foreground, inside ``trustgap serve``) and the Celery
workers call. The snapshot's id is its job key (organisation, schedule, scheduled time), so a job run twice
finds the snapshot the first run finished and does nothing more; a job that died half-way starts again
from the beginning of what it had not finished. Nothing is overwritten: every run is a new stored run,
every evidence file is kept by hash, and the snapshot records the SHA-256 of its manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trustgap.errors import TrustgapError
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue
from trustgap.store.snapshots import SnapshotRecord, SnapshotStore

Clock = Callable[[], datetime]


@dataclass
class SnapshotOutcome:
    snapshot: SnapshotRecord
    created: bool  # False: the job had already run (nothing was done again)
    alerts: list[Any] = field(default_factory=list)  # trustgap.monitor.alerts.Alert
    deliveries: list[str] = field(default_factory=list)  # "webhook: sent 3", "email: failed: ..."


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "org"


def snapshot_key(organisation: str, schedule: str, scheduled_for: datetime) -> str:
    moment = scheduled_for.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{slug(organisation)}/{schedule}/{moment}"


def manifest_sha256(key: str, result_sha256: str, evidence: list[tuple[str, str]]) -> str:
    """The snapshot's own hash: its key, its result's hash and every evidence file's name and hash."""
    doc = {"snapshot": key, "result_sha256": result_sha256, "evidence": sorted(evidence)}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def collection_issues(sources: SourceOutput | None) -> list[dict[str, Any]]:
    if sources is None:
        return []
    return [{"source": f.source, "reason": f.reason, "evidence": f.src.sha256}
            for f in sources.facts if isinstance(f, CollectionIssue)]


def run_snapshot(
    folder: Path,
    schedule: str,
    *,
    scheduled_for: datetime,
    store_url: str | None = None,
    evidence_store: EvidenceStore | None = None,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
    collected: SourceOutput | None = None,
    notify: bool = True,
    transport: Any = None,
) -> SnapshotOutcome:
    """Run schedule ``schedule`` of the organisation in ``folder`` for ``scheduled_for`` (once)."""
    from trustgap import config
    from trustgap.assessment import resolve_inputs
    from trustgap.monitor.config import parse_monitor_settings
    from trustgap.scope import load_scope

    now = clock or (lambda: datetime.now(UTC))
    inputs = resolve_inputs(folder)
    loaded = load_scope(inputs.scope_path)
    mon, alerts_cfg = parse_monitor_settings(loaded.scope, source=str(inputs.scope_path))
    sched = mon.schedule(schedule)
    as_of = scheduled_for.astimezone(mon.tz).date()
    org = loaded.scope.organisation.name
    key = snapshot_key(org, sched.name, scheduled_for)
    url = store_url or config.database_url()
    store = evidence_store or EvidenceStore(config.evidence_dir())
    snaps = SnapshotStore.open(url)
    try:
        rec, new = snaps.begin(key, organisation=org, schedule=sched.name, scheduled_for=scheduled_for, as_of=as_of,
                               sources=sched.collect, started_at=now(), params={"folder": str(folder)})
        if rec.finished:
            return SnapshotOutcome(rec, created=False)
        outcome = _collect_and_assess(snaps, key, inputs, loaded, sched.collect, as_of=as_of, url=url, store=store,
                                      env=env, now=now, collected=collected)
        if notify:
            from trustgap.monitor.alerts import notify_snapshot

            outcome.alerts, outcome.deliveries = notify_snapshot(
                snaps, outcome.snapshot, loaded.scope, mon, alerts_cfg, store_url=url, env=env, now=now(),
                transport=transport)
        return outcome
    finally:
        snaps.close()


def _collect_and_assess(snaps: SnapshotStore, key: str, inputs: Any, loaded: Any, sources: list[str], *,
                        as_of: Any, url: str, store: EvidenceStore, env: Mapping[str, str] | None, now: Clock,
                        collected: SourceOutput | None) -> SnapshotOutcome:
    from trustgap.assessment import collect_live, result_digest, run_assessment

    live = [s for s in sources if s != "files"]
    try:
        if collected is None and live:
            collected = collect_live(loaded.scope, live, store=store, as_of=as_of, env=env)
        result, run_id = run_assessment(
            inputs.scope_path, evidence_dir=inputs.evidence_dir if "files" in sources else None,
            answers=inputs.answers, as_of=as_of, collected=collected, store_url=url, evidence_store=store,
            created_at=now())
    except (TrustgapError, OSError) as exc:
        return SnapshotOutcome(snaps.fail(key, f"{type(exc).__name__}: {exc}", finished_at=now()), created=True)
    assert run_id is not None
    evidence = [(e.name, e.sha256) for e in result.evidence]
    manifest = manifest_sha256(key, result_digest(result), evidence)
    checks = [(c, chk.check_id, chk.status) for chk in result.checks for c in chk.controls]
    rec = snaps.finish(key, run_id=run_id, manifest_sha256=manifest, evidence_count=len(evidence),
                       issues=collection_issues(collected), finished_at=now(), checks=checks)
    return SnapshotOutcome(rec, created=True)
