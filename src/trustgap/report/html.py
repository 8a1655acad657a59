"""One self-contained HTML report (inline CSS and SVG; opens without a network)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape

from trustgap.engine.models import AssessmentResult
from trustgap.report import charts
from trustgap.report.view import build_view


def _env() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["fmt_pct"] = lambda x: "n/a" if x is None else f"{x:.0f}%"
    return env


def _template(name: str) -> str:
    return (resources.files("trustgap.report") / "templates" / name).read_text(encoding="utf-8")


def render_plan_html(result: AssessmentResult) -> str:
    """The roadmap / risk register section, when the run has a plan."""
    if not result.plan:
        return ""
    from trustgap.report.charts_plan import plan_context

    env = _env()
    return env.from_string(_template("_plan.html.j2")).render(plan=result.plan, **plan_context(result.plan))


def render_monitoring_html(monitoring: Any, view: Any) -> str:
    """The Type II over the period and trend section, when the stored run has monitoring to show."""
    if monitoring is None:
        return ""
    return _env().from_string(_template("_monitoring.html.j2")).render(m=monitoring, v=view)


def render_html(result: AssessmentResult, run_id: str | None = None,
                monitoring: Any = None) -> str:
    from trustgap.catalog.loader import load_catalog

    view = build_view(result, run_id)
    cat = load_catalog()
    in_scope = [c for c in result.criteria if c.group in result.categories]
    matrix = [row for row in view.matrix if row.verdict.status != "not_applicable" or
              any(c in {x.id for x in in_scope} for c in row.verdict.criteria)]
    env = _env()
    return env.from_string(_template("report.html.j2")).render(
        r=result,
        v=view,
        charts=charts,
        in_scope_criteria=in_scope,
        matrix_rows=[row for row in matrix if row.criterion in {c.id for c in in_scope}],
        catalog_evidence={c.id: c.evidence for c in cat.controls},
        plan_html=render_plan_html(result),
        monitoring_html=render_monitoring_html(monitoring, view),
    )
