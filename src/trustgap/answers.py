"""What people say about controls: assertions the engine weighs beside automated checks.

An :class:`Assertion` is inquiry evidence about one control ("yes, quarterly, last on 2026-09-30,
record in reviews/q3.csv"). It comes from an answers YAML file keyed by control id (this module), or
from the interview, which turns question answers into assertions (``trustgap.interview``).

Answers file format (keys are control ids; every field but ``status`` optional)::

    AC-08:
      status: implemented        # implemented | partial | gap | not_applicable | unknown (don't know)
      note: Quarterly reviews in the access-review tracker
      evidence: [records/access-reviews.csv]   # paths / URLs; "will provide" opens an evidence request
      since: 2025-06-01          # operating since (Type II needs it from the period start)
      last_performed: 2026-09-30
      gap_kind: undocumented     # for partial/gap: missing | undocumented | not_operating | ...
      answered_by: dana@acme.example
      answered_at: 2026-10-02
      justification: ...         # for not_applicable
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trustgap.errors import InputError
from trustgap.yamlfile import load_yaml, validation_error

AssertionStatus = Literal["implemented", "partial", "gap", "not_applicable", "unknown"]
WILL_PROVIDE = "will provide"


@dataclass(frozen=True)
class Assertion:
    control_id: str
    status: AssertionStatus
    note: str | None = None
    evidence: tuple[str, ...] = ()
    gap_kind: str | None = None
    since: date | None = None
    last_performed: date | None = None
    answered_by: str | None = None
    answered_at: date | None = None
    question_id: str | None = None
    quote: str | None = None  # the answer in the person's words, for findings
    source: str = ""  # "answers.yaml:12" or "interview"
    sha256: str | None = None  # of the answers file / interview record
    justification: str | None = None

    @property
    def evidence_requested(self) -> bool:
        return any(e.strip().lower() == WILL_PROVIDE for e in self.evidence)

    @property
    def evidence_given(self) -> tuple[str, ...]:
        return tuple(e for e in self.evidence if e.strip().lower() != WILL_PROVIDE)


class _AnswerModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: AssertionStatus
    note: str | None = None
    evidence: list[str] = Field(default_factory=list)
    gap_kind: Literal["missing", "undocumented", "not_operating", "insufficient_evidence", "stale"] | None = None
    since: date | None = None
    last_performed: date | None = None
    answered_by: str | None = None
    answered_at: date | None = None
    justification: str | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v: Any) -> str:
        s = str(v).strip().lower().replace(" ", "_").replace("-", "_")
        aliases = {"yes": "implemented", "no": "gap", "partly": "partial", "n/a": "not_applicable",
                   "na": "not_applicable", "dont_know": "unknown", "don't_know": "unknown", "true": "implemented",
                   "false": "gap"}
        return aliases.get(s, s)

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence(cls, v: Any) -> list[str]:
        if v is None:
            return []
        return [v] if isinstance(v, str) else v


def load_answers(path: Path | str, known_controls: set[str] | None = None, sha256: str | None = None
                 ) -> list[Assertion]:
    """Read a control-keyed answers file. Keys that are not control ids are left for the interview's
    question-keyed loader (``trustgap.interview``) and ignored here only when it is installed."""
    doc = load_yaml(path)
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict):
        raise InputError(str(path), "an answers file must be a mapping of control id -> answer", line=1)
    out: list[Assertion] = []
    for key, value in doc.data.items():
        key = str(key)
        if known_controls is not None and key not in known_controls:
            if "." in key or key.startswith("_"):
                continue  # question ids ("AC-08.q1") and metadata belong to the interview loader
            raise InputError(str(path), f"unknown control id {key!r}", line=doc.line_of((key,)), field=key)
        if isinstance(value, str):
            value = {"status": value}
        try:
            m = _AnswerModel.model_validate(value)
        except ValidationError as exc:
            raise validation_error(doc, exc, prefix=(key,)) from None
        if m.since and m.last_performed and m.last_performed < m.since:
            raise InputError(str(path), f"last_performed {m.last_performed} is before since {m.since}",
                             line=doc.line_of((key, "last_performed")), field=f"{key}.last_performed")
        if m.status == "not_applicable" and not (m.justification or m.note):
            raise InputError(str(path), "not_applicable needs a justification", line=doc.line_of((key,)),
                             field=f"{key}.justification")
        out.append(
            Assertion(
                control_id=key,
                status=m.status,
                note=m.note,
                evidence=tuple(m.evidence),
                gap_kind=m.gap_kind,
                since=m.since,
                last_performed=m.last_performed,
                answered_by=m.answered_by,
                answered_at=m.answered_at,
                quote=m.note,
                source=f"{Path(path).name}:{doc.line_of((key,))}",
                sha256=sha256,
                justification=m.justification,
            )
        )
    return out
