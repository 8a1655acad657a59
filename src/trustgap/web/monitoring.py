"""The monitor scheduler inside ``trustgap serve``: the same schedules ``trustgap monitor DIR`` runs in the
foreground, for every organisation the server holds whose scope has ``monitor.schedules``.

Started when the application starts and stopped when it shuts down (``--no-monitor`` or
``TRUSTGAP_MONITOR=0``: off). When several processes serve one database (``uvicorn --workers 2``, or two
``trustgap serve`` on one PostgreSQL), exactly one of them schedules: it holds a lock for as long as it runs
(a PostgreSQL advisory lock on a connection of its own, or an exclusive ``flock`` on a file beside the SQLite
database). Both are released by the operating system or the database when the process dies, and the
others try to take the lock over every ``poll`` seconds. Organisation folders and their scope files are
re-read every ``poll`` seconds, so an organisation added in the web app is picked up without a restart.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, text

log = logging.getLogger("trustgap.web.monitor")
Clock = Callable[[], datetime]
Dispatch = Callable[[Path, str, datetime], Any]


class LeaderLock:
    """Held by at most one process per database; :meth:`try_acquire` never blocks."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._file: IO[bytes] | None = None
        self._held = False
        url = engine.url
        self.kind = ("postgresql" if url.get_backend_name() == "postgresql"
                     else "file" if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
                     else "process")
        # one key per database (and schema, when the URL picks one): two databases never exclude each other
        ident = url.render_as_string(hide_password=True)
        self._key = int.from_bytes(hashlib.sha256(f"trustgap-monitor:{ident}".encode()).digest()[:8], "big",
                                   signed=True)

    @property
    def held(self) -> bool:
        return self._held

    def try_acquire(self) -> bool:
        if self._held:
            return True
        if self.kind == "postgresql":
            conn = self._engine.connect()
            try:
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar())
                conn.commit()
            except Exception:
                conn.close()
                raise
            if got:
                self._conn = conn
            else:
                conn.close()
            self._held = got
        elif self.kind == "file":
            import fcntl

            path = Path(str(self._engine.url.database) + ".monitor.lock")
            handle = open(path, "a+b")  # noqa: SIM115 - kept open while the lock is held
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            with contextlib.suppress(OSError):
                os.chmod(path, 0o600)
            self._file = handle
            self._held = True
        else:  # an in-memory database lives in this process only
            self._held = True
        return self._held

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._conn.commit()
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._file is not None:
            import fcntl

            with contextlib.suppress(OSError):
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self._held = False


@dataclass(frozen=True)
class MonitorStatus:
    enabled: bool
    leader: bool
    folders: list[str]
    upcoming: list[tuple[datetime, str, str]]  # when, folder, schedule
    last_error: str | None


def monitored_folders(folders: list[str]) -> list[Path]:
    """The folders whose scope file has monitor schedules; a folder whose scope cannot be read is skipped
    (and logged), so one broken organisation does not stop the others' schedules."""
    from trustgap.assessment import resolve_inputs
    from trustgap.errors import TrustgapError
    from trustgap.monitor.config import parse_monitor_settings
    from trustgap.scope import load_scope

    out: list[Path] = []
    for raw in folders:
        folder = Path(raw)
        try:
            inputs = resolve_inputs(folder)
            loaded = load_scope(inputs.scope_path)
            mon, _ = parse_monitor_settings(loaded.scope, source=str(inputs.scope_path))
        except (TrustgapError, OSError) as exc:
            log.warning("monitor: %s skipped: %s", folder, exc)
            continue
        if mon.schedules:
            out.append(folder)
    return out


def _scope_stamp(folders: list[Path]) -> tuple[tuple[str, float], ...]:
    stamp = []
    for f in folders:
        try:
            stamp.append((str(f), (f / "scope.yaml").stat().st_mtime))
        except OSError:
            stamp.append((str(f), 0.0))
    return tuple(stamp)


class InAppMonitor:
    """The scheduler of one web application; all state lives in the object (kept on ``app.state``)."""

    def __init__(self, engine: Engine, list_folders: Callable[[], list[str]], dispatch: Dispatch, *,
                 poll: float = 30.0, clock: Clock | None = None,
                 on_result: Callable[[Path, str, datetime, Any], None] | None = None) -> None:
        self._lock = LeaderLock(engine)
        self._list_folders = list_folders
        self._dispatch = dispatch
        self._poll = poll
        self._clock = clock or (lambda: datetime.now(UTC))
        self._on_result = on_result
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._scheduler: Any = None  # trustgap.monitor.schedule.Scheduler, once leader
        self._stamp: tuple[tuple[str, float], ...] | None = None
        self._last_error: str | None = None
        self.runs = 0  # schedules dispatched by this process

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="trustgap-web-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Stop scheduling; a collection already running finishes first (up to ``timeout`` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._lock.release()
        self._scheduler = None
        self._stamp = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def leader(self) -> bool:
        return self._lock.held

    def status(self) -> MonitorStatus:
        sched = self._scheduler
        upcoming = [(w, str(f), n) for w, f, n in sched.upcoming()] if sched is not None else []
        return MonitorStatus(self.running, self.leader, [str(f) for f in sched.folders] if sched else [], upcoming,
                             self._last_error)

    # -- one step (the thread repeats it; tests call it directly) ---------------------------------
    def step(self) -> float:
        """Take the lock if free, re-read the organisations when they changed, run what is due. Returns
        the seconds to wait before the next step."""
        if not self._lock.try_acquire():
            return self._poll
        now = self._clock()
        self._refresh(now)
        sched = self._scheduler
        if sched is None:
            return self._poll
        for _ in sched.run_due(now):
            self.runs += 1
        nxt = min((w for w, _, _ in sched.upcoming()), default=None)
        if nxt is None:
            return self._poll
        return max(0.05, min(self._poll, (nxt - self._clock()).total_seconds()))

    def _refresh(self, now: datetime) -> None:
        from trustgap.monitor.schedule import Scheduler

        folders = monitored_folders(self._list_folders())
        stamp = _scope_stamp(folders)
        if stamp == self._stamp and self._scheduler is not None:
            return
        if self._scheduler is None:
            self._scheduler = Scheduler(folders, dispatch=self._dispatch, clock=self._clock,
                                        on_result=self._on_result, on_error=self._failed)
        else:
            self._scheduler.folders = folders
            self._scheduler.load(now)
        self._stamp = stamp
        for when, folder, name in self._scheduler.upcoming():
            log.info("monitor: next %s of %s at %s", name, folder, when.isoformat())

    def _failed(self, folder: Path, name: str, when: datetime, exc: BaseException) -> None:
        self._last_error = f"{when:%Y-%m-%d %H:%M} {folder} {name}: {exc}"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                wait = self.step()
            except Exception as exc:  # the database went away, a scope became unreadable: try again later
                self._last_error = f"{type(exc).__name__}: {exc}"
                log.error("monitor: %s", self._last_error)
                self._lock.release()
                self._scheduler = None
                self._stamp = None
                wait = self._poll
            self._stop.wait(wait)
