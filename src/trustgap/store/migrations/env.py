"""Alembic environment for trustgap's run database.

Run in-process by :func:`trustgap.store.db.upgrade_to_head`, which hands over an open connection in
``config.attributes["connection"]``. Without one (a developer running the ``alembic`` command with
``-c src/trustgap/store/alembic.ini -x url=...``) a connection is made from ``-x url=`` or
``sqlalchemy.url``. Logging is deliberately left alone: no ``fileConfig`` call.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from trustgap.store.db import VERSION_TABLE, create_store_engine
from trustgap.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=config.get_main_option("version_table") or VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        version_table=config.get_main_option("version_table") or VERSION_TABLE,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _configure_and_run(given)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass -x url=<database URL> or set sqlalchemy.url")
    engine = create_store_engine(url)
    try:
        with engine.begin() as conn:
            _configure_and_run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
