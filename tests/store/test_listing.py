"""``trustgap runs`` lists stored runs through the database driver alone (no ORM, no migration machinery), the same
records as the full store, and falls back to it whenever the schema is not the newest."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from alembic import command
from tests.store.conftest import make_result

from trustgap.store.db import alembic_config, create_store_engine, head_revision
from trustgap.store.listing import list_fast, schema_heads, stored_runs
from trustgap.store.runs import RunStore


def test_heads_read_from_the_migration_files_match_alembic() -> None:
    assert schema_heads() == {head_revision()}


def test_fast_listing_equals_the_store(db_url: str) -> None:
    with RunStore.open(db_url) as store:
        for i in range(7):
            org = "Northwind Traders" if i % 3 else "Contoso"
            store.save(make_result(org, as_of=date(2026, 11, 1) + timedelta(days=i), findings=i),
                       created_at=datetime(2026, 11, 20, 12, 0, i % 3, tzinfo=UTC))
        for limit, org in ((50, None), (3, None), (50, "Contoso"), (0, None)):
            fast = list_fast(db_url, limit, org)
            assert fast is not None and fast == store.list(limit=limit, organisation=org)
        assert len(stored_runs(db_url, 50, "Northwind Traders")) == 4


def test_a_schema_not_at_head_is_migrated_by_the_store(db_url: str) -> None:
    engine = create_store_engine(db_url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0002_web")
    finally:
        engine.dispose()
    assert list_fast(db_url) is None
    assert stored_runs(db_url) == []
    assert list_fast(db_url) == []  # migrated: the fast path serves from now on


def test_runs_command_imports_neither_the_orm_nor_alembic(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    with RunStore.open(url) as store:
        rec = store.save(make_result(), created_at=datetime(2026, 11, 20, tzinfo=UTC))
    code = ("import sys, runpy; sys.argv = ['trustgap', 'runs']\n"
            "try: runpy.run_module('trustgap', run_name='__main__')\n"
            "except SystemExit: pass\n"
            "print(sorted(m for m in ('sqlalchemy', 'alembic', 'trustgap.engine.models') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={"TRUSTGAP_DATABASE_URL": url, "COLUMNS": "200", "PATH": ""})
    assert rec.id in out.stdout, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_opening_a_current_store_loads_no_migration_machinery(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    RunStore.open(url).close()  # created and migrated
    code = ("import sys\nfrom trustgap.store.runs import RunStore\n"
            f"RunStore.open({url!r}).close()\nprint('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
