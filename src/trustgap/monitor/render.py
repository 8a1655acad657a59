"""Showing the Type II period result and the trend: terminal tables, Markdown, and a self-contained HTML page
(inline SVG timelines, no scripts) that the web app can also embed (:func:`period_svg`)."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from trustgap.engine.models import GAP_KIND_LABELS, STATUS_LABELS
from trustgap.engine.timeline import ControlPeriod, PeriodResult
from trustgap.monitor.trend import TrendReport

COLOURS = {"implemented": "#2e7d32", "partial": "#f9a825", "gap": "#c62828", "not_assessed": "#9e9e9e",
           "not_applicable": "#cfd8dc"}
OUTCOME_LABELS = {"remediated_in_time": "remediated in time", "deviation_remediated_late": "deviation: fixed late",
                  "deviation_open": "deviation: still open", "open_within_deadline": "open, within deadline"}


def _shown(result: PeriodResult) -> list[ControlPeriod]:
    order = {"gap": 0, "partial": 1, "implemented": 2, "not_assessed": 3, "not_applicable": 4}
    return sorted(result.controls.values(), key=lambda c: (order.get(c.status, 9), c.control_id))


def listed_controls(result: PeriodResult) -> list[ControlPeriod]:
    """The controls a period view lists: those judged in the period, and any with a lapse."""
    return [cp for cp in _shown(result) if cp.status not in ("not_assessed", "not_applicable") or cp.lapses]


def period_table(result: PeriodResult, ctx: dict[str, Any], con: Any) -> None:
    from rich.table import Table

    c = result.counts()
    con.print(f"{ctx['organisation']}: Type II period {result.period_start} .. {result.period_end}, "
              f"{result.snapshots_in_period} snapshot(s), holes over {result.max_gap_days:g} days")
    con.print(", ".join(f"{STATUS_LABELS.get(k, k)} {v}" for k, v in sorted(c.items())))
    t = Table("control", "period verdict", "why", "lapses", "deviations", "holes")
    for cp in _shown(result):
        if cp.status in ("not_assessed", "not_applicable") and not cp.lapses:
            continue
        kind = f" / {GAP_KIND_LABELS[cp.gap_kind]}" if cp.gap_kind else ""
        t.add_row(cp.control_id, STATUS_LABELS.get(cp.status, cp.status) + kind, cp.reason, str(len(cp.lapses)),
                  str(len(cp.deviations)), str(len(cp.holes)))
    con.print(t)
    devs = result.deviations
    if devs:
        d = Table("control", "entity", "check", "failing", "days / deadline", "outcome", "proof (snapshots)",
                  title="Deviations an auditor would test")
        for x in devs:
            proof = f"first {x.first_seen.snapshot_id}"
            proof += f", fixed {x.fixed_in.snapshot_id}" if x.fixed_in else f", last {x.last_seen.snapshot_id}"
            d.add_row(x.control_id, x.entity or "-", x.check_id or "-",
                      f"{x.first_seen.day} .. {x.fixed_in.day if x.fixed_in else 'open'}",
                      f"{x.days_open} / {x.deadline_days}", OUTCOME_LABELS[x.outcome], proof)
        con.print(d)


def period_markdown(result: PeriodResult, ctx: dict[str, Any]) -> str:
    def cell(s: str) -> str:
        return escape(s).replace("|", "\\|")

    lines = [f"# Type II over the period: {cell(ctx['organisation'])}", "",
             f"Period {result.period_start} .. {result.period_end}; {result.snapshots_in_period} snapshot(s); "
             f"a stretch over {result.max_gap_days:g} days without evidence is a hole.", "",
             "| control | verdict | why | lapses | deviations | holes |", "|---|---|---|---|---|---|"]
    for cp in _shown(result):
        if cp.status in ("not_assessed", "not_applicable") and not cp.lapses:
            continue
        kind = f" ({GAP_KIND_LABELS[cp.gap_kind]})" if cp.gap_kind else ""
        lines.append(f"| {cp.control_id} | {STATUS_LABELS.get(cp.status, cp.status)}{kind} | {cell(cp.reason)} | "
                     f"{len(cp.lapses)} | {len(cp.deviations)} | {len(cp.holes)} |")
    lines += ["", "## Deviations", ""]
    for x in result.deviations:
        lines.append(f"- **{x.control_id}** {cell(x.entity or '-')} ({x.check_id}): failing from {x.first_seen.day} "
                     f"({'fixed ' + str(x.fixed_in.day) if x.fixed_in else 'still open'}), {x.days_open} days "
                     f"against a deadline of {x.deadline_days}; first seen in snapshot `{x.first_seen.snapshot_id}` "
                     f"(manifest `{x.first_seen.manifest_sha256[:12]}`)"
                     + (f", fix seen in `{x.fixed_in.snapshot_id}`" if x.fixed_in else ""))
    if not result.deviations:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def period_svg(cp: ControlPeriod, start: date, end: date, width: int = 720, height: int = 22) -> str:
    """One control's period as a bar: verdict segments, deviations (red ticks above), holes (hatched)."""
    span = max((end - start).days + 1, 1)

    def x(d: date) -> float:
        return round(width * min(max((d - start).days, 0), span) / span, 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 8}" role="img" '
             f'aria-label="{escape(cp.control_id)} over the period">',
             '<defs><pattern id="h" width="4" height="4" patternUnits="userSpaceOnUse">'
             '<path d="M0,4 l4,-4" stroke="#555" stroke-width="1"/></pattern></defs>',
             f'<rect x="0" y="8" width="{width}" height="{height}" fill="#eee"/>']
    for s in cp.segments:
        if s.end < start or s.start > end:
            continue
        x0, x1 = x(s.start), x(s.end) + width / span
        parts.append(f'<rect x="{x0}" y="8" width="{max(x1 - x0, 1):.1f}" height="{height}" '
                     f'fill="{COLOURS.get(s.status, "#999")}"><title>{s.start}..{s.end}: '
                     f'{STATUS_LABELS.get(s.status, s.status)}</title></rect>')
    for h in cp.holes:
        x0, x1 = x(h.start), x(h.end) + width / span
        parts.append(f'<rect x="{x0}" y="8" width="{max(x1 - x0, 1):.1f}" height="{height}" fill="url(#h)">'
                     f'<title>no evidence {h.start}..{h.end} ({escape(h.check_id)})</title></rect>')
    for lapse in cp.lapses:
        colour = "#b71c1c" if lapse.deviation else "#1565c0"
        x0 = x(lapse.first_seen.day)
        x1 = x(lapse.fixed_in.day) if lapse.fixed_in else x(end) + width / span
        parts.append(f'<rect x="{x0}" y="0" width="{max(x1 - x0, 2):.1f}" height="6" fill="{colour}">'
                     f'<title>{escape(lapse.entity or "")}: {OUTCOME_LABELS[lapse.outcome]}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(report: TrendReport, width: int = 720, height: int = 180) -> str:
    """Readiness over time (overall and per category) and the forecast line to the target, as one SVG."""
    pts = [p for p in report.points if p.readiness is not None]
    if len(pts) < 2:
        return ""
    f = report.forecast
    first, last = pts[0].as_of, pts[-1].as_of
    end = max([last, *(d for d in (f.reach_on if f else None, f.target_audit_date if f else None) if d)])
    span = max((end - first).days, 1)

    def xy(d: date, v: float) -> str:
        return f"{40 + (width - 50) * (d - first).days / span:.1f},{10 + (height - 30) * (1 - v / 100):.1f}"

    palette = ["#37474f", "#1565c0", "#6a1b9a", "#00838f", "#ef6c00", "#2e7d32"]
    lines = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             'aria-label="readiness over time">',
             f'<line x1="40" y1="{height - 20}" x2="{width - 10}" y2="{height - 20}" stroke="#999"/>',
             f'<text x="0" y="14" font-size="10">100%</text><text x="8" y="{height - 20}" font-size="10">0%</text>']
    series = [("overall", [(p.as_of, p.readiness) for p in pts])]
    for cat in pts[-1].categories:
        series.append((cat, [(p.as_of, p.categories.get(cat)) for p in pts if p.categories.get(cat) is not None]))
    for n, (name, vals) in enumerate(series):
        path = " ".join(xy(d, float(v)) for d, v in vals if v is not None)
        lines.append(f'<polyline fill="none" stroke="{palette[n % len(palette)]}" stroke-width="{2 if n == 0 else 1}" '
                     f'points="{path}"><title>{escape(name)}</title></polyline>')
        lines.append(f'<text x="{width - 120}" y="{14 + 12 * n}" font-size="10" fill="{palette[n % len(palette)]}">'
                     f'{escape(name)}</text>')
    if f is not None and f.reach_on is not None and f.current is not None:
        lines.append(f'<polyline fill="none" stroke="#555" stroke-dasharray="4 3" points="{xy(last, f.current)} '
                     f'{xy(f.reach_on, f.target)}"><title>forecast</title></polyline>')
    if f is not None and f.target_audit_date is not None:
        x = xy(f.target_audit_date, 0).split(",")[0]
        lines.append(f'<line x1="{x}" y1="10" x2="{x}" y2="{height - 20}" stroke="#c62828" stroke-dasharray="2 2">'
                     f'<title>target audit date {f.target_audit_date}</title></line>')
    lines.append("</svg>")
    return "".join(lines)


def burn_svg(report: TrendReport, width: int = 720, height: int = 160) -> str:
    """Remediation burn-down: roadmap tasks still open (solid) against tasks planned to be open (dashed)."""
    pts = report.burn_down
    if len(pts) < 2 or report.baseline_tasks <= 0:
        return ""
    first, last = pts[0].day, pts[-1].day
    span = max((last - first).days, 1)
    top = max(report.baseline_tasks, *(p.open_tasks for p in pts), 1)

    def xy(d: date, v: int) -> str:
        return f"{40 + (width - 50) * (d - first).days / span:.1f},{10 + (height - 30) * (1 - v / top):.1f}"

    opened = " ".join(xy(p.day, p.open_tasks) for p in pts)
    planned = " ".join(xy(p.day, p.planned_open) for p in pts)
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        'aria-label="remediation burn-down">',
        f'<line x1="40" y1="{height - 20}" x2="{width - 10}" y2="{height - 20}" stroke="#999"/>',
        f'<text x="0" y="14" font-size="10">{top}</text><text x="20" y="{height - 20}" font-size="10">0</text>',
        f'<text x="40" y="{height - 4}" font-size="10">{first}</text>',
        f'<text x="{width - 80}" y="{height - 4}" font-size="10">{last}</text>',
        f'<polyline fill="none" stroke="#c62828" stroke-width="2" points="{opened}"><title>tasks still open'
        '</title></polyline>',
        f'<polyline fill="none" stroke="#555" stroke-dasharray="4 3" points="{planned}"><title>planned to be open '
        '(roadmap due dates)</title></polyline>',
        "</svg>"])


def period_html(result: PeriodResult, ctx: dict[str, Any], trend: TrendReport | None = None,
                expiry: list[Any] | None = None) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    env = Environment(loader=PackageLoader("trustgap.monitor", "templates"), autoescape=select_autoescape(),
                      keep_trailing_newline=True)
    controls = listed_controls(result)
    svgs = {cp.control_id: Markup(period_svg(cp, result.period_start, result.period_end))  # noqa: S704 - escaped
            for cp in controls}
    return env.get_template("period.html.j2").render(
        r=result, ctx=ctx, controls=controls, svgs=svgs, status_labels=STATUS_LABELS, kinds=GAP_KIND_LABELS,
        outcomes=OUTCOME_LABELS, colours=COLOURS, trend=trend,
        trend_svg=Markup(trend_svg(trend)) if trend else "",  # noqa: S704 - built from escaped parts
        expiry=[e for e in expiry or [] if e.state != "fresh"])


def trend_table(report: TrendReport, con: Any) -> None:
    from rich.table import Table

    con.print(f"{report.organisation}: {len(report.points)} day(s) of runs")
    if report.points:
        cats = list(report.points[-1].categories)
        t = Table("as of", "run", "readiness", *cats, title="Readiness over time")
        step = max(1, len(report.points) // 20)
        shown = report.points[::step] + ([report.points[-1]] if (len(report.points) - 1) % step else [])
        for p in shown:
            t.add_row(str(p.as_of), p.run_id, _pct(p.readiness), *(_pct(p.categories[c]) for c in cats))
        con.print(t)
    if report.burn_down:
        b = Table("day", "open tasks", "planned open", title=f"Burn-down against the roadmap of {report.baseline_run} "
                  f"({report.baseline_tasks} tasks)")
        step = max(1, len(report.burn_down) // 12)
        for bp in report.burn_down[::step]:
            b.add_row(str(bp.day), str(bp.open_tasks), str(bp.planned_open))
        con.print(b)
    f = report.forecast
    if f is not None:
        verdict = {True: "on track", False: "NOT on track", None: "cannot tell"}[f.on_track]
        con.print(f"{verdict}: {f.reason}")


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:g}%"
