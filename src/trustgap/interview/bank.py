"""The question bank: the questions that decide each control, kept as data beside the catalog.

``interview/data/questions.yaml`` lists questions in the order they are asked within a domain. A question
belongs to one control and is one of five kinds:

- ``yes_no_partly``: answers ``yes`` / ``partly`` / ``no`` (by default Implemented / Partial / Gap);
- ``choice``: one of the listed ``choices``;
- ``date`` (YYYY-MM-DD), ``number`` and ``text``.

Every kind also accepts "don't know" (``dont_know``), which never counts as passing. A question *decides*
its control when it has a verdict for some answer (``yes_no_partly`` questions always do); ``verdicts``
maps an answer to ``{status, gap_kind, note}``. ``follow_ups`` open further questions on given answers
(yes -> how often? -> when was the last one? -> who reviewed and where is the record?). ``sets`` stores a
date answer as the control's ``since`` or ``last_performed``. ``threshold`` names a field of
:class:`trustgap.thresholds.Thresholds`: the answer becomes a promise the evidence is then measured
against ("quarterly" -> ``access_review_cadence_months`` = 3). ``evidence`` says what would confirm the
answer; the conversation asks for it as a file path or "will provide".

The bank is validated on load: unknown controls, thresholds, follow-ups or verdict answers are errors
naming the file line.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from trustgap.catalog.loader import DOMAIN_ORDER, Catalog, load_catalog
from trustgap.errors import InputError
from trustgap.thresholds import Thresholds, parse_cadence_months
from trustgap.yamlfile import LocatedYaml, load_yaml, validation_error

QuestionKind = Literal["yes_no_partly", "choice", "date", "number", "text"]
VerdictStatus = Literal["implemented", "partial", "gap", "not_applicable"]
GapKind = Literal["missing", "undocumented", "not_operating", "insufficient_evidence", "stale"]

DONT_KNOW = "dont_know"
WILL_PROVIDE_WORDS = frozenset({"will provide", "wp", "later", "will send", "to follow"})
YES_NO_PARTLY = ("yes", "partly", "no")
# The conversation's domain order: scope and organisation first, then the catalog's domains.
DOMAINS: tuple[str, ...] = ("scope", *DOMAIN_ORDER)
DOMAIN_TITLES: dict[str, str] = {
    "scope": "Scope and organisation",
    "control_environment": "Control environment",
    "risk": "Risk assessment and monitoring",
    "access": "Logical and physical access",
    "operations": "System operations",
    "change": "Change management",
    "vendors": "Vendors",
    "availability": "Availability",
    "confidentiality": "Confidentiality",
    "processing_integrity": "Processing integrity",
    "privacy": "Privacy",
}


class VerdictRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: VerdictStatus
    gap_kind: GapKind | None = None
    note: str | None = None


DEFAULT_YES_NO_PARTLY: dict[str, VerdictRule] = {
    "yes": VerdictRule(status="implemented"),
    "partly": VerdictRule(status="partial", gap_kind="not_operating"),
    "no": VerdictRule(status="gap", gap_kind="missing"),
}


def _word(v: Any) -> Any:
    """YAML 1.1 reads yes / no as booleans; in the bank they are answers."""
    return ("yes" if v else "no") if isinstance(v, bool) else (str(v) if isinstance(v, int | float) else v)


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: list[str] = Field(min_length=1, description="answers that open the follow-ups")
    ask: list[str] = Field(min_length=1, description="question ids asked next, in order")

    @field_validator("when", mode="before")
    @classmethod
    def _when(cls, v: Any) -> Any:
        return [_word(x) for x in v] if isinstance(v, list) else v


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Z]{2,4}-\d{2}\.[a-z0-9_]+$")
    control: str
    kind: QuestionKind
    text: str
    help: str | None = None
    domain: Literal[DOMAINS] | None = None  # type: ignore[valid-type]
    choices: list[str] = Field(default_factory=list)
    verdicts: dict[str, VerdictRule] = Field(default_factory=dict)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    sets: Literal["since", "last_performed"] | None = None
    threshold: str | None = None
    threshold_values: dict[str, Any] = Field(default_factory=dict, description="choice -> threshold value")
    promise: str | None = Field(None, description="how the promise reads, '{answer}' replaced by the answer")
    evidence: list[str] = Field(default_factory=list, description="what would confirm it (default: the control's)")
    ask_evidence: bool | None = Field(None, description="ask for evidence on a passing answer (default: when the "
                                      "control needs inspection)")
    unit: str | None = None

    @field_validator("choices", mode="before")
    @classmethod
    def _choices(cls, v: Any) -> Any:
        return [_word(x) for x in v] if isinstance(v, list) else v

    @field_validator("verdicts", "threshold_values", mode="before")
    @classmethod
    def _keys(cls, v: Any) -> Any:
        return {_word(k): x for k, x in v.items()} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.kind == "choice" and len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        if self.kind != "choice" and self.choices:
            raise ValueError(f"choices only apply to choice questions (this one is {self.kind})")
        if self.sets and self.kind != "date":
            raise ValueError("'sets' only applies to date questions")
        if self.kind in ("date", "text") and self.verdicts:
            raise ValueError(f"{self.kind} questions cannot carry verdicts")
        return self

    def answer_values(self) -> tuple[str, ...] | None:
        """The fixed answers of a closed question (None for free answers)."""
        if self.kind == "yes_no_partly":
            return YES_NO_PARTLY
        if self.kind == "choice":
            return tuple(self.choices)
        return None

    @property
    def rules(self) -> dict[str, VerdictRule]:
        if self.kind == "yes_no_partly":
            return {**DEFAULT_YES_NO_PARTLY, **self.verdicts}
        return dict(self.verdicts)

    @property
    def decides(self) -> bool:
        return bool(self.rules)

    def verdict_for(self, value: str) -> VerdictRule | None:
        return self.rules.get(value)

    def opened_by(self, value: str) -> list[str]:
        out: list[str] = []
        for f in self.follow_ups:
            if value in f.when:
                out.extend(q for q in f.ask if q not in out)
        return out

    def threshold_value(self, value: str) -> Any:
        """The threshold an answer promises, or None (a "not done" answer promises nothing)."""
        if self.threshold is None or value == DONT_KNOW:
            return None
        if value in self.threshold_values:
            return self.threshold_values[value]
        field = Thresholds.model_fields[self.threshold]
        if self.threshold.endswith("_months"):
            try:
                return parse_cadence_months(value)
            except ValueError:
                return None
        if field.annotation is bool:  # "yes, everywhere" is a promise; "no" is a gap, not a looser requirement
            return True if value == "yes" else None
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if field.annotation is int else number


class _BankFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    questions: list[Question] = Field(min_length=1)


@dataclass
class QuestionBank:
    version: int
    questions: list[Question]
    catalog: Catalog

    def __post_init__(self) -> None:
        self._by_id = {q.id: q for q in self.questions}
        self._follow_up_ids = {a for q in self.questions for f in q.follow_ups for a in f.ask}

    def question(self, qid: str) -> Question:
        return self._by_id[qid]

    def has(self, qid: str) -> bool:
        return qid in self._by_id

    def is_follow_up(self, qid: str) -> bool:
        return qid in self._follow_up_ids

    def domain_of(self, q: Question) -> str:
        return q.domain or self.catalog.control(q.control).domain

    def roots(self, control_id: str | None = None) -> list[Question]:
        """Top-level questions (not follow-ups), in bank order."""
        return [q for q in self.questions if not self.is_follow_up(q.id)
                and (control_id is None or q.control == control_id)]

    def for_control(self, control_id: str) -> list[Question]:
        return [q for q in self.questions if q.control == control_id]

    def controls(self) -> list[str]:
        seen: dict[str, None] = {}
        for q in self.questions:
            seen.setdefault(q.control)
        return list(seen)

    def evidence_for(self, q: Question) -> list[str]:
        return q.evidence or list(self.catalog.control(q.control).evidence)

    def asks_evidence(self, q: Question) -> bool:
        if q.ask_evidence is not None:
            return q.ask_evidence
        return any(m != "inquiry" for m in self.catalog.control(q.control).test_methods)


BANK_PATH = "interview/data/questions.yaml"


@cache
def load_bank() -> QuestionBank:
    """The bundled question bank, validated against the catalog (cached per process)."""
    text = (resources.files("trustgap.interview") / "data" / "questions.yaml").read_text(encoding="utf-8")
    return parse_bank(BANK_PATH, text, load_catalog())


def parse_bank(path: str, text: str, catalog: Catalog, checked: Collection[str] | None = None) -> QuestionBank:
    """A validated question bank. ``checked``: the controls automated checks decide (default: those the
    registered checks name); every other control needs a deciding question."""
    doc = load_yaml(path, text)
    if not isinstance(doc.data, dict):
        raise InputError(path, "a question bank is a mapping with 'version' and 'questions'", line=1)
    try:
        model = _BankFile.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None
    bank = QuestionBank(model.version, model.questions, catalog)
    if checked is None:
        from trustgap.checks.base import checks_by_control

        checked = set(checks_by_control())
    _check_references(bank, doc, set(checked))
    return bank


def _check_references(bank: QuestionBank, doc: LocatedYaml, checked: set[str]) -> None:
    def fail(i: int, field: str, msg: str) -> None:
        raise InputError(doc.path, msg, line=doc.line_of(("questions", i, field)), field=f"questions.{i}.{field}")

    seen: set[str] = set()
    for i, q in enumerate(bank.questions):
        if q.id in seen:
            fail(i, "id", f"duplicate question id {q.id}")
        seen.add(q.id)
        if not bank.catalog.has_control(q.control):
            fail(i, "control", f"unknown control {q.control}")
        if not q.id.startswith(q.control + "."):
            fail(i, "id", f"question id {q.id} must start with its control id {q.control}")
        allowed = q.answer_values()
        if allowed is not None:
            keys = [*(("verdicts", k) for k in q.verdicts), *(("threshold_values", k) for k in q.threshold_values),
                    *(("follow_ups", a) for f in q.follow_ups for a in f.when)]
            for where, key in keys:
                if key not in allowed and key != DONT_KNOW:
                    loc = ("questions", i, where, key) if where != "follow_ups" else ("questions", i, where)
                    raise InputError(doc.path, f"{key!r} is not an answer to {q.id} (one of {', '.join(allowed)})",
                                     line=doc.line_of(loc), field=".".join(map(str, loc)))
        if q.threshold is not None and q.threshold not in Thresholds.model_fields:
            fail(i, "threshold", f"unknown threshold {q.threshold!r}")
        if q.threshold and q.kind == "choice":
            for c in q.choices:
                if q.threshold_value(c) is None and c not in q.rules:
                    fail(i, "choices", f"choice {c!r} sets no {q.threshold} and has no verdict")
    for i, q in enumerate(bank.questions):
        for f in q.follow_ups:
            for target in f.ask:
                if not bank.has(target):
                    fail(i, "follow_ups", f"follow-up {target} is not a question in the bank")
                elif bank.question(target).control != q.control:
                    fail(i, "follow_ups", f"follow-up {target} belongs to another control")
                elif target == q.id:
                    fail(i, "follow_ups", f"{q.id} cannot follow itself")
    # every control without automated checks has a question that can decide it
    deciding = {q.control for q in bank.questions if q.decides}
    undecided = [c.id for c in bank.catalog.controls if c.id not in checked and c.id not in deciding]
    if undecided:
        raise InputError(doc.path, "controls without automated checks need a deciding question: "
                         + ", ".join(undecided), line=doc.line_of(("questions",)), field="questions")
