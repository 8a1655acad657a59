"""The interview over an assessment folder: read its evidence once, start or resume the conversation, and
finish it with an assessment (orchestration, next to :mod:`trustgap.assessment`, which it calls for every
step: gathering the sources, assessing them, saving the run).

The answers file goes through :func:`trustgap.assessment.run_assessment` like any answers file, so it is
stored in the run as inquiry evidence (content-addressed) and every assertion and promise points at it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from trustgap.assessment import AssessmentInputs, assess, gather_sources, run_assessment
from trustgap.engine.models import AssessmentResult
from trustgap.errors import InputError
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore
from trustgap.interview.bank import QuestionBank, load_bank
from trustgap.interview.context import InterviewContext
from trustgap.interview.record import InterviewRecord, write_record
from trustgap.interview.run import other_answers, progress_summary, read_interview
from trustgap.interview.session import InterviewSession
from trustgap.thresholds import Promise


def interview_context(scope_path: Path, *, evidence_dir: Path | None, answers: Sequence[Path] = (), as_of: date,
                      store: EvidenceStore | None = None, bank: QuestionBank | None = None) -> InterviewContext:
    """Read scope, evidence and control-keyed answers once (as an assessment gathers them), and assess them
    (the baseline). An answers file that does not validate is an error here: the interview cannot start."""
    from trustgap import config

    got = gather_sources(scope_path, evidence_dir=evidence_dir, answers=answers, as_of=as_of,
                         store=store or EvidenceStore(config.evidence_dir()))
    for item in got.answer_items:
        for err in item.errors:
            raise InputError(err.path, err.message, line=err.line, field=err.field)

    def assess_sources(sources: SourceOutput, promises: Sequence[Promise]) -> AssessmentResult:
        return assess(got.loaded, sources, as_of=as_of, extra_promises=promises, catalog=got.catalog)

    ctx = InterviewContext(loaded=got.loaded, sources=got.sources, as_of=as_of, catalog=got.catalog,
                           bank=bank or load_bank(), assess=assess_sources, file_promises=got.answer_promises)
    ctx.baseline = ctx.assess_with(None)
    return ctx


@dataclass
class Interview:
    inputs: AssessmentInputs
    record_path: Path
    others: list[Path]  # the folder's other (control-keyed) answers files
    context: InterviewContext
    session: InterviewSession
    resumed: bool


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
    ctx = interview_context(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=others, as_of=as_of,
                            bank=bank)
    record = read_interview(record_path, bank) if record_path.is_file() else None
    resumed = record is not None and bool(record.answers or record.skipped)
    if record is None:
        record = InterviewRecord(organisation=ctx.organisation, as_of=as_of, answered_by=answered_by)
    on_change: Callable[[InterviewRecord], None] | None = (
        (lambda r: write_record(record_path, r)) if autosave else None)
    session = InterviewSession(bank, record, out_of_scope=ctx.out_of_scope(), decided=ctx.decided_by_evidence(),
                               answered_by=answered_by, today=today, on_change=on_change)
    return Interview(inputs, record_path, others, ctx, session, resumed)


def finish(interview: Interview, *, save: bool = True, store_url: str | None = None,
           created_at: datetime | None = None) -> tuple[AssessmentResult, str | None]:
    """Assess with the interview's answers file (stored as inquiry evidence) and, by default, save the run."""
    inputs = interview.inputs
    return run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir,
                          answers=[*interview.others, interview.record_path], as_of=interview.context.as_of,
                          save=save, store_url=store_url, created_at=created_at,
                          interview=progress_summary(interview.session, interview.record_path))
