"""Reports of a stored run, read from its tables: the outline (the result without its findings) and the finding
rows the report shows, never the whole result JSON (at 10,000 people it is ~60 MB and most of it is findings the
page only counts). The reads are plain SQL (:mod:`trustgap.store.report_reader`) over the database driver alone
when the schema is current, so a report needs neither SQLAlchemy nor Alembic.

A run without an outline (stored by an older release into a database not migrated since, or whose finding rows lack
their records) is read whole, as before: the report is the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trustgap.engine.models import AssessmentResult, Finding
from trustgap.report.view import MAX_ENTITIES_PER_GROUP, FindingDigest, digest_findings
from trustgap.store.report_reader import ReportReader

if TYPE_CHECKING:
    from trustgap.store.records import RunRecord
    from trustgap.store.runs import RunStore


class _MissingRecord(Exception):
    """A finding row without its whole record (a run stored before migration 0003 and never moved)."""


@dataclass
class StoredRun:
    """A stored run as a report reads it: ``result`` holds everything but the findings when ``findings`` is set
    (their digest), else it is the whole result."""

    record: RunRecord
    result: AssessmentResult
    findings: FindingDigest | None


def stored_digest(reader: ReportReader, run_id: str,
                  max_entities: int = MAX_ENTITIES_PER_GROUP) -> FindingDigest | None:
    """The report's digest of a run's findings read from its rows (None when some row lacks its record)."""

    def fetch(positions: list[int]) -> dict[int, Finding]:
        out: dict[int, Finding] = {}
        for position, record in reader.finding_records(run_id, positions).items():
            if record is None:
                raise _MissingRecord
            out[position] = Finding.model_validate_json(record)
        return out

    groups = reader.finding_groups(run_id)
    try:
        return digest_findings(groups, reader.finding_samples(run_id, groups, max_entities), fetch, max_entities)
    except _MissingRecord:
        return None


def read_stored(reader: ReportReader, rec: RunRecord) -> StoredRun | None:
    """The run as a report reads it, or None when it has no outline (then read it whole)."""
    outline = reader.outline(rec)
    digest = stored_digest(reader, rec.id) if outline is not None else None
    if outline is None or digest is None:
        return None
    return StoredRun(rec, AssessmentResult.model_validate_json(outline), digest)


def load_stored(store: RunStore, ref: str) -> StoredRun:
    """The run named by ``ref`` (id, unique prefix or 'latest') in an open store, read for a report."""
    from trustgap.store.report_reader import EngineLight

    rec = store._resolve(ref)
    reader = ReportReader(EngineLight(store._engine))
    try:
        found = read_stored(reader, rec)
    finally:
        reader.close()
    return found if found is not None else StoredRun(rec, store.get(rec.id)[1], None)


class StoredReports:
    """Reports of the runs in the database at ``url``: through the database driver alone when its schema is current
    (else through the full store, which migrates it first and words every error). Close when done."""

    def __init__(self, url: str) -> None:
        from trustgap.store.fastdb import open_current

        self.url = url
        self._store: RunStore | None = None
        light = open_current(url)
        self.reader = ReportReader(light) if light is not None else None

    def store(self) -> RunStore:
        if self._store is None:
            from trustgap.store.runs import RunStore

            self._store = RunStore.open(self.url)
        return self._store

    def load(self, ref: str) -> StoredRun:
        rec = self.reader.resolve(ref) if self.reader is not None else None
        if rec is not None and self.reader is not None:
            found = read_stored(self.reader, rec)
            if found is not None:
                return found
        return load_stored(self.store(), rec.id if rec is not None else ref)

    def whole(self, run: StoredRun) -> AssessmentResult:
        return run.result if run.findings is None else self.store().get(run.record.id)[1]

    def monitoring(self, run: StoredRun) -> Any:
        """The report's Type II and trend section of the run (None when there is nothing to show)."""
        from trustgap.report.monitoring import build_monitoring

        if self.reader is not None:
            return build_monitoring(run.result, run.record.id, store_url=self.url, reader=self.reader)
        return build_monitoring(run.result, run.record.id, store_url=self.url)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        if self._store is not None:
            self._store.close()


def render_stored(run: StoredRun, fmt: str, *, whole: Any = None, monitoring: Any = None) -> str:
    """The report of a stored run in one of :data:`trustgap.report.FORMATS`; JSON is the whole stored result
    (``whole``: a function returning it, when ``run`` holds only the outline)."""
    from trustgap.report import render

    if fmt == "json":
        return render(run.result if run.findings is None else whole(), fmt)
    if fmt in ("md", "markdown"):
        from trustgap.report.markdown import render_markdown

        return render_markdown(run.result, run_id=run.record.id, findings=run.findings)
    if fmt == "html":
        from trustgap.report.html import render_html

        return render_html(run.result, run_id=run.record.id, monitoring=monitoring, findings=run.findings)
    return render(run.result, fmt)
