"""Drift between two stored runs read from their rows, never from their result JSON.

The same :class:`~trustgap.engine.drift.Drift` as :func:`trustgap.engine.drift.compare` over the two whole results
(a test holds them equal): the verdicts of both runs (a few hundred rows), the ids of the findings of one run missing
from the other (through the ``(run_id, finding_id)`` index alone; the findings themselves are read only when there
are some) and the number of findings carried over. With tens of thousands of findings per run that is a fraction
of a second instead of parsing two large JSON documents.

The queries are plain SQL, run through SQLAlchemy by :class:`~trustgap.store.runs.RunStore` (:func:`stored_drift`)
or straight through the driver by ``trustgap diff`` (:func:`fast_drift`), which then needs neither SQLAlchemy nor
the result models (unless findings are new or resolved).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from trustgap.engine.drift import ControlChange, Drift, _direction

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from trustgap.engine.models import Finding

Rows = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]  # SQL with ? for parameters -> rows

_MISSING_FROM = "FROM findings f WHERE f.run_id = ? AND NOT EXISTS " \
                "(SELECT 1 FROM findings o WHERE o.run_id = ? AND o.finding_id = f.finding_id)"


def _head(run: Any) -> dict[str, Any]:
    return {"run": run.id, "as_of": run.as_of.isoformat(), "readiness": run.readiness,
            "organisation": run.organisation}


def _only_in(rows: Rows, run_id: str, other_id: str) -> tuple[list[Finding] | None, int]:
    """Findings of ``run_id`` whose id ``other_id`` lacks, in the run's order, and how many distinct ids they have
    (None: a row without its record)."""
    if not rows(f"SELECT f.finding_id {_MISSING_FROM}", [run_id, other_id]):  # index only: nothing to read
        return [], 0
    found = rows(f"SELECT f.finding_id, f.finding_json {_MISSING_FROM} ORDER BY f.position",  # noqa: S608
                 [run_id, other_id])
    if any(r[1] is None for r in found):
        return None, 0
    by_id: dict[str, str | None] = {}
    for fid, text in found:  # one per id: the first one's place, the last one's record (as a dict of the list)
        by_id[fid] = text
    from trustgap.engine.models import Finding

    return [Finding.model_validate_json(text or "") for text in by_id.values()], len(by_id)


def drift_from_rows(rows: Rows, older: Any, newer: Any) -> Drift | None:
    """The drift from stored run ``older`` to ``newer`` (records with ``id``, ``as_of``, ``readiness`` and
    ``organisation``); None when the rows of either run lack what drift needs (a run stored before they were kept
    and not moved)."""
    before = {cid: status for cid, status in rows(
        "SELECT control_id, status FROM verdicts WHERE run_id = ? ORDER BY position", [older.id])}
    changes: list[ControlChange] = []
    for cid, status, title, reason in rows(
            "SELECT control_id, status, title, reason FROM verdicts WHERE run_id = ? ORDER BY position", [newer.id]):
        old = before.get(cid)
        if old is not None and old == status:
            continue
        if title is None:
            return None
        changes.append(ControlChange(cid, title, old, status, _direction(old, status), reason))
    order = {"regressed": 0, "improved": 1, "changed": 2}
    changes.sort(key=lambda c: (order[c.direction], c.control_id))
    new, new_ids = _only_in(rows, newer.id, older.id)
    resolved, _ = _only_in(rows, older.id, newer.id)
    if new is None or resolved is None:
        return None
    # carried over: the newer run's distinct finding ids less those the older run lacks
    distinct = rows("SELECT count(DISTINCT finding_id) FROM findings WHERE run_id = ?", [newer.id])[0][0]
    delta = None if older.readiness is None or newer.readiness is None else round(newer.readiness - older.readiness, 1)
    return Drift(older=_head(older), newer=_head(newer), readiness_delta=delta, changes=changes,
                 new_findings=new, resolved_findings=resolved, carried_findings=int(distinct or 0) - new_ids)


def stored_drift(conn: Connection, older: Any, newer: Any) -> Drift | None:
    """:func:`drift_from_rows` over a SQLAlchemy connection (:class:`~trustgap.store.runs.RunRecord` s)."""
    qmark = conn.dialect.paramstyle == "qmark"

    def rows(sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.exec_driver_sql(sql if qmark else sql.replace("?", "%s"), tuple(args))]

    return drift_from_rows(rows, older, newer)


# -- trustgap diff, straight through the driver ----------------------------------------------------------------


def fast_drift(url: str, older_ref: str | None, newer_ref: str) -> Drift | None:
    """The drift ``trustgap diff`` shows (``older_ref`` None: the run stored just before the newer one), read through
    the driver; None when this path cannot serve (see :mod:`trustgap.store.fastdb`): the full store then does."""
    from trustgap.store.fastdb import open_current
    from trustgap.store.listing import find_run

    conn = open_current(url)
    if conn is None:
        return None
    try:
        newer = find_run(conn, newer_ref)
        if newer is None:
            return None
        if older_ref is None:  # as RunStore.previous: same organisation, stored just before, in `runs` order
            before = conn.rows(
                "SELECT r.id FROM runs r JOIN runs t ON t.id = ? WHERE r.organisation = t.organisation AND "
                "(r.created_at < t.created_at OR (r.created_at = t.created_at AND r.id < t.id)) "
                "ORDER BY r.created_at DESC, r.id DESC LIMIT 1", [newer.id])
            older_ref = before[0][0] if before else None
        older = None if older_ref is None else find_run(conn, older_ref)
        if older is None:
            return None
        return drift_from_rows(conn.rows, older, newer)
    except Exception:  # noqa: BLE001 - an unexpected schema or driver error: the full store decides
        return None
    finally:
        conn.close()
