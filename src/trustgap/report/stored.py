"""Reports of a stored run, read from its tables: the outline (the result without its findings) and the finding
rows the report shows, never the whole result JSON (at 10,000 people it is ~60 MB and most of it is findings the
page only counts).

A run without an outline (stored by a release before migration 0004 into a database that was not migrated since,
or whose finding rows lack their records) is read whole, as before: the report is the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from trustgap.engine.models import AssessmentResult, Finding
from trustgap.errors import TrustgapError
from trustgap.report.view import MAX_ENTITIES_PER_GROUP, FindingDigest, digest_findings
from trustgap.store.outlines import finding_groups, finding_records, finding_samples, read_outline

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


def stored_digest(conn: Connection, run_id: str, max_entities: int = MAX_ENTITIES_PER_GROUP) -> FindingDigest | None:
    """The report's digest of a run's findings read from its rows (None when some row lacks its record)."""

    def fetch(positions: list[int]) -> dict[int, Finding]:
        out: dict[int, Finding] = {}
        for position, record in finding_records(conn, run_id, positions):
            if record is None:
                raise _MissingRecord
            out[position] = Finding.model_validate_json(record)
        return out

    groups = finding_groups(conn, run_id)
    try:
        return digest_findings(groups, finding_samples(conn, run_id, groups, max_entities), fetch, max_entities)
    except _MissingRecord:
        return None


def load_stored(store: RunStore, ref: str) -> StoredRun:
    """The run named by ``ref`` (id, unique prefix or 'latest'), read for a report."""
    rec = store._resolve(ref)
    try:
        with store._engine.connect() as conn:
            outline = read_outline(conn, rec.id, rec.result_sha256)
            digest = stored_digest(conn, rec.id) if outline is not None else None
    except SQLAlchemyError as exc:
        raise TrustgapError(f"cannot read the run {rec.id}: {str(exc).splitlines()[0]}") from None
    if outline is None or digest is None:
        return StoredRun(rec, store.get(rec.id)[1], None)
    return StoredRun(rec, AssessmentResult.model_validate_json(outline), digest)


def render_stored(store: RunStore, run: StoredRun, fmt: str, *, monitoring: Any = None) -> str:
    """The report of a stored run in one of :data:`trustgap.report.FORMATS` (JSON: the whole stored result)."""
    from trustgap.report import render

    if fmt == "json":
        result = run.result if run.findings is None else store.get(run.record.id)[1]
        return render(result, fmt)
    if fmt in ("md", "markdown"):
        from trustgap.report.markdown import render_markdown

        return render_markdown(run.result, run_id=run.record.id, findings=run.findings)
    if fmt == "html":
        from trustgap.report.html import render_html

        return render_html(run.result, run_id=run.record.id, monitoring=monitoring, findings=run.findings)
    return render(run.result, fmt)
