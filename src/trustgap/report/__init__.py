"""Reports for people and machines, all rendered from a stored :class:`AssessmentResult`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trustgap.errors import TrustgapError

if TYPE_CHECKING:
    from trustgap.engine.models import AssessmentResult

FORMATS = ("html", "md", "json")


def render(result: AssessmentResult, fmt: str, *, run_id: str | None = None, monitoring: Any = None) -> str:
    """Render a result in one of FORMATS. Reports never recompute verdicts: they only present them.

    ``monitoring`` (a :class:`trustgap.report.monitoring.MonitoringSection`, built by the caller with
    :func:`trustgap.report.monitoring.build_monitoring` for a stored run) adds Type II over the period and the
    trend and forecast to the HTML report."""
    if fmt == "json":
        return result.to_json() + "\n"
    if fmt in ("md", "markdown"):
        from trustgap.report.markdown import render_markdown

        return render_markdown(result, run_id=run_id)
    if fmt == "html":
        from trustgap.report.html import render_html

        return render_html(result, run_id=run_id, monitoring=monitoring)
    raise TrustgapError(f"unknown report format {fmt!r} (use one of {', '.join(FORMATS)})")
