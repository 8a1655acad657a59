"""Starting, resuming and finishing an interview over an assessment folder.

The answers file goes through :func:`trustgap.assessment.run_assessment` like any answers file, so it is
stored in the run as inquiry evidence (content-addressed) and every assertion and promise points at it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap.assessment import AssessmentInputs, run_assessment
from trustgap.engine.models import AssessmentResult
from trustgap.interview.answers import check_record
from trustgap.interview.bank import DONT_KNOW, QuestionBank, load_bank
from trustgap.interview.context import InterviewContext, build_context
from trustgap.interview.record import InterviewRecord, read_record, write_record
from trustgap.interview.session import InterviewSession

DEFAULT_NAME = "interview.yaml"


@dataclass
class Interview:
    inputs: AssessmentInputs
    record_path: Path
    others: list[Path]  # the folder's other (control-keyed) answers files
    context: InterviewContext
    session: InterviewSession
    resumed: bool


def read_interview(path: Path, bank: QuestionBank | None = None) -> InterviewRecord | None:
    """The validated interview part of an answers file (None when the file has none)."""
    record, doc = read_record(path)
    if record is not None:
        check_record(bank or load_bank(), record, doc, str(path))
    return record


def other_answers(inputs: AssessmentInputs, *exclude: Path) -> list[Path]:
    skip = {p.resolve() for p in exclude}
    return [p for p in inputs.answers if p.resolve() not in skip]


def open_interview(
    inputs: AssessmentInputs,
    record_path: Path,
    *,
    as_of: date,
    today: date,
    answered_by: str | None = None,
    autosave: bool = True,
    exclude: Sequence[Path] = (),
) -> Interview:
    """Collect the evidence once, then start a new interview or resume the one saved at ``record_path``."""
    bank = load_bank()
    others = other_answers(inputs, record_path, *exclude)
    ctx = build_context(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=others, as_of=as_of, bank=bank)
    record = read_interview(record_path, bank) if record_path.is_file() else None
    resumed = record is not None and bool(record.answers or record.skipped)
    if record is None:
        record = InterviewRecord(organisation=ctx.organisation, as_of=as_of, answered_by=answered_by)
    on_change: Callable[[InterviewRecord], None] | None = (
        (lambda r: write_record(record_path, r)) if autosave else None)
    session = InterviewSession(bank, record, out_of_scope=ctx.out_of_scope(), decided=ctx.decided_by_evidence(),
                               answered_by=answered_by, today=today, on_change=on_change)
    return Interview(inputs, record_path, others, ctx, session, resumed)


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


def finish(interview: Interview, *, save: bool = True, store_url: str | None = None,
           created_at: datetime | None = None) -> tuple[AssessmentResult, str | None]:
    """Assess with the interview's answers file (stored as inquiry evidence) and, by default, save the run."""
    inputs = interview.inputs
    answers = [*interview.others, interview.record_path]
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=answers,
                               as_of=interview.context.as_of, save=False)
    result.interview = progress_summary(interview.session, interview.record_path)
    run_id = None
    if save:
        from trustgap.store.runs import RunStore

        rs = RunStore.open(store_url)
        try:
            run_id = rs.save(result, created_at=created_at or datetime.now(UTC),
                             source=str(inputs.evidence_dir or inputs.scope_path.parent)).id
        finally:
            rs.close()
    return result, run_id
