"""The report's view of a stored result: grouping and ordering for presentation only.

Nothing here decides a verdict; it arranges what the engine stored so templates stay free of logic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
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
class ControlGroup:
    """Every finding of one control: its promise quoted once, then the entities at fault check by check."""

    control_id: str
    title: str
    severity: str  # the most severe of its findings
    criteria: list[str]
    promise: Any
    checks: list[FindingGroup]
    total: int

    @property
    def search_text(self) -> str:
        """What the report's filter box matches: ids, titles, entities (lower case)."""
        words = [self.control_id, self.title, *self.criteria]
        for g in self.checks:
            words += [g.title, g.key, *(f.entity or "" for f in g.findings)]
        return " ".join(words).lower()


@dataclass
class FindingSample:
    """One group of a run's findings: how many in all, the most severe of them, the controls they fall under, and
    the first ``max_entities`` in stored order (the only ones a report shows)."""

    total: int
    severity: str
    control_ids: list[str]
    first: list[Finding]


@dataclass
class FindingDigest:
    """What a report shows of a run's findings, grouped by (control, check) and by (severity, check), without
    holding every finding: a 10,000-person run has tens of thousands, and the report names the first few of each
    group and counts the rest (all are in the JSON and XLSX exports)."""

    by_control: dict[tuple[str, str], FindingSample]
    by_severity: dict[tuple[str, str], FindingSample]
    total: int


FindingKey = tuple[int, str, str | None, str]  # (stored position, control, check, severity)
GroupCount = tuple[str, str | None, str, int, int]  # (control, check, severity, how many, first stored position)


def group_key(control_id: str, check_id: str | None) -> str:
    """The check a finding belongs to, or its control's answer when no check made it."""
    return check_id or f"answer:{control_id}"


def digest_findings(groups: Iterable[GroupCount], samples: Iterable[FindingKey],
                    fetch: Callable[[list[int]], Mapping[int, Finding]],
                    max_entities: int = MAX_ENTITIES_PER_GROUP) -> FindingDigest:
    """The digest of a run's findings from their counts per (control, check, severity) and the keys of (at least)
    the first ``max_entities`` findings of each (control, check) and each (severity, check), in any order;
    ``fetch`` returns the findings at the positions the report shows, so only those are read whole."""
    ctl: dict[tuple[str, str], list[Any]] = {}  # -> [count, (rank, first position, severity), positions]
    sev: dict[tuple[str, str], list[Any]] = {}  # -> [count, controls, positions]
    total = 0
    for control_id, check_id, severity, n, first in groups:
        total += n
        key = group_key(control_id, check_id)
        c = ctl.setdefault((control_id, key), [0, None, []])
        c[0] += n
        worst = (_severity_rank(severity), first, severity)  # the most severe; of equals, the first found
        if c[1] is None or worst < c[1]:
            c[1] = worst
        g = sev.setdefault((severity, key), [0, set(), []])
        g[0] += n
        g[1].add(control_id)
    for position, control_id, check_id, severity in sorted(samples):
        key = group_key(control_id, check_id)
        for shown in (ctl[(control_id, key)][2], sev[(severity, key)][2]):
            if len(shown) < max_entities:
                shown.append(position)
    wanted = sorted({p for d in (ctl, sev) for entry in d.values() for p in entry[2]})
    found = fetch(wanted) if wanted else {}
    return FindingDigest(
        by_control={k: FindingSample(n, worst[2], [k[0]], [found[p] for p in ps])
                    for k, (n, worst, ps) in ctl.items()},
        by_severity={k: FindingSample(n, k[0], sorted(cids), [found[p] for p in ps])
                     for k, (n, cids, ps) in sev.items()},
        total=total)


def digest_of(findings: list[Finding], max_entities: int = MAX_ENTITIES_PER_GROUP) -> FindingDigest:
    """The digest of findings held in memory (a result just assessed, or read whole)."""
    counts: dict[tuple[str, str | None, str], list[int]] = {}
    for i, f in enumerate(findings):
        counts.setdefault((f.control_id, f.check_id, f.severity), [0, i])[0] += 1
    groups = [(c, k, s, n, first) for (c, k, s), (n, first) in counts.items()]
    keys = ((i, f.control_id, f.check_id, f.severity) for i, f in enumerate(findings))
    return digest_findings(groups, keys, lambda positions: {p: findings[p] for p in positions}, max_entities)


def shared_reason(findings: list[Finding]) -> str | None:
    """The reason every finding of a group gives, when they all give the same one (then it is said once)."""
    reasons = {strip_promise(f) for f in findings}
    return reasons.pop() if len(reasons) == 1 and len(findings) > 1 else None


def common_evidence(findings: list[Finding]) -> list[tuple[str, str]] | None:
    """(name, sha256) of the files every finding of a group rests on, when they all rest on the same ones: then
    each file is named once and each row gives only its place in it (row, line or call)."""
    sets = {tuple(sorted({(e.name or "", e.sha256) for e in f.evidence})) for f in findings}
    if len(sets) != 1 or len(findings) < 2:
        return None
    files = list(sets.pop())
    return files or None


def strip_promise(f: Finding) -> str:
    """A finding's reason without the ``(promised: ...)`` tail when the promise is quoted apart."""
    return f.reason.split(" (promised: ", 1)[0] if f.promise else f.reason


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
    controls_by_severity: dict[str, list[ControlGroup]] = field(default_factory=dict)
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
    finding_total: int = 0


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


def build_view(result: AssessmentResult, run_id: str | None = None, max_entities: int = MAX_ENTITIES_PER_GROUP,
               findings: FindingDigest | None = None) -> ReportView:
    """``findings``: the digest of the run's findings when ``result`` does not hold them (a stored run's outline)."""
    view = ReportView(result=result, run_id=run_id)
    digest = findings if findings is not None else digest_of(result.findings, max_entities)
    view.finding_total = digest.total
    view.evidence_names = {e.sha256: e.name for e in result.evidence if e.sha256}
    view.interview_line = interview_line(result.interview)
    view.method = method_notes(result)
    for e in result.evidence:
        view.evidence_status[e.status] = view.evidence_status.get(e.status, 0) + 1

    for sev in SEVERITIES:
        groups = []
        for (s, key), sample in sorted(digest.by_severity.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if s != sev:
                continue
            first = sample.first[0]
            groups.append(FindingGroup(
                key=key, title=first.title, severity=sev, control_ids=sample.control_ids, criteria=first.criteria,
                gap_kind=first.gap_kind, remediation=first.remediation, findings=sample.first,
                total=sample.total, promise=first.promise,
            ))
        groups.sort(key=lambda g: (-g.total, g.key))
        view.groups_by_severity[sev] = groups
        view.severity_counts[sev] = sum(g.total for g in groups)

    by_control = {v.control_id: v for v in result.verdicts}
    view.controls_by_severity = control_groups(digest, by_control)
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


def control_groups(digest: FindingDigest, verdicts: dict[str, Verdict]) -> dict[str, list[ControlGroup]]:
    """The findings gathered by control (then by check), each control under its most severe finding."""
    per_control: dict[str, list[FindingGroup]] = defaultdict(list)
    for (cid, key), sample in sorted(digest.by_control.items(), key=lambda kv: kv[0]):
        first = sample.first[0]
        per_control[cid].append(FindingGroup(
            key=key, title=first.title, severity=sample.severity, control_ids=[cid], criteria=first.criteria,
            gap_kind=first.gap_kind, remediation=first.remediation, findings=sample.first, total=sample.total,
            promise=first.promise))
    out: dict[str, list[ControlGroup]] = {sev: [] for sev in SEVERITIES}
    for cid, groups in per_control.items():
        groups.sort(key=lambda g: (_severity_rank(g.severity), -g.total, g.key))
        sev = groups[0].severity
        verdict = verdicts.get(cid)
        promise = next((g.promise for g in groups if g.promise), None)
        out.setdefault(sev, []).append(ControlGroup(
            control_id=cid, title=verdict.title if verdict else groups[0].title, severity=sev,
            criteria=sorted({c for g in groups for c in g.criteria}), promise=promise, checks=groups,
            total=sum(g.total for g in groups)))
    for groups_of in out.values():
        groups_of.sort(key=lambda c: (-c.total, c.control_id))
    return out


def _severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def short_sha(sha: str) -> str:
    return sha[:12]
