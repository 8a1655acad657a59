"""The conversation as state: the answers so far and where it stands; no terminal, no clock.

The questions to ask are derived from the bank and the answers each time (so a changed answer opens or
closes its follow-ups): domain by domain (scope and organisation first), control by control, skipping
controls out of scope. A control the collected evidence already decides is not asked about; only its
*promise* questions (a cadence, a limit) are, because what people say they do is then held against what
the evidence shows. The next question is the first one neither answered nor skipped; ``back`` revisits the
previous one. Every change is saved through ``on_change`` (the caller writes the file atomically), so an
interrupted conversation resumes at the same question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from trustgap.errors import InputError
from trustgap.interview.answers import opened_questions, validate_answer
from trustgap.interview.bank import DOMAINS, DONT_KNOW, Question, QuestionBank
from trustgap.interview.record import AnswerEntry, InterviewRecord


@dataclass(frozen=True)
class EvidenceFinding:
    """Why a control needs no deciding question: what the collected evidence already shows."""

    control_id: str
    status: str
    reason: str
    checks: list[str]


@dataclass(frozen=True)
class Step:
    """One question to ask, with why and where."""

    question: Question
    domain: str
    promise_only: bool = False  # the evidence decides the control; the answer is a promise to hold it to

    @property
    def id(self) -> str:
        return self.question.id


@dataclass
class DomainProgress:
    domain: str
    total: int
    done: int
    decided_by_evidence: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.done >= self.total


class InterviewSession:
    def __init__(
        self,
        bank: QuestionBank,
        record: InterviewRecord | None = None,
        *,
        out_of_scope: Iterable[str] = (),
        decided: Mapping[str, EvidenceFinding] | None = None,
        answered_by: str | None = None,
        today: date | None = None,
        on_change: Callable[[InterviewRecord], None] | None = None,
    ) -> None:
        self.bank = bank
        self.record = record or InterviewRecord()
        self.excluded = set(out_of_scope)
        self.decided = dict(decided or {})
        self.answered_by = answered_by or self.record.answered_by
        if answered_by and not self.record.answered_by:
            self.record.answered_by = answered_by
        self.today = today
        self.on_change = on_change
        self._revisit: str | None = None
        self._domain_of = self._control_domains()

    # ---- the plan ---------------------------------------------------------------------------------
    def _control_domains(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for q in self.bank.roots():
            out.setdefault(q.control, self.bank.domain_of(q))
        return out

    def domain_of_control(self, control_id: str) -> str:
        return self._domain_of.get(control_id) or self.bank.catalog.control(control_id).domain

    def controls_in(self, domain: str) -> list[str]:
        """Controls (with questions) discussed in a domain, in bank order, out-of-scope ones left out."""
        return [c for c in self.bank.controls() if self._domain_of.get(c) == domain and c not in self.excluded]

    def domains(self) -> list[str]:
        """Domains with something to discuss, in conversation order."""
        return [d for d in DOMAINS if self.controls_in(d)]

    def summary_controls(self, domain: str) -> list[str]:
        """Every in-scope catalog control summarised with a domain (its questions' domain, else its own)."""
        return [c.id for c in self.bank.catalog.controls
                if self.domain_of_control(c.id) == domain and c.id not in self.excluded]

    def steps(self, domain: str | None = None) -> list[Step]:
        out: list[Step] = []
        for d in ([domain] if domain else DOMAINS):
            for control_id in self.controls_in(d):
                if control_id in self.decided:
                    out.extend(Step(q, d, promise_only=True) for q in self.bank.roots(control_id) if q.threshold)
                else:
                    out.extend(Step(q, d) for q in opened_questions(self.bank, self.record.answers, control_id))
        return out

    def _settled(self, qid: str) -> bool:
        return qid in self.record.answers or qid in self.record.skipped

    # ---- where we are -----------------------------------------------------------------------------
    def current(self) -> Step | None:
        """The question to ask now (None when every question is answered or skipped)."""
        steps = self.steps()
        if self._revisit is not None:
            for s in steps:
                if s.id == self._revisit:
                    return s
            self._revisit = None
        return next((s for s in steps if not self._settled(s.id)), None)

    @property
    def finished(self) -> bool:
        return self.current() is None

    def progress(self, domain: str) -> DomainProgress:
        steps = self.steps(domain)
        decided = [c for c in self.controls_in(domain) if c in self.decided]
        return DomainProgress(domain, len(steps), sum(1 for s in steps if self._settled(s.id)), decided)

    def overall(self) -> tuple[int, int]:
        steps = self.steps()
        return sum(1 for s in steps if self._settled(s.id)), len(steps)

    def answer_of(self, qid: str) -> AnswerEntry | None:
        return self.record.answers.get(qid)

    # ---- moves ------------------------------------------------------------------------------------
    def answer(self, qid: str, value: str, *, evidence: Iterable[str] = (), note: str | None = None,
               answered_by: str | None = None) -> AnswerEntry:
        q = self.bank.question(qid)
        why = validate_answer(q, value)
        if why:
            raise InputError(f"interview {qid}", why, field=qid)
        entry = AnswerEntry(value=value, answered_by=answered_by or self.answered_by, answered_at=self.today,
                            evidence=list(evidence), note=note or None)
        self.record.answers[qid] = entry
        if qid in self.record.skipped:
            self.record.skipped.remove(qid)
        self._visited(qid)
        return entry

    def dont_know(self, qid: str, note: str | None = None) -> AnswerEntry:
        return self.answer(qid, DONT_KNOW, note=note)

    def skip(self, qid: str) -> None:
        if qid not in self.record.skipped:
            self.record.skipped.append(qid)
        self.record.answers.pop(qid, None)
        self._visited(qid)

    def back(self) -> Step | None:
        """Go to the previous question (the one asked before the current one); None at the start."""
        cur = self.current()
        order = self.record.order
        idx = order.index(cur.id) if cur is not None and cur.id in order else len(order)
        live = {s.id for s in self.steps()}
        for qid in reversed(order[:idx]):
            if qid in live:
                self._revisit = qid
                self._save()
                return self.current()
        return None

    def _visited(self, qid: str) -> None:
        if qid not in self.record.order:
            self.record.order.append(qid)
        self._revisit = None
        self._save()

    def _save(self) -> None:
        nxt = self.current()
        self.record.position = nxt.id if nxt else None
        self.record.completed = nxt is None
        if self.on_change is not None:
            self.on_change(self.record)

    def resume_position(self) -> None:
        """Start where the saved record says (a revisited question that was not yet re-answered)."""
        pos = self.record.position
        if pos and pos in {s.id for s in self.steps()} and self._settled(pos):
            self._revisit = pos
