"""Reading a current run database straight through its driver: the quick way for commands that only read.

Starting a command is dominated by imports. SQLAlchemy and Alembic cost about half a second before the first
query, and even psycopg costs a quarter of one (it brings asyncio with it). A command that only reads a few rows
(``trustgap runs``, ``trustgap diff``) talks to SQLite through :mod:`sqlite3` and to PostgreSQL through libpq itself
(the library psycopg wraps, loaded with :mod:`ctypes`), once it has made sure the schema is at the newest migration
(read from the migration files, so a new migration is never skipped). When it cannot tell (another backend, a
schema that needs migrating, no libpq, an unusual server setting, any error) it returns None and the caller uses the
full store, which migrates first as always and words every error.

SQL given to :meth:`Light.rows` uses ``?`` for its parameters (it holds no other ``?`` or ``%``); every value
comes back as the driver's text or number, to be converted by the caller.
"""

from __future__ import annotations

import ctypes
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


def _libpq() -> Any | None:
    """libpq as psycopg would load it: the copy its binary wheel ships, else the system's."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:  # the full store could not use PostgreSQL either
        return None
    names: list[str] = []
    spec = importlib.util.find_spec("psycopg_binary")
    if spec is not None and spec.submodule_search_locations:
        libs = Path(next(iter(spec.submodule_search_locations))).parent / "psycopg_binary.libs"
        names += [str(p) for p in sorted(libs.glob("libpq-*.so*")) + sorted(libs.glob("libpq*.dylib"))]
    names += ["libpq.so.5", "libpq.5.dylib", "libpq.dylib"]
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(lib)
        return lib
    return None


def _declare(lib: Any) -> None:
    p, c, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    for name, res, args in (
            ("PQconnectdbParams", p, [ctypes.POINTER(c), ctypes.POINTER(c), i]), ("PQstatus", i, [p]),
            ("PQparameterStatus", c, [p, c]), ("PQfinish", None, [p]),
            ("PQexecParams", p, [p, c, i, p, ctypes.POINTER(c), p, p, i]), ("PQresultStatus", i, [p]),
            ("PQntuples", i, [p]), ("PQnfields", i, [p]), ("PQgetisnull", i, [p, i, i]),
            ("PQgetvalue", p, [p, i, i]), ("PQgetlength", i, [p, i, i]), ("PQclear", None, [p])):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args


_CONNECTION_OK = 0
_PGRES_TUPLES_OK = 2


class _Postgres(Light):
    """PostgreSQL through libpq: text results, UTF-8, ISO dates (else the connection is refused: None)."""

    def __init__(self, lib: Any, conn: int) -> None:
        self._lib = lib
        self._conn: int | None = conn

    @classmethod
    def connect(cls, url: str) -> _Postgres | None:
        lib = _libpq()
        if lib is None:
            return None
        keys = (ctypes.c_char_p * 3)(b"dbname", b"connect_timeout", None)
        values = (ctypes.c_char_p * 3)(url.encode("utf-8"), b"10", None)
        conn = lib.PQconnectdbParams(keys, values, 1)
        if not conn:
            return None
        self = cls(lib, conn)
        if (lib.PQstatus(conn) != _CONNECTION_OK or self._setting(b"client_encoding") != "UTF8"
                or not (self._setting(b"DateStyle") or "").startswith("ISO")):
            self.close()
            return None
        return self

    def _setting(self, name: bytes) -> str | None:
        value = self._lib.PQparameterStatus(self._conn, name)
        return None if value is None else value.decode("utf-8")

    def rows(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        lib = self._lib
        n = 0

        def mark(_m: re.Match[str]) -> str:
            nonlocal n
            n += 1
            return f"${n}"

        text = re.sub(r"\?", mark, sql)
        values = (ctypes.c_char_p * max(len(args), 1))(*[None if a is None else str(a).encode("utf-8")
                                                         for a in args])
        res = lib.PQexecParams(self._conn, text.encode("utf-8"), len(args), None, values, None, None, 0)
        if not res:
            raise RuntimeError("no result")
        try:
            if lib.PQresultStatus(res) != _PGRES_TUPLES_OK:
                raise RuntimeError("query failed")
            width = lib.PQnfields(res)
            out = []
            for r in range(lib.PQntuples(res)):
                out.append(tuple(None if lib.PQgetisnull(res, r, c) else
                                 ctypes.string_at(lib.PQgetvalue(res, r, c), lib.PQgetlength(res, r, c))
                                 .decode("utf-8") for c in range(width)))
            return out
        finally:
            lib.PQclear(res)

    def close(self) -> None:
        if self._conn is not None:
            self._lib.PQfinish(self._conn)
            self._conn = None


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
        return _Postgres.connect(parts._replace(scheme="postgresql").geturl())
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
