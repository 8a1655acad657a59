"""The report's view of a stored result: grouping and ordering for presentation only.

Nothing here decides a verdict; it arranges what the engine stored so templates stay free of logic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from trustgap.catalog.loader import load_catalog
from trustgap.engine.models import GAP_KIND_LABELS, STATUS_LABELS, AssessmentResult, Finding, Verdict

SEVERITIES = ("critical", "high", "medium", "low")
MAX_ENTITIES_PER_GROUP = 50


@dataclass
class FindingGroup:
    """Findings of one check (or one control's answer) at one severity."""

    key: str
    title: str
    severity: str
    control_ids: list[str]
    criteria: list[str]
    gap_kind: str | None
    remediation: str
    findings: list[Finding]
    total: int
    promise: Any = None

    @property
    def hidden(self) -> int:
        return self.total - len(self.findings)


@dataclass
class MatrixRow:
    criterion: str
    criterion_title: str
    verdict: Verdict
    first: bool  # first row of its criterion (for grouping)


@dataclass
class ReportView:
    result: AssessmentResult
    run_id: str | None
    groups_by_severity: dict[str, list[FindingGroup]] = field(default_factory=dict)
    matrix: list[MatrixRow] = field(default_factory=list)
    implemented: list[Verdict] = field(default_factory=list)
    not_assessed: list[Verdict] = field(default_factory=list)
    not_applicable: list[Verdict] = field(default_factory=list)
    severity_counts: dict[str, int] = field(default_factory=dict)
    evidence_names: dict[str, str] = field(default_factory=dict)
    evidence_status: dict[str, int] = field(default_factory=dict)
    category_titles: dict[str, str] = field(default_factory=dict)
    status_labels: dict[str, str] = field(default_factory=lambda: dict(STATUS_LABELS))
    gap_kind_labels: dict[str, str] = field(default_factory=lambda: dict(GAP_KIND_LABELS))
    framework_summary: dict[str, dict[str, Any]] = field(default_factory=dict)
    framework_titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, requirement label)
    interview_line: str | None = None
    evidence_words: dict[str, str] = field(default_factory=lambda: {
        "answers": "answers file(s)", "scope": "scope file", "parsed": "parsed", "failed": "failed",
        "parsed_with_errors": "parsed with errors", "not_recognised": "not recognised"})
    method: list[str] = field(default_factory=list)


def interview_line(summary: dict[str, Any] | None) -> str | None:
    """One sentence on where the interview stands (``AssessmentResult.interview``)."""
    if not summary:
        return None
    of = f" of {summary['questions']} questions" if summary.get("questions") else ""
    who = f" by {', '.join(summary['answered_by'])}" if summary.get("answered_by") else ""
    when = f", last on {summary['last_answer']}" if summary.get("last_answer") else ""
    state = "completed" if summary.get("completed") else "in progress (trustgap interview goes on from there)"
    return (f"Interview ({summary.get('file')}): {summary.get('answered', 0)} answers{of}{who}{when}, "
            f"{summary.get('dont_know', 0)} \u201cdon't know\u201d, {summary.get('skipped', 0)} skipped; {state}.")


def method_notes(result: AssessmentResult) -> list[str]:
    """How the verdicts were reached, for readers who were not there (auditors, consultants)."""
    if result.report_type == "type2":
        when = (f"Evaluated as of {result.as_of} for a Type II report over {result.period_start} to "
                f"{result.period_end}: recurring activities (reviews, tests, training, assessments) must have "
                "happened in every cadence window of the period, and the changes and leavers of the whole period "
                "are judged.")
    else:
        when = f"Evaluated as of {result.as_of} for a Type I report: each control must be in place on that date."
    return [
        when + " The same inputs and date always give the same result.",
        "Automated checks decide first, from the evidence listed below (each finding names the file, row or API "
        "call and its sha256). Configuration evidence (accounts, settings, scanner results) is judged as of the "
        "date it was exported or collected.",
        "Where no check decides, answers decide (inquiry evidence, with who answered and when). An answered "
        "\u201cyes\u201d counts as implemented only with evidence an auditor can inspect; \u201cdon't know\u201d "
        "stays Not assessed.",
        "Where a policy or an answer promises a cadence or threshold and the evidence shows otherwise, the control "
        "is a Gap of kind not operating, and the finding quotes both sides.",
        "Readiness is (Implemented + \u00bd Partial) divided by the in-scope controls; Not assessed controls count "
        "as not passing and are listed apart.",
    ]


def build_view(result: AssessmentResult, run_id: str | None = None,
               max_entities: int = MAX_ENTITIES_PER_GROUP) -> ReportView:
    view = ReportView(result=result, run_id=run_id)
    view.evidence_names = {e.sha256: e.name for e in result.evidence if e.sha256}
    view.interview_line = interview_line(result.interview)
    view.method = method_notes(result)
    for e in result.evidence:
        view.evidence_status[e.status] = view.evidence_status.get(e.status, 0) + 1

    grouped: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        grouped[(f.severity, f.check_id or f"answer:{f.control_id}")].append(f)
    for sev in SEVERITIES:
        groups = []
        for (s, key), items in sorted(grouped.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if s != sev:
                continue
            first = items[0]
            groups.append(FindingGroup(
                key=key, title=first.title, severity=sev,
                control_ids=sorted({f.control_id for f in items}), criteria=first.criteria,
                gap_kind=first.gap_kind, remediation=first.remediation, findings=items[:max_entities],
                total=len(items), promise=first.promise,
            ))
        groups.sort(key=lambda g: (-g.total, g.key))
        view.groups_by_severity[sev] = groups
        view.severity_counts[sev] = sum(g.total for g in groups)

    by_control = {v.control_id: v for v in result.verdicts}
    crit_titles = {c.id: c.title for c in result.criteria}
    for ru in result.criteria:
        first_row = True
        for cid in ru.controls:
            verdict = by_control.get(cid)
            if verdict is None:
                continue
            view.matrix.append(MatrixRow(ru.id, crit_titles.get(ru.id, ""), verdict, first_row))
            first_row = False
    view.implemented = [v for v in result.verdicts if v.status == "implemented"]
    view.not_assessed = [v for v in result.verdicts if v.status == "not_assessed"]
    view.not_applicable = [v for v in result.verdicts if v.status == "not_applicable"]
    view.category_titles = {r.id: r.title for r in result.category_rollups}
    frameworks = load_catalog().frameworks
    for name, rollups in result.frameworks.items():
        fw = frameworks.get(name)
        view.framework_titles[name] = (fw.name, fw.requirement_label) if fw else (name, "requirements")
        statuses: dict[str, int] = defaultdict(int)
        for r in rollups:
            statuses[r.status] += 1
        view.framework_summary[name] = {"mapped": len(rollups), "statuses": dict(statuses)}
    return view


def short_sha(sha: str) -> str:
    return sha[:12]
