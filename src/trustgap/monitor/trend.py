"""Trend and forecast: readiness over time per category, remediation burn-down against the roadmap, and
"on track?" (when readiness reaches the target at the current pace, against the target audit date).

:func:`trend_of` is pure (history in, :class:`TrendReport` out); :func:`trend_report` reads the history of an
organisation folder's runs through the store (verdict rows, never whole result blobs, except the one run
whose roadmap is the burn-down's baseline) and is what the CLI, the report and the web app call.

- Readiness per category is recomputed from each run's verdicts: (Implemented + ½ Partial) / in-scope
  controls of that category (Not applicable out, Not assessed counted as not ready), as the report does.
- The burn-down's baseline is the earliest run in the window that has a roadmap: its tasks (controls to
  fix) with their due dates. For each later run: tasks still open (the control is not Implemented or Not
  applicable) against tasks planned to be open on that day (due after it).
- The forecast fits a least-squares line through overall readiness over the last ``pace_days`` days of
  runs (at least two runs on two days) and extends it to the target. No upward pace: never at this pace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustgap.store.snapshots import SnapshotStore

RunHistory = Sequence[tuple[str, date, float | None, dict[str, str]]]  # run, as-of, readiness, control -> status


@dataclass(frozen=True)
class TrendPoint:
    run_id: str
    as_of: date
    readiness: float | None
    categories: dict[str, float | None]


@dataclass(frozen=True)
class BurnPoint:
    day: date
    run_id: str
    open_tasks: int
    planned_open: int


@dataclass(frozen=True)
class Forecast:
    current: float | None
    target: float
    pace_per_30_days: float | None  # readiness points gained per 30 days at the current pace
    reach_on: date | None  # when readiness reaches the target at this pace
    target_audit_date: date | None
    on_track: bool | None  # None: cannot tell (too few runs, or no target audit date)
    reason: str


@dataclass
class TrendReport:
    organisation: str
    points: list[TrendPoint] = field(default_factory=list)
    burn_down: list[BurnPoint] = field(default_factory=list)
    baseline_run: str | None = None
    baseline_tasks: int = 0
    forecast: Forecast | None = None

    def as_dict(self) -> dict[str, Any]:
        def plain(obj: Any) -> Any:
            d = asdict(obj)
            return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in d.items()}

        return {"organisation": self.organisation, "points": [plain(p) for p in self.points],
                "burn_down": [plain(b) for b in self.burn_down], "baseline_run": self.baseline_run,
                "baseline_tasks": self.baseline_tasks,
                "forecast": plain(self.forecast) if self.forecast else None}


def _readiness(statuses: Sequence[str]) -> float | None:
    counted = [s for s in statuses if s != "not_applicable"]
    if not counted:
        return None
    score = sum(1.0 if s == "implemented" else 0.5 if s == "partial" else 0.0 for s in counted)
    return round(100 * score / len(counted), 1)


def _fit(points: list[tuple[date, float]]) -> tuple[float, float] | None:
    """Least squares readiness = a + b * day-number; None with fewer than two distinct days."""
    if len({d for d, _ in points}) < 2:
        return None
    x0 = points[0][0]
    xs = [(d - x0).days for d, _ in points]
    ys = [y for _, y in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my - b * mx, b  # intercept at x0, slope per day


def forecast_of(points: Sequence[TrendPoint], *, target: float, target_audit_date: date | None,
                pace_days: int = 90) -> Forecast:
    scored = [(p.as_of, p.readiness) for p in points if p.readiness is not None]
    current = scored[-1][1] if scored else None
    if current is not None and current >= target:
        return Forecast(current, target, None, scored[-1][0], target_audit_date, True,
                        f"readiness {current:g}% already meets the target {target:g}%")
    if not scored:
        return Forecast(None, target, None, None, target_audit_date, None, "no runs with a readiness score yet")
    last_day = scored[-1][0]
    window = [(d, y) for d, y in scored if d >= last_day - timedelta(days=pace_days)]
    fit = _fit([(d, float(y)) for d, y in window])
    if fit is None:
        return Forecast(current, target, None, None, target_audit_date, None,
                        "one day of runs only: the pace needs runs on at least two days")
    a, b = fit
    pace = round(b * 30, 2)
    if b <= 0:
        return Forecast(current, target, pace, None, target_audit_date, False if target_audit_date else None,
                        f"readiness is not rising ({pace:+g} points per 30 days): the target is never reached at "
                        "this pace")
    x0 = window[0][0]
    reach = x0 + timedelta(days=int(-(-(target - a) // b)))  # ceil((target - a) / b) days after x0
    reach = max(reach, last_day)
    if target_audit_date is None:
        return Forecast(current, target, pace, reach, None, None,
                        f"at {pace:+g} points per 30 days, {target:g}% is reached on {reach}; no target audit date")
    on_track = reach <= target_audit_date
    slack = (target_audit_date - reach).days
    return Forecast(current, target, pace, reach, target_audit_date, on_track,
                    f"at {pace:+g} points per 30 days, {target:g}% is reached on {reach}: "
                    + (f"{slack} days before" if on_track else f"{-slack} days after")
                    + f" the target audit date {target_audit_date}")


def trend_of(organisation: str, history: RunHistory, *, categories_of: dict[str, set[str]],
             categories: Sequence[str], plan: dict[str, Any] | None, baseline_run: str | None, target: float,
             target_audit_date: date | None, pace_days: int = 90) -> TrendReport:
    """Pure: the trend over ``history`` (oldest first); the last run of each day stands for that day."""
    by_day: dict[date, tuple[str, date, float | None, dict[str, str]]] = {}
    for h in history:
        by_day[h[1]] = h
    rows = [by_day[d] for d in sorted(by_day)]
    report = TrendReport(organisation, baseline_run=baseline_run)
    for run_id, as_of, readiness, statuses in rows:
        cats = {c: _readiness([s for cid, s in statuses.items() if c in categories_of.get(cid, set())])
                for c in categories}
        report.points.append(TrendPoint(run_id, as_of, readiness, cats))
    if plan and baseline_run:
        tasks = [(t["control_id"], date.fromisoformat(t["due"]) if t.get("due") else None)
                 for t in plan.get("tasks", [])]
        report.baseline_tasks = len(tasks)
        start = next((r[1] for r in rows if r[0] == baseline_run), None)
        for run_id, as_of, _, statuses in rows:
            if start is None or as_of < start:
                continue
            still = sum(1 for cid, _ in tasks if statuses.get(cid) not in ("implemented", "not_applicable"))
            planned = sum(1 for _, due in tasks if due is None or due > as_of)
            report.burn_down.append(BurnPoint(as_of, run_id, still, planned))
    report.forecast = forecast_of(report.points, target=target, target_audit_date=target_audit_date,
                                  pace_days=pace_days)
    return report


def trend_report(folder: Path, *, target: float | None = None, store_url: str | None = None,
                 limit: int = 400, snapshots: SnapshotStore | None = None,
                 plan_of: Callable[[str], dict[str, Any] | None] | None = None,
                 up_to: str | None = None) -> TrendReport:
    """The trend of the organisation in ``folder`` from its stored runs.

    ``snapshots``: an open store to read through (the web app's; default: one opened on ``store_url``).
    ``plan_of``: the roadmap of a stored run by id (default: read from the run's stored result).
    ``up_to``: a run id; later runs are left out (the trend as it stood at that run)."""
    from trustgap.assessment import resolve_inputs
    from trustgap.catalog.loader import load_catalog
    from trustgap.monitor.config import parse_monitor_settings
    from trustgap.scope import load_scope
    from trustgap.store.runs import RunStore
    from trustgap.store.snapshots import SnapshotStore  # noqa: F811 - at run time

    inputs = resolve_inputs(folder)
    scope = load_scope(inputs.scope_path).scope
    mon, _ = parse_monitor_settings(scope, source=str(inputs.scope_path))
    goal = target or mon.target_readiness or float(scope.plan.get("audit_ready_at", 90))
    if snapshots is not None:
        history = snapshots.verdict_history(scope.organisation.name, limit=limit)
    else:
        with SnapshotStore.open(store_url) as snaps:
            history = snaps.verdict_history(scope.organisation.name, limit=limit)
    ids = [h[0] for h in history]
    if up_to is not None and up_to in ids:
        history = history[:ids.index(up_to) + 1]
    cat = load_catalog()
    categories_of = {c.id: set(cat.categories_of(c)) for c in cat.controls}
    plan = None
    baseline = None
    if history and plan_of is not None:
        for run_id, *_ in history:  # the earliest run with a roadmap
            found = plan_of(run_id)
            if found and found.get("tasks"):
                plan, baseline = found, run_id
                break
    elif history:
        with RunStore.open(store_url) as runs:
            for run_id, *_ in history:
                _, result = runs.get(run_id)
                if result.plan and result.plan.get("tasks"):
                    plan, baseline = result.plan, run_id
                    break
    return trend_of(scope.organisation.name, history, categories_of=categories_of, categories=scope.categories,
                    plan=plan, baseline_run=baseline, target=goal, target_audit_date=scope.report.target_audit_date)
