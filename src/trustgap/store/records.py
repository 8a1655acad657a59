"""The headline of a stored run (what ``trustgap runs`` lists), importable without the database machinery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

STATUSES = ("implemented", "partial", "gap", "not_applicable", "not_assessed")


@dataclass(frozen=True)
class RunRecord:
    """The headline of a stored run, as listed by ``trustgap runs``."""

    id: str
    organisation: str
    as_of: date
    report_type: str
    created_at: datetime  # timezone-aware, UTC
    readiness: float | None  # percentage of in-scope controls ready, None when nothing is in scope
    counts: dict[str, int]
    source: str | None
    result_sha256: str
    assessed_readiness: float | None = None
    period_start: date | None = None
    period_end: date | None = None
    tool_version: str = ""
    catalog_version: str = ""
