"""The report's monitoring section: Type II over the audit period (timeline summary and deviations) from the
stored snapshots, and the trend and forecast when the organisation has runs on several days.

This is the model layer of the section: it calls the monitoring core
(:func:`trustgap.monitor.period.period_report`, :func:`trustgap.monitor.trend.trend_report` /
:func:`~trustgap.monitor.trend.trend_of`) and arranges the results; the template
``_monitoring.html.j2`` only prints them. The organisation folder (for the monitor settings: the allowed gap
between snapshots and the remediation deadlines) is the one the snapshots were taken from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustgap.errors import TrustgapError

if TYPE_CHECKING:  # types only: a report without snapshots never computes a Type II timeline
    from trustgap.engine.models import AssessmentResult
    from trustgap.engine.timeline import Hole, Lapse, PeriodResult
    from trustgap.monitor.trend import TrendPoint, TrendReport

MAX_TREND_ROWS = 12
FORECAST_WORDS = {True: "On track", False: "Not on track", None: "Cannot tell yet"}


@dataclass
class DeviationRow:
    control_id: str
    entity: str
    check: str
    failing: str  # "2026-06-01 to 2026-06-15" or "from 2026-09-25, still open"
    days: str  # "14 days against a deadline of 3"
    outcome: str
    proof: list[str]  # "first failing: 2026-06-01, snapshot ..., manifest ..."


@dataclass
class ControlRow:
    control_id: str
    title: str
    status: str
    gap_kind: str | None
    reason: str
    lapses: int
    deviations: int
    holes: int
    svg: str


@dataclass
class MonitoringSection:
    organisation: str
    # Type II over the period
    period: PeriodResult | None = None
    period_note: str | None = None  # why there is no period part, or what limits it
    counts: dict[str, int] = field(default_factory=dict)
    controls: list[ControlRow] = field(default_factory=list)
    deviations: list[DeviationRow] = field(default_factory=list)
    holes: list[Hole] = field(default_factory=list)
    # trend and forecast
    trend: TrendReport | None = None
    trend_rows: list[TrendPoint] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    trend_svg: str = ""
    burn_svg: str = ""
    forecast_word: str = ""

    @property
    def empty(self) -> bool:
        return self.period is None and self.period_note is None and self.trend is None


def _spread(items: list[Any], n: int) -> list[Any]:
    if len(items) <= n:
        return list(items)
    step = (len(items) - 1) / (n - 1)
    return [items[round(i * step)] for i in range(n)]


def _proof(x: Lapse) -> list[str]:
    out = []
    for label, ref in (("last clean", x.last_clean), ("first failing", x.first_seen), ("last failing", x.last_seen),
                       ("fix seen", x.fixed_in)):
        if ref is not None:
            out.append(f"{label}: {ref.day}, snapshot {ref.snapshot_id} (run {ref.run_id}, manifest "
                       f"{ref.manifest_sha256[:16]})")
    return out


def deviation_row(x: Lapse) -> DeviationRow:
    from trustgap.monitor.render import OUTCOME_LABELS

    failing = f"{x.first_seen.day} to {x.fixed_in.day}" if x.fixed_in else f"from {x.first_seen.day}, still open"
    return DeviationRow(x.control_id, x.entity or "-", x.check_id or "answer", failing,
                        f"{x.days_open} days against a deadline of {x.deadline_days}", OUTCOME_LABELS[x.outcome],
                        _proof(x))


def _folder_of(snapshots: Any, organisation: str) -> Path | None:
    """The organisation folder the newest finished snapshot was taken from (None: no snapshot)."""
    newest = snapshots.history(organisation, finished_only=True, limit=1, newest_first=True)
    if not newest or not newest[0].params.get("folder"):
        return None
    return Path(newest[0].params["folder"])


def _period_part(section: MonitoringSection, result: AssessmentResult, folder: Path | None, snapshots: Any) -> None:
    if result.report_type != "type2" or result.period_start is None or result.period_end is None:
        return
    if folder is None:
        section.period_note = ("No monitoring snapshot is stored for this organisation, so nothing here shows "
                               "that the controls operated throughout the period: the verdicts above judge the "
                               "records of the period as of one date. Schedule snapshots (scope.yaml, "
                               "monitor.schedules) to follow each control over the period.")
        return
    from trustgap.monitor.period import period_report
    from trustgap.monitor.render import listed_controls, period_svg

    try:
        period, ctx = period_report(folder, start=result.period_start, end=result.period_end, snapshots=snapshots)
    except (TrustgapError, OSError) as exc:
        section.period_note = f"The Type II timeline could not be computed from the snapshots: {exc}"
        return
    section.period = period
    section.counts = period.counts()
    titles = ctx["titles"]
    section.controls = [
        ControlRow(cp.control_id, titles.get(cp.control_id, ""), cp.status, cp.gap_kind, cp.reason, len(cp.lapses),
                   len(cp.deviations), len(cp.holes), period_svg(cp, period.period_start, period.period_end, 520, 16))
        for cp in listed_controls(period)]
    devs = sorted(period.deviations, key=lambda x: (x.first_seen.day, x.control_id, x.entity or ""))
    section.deviations = [deviation_row(x) for x in devs]
    section.holes = sorted((h for cp in period.controls.values() for h in cp.holes),
                           key=lambda h: (h.start, h.control_id, h.check_id))
    if period.observed_until is not None and period.observed_until < period.period_end:
        section.period_note = (f"Snapshots reach {period.observed_until}: the rest of the period (to "
                               f"{period.period_end}) is not judged yet.")


def _trend_part(section: MonitoringSection, result: AssessmentResult, run_id: str, folder: Path | None,
                snapshots: Any, plan_of: Any) -> None:
    from trustgap.catalog.loader import load_catalog
    from trustgap.monitor.trend import trend_of, trend_report

    report: TrendReport | None = None
    if folder is not None:
        try:
            report = trend_report(folder, snapshots=snapshots, plan_of=plan_of, up_to=run_id)
        except (TrustgapError, OSError):
            report = None
    if report is None:
        history = snapshots.verdict_history(result.organisation)
        ids = [h[0] for h in history]
        history = history[:ids.index(run_id) + 1] if run_id in ids else history
        cat = load_catalog()
        target = float((result.scope.get("plan") or {}).get("audit_ready_at", 90))
        baseline = next((h[0] for h in history if (plan_of(h[0]) or {}).get("tasks")), None)
        report = trend_of(result.organisation, history, categories_of={c.id: set(cat.categories_of(c))
                                                                       for c in cat.controls},
                          categories=result.categories, plan=plan_of(baseline) if baseline else None,
                          baseline_run=baseline, target=target, target_audit_date=result.target_audit_date)
    if len(report.points) < 2:
        return  # one day of runs: no trend to show
    from trustgap.monitor.render import burn_svg, trend_svg

    section.trend = report
    section.trend_rows = list(reversed(_spread(report.points, MAX_TREND_ROWS)))
    section.categories = list(report.points[-1].categories)
    section.trend_svg = trend_svg(report)
    section.burn_svg = burn_svg(report)
    section.forecast_word = FORECAST_WORDS[report.forecast.on_track if report.forecast else None]


def build_monitoring(result: AssessmentResult, run_id: str, *, store_url: str | None = None,
                     snapshots: Any = None, reader: Any = None) -> MonitoringSection | None:
    """The monitoring section of the report of stored run ``run_id`` (None when there is nothing to show).

    ``snapshots``: an open :class:`~trustgap.store.snapshots.SnapshotStore` (else one is opened on
    ``store_url``). ``reader``: a :class:`~trustgap.store.report_reader.ReportReader` on the same database; while
    the organisation has no snapshot, the section is read through it alone (no store is opened)."""
    if snapshots is None and reader is not None and reader.snapshot_folder(result.organisation) is None:
        section = MonitoringSection(result.organisation)
        _period_part(section, result, None, None)
        _trend_part(section, result, run_id, None, reader,
                    lambda rid: result.plan if rid == run_id else reader.plan_of(rid))
        return None if section.empty else section
    from trustgap.store.snapshots import SnapshotStore

    own = snapshots is None
    snaps = SnapshotStore.open(store_url) if own else snapshots
    try:
        from trustgap.store.queries import RunQueries

        queries = RunQueries(snaps.engine, snaps.url)
        plans: dict[str, dict[str, Any] | None] = {}

        def plan_of(rid: str) -> dict[str, Any] | None:
            # a run's roadmap from its page summary (derived once per run and kept, as the web app does)
            if rid == run_id:
                return result.plan
            if rid not in plans:
                plans[rid] = queries.summary(queries.run(result.organisation, rid)).plan or None
            return plans[rid]

        section = MonitoringSection(result.organisation)
        folder = _folder_of(snaps, result.organisation)
        _period_part(section, result, folder, snaps)
        _trend_part(section, result, run_id, folder, snaps, plan_of)
        return None if section.empty else section
    finally:
        if own:
            snaps.close()

