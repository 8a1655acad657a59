"""Remediation tasks: one per in-scope control that is not Implemented, with what to do, who owns it,
how success is measured, and what closing it adds to readiness."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from trustgap.catalog.loader import Catalog
from trustgap.engine.models import AssessmentResult, Finding, Verdict
from trustgap.plan.data import PlanData
from trustgap.plan.prioritize import Scored, score_gap
from trustgap.plan.settings import PlanSettings

OPEN_STATUSES = ("gap", "partial", "not_assessed")
_PERSON = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


@dataclass(frozen=True)
class Owner:
    role: str
    name: str
    email: str | None

    @property
    def label(self) -> str:
        return self.name if self.name != self.role else self.role.replace("_", " ")


def owner_of(role: str, roles: dict[str, str]) -> Owner:
    """The person behind a role in the scope file ("Name <email>"), or the role itself."""
    person = roles.get(role)
    if not person:
        return Owner(role, role, None)
    m = _PERSON.match(person)
    if m:
        return Owner(role, m["name"] or m["email"], m["email"])
    if "@" in person and " " not in person.strip():
        return Owner(role, person.strip(), person.strip())
    return Owner(role, person.strip(), None)


@dataclass
class Task:
    control_id: str
    title: str
    status: str
    kind: str  # gap kind, or "not_assessed"
    severity: str
    effort: str
    category: str
    domain: str
    criteria: list[str]
    owner: Owner
    action: str
    success_measure: str
    findings: int
    readiness_added: float
    scored: Scored
    preferred_phase: int
    depends_on: list[str] = field(default_factory=list)
    phase: int | None = None
    start: date | None = None
    due: date | None = None
    phase_reason: str = ""

    @property
    def score(self) -> float:
        return self.scored.score


def _kind(v: Verdict) -> str:
    if v.status == "not_assessed":
        return "not_assessed"
    if v.gap_kind:
        return v.gap_kind
    return "missing" if v.status == "gap" else "insufficient_evidence"


def _action(v: Verdict, requirement: str, findings: list[Finding]) -> str:
    remedies: list[str] = []
    for f in findings:
        text = f.remediation.strip()
        if text and text not in remedies:
            remedies.append(text)
    main = " ".join(remedies[:2]) if remedies else requirement
    if v.status == "not_assessed":
        return (f"Find out whether this is in place (answer the interview questions or add the evidence); "
                f"if it is not: {main}")
    return main


def _success(v: Verdict, kind: str, evidence: list[str], findings: list[Finding], cadence: int | None) -> str:
    inspect = "; ".join(evidence[:3]) or "the records the control produces"
    entities = [f for f in findings if f.entity and f.entity_type != "control"]
    if kind == "not_operating" and entities:
        what = f"all {len(entities)} entities at fault fixed and practice matching what is promised"
    elif kind == "not_operating":
        what = "practice matches what the policy or the answer promises"
    elif kind == "stale":
        when = f"within its {cadence}-month cadence" if cadence else "within its cadence"
        what = f"performed again {when}, with a dated record"
    elif kind == "undocumented":
        what = "written down and approved, naming the owner and how often it runs"
    elif kind == "insufficient_evidence":
        what = "evidence an auditor can inspect is in the evidence folder"
    elif kind == "not_assessed":
        what = "answered, with evidence an auditor can inspect"
    else:
        what = "in place and evidenced"
    return f"{v.control_id}: {what}; an auditor can inspect: {inspect}; the next trustgap run shows it Implemented"


def _readiness_added(v: Verdict, in_scope: int) -> float:
    if not in_scope:
        return 0.0
    now = 0.5 if v.status == "partial" else 0.0
    return round(100 * (1 - now) / in_scope, 2)


def build_tasks(result: AssessmentResult, cat: Catalog, settings: PlanSettings, data: PlanData,
                roles: dict[str, str]) -> tuple[list[Task], list[Verdict]]:
    """Tasks for open controls, and the open verdicts a decision took off the roadmap (for the register)."""
    by_control: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_control.setdefault(f.control_id, []).append(f)
    in_scope = result.readiness.counts.in_scope
    tasks: list[Task] = []
    decided: list[Verdict] = []
    for v in result.verdicts:
        if v.status not in OPEN_STATUSES:
            continue
        if v.status == "not_assessed" and not settings.include_not_assessed:
            continue
        decision = settings.decisions.get(v.control_id)
        if decision is not None and decision.treatment != "mitigate":
            decided.append(v)
            continue
        ctl = cat.control(v.control_id) if cat.has_control(v.control_id) else None
        findings = by_control.get(v.control_id, [])
        kind = _kind(v)
        scored = score_gap(data, settings, control_id=v.control_id, kind=kind, severity=v.severity, effort=v.effort,
                           criteria=len(v.criteria), entities_at_fault=len(findings), test_methods=v.test_methods)
        role = settings.owners.get(v.control_id, v.owner_role)
        tasks.append(Task(
            control_id=v.control_id,
            title=v.title,
            status=v.status,
            kind=kind,
            severity=v.severity,
            effort=v.effort,
            category=v.category,
            domain=v.domain,
            criteria=list(v.criteria),
            owner=owner_of(role, roles),
            action=_action(v, ctl.requirement if ctl else v.title, findings),
            success_measure=_success(v, kind, list(ctl.evidence) if ctl else [], findings,
                                     ctl.cadence_months if ctl else None),
            findings=len(findings),
            readiness_added=_readiness_added(v, in_scope),
            scored=scored,
            preferred_phase=data.phase_of(v.control_id, v.category),
        ))
    return tasks, decided
