"""Per Trust Services category, how many controls were decided from evidence, by an interview answer alone, or not
assessed: computed on the verdicts and rollups, shown by every report."""

from __future__ import annotations

import io

from rich.console import Console

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.models import Verdict
from trustgap.engine.rollup import counts_of
from trustgap.report.html import render_html
from trustgap.report.markdown import render_markdown
from trustgap.report.summary import print_summary


def _v(cid: str, status: str, basis: str | None) -> Verdict:
    return Verdict(control_id=cid, title=cid, domain="d", category="process", severity="low", effort="S",
                   owner_role="x", criteria=["A1.1"], status=status, reason="r", basis=basis)  # type: ignore[arg-type]


def test_counts_split_by_what_decided_them() -> None:
    c = counts_of([_v("A", "implemented", "evidence"), _v("B", "gap", "evidence"), _v("C", "partial", "interview"),
                   _v("D", "not_assessed", None), _v("E", "not_applicable", None)])
    assert (c.from_evidence, c.from_interview, c.not_assessed, c.in_scope) == (2, 1, 1, 4)


def test_demo_reports_each_category_decided_from_evidence() -> None:
    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False)
    assert result.categories == ["security", "availability", "confidentiality", "processing_integrity", "privacy"]
    by_cat = {r.id: r.readiness.counts for r in result.category_rollups}
    for cat in ("availability", "processing_integrity"):
        n = by_cat[cat]
        assert n.from_evidence > n.not_assessed, (cat, n)  # the evidence in the folder decides most of it
        assert n.from_evidence + n.from_interview + n.not_assessed == n.in_scope
    decided = {v.control_id: v.basis for v in result.verdicts}
    assert decided["PI-04"] == "evidence" and decided["AV-07"] == "evidence"
    md = render_markdown(result)
    pi = by_cat["processing_integrity"]
    assert "Decided from evidence" in md and f"| {pi.from_evidence} of {pi.in_scope} |" in md
    assert f"decided from evidence: {pi.from_evidence} of {pi.in_scope}" in render_html(result)
    out = io.StringIO()
    print_summary(Console(file=out, width=200), result)
    assert "from evidence" in out.getvalue() and f"{pi.from_evidence} of {pi.in_scope}" in out.getvalue()
