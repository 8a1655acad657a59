"""Reading a current run database straight through its driver: the quick way for commands that only read.

Starting a command is dominated by imports: SQLAlchemy and Alembic cost about half a second before the first
query. A command that only reads a few rows (``trustgap runs``, ``trustgap diff``) talks to SQLite through
:mod:`sqlite3` and to PostgreSQL through psycopg directly, once it has made sure the schema is at the newest
migration (read from the migration files, so a new migration is never skipped). When it cannot tell (another
backend, a schema that needs migrating, any error) it returns None and the caller uses the full store, which
migrates first as always and words every error. Each query here is the one the full store runs too, or a test
holds the two equal on SQLite and PostgreSQL.

SQL given to :meth:`Light.rows` uses ``?`` for its parameters (it holds no other ``?`` or ``%``); values come back
as the driver gives them (SQLite: text for dates), to be converted by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

VERSION_TABLE = "trustgap_alembic_version"
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


class Light:
    """A read-only connection: :meth:`rows` runs one query and returns its rows as tuples."""

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _Sqlite(Light):
    def __init__(self, path: Path) -> None:
        import sqlite3

        self._conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._conn.execute(sql, tuple(args)).fetchall()]

    def close(self) -> None:
        self._conn.close()


class _Postgres(Light):
    """PostgreSQL through psycopg itself (no SQLAlchemy)."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(url, connect_timeout=10, autocommit=True)

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), tuple(args))  # type: ignore[arg-type]
            return [tuple(r) for r in cur.fetchall()]

    def close(self) -> None:
        self._conn.close()


def connect(url: str) -> Light | None:
    """A light connection for a SQLite file or a PostgreSQL URL, or None for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "sqlite":
        name = unquote(url.split(":///", 1)[1]) if ":///" in url else ""
        if not name or name == ":memory:" or "?" in name or not Path(name).expanduser().is_file():
            return None
        return _Sqlite(Path(name).expanduser())
    if scheme in ("postgresql", "postgres"):
        return _Postgres(parts._replace(scheme="postgresql").geturl())
    return None


def open_current(url: str) -> Light | None:
    """A light connection to ``url`` when its schema is at the newest migration, else None (see the module)."""
    try:
        conn = connect(url)
    except Exception:  # noqa: BLE001 - the full store reports connection problems clearly
        return None
    if conn is None:
        return None
    try:
        if {r[0] for r in conn.rows(f"SELECT version_num FROM {VERSION_TABLE}")} == schema_heads():  # noqa: S608
            return conn
    except Exception:  # noqa: BLE001 - no version table, or a driver error: the full store decides
        pass
    conn.close()
    return None
