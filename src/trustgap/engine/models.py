"""The stored shape of an assessment: what every face (CLI, reports, web app, exports) reads.

Serialised with :func:`AssessmentResult.to_json` (sorted keys, fixed separators) so that the same
inputs and as-of date give byte-identical JSON. Nothing here depends on the wall clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# the labels live on their own so that what prints a few stored rows needs no pydantic
from trustgap.engine.labels import GAP_KIND_LABELS as GAP_KIND_LABELS
from trustgap.engine.labels import STATUS_LABELS as STATUS_LABELS

# what a run records about each evidence item: kept on the floor below, where the evidence readers use it
from trustgap.evidence_items import ColumnUse as ColumnUse
from trustgap.evidence_items import ErrorInfo as ErrorInfo
from trustgap.evidence_items import EvidenceItem as EvidenceItem
from trustgap.evidence_items import FormatScore as FormatScore
from trustgap.evidence_items import SkippedRow as SkippedRow
from trustgap.evidence_items import Understanding as Understanding

VerdictStatus = Literal["implemented", "partial", "gap", "not_applicable", "not_assessed"]
GapKind = Literal["missing", "undocumented", "not_operating", "insufficient_evidence", "stale"]
Certainty = Literal["proven", "cannot_tell"]
STATUS_ORDER: tuple[str, ...] = ("gap", "partial", "not_assessed", "implemented", "not_applicable")


_STREAMED = 64  # lists of models longer than this are serialised item by item


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceLink(_M):
    sha256: str
    locator: str = ""
    name: str | None = None


class PromiseQuote(_M):
    key: str
    value: Any
    quote: str
    source: str
    origin: str
    ref: str | None = None
    locator: str = ""
    also: list[str] = Field(default_factory=list)  # other sources promising the same


class EntityOutcome(_M):
    entity_type: str
    entity: str
    status: Literal["pass", "fail", "partial"]
    reason: str
    evidence: list[EvidenceLink] = Field(default_factory=list)
    measured: dict[str, Any] | None = None


class CheckOutcome(_M):
    check_id: str
    title: str
    controls: list[str]
    criteria: list[str]
    severity: str
    category: str
    status: Literal["pass", "fail", "partial", "not_assessed", "not_applicable"]
    summary: str
    gap_kind: GapKind | None = None
    entities_total: int = 0
    entities_failing: int = 0
    passing: list[EntityOutcome] = Field(default_factory=list)  # the first few, for "where is the evidence"
    evidence: list[EvidenceLink] = Field(default_factory=list)  # distinct evidence the check read


class AnswerInfo(_M):
    status: str
    note: str | None = None
    evidence: list[str] = Field(default_factory=list)
    since: date | None = None
    last_performed: date | None = None
    answered_by: str | None = None
    answered_at: date | None = None
    question_id: str | None = None
    quote: str | None = None
    source: str = ""
    sha256: str | None = None


class Finding(_M):
    id: str  # stable: control/check/entity hash
    control_id: str
    check_id: str | None = None
    criteria: list[str]
    severity: str
    title: str
    gap_kind: GapKind | None = None
    entity_type: str | None = None
    entity: str | None = None
    reason: str
    evidence: list[EvidenceLink] = Field(default_factory=list)
    measured: dict[str, Any] | None = None
    remediation: str = ""
    promise: PromiseQuote | None = None  # what the organisation said it does, when practice differs
    answer: AnswerInfo | None = None
    # "proven": the evidence shows the entity breaking the requirement; "cannot_tell": the evidence is too thin
    # to say either way (insufficient evidence), never counted as a proven gap
    certainty: Certainty = "proven"
    conflicts: list[str] = Field(default_factory=list)  # sources that disagreed about the entity, newest chosen


class Verdict(_M):
    control_id: str
    title: str
    domain: str
    category: str  # policy / process / technical
    severity: str
    effort: str
    owner_role: str
    criteria: list[str]
    status: VerdictStatus
    gap_kind: GapKind | None = None
    reason: str
    checks: list[str] = Field(default_factory=list)
    answer: AnswerInfo | None = None
    evidence: list[EvidenceLink] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)  # finding ids
    evidence_requests: list[str] = Field(default_factory=list)
    test_methods: list[str] = Field(default_factory=list)
    # failures accepted by a documented, approved and unexpired exception ("<entity>: <exception>")
    accepted: list[str] = Field(default_factory=list)
    # for Gap / Partial: "cannot_tell" when every finding behind it is for want of evidence, not a proven breach
    certainty: Certainty | None = None
    # what decided an assessed verdict: "evidence" (an automated check had data) or "interview" (an answer alone)
    basis: Literal["evidence", "interview"] | None = None


class Counts(_M):
    implemented: int = 0
    partial: int = 0
    gap: int = 0
    not_applicable: int = 0
    not_assessed: int = 0
    # of the partial and gap controls, those resting only on "cannot tell" findings (insufficient evidence)
    cannot_tell: int = 0
    # of the assessed controls, those decided from evidence (an automated check had data) and those decided by an
    # interview answer alone; the rest of the in-scope controls are not assessed
    from_evidence: int = 0
    from_interview: int = 0

    @property
    def in_scope(self) -> int:
        return self.implemented + self.partial + self.gap + self.not_assessed

    @property
    def assessed(self) -> int:
        return self.implemented + self.partial + self.gap


class Readiness(_M):
    """Share of in-scope controls Implemented (Partial counts half). ``score`` is over every in-scope
    control (Not assessed counts as not ready); ``assessed_score`` over assessed ones only; both shown."""

    score: float | None
    assessed_score: float | None
    counts: Counts


class Rollup(_M):
    id: str
    title: str
    group: str = ""
    status: VerdictStatus
    readiness: Readiness
    controls: list[str] = Field(default_factory=list)


class EvidenceRequest(_M):
    control_id: str
    what: str
    requested_from: str | None = None
    source: str = ""


class AssessmentResult(_M):
    schema_version: int = 1
    tool_version: str
    catalog_version: str
    organisation: str
    as_of: date
    report_type: Literal["type1", "type2"]
    period_start: date | None = None
    period_end: date | None = None
    target_audit_date: date | None = None
    categories: list[str]
    scope: dict[str, Any]
    thresholds: dict[str, dict[str, Any]]
    threshold_conflicts: list[str] = Field(default_factory=list)
    evidence: list[EvidenceItem] = Field(default_factory=list)
    collection_issues: list[str] = Field(default_factory=list)  # "aws: reason" for each source not collected
    fact_counts: dict[str, int] = Field(default_factory=dict)
    checks: list[CheckOutcome] = Field(default_factory=list)
    verdicts: list[Verdict] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    criteria: list[Rollup] = Field(default_factory=list)
    category_rollups: list[Rollup] = Field(default_factory=list)
    frameworks: dict[str, list[Rollup]] = Field(default_factory=dict)
    readiness: Readiness
    evidence_requests: list[EvidenceRequest] = Field(default_factory=list)
    promises: list[PromiseQuote] = Field(default_factory=list)
    identity: dict[str, Any] | None = None  # people, accounts resolved per method, accounts resolved to no one
    conflicts: list[str] = Field(default_factory=list)  # evidence that disagreed, and which side was taken
    plan: dict[str, Any] | None = None  # roadmap, priorities, risk register (trustgap.plan)
    interview: dict[str, Any] | None = None  # interview progress summary (trustgap.interview)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, fixed separators), the same bytes as dumping the whole result as one dict."""
        return "".join(self.iter_json())

    def to_json_bytes(self) -> bytearray:
        """:meth:`to_json` encoded as UTF-8, built piece by piece: the text never exists as one string (which takes
        two or four bytes a character once one character is outside Latin-1) beside its encoding."""
        out = bytearray()
        for piece in self.iter_json():
            out += piece.encode("utf-8")
        return out

    def iter_json(self) -> Iterator[str]:
        """:meth:`to_json` in pieces: built field by field and a long list of models item by item, so the whole
        result never exists a second time as one dict."""
        big = {name for name in type(self).model_fields
               if isinstance(value := getattr(self, name), list) and len(value) > _STREAMED
               and all(isinstance(x, BaseModel) for x in value)}
        head = self.model_dump(mode="json", exclude=big)
        keys = sorted([*head, *big])
        yield "{"
        for i, key in enumerate(keys):
            yield ("," if i else "") + _canonical(key) + ":"
            if key not in big:
                yield _canonical(head.pop(key))
                continue
            yield "["
            for j, item in enumerate(getattr(self, key)):
                yield ("," if j else "") + _canonical(item.model_dump(mode="json"))
            yield "]"
        yield "}"

    @classmethod
    def from_json(cls, text: str) -> AssessmentResult:
        return cls.model_validate_json(text)

    def verdict(self, control_id: str) -> Verdict:
        for v in self.verdicts:
            if v.control_id == control_id:
                return v
        raise KeyError(control_id)

    def findings_for(self, control_id: str) -> list[Finding]:
        return [f for f in self.findings if f.control_id == control_id]
