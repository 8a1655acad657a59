"""One self-contained HTML report (inline CSS and SVG; opens without a network)."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined, Template, select_autoescape

from trustgap.engine.models import AssessmentResult
from trustgap.report import charts
from trustgap.report.view import FindingDigest, build_view, common_evidence, shared_reason, strip_promise


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept between runs (Jinja's per-user cache folder, private to the user; the source's
    checksum is checked on every load), so a report does not compile its templates again each time."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no safe folder for it: compile every time
        return None


@functools.cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("trustgap.report", "templates"), bytecode_cache=_bytecode_cache(),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["fmt_pct"] = lambda x: "n/a" if x is None else f"{x:.0f}%"
    env.globals["shared_reason"] = shared_reason
    env.globals["common_evidence"] = common_evidence
    env.globals["strip_promise"] = strip_promise
    return env


def _template(name: str) -> Template:
    return _env().get_template(name)


def render_plan_html(result: AssessmentResult) -> str:
    """The roadmap / risk register section, when the run has a plan."""
    if not result.plan:
        return ""
    from trustgap.report.charts_plan import plan_context

    return _template("_plan.html.j2").render(plan=result.plan, **plan_context(result.plan))


def render_monitoring_html(monitoring: Any, view: Any) -> str:
    """The Type II over the period and trend section, when the stored run has monitoring to show."""
    if monitoring is None:
        return ""
    return _template("_monitoring.html.j2").render(m=monitoring, v=view)


def render_html(result: AssessmentResult, run_id: str | None = None,
                monitoring: Any = None, findings: FindingDigest | None = None) -> str:
    """``findings``: the digest of the run's findings when ``result`` is a stored run's outline (without them)."""
    from trustgap.catalog.loader import load_catalog

    view = build_view(result, run_id, findings=findings)
    cat = load_catalog()
    in_scope = [c for c in result.criteria if c.group in result.categories]
    matrix = [row for row in view.matrix if row.verdict.status != "not_applicable" or
              any(c in {x.id for x in in_scope} for c in row.verdict.criteria)]
    return _template("report.html.j2").render(
        r=result,
        v=view,
        charts=charts,
        in_scope_criteria=in_scope,
        matrix_rows=[row for row in matrix if row.criterion in {c.id for c in in_scope}],
        catalog_evidence={c.id: c.evidence for c in cat.controls},
        plan_html=render_plan_html(result),
        monitoring_html=render_monitoring_html(monitoring, view),
    )
