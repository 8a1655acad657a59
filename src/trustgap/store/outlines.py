"""The outline of a stored run: its result without the findings (table ``run_outlines``, migration 0004).

A report shows every part of a run (scope, roll-ups, verdicts, evidence, plan, risk register) but only a sample of
its findings, and the findings of a large organisation (tens of thousands) are nearly all of its stored result
JSON. The outline is that JSON with ``findings`` emptied, written when the run is saved (and by migration 0004 for
runs stored before), so a report reads a few hundred kilobytes plus the finding rows it shows instead of the whole
result. ``outline_sha256`` guards the outline as ``result_sha256`` guards the result it was derived from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from trustgap.errors import TrustgapError
from trustgap.store.models import Base, FindingRow

if TYPE_CHECKING:
    from trustgap.engine.models import AssessmentResult

IN_CHUNK = 500  # positions per IN (...) list, well under every backend's limit on bound parameters


class RunOutlineRow(Base):
    """The result of one run without its findings (canonical JSON, the same bytes as the result's own dump)."""

    __tablename__ = "run_outlines"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    result_sha256: Mapped[str] = mapped_column(String(64))
    outline_sha256: Mapped[str] = mapped_column(String(64))
    outline_json: Mapped[str] = mapped_column(Text)


# what a report reads of a run's findings (their counts by control, check and severity, and the first few of each
# group) comes from this index alone, never from the rows with their whole records
Index("ix_findings_run_id_report", FindingRow.run_id, FindingRow.control_id, FindingRow.check_id,
      FindingRow.severity, FindingRow.position)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def outline_text(result: AssessmentResult) -> str:
    """The outline of a result in memory (what :meth:`RunStore.save` stores)."""
    return result.model_copy(update={"findings": []}).to_json()


def outline_of_json(text: str) -> str:
    """The outline of a stored result JSON (the same bytes :func:`outline_text` gives for that result)."""
    data = json.loads(text)
    data["findings"] = []
    return _canonical(data)


def outline_values(run_id: str, result_sha256: str, outline: str) -> dict[str, str]:
    """The row to insert for a run's outline."""
    return {"run_id": run_id, "result_sha256": result_sha256,
            "outline_sha256": hashlib.sha256(outline.encode("utf-8")).hexdigest(), "outline_json": outline}


def read_outline(conn: Connection, run_id: str, result_sha256: str) -> str | None:
    """The run's outline JSON (verified), or None when the run has none (saved elsewhere, or for another result)."""
    row = conn.execute(select(RunOutlineRow.result_sha256, RunOutlineRow.outline_sha256, RunOutlineRow.outline_json)
                       .where(RunOutlineRow.run_id == run_id)).first()
    if row is None or row[0] != result_sha256:
        return None
    if hashlib.sha256(row[2].encode("utf-8")).hexdigest() != row[1]:
        raise TrustgapError(f"run {run_id!r} is damaged: its stored outline does not match its SHA-256")
    return str(row[2])


def finding_groups(conn: Connection, run_id: str) -> list[tuple[str, str | None, str, int, int]]:
    """(control, check, severity, how many, first position) of a run's findings, read from an index."""
    q = (select(FindingRow.control_id, FindingRow.check_id, FindingRow.severity, func.count(),
                func.min(FindingRow.position))
         .where(FindingRow.run_id == run_id)
         .group_by(FindingRow.control_id, FindingRow.check_id, FindingRow.severity))
    return [(r[0], r[1], r[2], int(r[3]), int(r[4])) for r in conn.execute(q)]


def finding_samples(conn: Connection, run_id: str, groups: list[tuple[str, str | None, str, int, int]],
                    per_group: int) -> list[tuple[int, str, str | None, str]]:
    """(position, control, check, severity) of the first ``per_group`` findings of each group of
    :func:`finding_groups`, each group read along the index (so the first few of any union of them are there: the
    ones a report names)."""
    out: list[tuple[int, str, str | None, str]] = []
    for control_id, check_id, severity, _n, _first in groups:
        check = FindingRow.check_id.is_(None) if check_id is None else FindingRow.check_id == check_id
        q = (select(FindingRow.position)
             .where(FindingRow.run_id == run_id, FindingRow.control_id == control_id, check,
                    FindingRow.severity == severity)
             .order_by(FindingRow.position).limit(per_group))
        out.extend((int(p), control_id, check_id, severity) for p in conn.scalars(q))
    return out


def finding_records(conn: Connection, run_id: str, positions: list[int]) -> Iterator[tuple[int, str | None]]:
    """(position, whole finding JSON) of the findings at ``positions`` (None where a row lacks its record)."""
    wanted = sorted(set(positions))
    for i in range(0, len(wanted), IN_CHUNK):
        q = (select(FindingRow.position, FindingRow.finding_json)
             .where(FindingRow.run_id == run_id, FindingRow.position.in_(wanted[i:i + IN_CHUNK])))
        for position, record in conn.execute(q):
            yield int(position), record
