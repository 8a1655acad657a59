"""Listing stored runs fast: ``trustgap runs`` and other headline-only reads, without SQLAlchemy or Alembic.

A listing needs one query on one table, so it goes through :mod:`trustgap.store.fastdb` (the database driver alone,
once the schema is known to be at the newest migration). When that cannot serve (another backend, a schema that
needs migrating, an error), the full :class:`~trustgap.store.runs.RunStore` does the work, migrating first as always.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from trustgap.store.fastdb import VERSION_TABLE, Light, open_current, schema_heads
from trustgap.store.records import STATUSES, RunRecord

__all__ = ["HEADLINE", "VERSION_TABLE", "find_run", "list_fast", "schema_heads", "stored_runs"]

HEADLINE = ("id", "organisation", "as_of", "report_type", "period_start", "period_end", "created_at", "tool_version",
            "catalog_version", "readiness_score", "readiness_assessed_score", *STATUSES, "source", "result_sha256")


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _record(row: tuple[Any, ...]) -> RunRecord:
    m = dict(zip(HEADLINE, row, strict=True))
    return RunRecord(
        id=m["id"], organisation=m["organisation"], as_of=_day(m["as_of"]),  # type: ignore[arg-type]
        report_type=m["report_type"], created_at=_moment(m["created_at"]), readiness=_number(m["readiness_score"]),
        counts={s: int(m[s]) for s in STATUSES}, source=m["source"], result_sha256=m["result_sha256"],
        assessed_readiness=_number(m["readiness_assessed_score"]), period_start=_day(m["period_start"]),
        period_end=_day(m["period_end"]), tool_version=m["tool_version"], catalog_version=m["catalog_version"],
    )


def find_run(conn: Light, ref: str) -> RunRecord | None:
    """The run named by ``ref`` (an id, a unique prefix of one, or ``latest``) as :meth:`RunStore._resolve` finds
    it; None when that would be an error (the full store then words which)."""
    ref = ref.strip()
    cols = ", ".join(HEADLINE)
    if not ref:
        return None
    if ref == "latest":
        found = conn.rows(f"SELECT {cols} FROM runs ORDER BY created_at DESC, id DESC LIMIT 1")  # noqa: S608
    else:
        found = conn.rows(f"SELECT {cols} FROM runs WHERE id = ?", [ref])  # noqa: S608
        if not found:  # a unique prefix, matched as the store matches it (LIKE, with / escaping)
            pattern = ref.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
            found = conn.rows(f"SELECT {cols} FROM runs WHERE id LIKE ? ESCAPE '/' ORDER BY id LIMIT 2",  # noqa: S608
                              [pattern])
    return _record(found[0]) if len(found) == 1 else None


def list_fast(url: str, limit: int = 50, organisation: str | None = None) -> list[RunRecord] | None:
    """Stored runs newest first, straight through the driver; None when this path cannot serve (see module)."""
    conn = open_current(url)
    if conn is None:
        return None
    try:
        where, args = ("", []) if organisation is None else (" WHERE organisation = ?", [organisation])
        rows = conn.rows(f"SELECT {', '.join(HEADLINE)} FROM runs{where} ORDER BY created_at DESC, id DESC "  # noqa: S608
                         "LIMIT ?", [*args, max(limit, 0)])
        return [_record(r) for r in rows]
    except Exception:  # noqa: BLE001 - an unexpected schema or driver error: the full store decides
        return None
    finally:
        conn.close()


def stored_runs(url: str, limit: int = 50, organisation: str | None = None) -> list[RunRecord]:
    """Stored runs, newest first (fast when the schema is current; else through the migrating store)."""
    found = list_fast(url, limit, organisation)
    if found is not None:
        return found
    from trustgap.store.runs import RunStore

    store = RunStore.open(url)
    try:
        return store.list(limit=limit, organisation=organisation)
    finally:
        store.close()
