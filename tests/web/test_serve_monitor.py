"""``trustgap serve`` runs the organisations' monitor schedules: started with the application, stopped with it,
off with ``--no-monitor``, and scheduled by one process only when several serve the same database."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from trustgap.starter import write_starter
from trustgap.store.db import create_store_engine, normalise_url
from trustgap.store.snapshots import SnapshotStore
from trustgap.web.app import _in_app_monitor, create_app
from trustgap.web.monitoring import LeaderLock
from trustgap.web.organisations import register_folder
from trustgap.web.settings import WebSettings

MONITOR = """
monitor:
  timezone: UTC
  schedules:
    - {name: nightly, cron: "0 2 * * *", collect: [files]}
"""


def monitored_org(home: Path, slug: str = "acme", name: str = "Acme Monitored") -> Path:
    folder = home / slug
    write_starter(folder, organisation=name)
    with (folder / "scope.yaml").open("a", encoding="utf-8") as fh:
        fh.write(MONITOR)
    return folder


def settings(home: Path, **kw: object) -> WebSettings:
    return WebSettings(database_url=f"sqlite:///{home / 'trustgap.db'}", evidence_dir=home / "evidence",
                       cookie_secure=False, **kw)  # type: ignore[arg-type]


def wait_until(cond: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def test_a_due_schedule_runs_in_the_app_and_stores_a_snapshot(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, monitor=False))
    svc = app.state.services
    assert app.state.monitor is None  # off: nothing scheduled
    folder = monitored_org(tmp_path)
    register_folder(svc.accounts, "acme", folder, actor="test")
    now = [datetime(2026, 11, 20, 1, 0, tzinfo=UTC)]
    mon = _in_app_monitor(svc, clock=lambda: now[0])
    try:
        mon.step()  # takes the lock, reads the organisations: nothing due before 02:00
        assert mon.leader and mon.runs == 0
        st = mon.status()
        assert st.folders == [str(folder)]
        assert st.upcoming == [(datetime(2026, 11, 20, 2, 0, tzinfo=UTC), str(folder), "nightly")]
        now[0] = datetime(2026, 11, 20, 2, 0, 30, tzinfo=UTC)
        mon.step()
        assert mon.runs == 1, mon.status().last_error
        mon.step()  # the same fire time is never run twice
        assert mon.runs == 1
    finally:
        mon.stop()
    with SnapshotStore.open(svc.settings.database_url) as snaps:
        rows = snaps.history("Acme Monitored", limit=10)
    assert [(s.schedule, s.status, s.as_of.isoformat()) for s in rows] == [("nightly", "ok", "2026-11-20")]
    latest = svc.queries.latest("Acme Monitored")
    assert latest is not None and latest.id == rows[0].run_id  # the snapshot's run is what the pages show
    svc.close()


def test_an_organisation_added_later_is_picked_up_and_a_broken_scope_is_skipped(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, monitor=False))
    svc = app.state.services
    broken = tmp_path / "broken"
    write_starter(broken, organisation="Broken")
    register_folder(svc.accounts, "broken", broken, actor="test")
    (broken / "scope.yaml").write_text("organisation: [not, a, mapping\n")
    now = [datetime(2026, 11, 20, 1, 0, tzinfo=UTC)]
    mon = _in_app_monitor(svc, clock=lambda: now[0])
    try:
        mon.step()
        assert mon.leader and mon.status().folders == []
        folder = monitored_org(tmp_path)
        register_folder(svc.accounts, "acme", folder, actor="test")
        mon.step()
        assert mon.status().folders == [str(folder)]
    finally:
        mon.stop()
        svc.close()


@contextlib.contextmanager
def running(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:  # runs the application's startup and shutdown
        yield client


def test_two_servers_on_one_database_schedule_once_and_the_other_takes_over(tmp_path: Path) -> None:
    folder = monitored_org(tmp_path)
    first = create_app(settings(tmp_path, monitor_poll_seconds=0.1))
    register_folder(first.state.services.accounts, "acme", folder, actor="test")
    second = create_app(settings(tmp_path, monitor_poll_seconds=0.1))
    m1, m2 = first.state.monitor, second.state.monitor
    with running(first):
        assert wait_until(lambda: m1.leader) and m1.running
        with running(second):
            assert m2.running
            time.sleep(0.5)  # several polls: the second never gets the lock while the first holds it
            assert m1.leader and not m2.leader
            assert m2.status().upcoming == []  # nothing planned in the process that stands by
        assert not m2.running and not m2.leader
        with running(second):
            assert not m2.leader
        m1_upcoming = m1.status().upcoming
        assert [n for _, _, n in m1_upcoming] == ["nightly"]
    assert not m1.running and not m1.leader  # stopped with the application, lock released
    # the first is gone: a third server takes the schedules over
    third = create_app(settings(tmp_path, monitor_poll_seconds=0.1))
    with running(third):
        assert wait_until(lambda: third.state.monitor.leader)
        # the leader plans the schedules on its first poll after taking the lock
        assert wait_until(lambda: [n for _, _, n in third.state.monitor.status().upcoming] == ["nightly"]), \
            third.state.monitor.status()


def test_the_postgresql_lock_is_held_by_one_connection_at_a_time() -> None:
    base = os.environ.get("TRUSTGAP_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("set TRUSTGAP_TEST_POSTGRES_URL to test the PostgreSQL advisory lock")
    import uuid

    schema = f"tg_lock_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    a, b = (create_store_engine(url.render_as_string(hide_password=False)) for _ in range(2))
    other = create_store_engine(normalise_url(base).render_as_string(hide_password=False))
    try:
        la, lb, lo = LeaderLock(a), LeaderLock(b), LeaderLock(other)
        assert la.kind == "postgresql"
        assert la.try_acquire() and la.try_acquire()
        assert not lb.try_acquire()
        assert lo.try_acquire()  # another database (schema) schedules on its own
        la.release()
        assert lb.try_acquire()
        lb.release()
        lo.release()
    finally:
        for e in (a, b, other):
            e.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def free(engine: Engine) -> bool:
    probe = LeaderLock(engine)
    got = probe.try_acquire()
    probe.release()
    return got


def _serve(home: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TRUSTGAP_HOME": str(home)}
    env.pop("TRUSTGAP_DATABASE_URL", None)
    env.pop("TRUSTGAP_MONITOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "trustgap", "serve", "--port", str(port), *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1][-2000:]
        time.sleep(0.3)


def test_serve_runs_the_monitor_and_releases_it_on_shutdown(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    from trustgap.store.accounts import Accounts

    engine = create_store_engine(f"sqlite:///{home / 'trustgap.db'}")
    from trustgap.store.db import upgrade_to_head

    upgrade_to_head(engine)
    register_folder(Accounts(engine), "acme", monitored_org(tmp_path), actor="test")
    lock = LeaderLock(engine)
    proc, _ = _serve(home)
    try:
        assert wait_until(lambda: not free(engine), timeout=30)  # the server holds it
        assert not lock.try_acquire()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    # uvicorn shuts the application down, then ends by the signal it was sent
    assert proc.returncode in (0, -signal.SIGTERM) and "Traceback" not in err, err[-2000:]
    assert "monitor schedules of 1 organisation(s) run here" in out
    assert lock.try_acquire()  # released on shutdown
    lock.release()
    proc, _ = _serve(home, "--no-monitor")
    try:
        time.sleep(1.0)
        assert lock.try_acquire()  # nothing scheduled: the lock stays free
        lock.release()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=60)
    assert "monitor schedules" not in out
    engine.dispose()


def test_the_lock_file_is_private(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'x.db'}")
    lock = LeaderLock(engine)
    assert lock.kind == "file" and lock.try_acquire()
    assert (tmp_path / "x.db.monitor.lock").stat().st_mode & 0o077 == 0
    lock.release()
    engine.dispose()
    assert LeaderLock(create_store_engine("sqlite://")).kind == "process"
