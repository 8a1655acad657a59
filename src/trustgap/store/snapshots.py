"""Saving and reading monitoring snapshots, distributed collection parts and the alert log.

Every write is idempotent by key: a snapshot is keyed by its job (organisation, schedule, scheduled time), a
part by (snapshot, part key), an alert by (organisation, dedup key). A finished snapshot is never rewritten.
The Type II timeline reads snapshots through :meth:`SnapshotStore.observations`, which takes verdicts and
findings from the indexed per-run tables, never from result blobs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from trustgap import config
from trustgap.errors import TrustgapError
from trustgap.store.db import create_store_engine, upgrade_to_head
from trustgap.store.models import FindingRow, RunRow, VerdictRow
from trustgap.store.monitor_models import AlertLogRow, SnapshotCheckRow, SnapshotPartRow, SnapshotRow

FINISHED = ("ok", "issues")  # a finished snapshot is never changed; a failed one may be run again


def _naive(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SnapshotRecord:
    id: str
    organisation: str
    schedule: str
    scheduled_for: datetime  # UTC
    as_of: date
    sources: tuple[str, ...]
    status: str
    started_at: datetime
    finished_at: datetime | None
    run_id: str | None
    manifest_sha256: str | None
    evidence_count: int
    issues: list[dict[str, Any]]
    error: str | None
    params: dict[str, Any]

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True)
class PartRecord:
    part_key: str
    status: str
    attempts: int
    output_json: str | None
    output_sha256: str | None
    error: str | None


@dataclass(frozen=True)
class FindingObs:
    finding_id: str
    control_id: str
    check_id: str | None
    severity: str
    entity_type: str | None
    entity: str | None
    reason: str
    evidence: tuple[str, ...]
    gap_kind: str | None = None


@dataclass
class Observation:
    """What one finished snapshot saw: per-control verdicts, per-check coverage and the findings."""

    snapshot_id: str
    run_id: str
    day: date
    scheduled_for: datetime
    manifest_sha256: str
    verdicts: dict[str, str] = field(default_factory=dict)  # control -> status
    checks: dict[tuple[str, str], str] = field(default_factory=dict)  # (control, check) -> status
    findings: list[FindingObs] = field(default_factory=list)


def _record(row: Any) -> SnapshotRecord:
    return SnapshotRecord(
        id=row.id, organisation=row.organisation, schedule=row.schedule,
        scheduled_for=_aware(row.scheduled_for) or row.scheduled_for, as_of=row.as_of,
        sources=tuple(s for s in row.sources.split(",") if s), status=row.status,
        started_at=_aware(row.started_at) or row.started_at, finished_at=_aware(row.finished_at),
        run_id=row.run_id, manifest_sha256=row.manifest_sha256, evidence_count=row.evidence_count,
        issues=json.loads(row.issues_json or "[]"), error=row.error, params=json.loads(row.params_json or "{}"),
    )


class SnapshotStore:
    """Snapshots in the run database (SQLite or PostgreSQL). Open with :meth:`SnapshotStore.open`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self.url = url

    @property
    def engine(self) -> Engine:
        return self._engine

    @classmethod
    def open(cls, url: str | None = None) -> SnapshotStore:
        target = url or config.database_url()
        engine = create_store_engine(target)
        try:
            upgrade_to_head(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, target)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> SnapshotStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _fail(self, action: str, exc: SQLAlchemyError) -> TrustgapError:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        return TrustgapError(f"cannot {action} in {config.redact_url(self.url)}: {first}")

    # -- snapshots -------------------------------------------------------------------------------

    def begin(self, key: str, *, organisation: str, schedule: str, scheduled_for: datetime, as_of: date,
              sources: Sequence[str], started_at: datetime, params: dict[str, Any] | None = None
              ) -> tuple[SnapshotRecord, bool]:
        """Start the snapshot ``key``, or find it when it exists already. Returns it and whether it is new."""
        values = {"id": key, "organisation": organisation, "schedule": schedule,
                  "scheduled_for": _naive(scheduled_for), "as_of": as_of, "sources": ",".join(sources),
                  "status": "running", "started_at": _naive(started_at), "evidence_count": 0,
                  "issues_json": "[]", "params_json": json.dumps(params or {}, sort_keys=True)}
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(SnapshotRow).values(**values))
            return self.get(key), True
        except IntegrityError:
            return self.get(key), False
        except SQLAlchemyError as exc:
            raise self._fail("start the snapshot", exc) from None

    def get(self, key: str) -> SnapshotRecord:
        with self._engine.connect() as conn:
            row = conn.execute(select(SnapshotRow).where(SnapshotRow.id == key)).first()
        if row is None:
            raise TrustgapError(f"no snapshot {key!r}")
        return _record(row)

    def find(self, key: str) -> SnapshotRecord | None:
        try:
            return self.get(key)
        except TrustgapError:
            return None

    def transition(self, key: str, from_status: Iterable[str], to_status: str) -> bool:
        """Move the snapshot to ``to_status`` only when it is in one of ``from_status`` (an atomic claim)."""
        with self._engine.begin() as conn:
            res = conn.execute(update(SnapshotRow)
                               .where(and_(SnapshotRow.id == key, SnapshotRow.status.in_(list(from_status))))
                               .values(status=to_status))
        return bool(res.rowcount)

    def finish(self, key: str, *, run_id: str, manifest_sha256: str, evidence_count: int,
               issues: list[dict[str, Any]], finished_at: datetime,
               checks: Iterable[tuple[str, str, str]]) -> SnapshotRecord:
        """Record the snapshot's run, manifest hash and per-check coverage; once, never again."""
        status = "issues" if issues else "ok"
        try:
            with self._engine.begin() as conn:
                res = conn.execute(
                    update(SnapshotRow).where(and_(SnapshotRow.id == key, SnapshotRow.status.notin_(FINISHED)))
                    .values(status=status, run_id=run_id, manifest_sha256=manifest_sha256,
                            evidence_count=evidence_count, finished_at=_naive(finished_at), error=None,
                            issues_json=json.dumps(issues, sort_keys=True, ensure_ascii=False)))
                if res.rowcount:
                    rows = [{"snapshot_id": key, "control_id": c, "check_id": k, "status": s}
                            for c, k, s in sorted(set(checks))]
                    if rows:
                        conn.execute(insert(SnapshotCheckRow), rows)
        except SQLAlchemyError as exc:
            raise self._fail("finish the snapshot", exc) from None
        return self.get(key)

    def fail(self, key: str, error: str, *, finished_at: datetime) -> SnapshotRecord:
        with self._engine.begin() as conn:
            conn.execute(update(SnapshotRow).where(and_(SnapshotRow.id == key, SnapshotRow.status.notin_(FINISHED)))
                         .values(status="failed", error=error[:4000], finished_at=_naive(finished_at)))
        return self.get(key)

    def history(self, organisation: str | None = None, *, start: datetime | None = None, end: datetime | None = None,
             finished_only: bool = False, limit: int | None = None, newest_first: bool = False
             ) -> list[SnapshotRecord]:
        q = select(SnapshotRow)
        if organisation is not None:
            q = q.where(SnapshotRow.organisation == organisation)
        if start is not None:
            q = q.where(SnapshotRow.scheduled_for >= _naive(start))
        if end is not None:
            q = q.where(SnapshotRow.scheduled_for <= _naive(end))
        if finished_only:
            q = q.where(SnapshotRow.status.in_(("ok", "issues")))
        order = (SnapshotRow.scheduled_for.desc(), SnapshotRow.id.desc()) if newest_first else (
            SnapshotRow.scheduled_for, SnapshotRow.id)
        q = q.order_by(*order)
        if limit is not None:
            q = q.limit(limit)
        with self._engine.connect() as conn:
            return [_record(r) for r in conn.execute(q)]

    def previous_finished(self, organisation: str, before: datetime) -> SnapshotRecord | None:
        q = (select(SnapshotRow).where(SnapshotRow.organisation == organisation)
             .where(SnapshotRow.scheduled_for < _naive(before)).where(SnapshotRow.status.in_(("ok", "issues")))
             .order_by(SnapshotRow.scheduled_for.desc(), SnapshotRow.id.desc()).limit(1))
        with self._engine.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else _record(row)

    def observations(self, organisation: str, start: date | None = None, end: date | None = None
                     ) -> list[Observation]:
        """Every finished snapshot of ``organisation`` with as-of dates in [start, end], oldest first, with
        its verdicts, check coverage and findings (from the indexed run tables)."""
        q = (select(SnapshotRow).where(SnapshotRow.organisation == organisation)
             .where(SnapshotRow.status.in_(("ok", "issues"))).where(SnapshotRow.run_id.is_not(None)))
        if start is not None:
            q = q.where(SnapshotRow.as_of >= start)
        if end is not None:
            q = q.where(SnapshotRow.as_of <= end)
        q = q.order_by(SnapshotRow.scheduled_for, SnapshotRow.id)
        with self._engine.connect() as conn:
            snaps = list(conn.execute(q))
            out = {s.id: Observation(s.id, s.run_id, s.as_of, _aware(s.scheduled_for) or s.scheduled_for,
                                     s.manifest_sha256 or "") for s in snaps}
            by_run = {s.run_id: s.id for s in snaps}
            ids = list(out)
            for chunk in _chunked(ids, 500):
                for r in conn.execute(select(SnapshotCheckRow).where(SnapshotCheckRow.snapshot_id.in_(chunk))):
                    out[r.snapshot_id].checks[(r.control_id, r.check_id)] = r.status
            runs = list(by_run)
            for chunk in _chunked(runs, 500):
                for v in conn.execute(select(VerdictRow.run_id, VerdictRow.control_id, VerdictRow.status)
                                      .where(VerdictRow.run_id.in_(chunk))):
                    out[by_run[v.run_id]].verdicts[v.control_id] = v.status
                for f in conn.execute(select(FindingRow).where(FindingRow.run_id.in_(chunk))
                                      .order_by(FindingRow.run_id, FindingRow.position)):
                    out[by_run[f.run_id]].findings.append(FindingObs(
                        f.finding_id, f.control_id, f.check_id, f.severity, f.entity_type, f.entity, f.reason,
                        tuple(x for x in (f.evidence_sha256s or "").split() if x), f.gap_kind))
        return list(out.values())

    # -- distributed parts -------------------------------------------------------------------------

    def add_parts(self, key: str, part_keys: Iterable[str], *, now: datetime) -> None:
        """Register the parts of a snapshot; parts registered before are left as they are (resume)."""
        with self._engine.begin() as conn:
            have = set(conn.scalars(select(SnapshotPartRow.part_key).where(SnapshotPartRow.snapshot_id == key)))
            rows = [{"snapshot_id": key, "part_key": p, "status": "pending", "attempts": 0,
                     "updated_at": _naive(now)} for p in part_keys if p not in have]
            if rows:
                conn.execute(insert(SnapshotPartRow), rows)

    def claim_part(self, key: str, part_key: str, *, now: datetime) -> bool:
        """Mark a part running (one more attempt) unless it is done already. False: nothing to do."""
        with self._engine.begin() as conn:
            res = conn.execute(
                update(SnapshotPartRow)
                .where(and_(SnapshotPartRow.snapshot_id == key, SnapshotPartRow.part_key == part_key,
                            SnapshotPartRow.status != "done"))
                .values(status="running", attempts=SnapshotPartRow.attempts + 1, updated_at=_naive(now)))
        return bool(res.rowcount)

    def finish_part(self, key: str, part_key: str, output_json: str, output_sha256: str, *, now: datetime) -> bool:
        """Store a part's output once; a second finish of a done part changes nothing (returns False)."""
        with self._engine.begin() as conn:
            res = conn.execute(
                update(SnapshotPartRow)
                .where(and_(SnapshotPartRow.snapshot_id == key, SnapshotPartRow.part_key == part_key,
                            SnapshotPartRow.status != "done"))
                .values(status="done", output_json=output_json, output_sha256=output_sha256, error=None,
                        updated_at=_naive(now)))
        return bool(res.rowcount)

    def fail_part(self, key: str, part_key: str, error: str, *, now: datetime, final: bool) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(SnapshotPartRow)
                .where(and_(SnapshotPartRow.snapshot_id == key, SnapshotPartRow.part_key == part_key,
                            SnapshotPartRow.status != "done"))
                .values(status="failed" if final else "pending", error=error[:4000], updated_at=_naive(now)))

    def parts(self, key: str) -> list[PartRecord]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(SnapshotPartRow).where(SnapshotPartRow.snapshot_id == key)
                                .order_by(SnapshotPartRow.part_key))
            return [PartRecord(r.part_key, r.status, r.attempts, r.output_json, r.output_sha256, r.error)
                    for r in rows]

    # -- alert log -------------------------------------------------------------------------------

    def alert_sent_at(self, organisation: str, keys: Iterable[str]) -> dict[str, datetime]:
        keys = list(keys)
        out: dict[str, datetime] = {}
        with self._engine.connect() as conn:
            for chunk in _chunked(keys, 500):
                for r in conn.execute(select(AlertLogRow.dedup_key, AlertLogRow.last_sent_at)
                                      .where(AlertLogRow.organisation == organisation)
                                      .where(AlertLogRow.dedup_key.in_(chunk))):
                    out[r.dedup_key] = r.last_sent_at.replace(tzinfo=UTC)
        return out

    def record_alerts(self, organisation: str, alerts: Iterable[tuple[str, str]], *, now: datetime,
                      snapshot_id: str | None) -> None:
        """Note that the (dedup key, kind) alerts were sent now."""
        with self._engine.begin() as conn:
            for key, kind in alerts:
                res = conn.execute(update(AlertLogRow)
                                   .where(and_(AlertLogRow.organisation == organisation, AlertLogRow.dedup_key == key))
                                   .values(last_sent_at=_naive(now), sent_count=AlertLogRow.sent_count + 1,
                                           last_snapshot_id=snapshot_id))
                if not res.rowcount:
                    conn.execute(insert(AlertLogRow).values(
                        organisation=organisation, dedup_key=key, kind=kind, first_seen_at=_naive(now),
                        last_sent_at=_naive(now), sent_count=1, last_snapshot_id=snapshot_id))

    # -- trend -----------------------------------------------------------------------------------

    def verdict_history(self, organisation: str, *, limit: int = 400) -> list[tuple[str, date, float | None,
                                                                                       dict[str, str]]]:
        """(run id, as-of date, readiness, control -> status) of the organisation's runs, oldest first."""
        q = (select(RunRow.id, RunRow.as_of, RunRow.readiness_score, RunRow.created_at)
             .where(RunRow.organisation == organisation)
             .order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(limit))
        with self._engine.connect() as conn:
            runs = list(conn.execute(q))[::-1]
            statuses: dict[str, dict[str, str]] = {r.id: {} for r in runs}
            for chunk in _chunked(list(statuses), 500):
                for v in conn.execute(select(VerdictRow.run_id, VerdictRow.control_id, VerdictRow.status)
                                      .where(VerdictRow.run_id.in_(chunk))):
                    statuses[v.run_id][v.control_id] = v.status
        return [(r.id, r.as_of, r.readiness_score, statuses[r.id]) for r in runs]


def _chunked(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
