"""What the interview knows before it asks: the evidence collected once, and the assessment of it.

The evidence folder and any control-keyed answers files are read once (by
:func:`trustgap.assessment_interview.interview_context`, through the assessment's own gathering); every
summary during the conversation re-runs the assessment it was given over those sources plus the answers
given so far, so the verdicts shown are the engine's own, never a second copy of its rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from trustgap.catalog.loader import Catalog
from trustgap.engine.models import AssessmentResult, Verdict
from trustgap.evidence.ingest import SourceOutput
from trustgap.interview.answers import build_assertions
from trustgap.interview.bank import QuestionBank
from trustgap.interview.record import InterviewRecord
from trustgap.interview.session import EvidenceFinding
from trustgap.scope import LoadedScope
from trustgap.thresholds import Promise

# (sources, promises) -> the assessment of those sources, as the assessment pipeline computes it
Assess = Callable[[SourceOutput, Sequence[Promise]], AssessmentResult]

_WITH_DATA = frozenset({"pass", "fail", "partial"})


@dataclass
class InterviewContext:
    loaded: LoadedScope
    sources: SourceOutput
    as_of: date
    catalog: Catalog
    bank: QuestionBank
    assess: Assess
    file_promises: list[Promise] = field(default_factory=list)
    baseline: AssessmentResult | None = None

    @property
    def organisation(self) -> str:
        return self.loaded.scope.organisation.name

    @property
    def evidence_names(self) -> set[str]:
        return {i.name for i in self.sources.items if i.sha256}

    def assess_with(self, record: InterviewRecord | None) -> AssessmentResult:
        """The assessment of the collected evidence plus the interview answers given so far."""
        assertions, promises = build_assertions(self.bank, record) if record else ([], [])
        sources = replace(self.sources, assertions=[*self.sources.assertions, *assertions])
        return self.assess(sources, [*self.file_promises, *promises])

    def decided_by_evidence(self) -> dict[str, EvidenceFinding]:
        """Controls whose automated checks ran on data and gave a verdict (no question needs to decide them)."""
        result = self.baseline or self.assess_with(None)
        with_data = {c.check_id for c in result.checks if c.status in _WITH_DATA}
        out: dict[str, EvidenceFinding] = {}
        for v in result.verdicts:
            ran = [c for c in v.checks if c in with_data]
            if ran and v.status not in ("not_assessed", "not_applicable"):
                out[v.control_id] = EvidenceFinding(v.control_id, v.status, v.reason, ran)
        return out

    def out_of_scope(self) -> set[str]:
        """Controls Not applicable before any question (category not in scope, the scope file or an answers
        file says so)."""
        result = self.baseline or self.assess_with(None)
        return {v.control_id for v in result.verdicts if v.status == "not_applicable"}

    def verdicts(self, result: AssessmentResult) -> dict[str, Verdict]:
        return {v.control_id: v for v in result.verdicts}
