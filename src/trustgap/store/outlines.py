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
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trustgap.store.models import Base, FindingRow

if TYPE_CHECKING:
    from trustgap.engine.models import AssessmentResult



class RunOutlineRow(Base):
    """The result of one run without its findings (canonical JSON, the same bytes as the result's own dump)."""

    __tablename__ = "run_outlines"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    result_sha256: Mapped[str] = mapped_column(String(64))
    outline_sha256: Mapped[str] = mapped_column(String(64))
    outline_json: Mapped[str] = mapped_column(Text)
    plan_json: Mapped[str | None] = mapped_column(Text)  # the run's roadmap alone (the trend reads it of many runs)


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


def outline_values(run_id: str, result_sha256: str, outline: str, plan: dict[str, Any] | None) -> dict[str, Any]:
    """The row to insert for a run's outline (``plan``: the result's roadmap)."""
    return {"run_id": run_id, "result_sha256": result_sha256,
            "outline_sha256": hashlib.sha256(outline.encode("utf-8")).hexdigest(), "outline_json": outline,
            "plan_json": None if plan is None else _canonical(plan)}
