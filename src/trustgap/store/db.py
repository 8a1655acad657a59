"""Connecting to the run database and bringing its schema up to date.

SQLite (the default, a file under ``TRUSTGAP_HOME``) and PostgreSQL through psycopg 3 are supported.
The Alembic scripts ship inside the package (``trustgap/store/migrations``) and are found through
:mod:`importlib.resources`, so migrating works from an installed wheel as well as from a checkout.
Alembic is configured in code; nothing touches the logging setup of the program that opens the store.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from trustgap.config import redact_url
from trustgap.errors import TrustgapError

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "trustgap_alembic_version"
_POSTGRES_NAMES = {"postgres", "postgresql"}


def normalise_url(url: str) -> URL:
    """Parse a database URL; bare ``postgresql://`` / ``postgres://`` URLs get the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise TrustgapError(f"database URL {redact_url(url)!r} is not valid: {exc}") from None
    if parsed.drivername in _POSTGRES_NAMES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _enable_sqlite_foreign_keys(dbapi_conn: Any, _record: Any) -> None:
    if isinstance(dbapi_conn, sqlite3.Connection):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def _private_file(path: Path) -> None:
    """Create a missing SQLite file (and its folder) readable by the owner only: runs hold evidence details."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if not path.exists():
        with contextlib.suppress(OSError):  # SQLite reports the problem with its own message
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file the parent folder is created first."""
    parsed = normalise_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if _is_memory_sqlite(parsed):
            # one shared connection, otherwise every connection sees its own empty database
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        elif parsed.database:
            _private_file(Path(parsed.database).expanduser())
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise TrustgapError(f"cannot use database {redact_url(url)}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def migrations_dir() -> Path:
    """The folder holding ``env.py`` and ``versions/``, inside the installed package."""
    location = resources.files("trustgap.store").joinpath("migrations")
    path = Path(str(location))
    if not (path / "env.py").is_file():
        raise TrustgapError(f"database migrations not found at {path}; the trustgap installation is incomplete")
    return path


def alembic_config() -> Config:
    """An Alembic configuration built in code (no ini file, no logging configuration)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("version_table", VERSION_TABLE)
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


def _at_head(engine: Engine) -> bool:
    """True when the database is known to be at the newest migration (read without loading Alembic)."""
    from trustgap.store.fastdb import schema_heads

    try:
        with engine.connect() as conn:
            found = {r[0] for r in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))}  # noqa: S608
    except SQLAlchemyError:
        return False
    return bool(found) and found == schema_heads()


def upgrade_to_head(engine: Engine) -> None:
    """Apply every migration not yet applied; a database already at head is left as it is (and Alembic, slow to
    import, is loaded only when there is something to apply)."""
    if _at_head(engine):
        return
    from alembic import command

    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        where = redact_url(engine.url.render_as_string(hide_password=False))
        raise TrustgapError(f"cannot prepare the run database {where}: {exc.__class__.__name__}: "
                            f"{str(exc).splitlines()[0]}") from None
