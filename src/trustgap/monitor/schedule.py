"""The scheduler: runs each organisation's ``monitor.schedules`` at their cron times.

``trustgap monitor DIR`` runs one in the foreground; the web app starts one inside ``trustgap serve``::

    scheduler = Scheduler([Path("acme")])
    scheduler.start()        # a background thread
    ...
    scheduler.stop()

Cron times are read in the scope's ``monitor.timezone``. A fire time missed while nothing was running (the
machine was asleep) is run once when the scheduler next looks, not once per missed time. Each job goes
through ``dispatch`` (default: :func:`trustgap.monitor.jobs.run_snapshot` in this process; Celery workers
are another dispatch, see :mod:`trustgap.monitor.distributed`). All state lives in the object.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger("trustgap.monitor")

Dispatch = Callable[[Path, str, datetime], Any]  # (folder, schedule name, scheduled time) -> outcome
Clock = Callable[[], datetime]


@dataclass
class _Entry:
    folder: Path
    schedule: str
    cron: str
    tz: Any
    next_at: datetime


def _next_fire(cron: str, after: datetime, tz: Any) -> datetime:
    from croniter import croniter

    return croniter(cron, after.astimezone(tz)).get_next(datetime).astimezone(UTC)


class Scheduler:
    """Cron-style schedules of one or more organisation folders; no module-level state."""

    def __init__(self, folders: Sequence[Path], *, dispatch: Dispatch | None = None, clock: Clock | None = None,
                 on_result: Callable[[Path, str, datetime, Any], None] | None = None,
                 on_error: Callable[[Path, str, datetime, BaseException], None] | None = None) -> None:
        self.folders = [Path(f) for f in folders]
        self._dispatch = dispatch or _in_process
        self._clock = clock or (lambda: datetime.now(UTC))
        self._on_result = on_result
        self._on_error = on_error
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._entries: list[_Entry] = []
        self._lock = threading.Lock()
        self.load(self._clock())

    def load(self, now: datetime) -> None:
        """(Re)read every folder's schedules; next fire times are computed from ``now``."""
        from trustgap.assessment import resolve_inputs
        from trustgap.monitor.config import parse_monitor_settings
        from trustgap.scope import load_scope

        entries: list[_Entry] = []
        for folder in self.folders:
            inputs = resolve_inputs(folder)
            loaded = load_scope(inputs.scope_path)
            mon, _ = parse_monitor_settings(loaded.scope, source=str(inputs.scope_path))
            for s in mon.schedules:
                entries.append(_Entry(folder, s.name, s.cron, mon.tz, _next_fire(s.cron, now, mon.tz)))
        with self._lock:
            self._entries = entries

    def upcoming(self) -> list[tuple[datetime, Path, str]]:
        with self._lock:
            return sorted((e.next_at, e.folder, e.schedule) for e in self._entries)

    def run_due(self, now: datetime | None = None) -> list[Any]:
        """Run every schedule whose fire time has come (the latest one only), then plan its next time."""
        now = now or self._clock()
        outcomes: list[Any] = []
        with self._lock:
            due = [e for e in self._entries if e.next_at <= now]
        for e in due:
            fire = e.next_at
            # coalesce missed fire times into the latest one at or before now
            while True:
                nxt = _next_fire(e.cron, fire, e.tz)
                if nxt > now:
                    break
                fire = nxt
            e.next_at = _next_fire(e.cron, now, e.tz)
            try:
                out = self._dispatch(e.folder, e.schedule, fire)
            except Exception as exc:  # one organisation's failure must not stop the others' schedules
                log.error("monitor: %s schedule %s at %s failed: %s", e.folder, e.schedule, fire.isoformat(), exc)
                if self._on_error is not None:
                    self._on_error(e.folder, e.schedule, fire, exc)
                continue
            outcomes.append(out)
            if self._on_result is not None:
                self._on_result(e.folder, e.schedule, fire, out)
        return outcomes

    def run_now(self, schedule: str | None = None) -> list[Any]:
        """Run every schedule (or the named one) once, for the current time."""
        now = self._clock()
        with self._lock:
            entries = [e for e in self._entries if schedule is None or e.schedule == schedule]
        if schedule is not None and not entries:
            from trustgap.errors import TrustgapError

            raise TrustgapError(f"no schedule named {schedule!r} in {', '.join(map(str, self.folders))}")
        outs = []
        for e in entries:
            out = self._dispatch(e.folder, e.schedule, now.replace(microsecond=0))
            outs.append(out)
            if self._on_result is not None:
                self._on_result(e.folder, e.schedule, now, out)
        return outs

    # -- background thread -----------------------------------------------------------------------

    def _seconds_to_next(self) -> float:
        with self._lock:
            nxt = min((e.next_at for e in self._entries), default=None)
        if nxt is None:
            return 60.0
        return max(0.0, min((nxt - self._clock()).total_seconds(), 60.0))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due()
            self._stop.wait(self._seconds_to_next())

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="trustgap-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 30) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def serve_forever(self) -> None:
        """Run in the calling thread until :meth:`stop` is called from elsewhere (or Ctrl-C)."""
        self._stop.clear()
        self._loop()


def _in_process(folder: Path, schedule: str, scheduled_for: datetime) -> Any:
    from trustgap.monitor.jobs import run_snapshot

    return run_snapshot(folder, schedule, scheduled_for=scheduled_for)


def interval_text(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:g} days" if hours >= 24 else f"{hours:g} hours"
