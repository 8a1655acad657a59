"""Question answers -> assertions (what people say about each control) and promises (the cadences and
limits they commit to), for the engine to weigh beside the evidence.

Per control, only the questions the answers opened count (a follow-up of a "yes" is ignored once the answer
becomes "no"). The control's status is the least favourable verdict among its deciding answers, with
"don't know" ranked below Implemented, so an unknown never passes. Answers to threshold questions become
:class:`~trustgap.thresholds.Promise` objects quoting the answer ("User access is reviewed quarterly"),
which replace the default for that organisation and are quoted when the evidence falls short.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from trustgap.answers import Assertion
from trustgap.errors import InputError
from trustgap.interview.bank import DONT_KNOW, Question, QuestionBank, VerdictRule, load_bank
from trustgap.interview.record import KEY, AnswerEntry, InterviewRecord, read_record
from trustgap.thresholds import Promise
from trustgap.yamlfile import LocatedYaml

# least favourable first: the status a control takes from several answers
_RANK = {"gap": 0, "partial": 1, "unknown": 2, "not_applicable": 3, "implemented": 4}


def opened_questions(bank: QuestionBank, answers: Mapping[str, AnswerEntry], control_id: str) -> list[Question]:
    """The control's questions reachable from its root questions through the answers given, in asking order."""
    out: list[Question] = []
    seen: set[str] = set()

    def visit(q: Question) -> None:
        if q.id in seen:
            return
        seen.add(q.id)
        out.append(q)
        a = answers.get(q.id)
        if a is not None:
            for target in q.opened_by(a.value):
                visit(bank.question(target))

    for root in bank.roots(control_id):
        visit(root)
    return out


def display(q: Question, value: str) -> str:
    if value == DONT_KNOW:
        return "don't know"
    return f"{value} {q.unit}" if q.unit and q.kind == "number" else value


def _source(qid: str, who: str | None) -> str:
    return f"interview: {qid}" + (f" (answered by {who})" if who else "")


def validate_answer(q: Question, value: str) -> str | None:
    """Why ``value`` is not an answer to ``q`` (None when it is)."""
    if value == DONT_KNOW:
        return None
    allowed = q.answer_values()
    if allowed is not None and value not in allowed:
        return f"{value!r} is not one of {', '.join(allowed)}"
    if q.kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not a date (YYYY-MM-DD)"
    if q.kind == "number":
        try:
            n = float(value)
        except ValueError:
            return f"{value!r} is not a number"
        if n < 0:
            return "a number of zero or more"
    if q.kind == "text" and not value.strip():
        return "an answer is needed (or 'don't know')"
    return None


def build_assertions(bank: QuestionBank, record: InterviewRecord, *, sha256: str | None = None
                     ) -> tuple[list[Assertion], list[Promise]]:
    """Assertions per control and promises per threshold answer, from the answers the record holds."""
    assertions: list[Assertion] = []
    promises: list[Promise] = []
    answered_controls = {bank.question(qid).control for qid in record.answers if bank.has(qid)}
    for control_id in bank.controls():
        if control_id not in answered_controls:
            continue
        asked = [(q, record.answers[q.id]) for q in opened_questions(bank, record.answers, control_id)
                 if q.id in record.answers]
        for q, a in asked:
            value = q.threshold_value(a.value)
            if value is not None and q.threshold:
                who = a.answered_by or record.answered_by
                words = (q.promise or (q.text + " {answer}")).replace("{answer}", display(q, a.value))
                promises.append(Promise(key=q.threshold, value=value, quote=words, source=_source(q.id, who),
                                        origin="answer", ref=sha256, locator=q.id))
        a_ = _assertion(control_id, asked, record, sha256)
        if a_ is not None:
            assertions.append(a_)
    return assertions, promises


def _assertion(control_id: str, asked: list[tuple[Question, AnswerEntry]], record: InterviewRecord,
               sha256: str | None) -> Assertion | None:
    deciding: list[tuple[int, Question, AnswerEntry, VerdictRule | None]] = []
    for q, a in asked:
        if not q.decides:
            continue
        if a.value == DONT_KNOW:
            deciding.append((_RANK["unknown"], q, a, None))
        elif (rule := q.verdict_for(a.value)) is not None:
            deciding.append((_RANK[rule.status], q, a, rule))
    if not deciding:
        return None
    _, dq, da, rule = min(deciding, key=lambda t: t[0])
    said = "; ".join(f"{q.text} {display(q, a.value)}" for q, a in asked)
    notes = [a.note for _, a in asked if a.note]
    evidence: dict[str, None] = {}
    for _, a in asked:
        for e in a.evidence:
            evidence.setdefault(e)
    since = last = None
    for q, a in asked:
        if q.sets and a.value != DONT_KNOW:
            d = date.fromisoformat(a.value)
            if q.sets == "since":
                since = d
            else:
                last = d
    who = da.answered_by or record.answered_by
    status = "unknown" if rule is None else rule.status
    note = "; ".join([*([rule.note] if rule and rule.note else []), *notes]) or said
    return Assertion(
        control_id=control_id,
        status=status,  # type: ignore[arg-type]
        note=note,
        evidence=tuple(evidence),
        gap_kind=rule.gap_kind if rule else None,
        since=since,
        last_performed=last,
        answered_by=who,
        answered_at=da.answered_at,
        question_id=dq.id,
        quote=said,
        source=_source(dq.id, who),
        sha256=sha256,
        justification=note if status == "not_applicable" else None,
    )


def check_record(bank: QuestionBank, record: InterviewRecord, doc: LocatedYaml | None = None,
                 path: str = "interview") -> None:
    """Every answer names a question of the bank and fits it; else an error naming the line."""
    for qid, entry in record.answers.items():
        loc = (KEY, "answers", qid)
        line = doc.line_of(loc) if doc else None
        if not bank.has(qid):
            raise InputError(path, f"unknown question id {qid!r}", line=line, field=f"{KEY}.answers.{qid}")
        why = validate_answer(bank.question(qid), entry.value)
        if why:
            raise InputError(path, why, line=doc.line_of((*loc, "value")) if doc else None,
                             field=f"{KEY}.answers.{qid}.value")


def load_question_answers(path: Path, sha256: str | None = None, bank: QuestionBank | None = None
                          ) -> tuple[list[Assertion], list[Promise]]:
    """Read the question-keyed part of an answers file; a control-keyed-only file gives ([], [])."""
    record, doc = read_record(path)
    b = bank or load_bank()
    misplaced = [str(k) for k in (doc.data or {}) if isinstance(doc.data, dict) and b.has(str(k))]
    if misplaced:  # question-keyed answers written where control-keyed ones go: they would be lost silently
        raise InputError(str(path), f"{misplaced[0]!r} is a question id, not a control id: question-keyed answers "
                         "go under '_interview: answers:' (the file 'trustgap interview' writes); at the top level "
                         "an answers file takes control ids ('AC-08: {status: implemented}')",
                         line=doc.line_of((misplaced[0],)), field=misplaced[0])
    if record is None:
        return [], []
    check_record(b, record, doc, str(path))
    return build_assertions(b, record, sha256=sha256)


def interview_summary(paths: list[Path]) -> dict[str, object] | None:
    """Where the interview stands, from the answers files that hold one (``_interview``); None when none
    does or it cannot be read (its error is already recorded against the file)."""
    records: list[tuple[Path, InterviewRecord]] = []
    for p in paths:
        try:
            record, _ = read_record(p)
        except (InputError, OSError):
            continue
        if record is not None:
            records.append((p, record))
    if not records:
        return None
    answers = [a for _, r in records for a in r.answers.values()]
    dates = [a.answered_at for a in answers if a.answered_at]
    return {
        "file": ", ".join(p.name for p, _ in records),
        "answered": sum(1 for a in answers if a.value != DONT_KNOW),
        "dont_know": sum(1 for a in answers if a.value == DONT_KNOW),
        "skipped": sum(len(r.skipped) for _, r in records),
        "completed": all(r.completed for _, r in records),
        "answered_by": sorted({who for _, r in records for a in r.answers.values()
                               if (who := a.answered_by or r.answered_by)}),
        "last_answer": max(dates).isoformat() if dates else None,
    }
