"""The interview's answers file and what a run stores about it. Opening, resuming and finishing an interview
over an assessment folder (which reads evidence and assesses) is :mod:`trustgap.assessment_interview`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from trustgap.interview.answers import check_record
from trustgap.interview.bank import DONT_KNOW, QuestionBank, load_bank
from trustgap.interview.record import InterviewRecord, read_record
from trustgap.interview.session import InterviewSession

DEFAULT_NAME = "interview.yaml"


class HasAnswers(Protocol):
    @property
    def answers(self) -> list[Path]: ...


def read_interview(path: Path, bank: QuestionBank | None = None) -> InterviewRecord | None:
    """The validated interview part of an answers file (None when the file has none)."""
    record, doc = read_record(path)
    if record is not None:
        check_record(bank or load_bank(), record, doc, str(path))
    return record


def other_answers(inputs: HasAnswers, *exclude: Path) -> list[Path]:
    skip = {p.resolve() for p in exclude}
    return [p for p in inputs.answers if p.resolve() not in skip]


def progress_summary(session: InterviewSession, record_path: Path) -> dict[str, Any]:
    """What the run stores about the interview (``AssessmentResult.interview``)."""
    answers = session.record.answers
    live = {s.id for s in session.steps()}
    by_domain = {}
    for d in session.domains():
        p = session.progress(d)
        by_domain[d] = {"answered": p.done, "questions": p.total, "decided_by_evidence": p.decided_by_evidence}
    return {
        "file": record_path.name,
        "questions": len(live),
        "answered": sum(1 for q in live if q in answers and answers[q].value != DONT_KNOW),
        "dont_know": sum(1 for q in live if q in answers and answers[q].value == DONT_KNOW),
        "skipped": sum(1 for q in live if q in session.record.skipped),
        "completed": session.finished,
        "answered_by": sorted({a.answered_by for a in answers.values() if a.answered_by}),
        "domains": by_domain,
    }
