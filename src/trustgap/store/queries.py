"""What the web pages and the JSON API read from stored runs, behind one set of functions.

Routes never query tables or parse result JSON themselves: they call :class:`RunQueries`. Lists (findings,
evidence, history across runs) come from the per-run rows; the parts of a run a page shows besides them
(roll-ups, verdict details, checks, plan and risk register) come from a compact summary derived once from the
run's outline (its result without the findings, :mod:`trustgap.store.outlines`) and finding rows, and kept in
``web_run_summaries``. When the stored runs move to
fully indexed tables, only this module changes.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from trustgap.engine.drift import Drift
from trustgap.engine.models import AssessmentResult
from trustgap.errors import TrustgapError
from trustgap.store.models import EvidenceRow, FindingRow, RunRow, VerdictRow
from trustgap.store.report_reader import EngineLight, ReportReader
from trustgap.store.runs import RunRecord, RunStore, _headline_columns, _record_from_mapping
from trustgap.store.web_models import RunSummaryRow

if TYPE_CHECKING:
    from trustgap.report.stored import StoredRun

SUMMARY_KEYS = ("as_of", "organisation", "report_type", "period_start", "period_end", "target_audit_date",
                "categories", "readiness", "category_rollups", "criteria", "frameworks", "verdicts", "checks",
                "evidence_requests", "interview", "plan", "threshold_conflicts", "catalog_version", "tool_version")
SEVERITIES = ("critical", "high", "medium", "low")
SUMMARY_VERSION = 2
CACHED_SUMMARIES = 16
CACHED_PAGES = 256
T = TypeVar("T")


class NotFound(TrustgapError):
    """Asked for something that is not there (or not in this organisation)."""


@dataclass(frozen=True)
class FindingEntry:
    id: str
    control_id: str
    check_id: str | None
    severity: str
    gap_kind: str | None
    entity_type: str | None
    entity: str | None
    reason: str
    evidence: list[str]


@dataclass(frozen=True)
class EvidenceEntry:
    sha256: str
    name: str
    source: str
    collected_at: str
    size: int
    format: str | None
    status: str
    errors: list[dict[str, Any]]


@dataclass(frozen=True)
class HistoryPoint:
    run_id: str
    created_at: datetime
    as_of: Any
    status: str
    gap_kind: str | None


class RunSummary:
    """The derived summary of one run, with lookups the pages need."""

    def __init__(self, run: RunRecord, data: dict[str, Any]) -> None:
        self.run = run
        self.data = data
        self.verdicts: dict[str, dict[str, Any]] = {v["control_id"]: v for v in data.get("verdicts", [])}
        self.checks: dict[str, dict[str, Any]] = {c["check_id"]: c for c in data.get("checks", [])}

    @property
    def plan(self) -> dict[str, Any]:
        return self.data.get("plan") or {}

    def __getitem__(self, key: str) -> Any:
        return self.data.get(key)


def _finding(m: Any) -> FindingEntry:
    return FindingEntry(m["finding_id"], m["control_id"], m["check_id"], m["severity"], m["gap_kind"],
                        m["entity_type"], m["entity"], m["reason"], m["evidence_sha256s"].split())


def _evidence(m: Any) -> EvidenceEntry:
    return EvidenceEntry(m["sha256"], m["name"], m["source"], m["collected_at"], m["size"], m["format"], m["status"],
                         json.loads(m["errors_json"]))


class RunQueries:
    """Read-only queries over the stored runs of one organisation name (the scope file's organisation)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self._runs = RunStore(engine, url)
        # parsed summaries of the runs read last (runs never change: keyed by id and result digest)
        self._cache: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        # pages of a run's rows read last (a stored run never changes; history is keyed by the newest run)
        self._pages: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def _remember(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return cast(T, self._pages[key])
        value = build()
        with self._lock:
            self._pages[key] = value
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        return value

    # -- runs ---------------------------------------------------------------------------------------
    def runs(self, organisation: str, limit: int = 100, *, newest: str | None = None) -> list[RunRecord]:
        """The organisation's runs, newest first (``newest``: the id of its newest run, when the caller knows
        it; the list is then kept until a newer run arrives)."""
        if newest is None:
            return self._runs.list(limit=limit, organisation=organisation)
        return self._remember(("runs", organisation, limit, newest),
                              lambda: self._runs.list(limit=limit, organisation=organisation))

    def latest(self, organisation: str) -> RunRecord | None:
        found = self._runs.list(limit=1, organisation=organisation)
        return found[0] if found else None

    def run(self, organisation: str, run_id: str) -> RunRecord:
        """The run with exactly this id, if it belongs to ``organisation`` ('latest': its newest run)."""
        if run_id == "latest":
            rec = self.latest(organisation)
            if rec is None:
                raise NotFound(f"{organisation} has no stored run yet")
            return rec
        with self._engine.connect() as conn:
            m = conn.execute(select(*_headline_columns()).where(RunRow.id == run_id,
                                                                RunRow.organisation == organisation)).mappings().first()
        if m is None:
            raise NotFound(f"no run {run_id!r} of {organisation}")
        return _record_from_mapping(m)

    def previous(self, run: RunRecord) -> RunRecord | None:
        prev = self._runs.previous(run.id)
        return self.run(run.organisation, prev) if prev else None

    def result_json(self, run: RunRecord) -> str:
        return self._runs.get_json(run.id)[1]

    def report_run(self, run: RunRecord) -> StoredRun:
        """The run as its report reads it: the outline and a digest of the findings (not the whole result)."""
        from trustgap.report.stored import load_stored

        return load_stored(self._runs, run.id)

    def result(self, run: RunRecord) -> AssessmentResult:
        """The whole stored result (reports, drift, the evidence package): verified against its SHA-256."""
        return AssessmentResult.from_json(self.result_json(run))

    def drift(self, older: RunRecord, newer: RunRecord) -> Drift:
        """What changed between two runs (the same comparison as ``trustgap diff``, read from the runs' rows)."""
        return self._runs.drift(older.id, newer.id)

    # -- the summary ----------------------------------------------------------------------------------
    def summary(self, run: RunRecord) -> RunSummary:
        key = (run.id, run.result_sha256)
        with self._lock:
            data = self._cache.get(key)
            if data is not None:
                self._cache.move_to_end(key)
        if data is None:
            with self._engine.connect() as conn:
                row = conn.execute(select(RunSummaryRow.result_sha256, RunSummaryRow.summary_json)
                                   .where(RunSummaryRow.run_id == run.id)).first()
            data = json.loads(row[1]) if row is not None and row[0] == run.result_sha256 else None
            if data is None or data.get("version") != SUMMARY_VERSION:
                data = self.build_summary(run)
            with self._lock:
                self._cache[key] = data
                while len(self._cache) > CACHED_SUMMARIES:
                    self._cache.popitem(last=False)
        return RunSummary(run, data)

    def build_summary(self, run: RunRecord) -> dict[str, Any]:
        """Derive (and keep) the summary of a run from its verified outline and its finding rows (from its verified
        result JSON when it has no outline)."""
        severities: dict[str, int] = {}
        by_control: dict[str, int] = {}
        reader = ReportReader(EngineLight(self._engine))
        try:
            outline = reader.outline(run)
            if outline is not None:
                for control_id, _check, severity, n, _first in sorted(reader.finding_groups(run.id),
                                                                      key=lambda g: g[4]):
                    severities[severity] = severities.get(severity, 0) + n
                    by_control[control_id] = by_control.get(control_id, 0) + n
        finally:
            reader.close()
        full = json.loads(outline if outline is not None else self.result_json(run))
        data = {k: full.get(k) for k in SUMMARY_KEYS}
        for c in data.get("checks") or []:
            c.pop("passing", None)
        data["version"] = SUMMARY_VERSION
        for f in full.get("findings", []):
            severities[f["severity"]] = severities.get(f["severity"], 0) + 1
            by_control[f["control_id"]] = by_control.get(f["control_id"], 0) + 1
        order = (*SEVERITIES, *sorted(set(severities) - set(SEVERITIES)))
        data["severity_counts"] = {s: severities.get(s, 0) for s in order}
        data["findings_by_control"] = by_control
        data["evidence_understood"] = {e["sha256"]: {"format_title": e.get("format_title"), "facts": e.get("facts", 0)}
                                       for e in full.get("evidence", [])}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        try:
            with self._engine.begin() as conn:
                conn.execute(delete(RunSummaryRow).where(RunSummaryRow.run_id == run.id))
                conn.execute(insert(RunSummaryRow).values(run_id=run.id, result_sha256=run.result_sha256,
                                                          summary_json=text))
        except IntegrityError:
            pass  # another request derived it at the same moment
        return data

    # -- findings -------------------------------------------------------------------------------------
    def findings(self, run: RunRecord, *, control_id: str | None = None, severity: str | None = None,
                 ids: list[str] | None = None, limit: int = 100, offset: int = 0) -> tuple[list[FindingEntry], int]:
        key = ("findings", run.id, run.result_sha256, control_id, severity, tuple(ids) if ids is not None else None,
               limit, offset)
        return self._remember(key, lambda: self._findings(run, control_id=control_id, severity=severity, ids=ids,
                                                          limit=limit, offset=offset))

    def _findings(self, run: RunRecord, *, control_id: str | None, severity: str | None, ids: list[str] | None,
                  limit: int, offset: int) -> tuple[list[FindingEntry], int]:
        """A page of a run's findings (most severe first) and how many match in all.

        The engine stores a run's findings most severe first (``trustgap.engine.evaluate``: severity, control,
        check, entity), so the stored position is that order: the page is read along the ``(run_id,
        position)`` key and stops after ``limit`` rows, instead of sorting every finding of the run."""
        cond = [FindingRow.run_id == run.id]
        if control_id:
            cond.append(FindingRow.control_id == control_id)
        if severity:
            cond.append(FindingRow.severity == severity)
        if ids is not None:
            cond.append(FindingRow.finding_id.in_(ids))
        order = [FindingRow.position]
        with self._engine.connect() as conn:
            total = int(conn.scalar(select(func.count()).select_from(FindingRow).where(*cond)) or 0)
            rows = conn.execute(select(FindingRow).where(*cond).order_by(*order).limit(limit).offset(offset)
                                .with_only_columns(*FindingRow.__table__.columns)).mappings().all()
        return [_finding(m) for m in rows], total

    def finding(self, run: RunRecord, finding_id: str) -> FindingEntry:
        with self._engine.connect() as conn:
            m = conn.execute(select(*FindingRow.__table__.columns).where(
                FindingRow.run_id == run.id, FindingRow.finding_id == finding_id)).mappings().first()
        if m is None:
            raise NotFound(f"no finding {finding_id!r} in run {run.id}")
        return _finding(m)

    def severity_counts(self, run: RunRecord) -> dict[str, int]:
        """Findings per severity (most severe first), counted once when the run's summary was derived."""
        return dict(self.summary(run)["severity_counts"])

    def finding_counts_by_control(self, run: RunRecord) -> dict[str, int]:
        return dict(self.summary(run)["findings_by_control"])

    # -- evidence -------------------------------------------------------------------------------------
    def evidence(self, run: RunRecord, *, shas: list[str] | None = None, limit: int = 500,
                 offset: int = 0) -> tuple[list[EvidenceEntry], int]:
        key = ("evidence", run.id, run.result_sha256, tuple(shas) if shas is not None else None, limit, offset)
        return self._remember(key, lambda: self._evidence_page(run, shas=shas, limit=limit, offset=offset))

    def _evidence_page(self, run: RunRecord, *, shas: list[str] | None, limit: int,
                       offset: int) -> tuple[list[EvidenceEntry], int]:
        cond = [EvidenceRow.run_id == run.id]
        if shas is not None:
            cond.append(EvidenceRow.sha256.in_(shas))
        with self._engine.connect() as conn:
            total = int(conn.scalar(select(func.count()).select_from(EvidenceRow).where(*cond)) or 0)
            rows = conn.execute(select(*EvidenceRow.__table__.columns).where(*cond).order_by(EvidenceRow.position)
                                .limit(limit).offset(offset)).mappings().all()
        return [_evidence(m) for m in rows], total

    def evidence_item(self, organisation: str, sha256: str) -> EvidenceEntry:
        """An evidence item some run of ``organisation`` read (the newest such record)."""
        q = (select(*EvidenceRow.__table__.columns).join(RunRow, RunRow.id == EvidenceRow.run_id)
             .where(EvidenceRow.sha256 == sha256, RunRow.organisation == organisation)
             .order_by(RunRow.created_at.desc()).limit(1))
        with self._engine.connect() as conn:
            m = conn.execute(q).mappings().first()
        if m is None:
            raise NotFound(f"no evidence {sha256[:12]}... in the runs of {organisation}")
        return _evidence(m)

    # -- history --------------------------------------------------------------------------------------
    def control_history(self, organisation: str, control_id: str, limit: int = 100, *,
                        newest: str | None = None) -> list[HistoryPoint]:
        """The control's status in the organisation's latest runs, newest first (``newest``: as in :meth:`runs`)."""
        if newest is None:
            return self._control_history(organisation, control_id, limit)
        return self._remember(("history", organisation, control_id, limit, newest),
                              lambda: self._control_history(organisation, control_id, limit))

    def _control_history(self, organisation: str, control_id: str, limit: int) -> list[HistoryPoint]:
        q = (select(RunRow.id, RunRow.created_at, RunRow.as_of, VerdictRow.status, VerdictRow.gap_kind)
             .join(VerdictRow, VerdictRow.run_id == RunRow.id)
             .where(RunRow.organisation == organisation, VerdictRow.control_id == control_id)
             .order_by(RunRow.created_at.desc(), RunRow.id.desc()).limit(limit))
        with self._engine.connect() as conn:
            return [HistoryPoint(r[0], r[1].replace(tzinfo=UTC), r[2], r[3], r[4]) for r in conn.execute(q).all()]
