"""What the interview knows before it asks: the evidence collected once, and the assessment of it.

The evidence folder and any control-keyed answers files are read once; every summary during the
conversation re-runs :func:`trustgap.assessment.assess` over those sources plus the answers given so far,
so the verdicts shown are the engine's own, never a second copy of its rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from trustgap.assessment import assess, load_answer_files
from trustgap.catalog.loader import Catalog, load_catalog
from trustgap.engine.models import AssessmentResult, Verdict
from trustgap.errors import InputError
from trustgap.evidence.ingest import SourceOutput, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.interview.answers import build_assertions
from trustgap.interview.bank import QuestionBank, load_bank
from trustgap.interview.record import InterviewRecord
from trustgap.interview.session import EvidenceFinding
from trustgap.scope import LoadedScope, load_scope
from trustgap.thresholds import Promise

_WITH_DATA = frozenset({"pass", "fail", "partial"})


@dataclass
class InterviewContext:
    loaded: LoadedScope
    sources: SourceOutput
    as_of: date
    catalog: Catalog
    bank: QuestionBank
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
        return assess(self.loaded, sources, as_of=self.as_of, extra_promises=[*self.file_promises, *promises],
                      catalog=self.catalog)

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


def build_context(scope_path: Path, *, evidence_dir: Path | None, answers: Sequence[Path] = (), as_of: date,
                  store: EvidenceStore | None = None, bank: QuestionBank | None = None) -> InterviewContext:
    """Read scope, evidence and control-keyed answers once, and assess them (the baseline)."""
    from trustgap import config

    loaded = load_scope(scope_path)
    cat = load_catalog()
    ev_store = store or EvidenceStore(config.evidence_dir())
    sources = SourceOutput()
    if evidence_dir is not None:
        if not evidence_dir.is_dir():
            raise InputError(str(evidence_dir), "evidence folder not found")
        from trustgap.evidence.mapping_registry import organisation_parsers

        parsers, _ = organisation_parsers(scope_path.parent)
        sources.merge(ingest_folder(evidence_dir, store=ev_store, as_of=as_of, options=loaded.scope.parsers,
                                    skip=[scope_path, *answers], parsers=parsers))
    a, p, items = load_answer_files(list(answers), cat, ev_store)
    for item in items:
        for err in item.errors:
            raise InputError(err.path, err.message, line=err.line, field=err.field)
    sources.assertions.extend(a)
    sources.items.extend(items)
    ctx = InterviewContext(loaded=loaded, sources=sources, as_of=as_of, catalog=cat, bank=bank or load_bank(),
                           file_promises=p)
    ctx.baseline = ctx.assess_with(None)
    return ctx
