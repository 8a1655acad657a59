"""The schema comes from the packaged Alembic migrations and matches the models."""

from __future__ import annotations

import fnmatch
import logging
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from tests.store.conftest import make_result

from trustgap.errors import TrustgapError
from trustgap.store import db
from trustgap.store.db import VERSION_TABLE, current_revision, head_revision, migrations_dir, normalise_url
from trustgap.store.models import Base
from trustgap.store.runs import RunStore

TABLES = {"runs", "evidence", "verdicts", "findings"}


def test_open_creates_the_tables_and_indexes(db_url: str) -> None:
    RunStore.open(db_url).close()
    engine = create_engine(normalise_url(db_url))
    try:
        insp = inspect(engine)
        assert TABLES | {VERSION_TABLE} <= set(insp.get_table_names())
        indexes = {ix["name"]: ix["column_names"] for t in TABLES for ix in insp.get_indexes(t)}
        assert indexes["ix_runs_organisation_created_at"] == ["organisation", "created_at"]
        assert indexes["ix_verdicts_control_id"] == ["control_id"]
        assert indexes["ix_findings_control_id"] == ["control_id"]
        # the per-run lookups use the (run_id, position) primary keys
        for t in TABLES - {"runs"}:
            assert insp.get_pk_constraint(t)["constrained_columns"] == ["run_id", "position"]
            assert insp.get_foreign_keys(t)[0]["referred_table"] == "runs"
        assert current_revision(engine) == head_revision() is not None
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    RunStore.open(db_url).close()
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE, "compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()


def test_opening_leaves_logging_and_stdout_alone(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    RunStore.open(db_url).close()
    RunStore.open(db_url).close()
    assert root.handlers == handlers and root.level == level
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_sqlite_parent_folder_is_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "runs.db"
    RunStore.open(f"sqlite:///{target}").close()
    assert target.is_file()


def test_default_url_uses_trustgap_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTGAP_HOME", str(tmp_path / "home"))
    store = RunStore.open()
    store.close()
    assert (tmp_path / "home" / "trustgap.db").is_file()


def test_in_memory_sqlite_keeps_its_tables() -> None:
    with RunStore.open("sqlite://") as store:
        rec = store.save(make_result(), created_at=datetime(2026, 1, 1, tzinfo=UTC))
        assert store.get("latest")[0].id == rec.id


def test_postgres_urls_get_the_psycopg_driver() -> None:
    assert normalise_url("postgresql://u:pw@db/x").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@db/x").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql+psycopg://u@db/x").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_bad_urls_are_clear_errors_without_passwords() -> None:
    with pytest.raises(TrustgapError, match="not valid"):
        RunStore.open("not a url")
    with pytest.raises(TrustgapError) as err:
        RunStore.open("postgresql://someone:s3cret@127.0.0.1:1/nowhere?connect_timeout=2")
    assert "s3cret" not in str(err.value)
    assert "127.0.0.1" in str(err.value)


def test_migrations_are_shipped_as_package_data() -> None:
    """Every migration file is inside the package and matched by pyproject's package-data globs."""
    folder = migrations_dir()
    package_root = Path(db.__file__).resolve().parent.parent  # src/trustgap
    assert folder.resolve().is_relative_to(package_root)
    assert (folder / "versions" / "0001_initial.py").is_file()
    pyproject = package_root.parent.parent / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("not running from a source checkout")
    globs = tomllib.loads(pyproject.read_text())["tool"]["setuptools"]["package-data"]["trustgap"]
    shipped = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    shipped.append(package_root / "store" / "alembic.ini")
    for path in shipped:
        rel = path.relative_to(package_root).as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in globs), f"{rel} would be missing from the wheel"
