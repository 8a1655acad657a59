"""Reports for people and machines, all rendered from a stored :class:`AssessmentResult`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustgap.errors import TrustgapError

if TYPE_CHECKING:
    from trustgap.engine.models import AssessmentResult

FORMATS = ("html", "md", "json")


def render(result: AssessmentResult, fmt: str, *, run_id: str | None = None, store_url: str | None = None) -> str:
    """Render a result in one of FORMATS. Reports never recompute verdicts: they only present them.

    With ``store_url`` and the stored run's ``run_id``, the HTML report also shows Type II over the period from
    the organisation's monitoring snapshots and the trend and forecast over its runs (when there are any)."""
    if fmt == "json":
        return result.to_json() + "\n"
    if fmt in ("md", "markdown"):
        from trustgap.report.markdown import render_markdown

        return render_markdown(result, run_id=run_id)
    if fmt == "html":
        from trustgap.report.html import render_html

        monitoring = None
        if store_url is not None and run_id is not None:
            from trustgap.report.monitoring import build_monitoring

            monitoring = build_monitoring(result, run_id, store_url=store_url)
        return render_html(result, run_id=run_id, monitoring=monitoring)
    raise TrustgapError(f"unknown report format {fmt!r} (use one of {', '.join(FORMATS)})")
