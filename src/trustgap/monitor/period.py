"""Type II over the stored snapshots of one organisation: what the CLI, the report and the web app call.

:func:`period_report` reads the snapshots through :class:`~trustgap.store.snapshots.SnapshotStore` and hands
them to :func:`trustgap.engine.timeline.evaluate_period` with the scope's period, the allowed gap between
snapshots and the organisation's remediation deadlines.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustgap.engine.timeline import PeriodResult, evaluate_period, is_time_threshold, threshold_deadline
from trustgap.errors import InputError

if TYPE_CHECKING:
    from trustgap.store.snapshots import SnapshotStore


def time_threshold_checks() -> set[str]:
    """Checks that already compare practice against a time threshold (their failures are overdue)."""
    from trustgap.checks.base import load_checks

    return {cid for cid, c in load_checks().items() if any(is_time_threshold(t) for t in c.meta.thresholds)}


def period_report(folder: Path, *, start: date | None = None, end: date | None = None,
                  store_url: str | None = None, snapshots: SnapshotStore | None = None
                  ) -> tuple[PeriodResult, dict[str, Any]]:
    """The period verdicts of the organisation in ``folder`` (scope period unless ``start``/``end`` given),
    and a small context (organisation, titles, deadlines) for display."""
    from trustgap.assessment import resolve_inputs
    from trustgap.catalog.loader import load_catalog
    from trustgap.monitor.config import parse_monitor_settings
    from trustgap.scope import load_scope
    from trustgap.store.snapshots import SnapshotStore  # noqa: F811 - at run time

    inputs = resolve_inputs(folder)
    loaded = load_scope(inputs.scope_path)
    scope = loaded.scope
    mon, _ = parse_monitor_settings(scope, source=str(inputs.scope_path))
    p = scope.report.period
    start = start or (p.start if p else None)
    end = end or (p.end if p else None)
    if start is None or end is None:
        raise InputError(str(inputs.scope_path), "no audit period: set report.period (type2) or give --start/--end",
                         field="report.period")
    if end < start:
        raise InputError("period", f"the period ends ({end}) before it starts ({start})")
    window = (start - timedelta(days=400), end + timedelta(days=60))
    if snapshots is not None:  # an open store (the web app's)
        obs = snapshots.observations(scope.organisation.name, *window)
    else:
        with SnapshotStore.open(store_url) as snaps:
            obs = snaps.observations(scope.organisation.name, *window)
    cat = load_catalog()
    deadline = threshold_deadline(time_threshold_checks(), mon.deadline_days)
    result = evaluate_period(obs, period_start=start, period_end=end, max_gap=mon.max_gap(), deadline=deadline)
    titles = {c.id: c.title for c in cat.controls}
    return result, {"organisation": scope.organisation.name, "titles": titles,
                    "remediation_days": mon.remediation_days, "control_deadlines": mon.controls}
