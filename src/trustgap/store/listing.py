"""Listing stored runs fast: ``trustgap runs`` and other headline-only reads, without SQLAlchemy or Alembic.

Starting a command is dominated by imports, and the ORM, the migration machinery and pydantic together cost about
a second of CPU before the first query. A listing needs one query on one table, so it talks to the database driver
directly (:mod:`sqlite3`, or psycopg for PostgreSQL) once it has made sure the schema is at the newest migration
(read from the migration files themselves, so a new migration is never skipped). When it cannot tell (another
backend, a schema that needs migrating, an error), the full :class:`~trustgap.store.runs.RunStore` does the work,
migrating first as always.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from trustgap.store.records import STATUSES, RunRecord

VERSION_TABLE = "trustgap_alembic_version"
HEADLINE = ("id", "organisation", "as_of", "report_type", "period_start", "period_end", "created_at", "tool_version",
            "catalog_version", "readiness_score", "readiness_assessed_score", *STATUSES, "source", "result_sha256")
_REV = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([^'\"\s]+)['\"]?\s*$", re.M)


def schema_heads() -> set[str]:
    """The newest migration(s), read from the files in ``migrations/versions`` (no Alembic import)."""
    revs: set[str] = set()
    downs: set[str] = set()
    for path in (Path(__file__).parent / "migrations" / "versions").glob("*.py"):
        found = dict(_REV.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revs.add(found["revision"])
            if found.get("down_revision") not in (None, "None"):
                downs.add(found["down_revision"])
    return revs - downs


def _connect(url: str) -> Any | None:
    """A DB-API connection for a SQLite file or a PostgreSQL URL, or None for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "sqlite":
        import sqlite3

        name = unquote(url.split(":///", 1)[1]) if ":///" in url else ""
        if not name or name == ":memory:" or "?" in name or not Path(name).expanduser().is_file():
            return None
        return sqlite3.connect(f"{Path(name).expanduser().resolve().as_uri()}?mode=ro", uri=True)
    if scheme in ("postgresql", "postgres"):
        import psycopg

        return psycopg.connect(parts._replace(scheme="postgresql").geturl(), connect_timeout=10)
    return None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC)


def _record(row: tuple[Any, ...]) -> RunRecord:
    m = dict(zip(HEADLINE, row, strict=True))
    return RunRecord(
        id=m["id"], organisation=m["organisation"], as_of=_day(m["as_of"]),  # type: ignore[arg-type]
        report_type=m["report_type"], created_at=_moment(m["created_at"]), readiness=m["readiness_score"],
        counts={s: int(m[s]) for s in STATUSES}, source=m["source"], result_sha256=m["result_sha256"],
        assessed_readiness=m["readiness_assessed_score"], period_start=_day(m["period_start"]),
        period_end=_day(m["period_end"]), tool_version=m["tool_version"], catalog_version=m["catalog_version"],
    )


def list_fast(url: str, limit: int = 50, organisation: str | None = None) -> list[RunRecord] | None:
    """Stored runs newest first, straight through the driver; None when this path cannot serve (see module)."""
    try:
        conn = _connect(url)
    except Exception:  # noqa: BLE001 - the full store reports connection problems clearly
        return None
    if conn is None:
        return None
    mark = "?" if conn.__class__.__module__.startswith("sqlite3") else "%s"
    try:
        cur = conn.cursor()
        cur.execute(f"SELECT version_num FROM {VERSION_TABLE}")
        if {r[0] for r in cur.fetchall()} != schema_heads():
            return None
        where, args = ("", []) if organisation is None else (f" WHERE organisation = {mark}", [organisation])
        cur.execute(f"SELECT {', '.join(HEADLINE)} FROM runs{where} ORDER BY created_at DESC, id DESC "  # noqa: S608
                    f"LIMIT {mark}", [*args, max(limit, 0)])
        return [_record(tuple(r)) for r in cur.fetchall()]
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
