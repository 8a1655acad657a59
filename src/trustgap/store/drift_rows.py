"""Drift between two stored runs read from their rows, never from their result JSON.

The same :class:`~trustgap.engine.drift.Drift` as :func:`trustgap.engine.drift.compare` over the two whole results
(a test holds them equal): the verdicts of both runs (a few hundred rows), the findings of one run missing from the
other (through the ``(run_id, finding_id)`` index) and a count of the findings carried over. With tens of thousands
of findings per run that is a fraction of a second instead of parsing two large JSON documents.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, exists, func, select
from sqlalchemy.orm import aliased

from trustgap.engine.drift import ControlChange, Drift, _direction
from trustgap.engine.models import Finding
from trustgap.store.models import FindingRow, VerdictRow


def _head(run: Any) -> dict[str, Any]:
    return {"run": run.id, "as_of": run.as_of.isoformat(), "readiness": run.readiness,
            "organisation": run.organisation}


def _only_in(conn: Connection, run_id: str, other_id: str) -> list[Finding] | None:
    """Findings of ``run_id`` whose id ``other_id`` lacks, in the run's order (None: a row without its record)."""
    other = aliased(FindingRow)
    rows = conn.execute(
        select(FindingRow.finding_id, FindingRow.finding_json)
        .where(FindingRow.run_id == run_id,
               ~exists().where(other.run_id == other_id, other.finding_id == FindingRow.finding_id))
        .order_by(FindingRow.position)).all()
    if any(r[1] is None for r in rows):
        return None
    by_id: dict[str, str | None] = {}
    for fid, text in rows:  # one per id: the first one's place, the last one's record (as a dict of the list)
        by_id[fid] = text
    return [Finding.model_validate_json(text or "") for text in by_id.values()]


def stored_drift(conn: Connection, older: Any, newer: Any) -> Drift | None:
    """The drift from stored run ``older`` to ``newer`` (:class:`~trustgap.store.runs.RunRecord` s); None when the
    rows of either run lack what drift needs (a run stored before they were kept and not moved)."""
    before = {cid: status for cid, status in conn.execute(
        select(VerdictRow.control_id, VerdictRow.status).where(VerdictRow.run_id == older.id)
        .order_by(VerdictRow.position))}
    changes: list[ControlChange] = []
    for cid, status, title, reason in conn.execute(
            select(VerdictRow.control_id, VerdictRow.status, VerdictRow.title, VerdictRow.reason)
            .where(VerdictRow.run_id == newer.id).order_by(VerdictRow.position)):
        old = before.get(cid)
        if old is not None and old == status:
            continue
        if title is None:
            return None
        changes.append(ControlChange(cid, title, old, status, _direction(old, status), reason))
    order = {"regressed": 0, "improved": 1, "changed": 2}
    changes.sort(key=lambda c: (order[c.direction], c.control_id))
    new = _only_in(conn, newer.id, older.id)
    resolved = _only_in(conn, older.id, newer.id)
    if new is None or resolved is None:
        return None
    other = aliased(FindingRow)
    carried = conn.scalar(
        select(func.count(func.distinct(FindingRow.finding_id)))
        .where(FindingRow.run_id == newer.id,
               exists().where(other.run_id == older.id, other.finding_id == FindingRow.finding_id)))
    delta = None if older.readiness is None or newer.readiness is None else round(newer.readiness - older.readiness, 1)
    return Drift(older=_head(older), newer=_head(newer), readiness_delta=delta, changes=changes,
                 new_findings=new, resolved_findings=resolved, carried_findings=int(carried or 0))
