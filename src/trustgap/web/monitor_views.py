"""What the trend, Type II and freshness pages show, computed by the monitoring core over the stored runs
and snapshots of one organisation: :func:`trustgap.monitor.trend.trend_report`,
:func:`trustgap.monitor.period.period_report` and :func:`trustgap.engine.freshness.evidence_expiry`.

Nothing is decided here: the results are arranged for display (order, the SVG drawings of
:mod:`trustgap.monitor.render`) and kept for as long as no new run or snapshot arrives and the scope file
is unchanged (stored runs and snapshots never change). One :class:`MonitorViews` per application.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy import Engine

from trustgap.engine.freshness import Expiry
from trustgap.engine.models import AssessmentResult
from trustgap.engine.timeline import ControlPeriod, Lapse, PeriodResult
from trustgap.monitor.trend import TrendPoint, TrendReport
from trustgap.report.monitoring import MonitoringSection
from trustgap.store.accounts import Organisation
from trustgap.store.queries import RunQueries
from trustgap.store.runs import RunRecord
from trustgap.store.snapshots import SnapshotStore

CACHED = 24
TABLE_ROWS = 24  # readiness table: at most this many days shown (evenly spread, the last always)
FORECAST_WORDS = {True: "on track", False: "not on track", None: "cannot tell yet"}
EXPIRY_WORDS = {"expired": "expired", "expiring": "expires soon", "expires_before_audit": "expires before the audit",
                "fresh": "fresh"}


@dataclass
class TrendView:
    report: TrendReport
    categories: list[str]
    rows: list[TrendPoint]
    trend_svg: Markup
    burn_svg: Markup
    verdict: str
    burn_rows: list[Any] = field(default_factory=list)


@dataclass
class PeriodView:
    result: PeriodResult
    organisation: str
    titles: dict[str, str]
    controls: list[ControlPeriod]  # what the page lists: judged controls and any with lapses
    svgs: dict[str, Markup]
    deviations: list[Lapse]
    counts: dict[str, int]
    remediation_days: dict[str, int]
    control_deadlines: dict[str, int]
    snapshots: int  # finished snapshots stored for the organisation (any date)


@dataclass
class FreshnessView:
    run: RunRecord
    as_of: date
    target_audit_date: date | None
    warn_days: int
    items: list[Expiry]
    counts: dict[str, int]


def _spread(points: list[Any], n: int) -> list[Any]:
    if len(points) <= n:
        return list(points)
    step = (len(points) - 1) / (n - 1)
    return [points[round(i * step)] for i in range(n)]


class MonitorViews:
    def __init__(self, engine: Engine, url: str, queries: RunQueries) -> None:
        self._snapshots = SnapshotStore(engine, url)
        self._queries = queries
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    # -- cache ------------------------------------------------------------------------------------
    def _state(self, org: Organisation) -> tuple[Any, ...]:
        """What the pages depend on: the newest run, the newest finished snapshot, the scope file."""
        latest = self._queries.latest(org.name)
        newest = self._snapshots.history(org.name, finished_only=True, limit=1, newest_first=True)
        try:
            mtime = (Path(org.folder) / "scope.yaml").stat().st_mtime
        except OSError:
            mtime = 0.0
        return (latest.id if latest else None, newest[0].id if newest else None, mtime)

    def _cached(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = build()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)
        return value

    # -- pages ------------------------------------------------------------------------------------
    def trend(self, org: Organisation) -> TrendView:
        return self._cached(("trend", org.id, *self._state(org)), lambda: self._trend(org))  # type: ignore[no-any-return]

    def _trend(self, org: Organisation) -> TrendView:
        from trustgap.monitor.render import burn_svg, trend_svg
        from trustgap.monitor.trend import trend_report

        def plan_of(run_id: str) -> dict[str, Any] | None:
            return self._queries.summary(self._queries.run(org.name, run_id)).plan

        report = trend_report(Path(org.folder), snapshots=self._snapshots, plan_of=plan_of)
        cats = list(report.points[-1].categories) if report.points else []
        rows = _spread(report.points, TABLE_ROWS)
        return TrendView(report=report, categories=cats, rows=list(reversed(rows)),
                         trend_svg=Markup(trend_svg(report)),  # noqa: S704 - built from escaped parts
                         burn_svg=Markup(burn_svg(report)),  # noqa: S704 - numbers and dates only
                         verdict=FORECAST_WORDS[report.forecast.on_track if report.forecast else None],
                         burn_rows=list(reversed(_spread(report.burn_down, TABLE_ROWS))))

    def period(self, org: Organisation, start: date | None = None, end: date | None = None) -> PeriodView:
        return self._cached(("period", org.id, start, end, *self._state(org)),  # type: ignore[no-any-return]
                            lambda: self._period(org, start, end))

    def _period(self, org: Organisation, start: date | None, end: date | None) -> PeriodView:
        from trustgap.monitor.period import period_report
        from trustgap.monitor.render import listed_controls, period_svg

        result, ctx = period_report(Path(org.folder), start=start, end=end, snapshots=self._snapshots)
        shown = listed_controls(result)
        svgs = {cp.control_id: Markup(period_svg(cp, result.period_start, result.period_end))  # noqa: S704
                for cp in shown}
        devs = sorted(result.deviations, key=lambda x: (x.first_seen.day, x.control_id, x.entity or ""))
        stored = len(self._snapshots.history(ctx["organisation"], finished_only=True))
        return PeriodView(result=result, organisation=ctx["organisation"], titles=ctx["titles"], controls=shown,
                          svgs=svgs, deviations=devs, counts=result.counts(),
                          remediation_days=dict(ctx["remediation_days"]),
                          control_deadlines=dict(ctx["control_deadlines"]), snapshots=stored)

    def control_period(self, org: Organisation, control_id: str, start: date | None = None,
                       end: date | None = None) -> tuple[PeriodView, ControlPeriod | None]:
        """The period view and the control's part of it (None: no snapshot in the window assessed it)."""
        view = self.period(org, start, end)
        return view, view.result.controls.get(control_id)

    def freshness(self, org: Organisation, warn_days: int = 30) -> FreshnessView | None:
        """None while the organisation has no stored run."""
        return self._cached(("freshness", org.id, warn_days, *self._state(org)),  # type: ignore[no-any-return]
                            lambda: self._freshness(org, warn_days))

    def _freshness(self, org: Organisation, warn_days: int) -> FreshnessView | None:
        from trustgap.engine.freshness import evidence_expiry

        run = self._queries.latest(org.name)
        if run is None:
            return None
        result = self._queries.result(run)
        items = evidence_expiry(result, warn_days=warn_days)
        counts: dict[str, int] = {k: 0 for k in EXPIRY_WORDS}
        for e in items:
            counts[e.state] += 1
        return FreshnessView(run=run, as_of=result.as_of, target_audit_date=result.target_audit_date,
                             warn_days=warn_days, items=items, counts=counts)

    def report_section(self, result: AssessmentResult, run_id: str) -> MonitoringSection | None:
        """The HTML report's Type II and trend section of a stored run."""
        from trustgap.report.monitoring import build_monitoring

        return build_monitoring(result, run_id, snapshots=self._snapshots)
