"""The interview in a terminal: Rich output, one line of input per question.

Input comes from an injectable ``read(prompt) -> str`` (Rich's ``Console.input`` by default), so tests drive
the real prompt code with scripted answers, and an interrupted read (Ctrl-C) leaves every answer given so far
saved. At any question: ``b`` goes back, ``s`` skips, ``?`` means don't know (Not assessed, never passing),
``h`` shows help, ``q`` saves and stops. After a yes / no / choice answer, text after ``;`` is kept as a note
("partly; sales laptops are not enrolled"). At the evidence-path prompt ``q`` keeps the answer and stops, and
``?`` / ``h`` explain what to type: neither is ever taken for a file name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.markup import escape

from trustgap.answers import Assertion
from trustgap.engine.models import GAP_KIND_LABELS, STATUS_LABELS, AssessmentResult
from trustgap.interview.answers import display
from trustgap.interview.bank import DOMAIN_TITLES, WILL_PROVIDE_WORDS, Question
from trustgap.interview.context import InterviewContext
from trustgap.interview.session import InterviewSession, Step

ReadFn = Callable[[str], str]
_SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3}
_COMMANDS = ("[dim]b[/] back, [dim]s[/] skip, [dim]?[/] don't know, [dim]h[/] help, [dim]q[/] save and stop; "
             "add a note after ';'")


class StopInterview(Exception):
    """The person asked to stop (``q``); everything answered is saved."""


@dataclass
class Terminal:
    console: Any  # rich.console.Console
    read: ReadFn

    @classmethod
    def rich(cls, console: Any = None) -> Terminal:
        from rich.console import Console

        con = console or Console(highlight=False)
        return cls(con, lambda prompt: con.input(prompt))

    def say(self, text: str = "") -> None:
        self.console.print(text, highlight=False)


_SHORT = {"y": "yes", "yes": "yes", "p": "partly", "partly": "partly", "partially": "partly", "n": "no", "no": "no"}


def parse_value(q: Question, raw: str) -> str | None:
    """The answer a typed line means for ``q`` (None when it means nothing)."""
    s = raw.strip()
    if q.kind == "yes_no_partly":
        return _SHORT.get(s.lower())
    if q.kind == "choice":
        if s.isdigit() and 1 <= int(s) <= len(q.choices) and s not in q.choices:
            return q.choices[int(s) - 1]
        for c in q.choices:
            if c.lower() == s.lower():
                return c
        starts = [c for c in q.choices if c.lower().startswith(s.lower())] if s else []
        return starts[0] if len(starts) == 1 else None
    if q.kind == "date":
        try:
            return date.fromisoformat(s).isoformat()
        except ValueError:
            return None
    if q.kind == "number":
        try:
            n = float(s)
        except ValueError:
            return None
        return str(int(n)) if n.is_integer() else str(n)
    return s or None


def _hint(q: Question) -> str:
    if q.kind == "yes_no_partly":
        return "(y)es / (p)artly / (n)o"
    if q.kind == "choice":
        return " / ".join(f"{i}) {c}" for i, c in enumerate(q.choices, 1))
    if q.kind == "date":
        return "YYYY-MM-DD"
    if q.kind == "number":
        return q.unit or "a number"
    return "free text"


def ask_step(term: Terminal, session: InterviewSession, step: Step, ctx: InterviewContext | None = None) -> None:
    """Ask one question and record the outcome (answer, don't know, skip or back)."""
    q = step.question
    control = session.bank.catalog.control(q.control)
    term.say(f"\n[bold]{q.control}[/] {escape(control.title)}")
    if step.promise_only and q.control in session.decided:
        found = session.decided[q.control]
        term.say(f"  [dim]The evidence already decides this control: {STATUS_LABELS[found.status]} - "
                 f"{escape(found.reason[:160])}[/]")
        term.say("  [dim]What you promise is held against that evidence.[/]")
    earlier = _file_answer(ctx, q.control) if session.bank.roots(q.control)[:1] == [q] else None
    if earlier is not None:
        said = earlier.note or earlier.quote or ""
        label = STATUS_LABELS.get(earlier.status, "Don't know")
        term.say(f"  [dim]Answered before ({escape(earlier.source)}): {label}"
                 f"{' - ' + escape(said[:160].rstrip('. ')) if said else ''}. Answering here replaces it.[/]")
    term.say(f"  {escape(q.text)}")
    previous = session.answer_of(q.id)
    while True:
        default = f" [dim]{escape('[' + display(q, previous.value) + ']')}[/]" if previous else ""
        raw = term.read(f"  {escape(_hint(q))}{default} > ")
        line = raw.strip()
        cmd = line.lower()
        if not line and previous is not None:
            value, note = previous.value, previous.note
        elif cmd in ("b", "back"):
            if session.back() is None:
                term.say("  [yellow]this is the first question[/]")
                continue
            return
        elif cmd in ("s", "skip"):
            session.skip(q.id)
            return
        elif cmd in ("?", "dk", "don't know", "dont know", "unknown"):
            session.dont_know(q.id)
            term.say("  [dim]noted as don't know: the control stays Not assessed until someone answers[/]")
            return
        elif cmd in ("q", "quit"):
            raise StopInterview
        elif cmd in ("h", "help"):
            term.say(f"  [dim]{escape(q.help or 'No more detail for this question.')}[/]")
            term.say(f"  [dim]Commands: {_COMMANDS}[/]")
            continue
        else:
            head, _, tail = line.partition(";") if q.kind != "text" else (line, "", "")
            parsed = parse_value(q, head)
            if parsed is None:
                term.say(f"  [yellow]please answer {escape(_hint(q))}[/]")
                continue
            value, note = parsed, tail.strip() or None
        break
    evidence: list[str] = list(previous.evidence) if previous else []
    rule = q.verdict_for(value)
    stop = False
    if (rule and rule.status in ("implemented", "partial") and not step.promise_only
            and session.bank.asks_evidence(q)):
        evidence, stop = _ask_evidence(term, session, q, evidence, ctx)
    session.answer(q.id, value, evidence=evidence, note=note)
    if stop:
        raise StopInterview


def _file_answer(ctx: InterviewContext | None, control_id: str) -> Assertion | None:
    """The answer an answers file already gives for this control (the last one wins, as in the assessment)."""
    if ctx is None:
        return None
    found = [a for a in ctx.sources.assertions if a.control_id == control_id]
    return found[-1] if found else None


_EVIDENCE_HELP = ("type the path of a file in the evidence folder (several: separated by commas), 'will provide' "
                  "for an evidence request, Enter for none; q keeps the answer and stops")


def _ask_evidence(term: Terminal, session: InterviewSession, q: Question, current: list[str],
                  ctx: InterviewContext | None) -> tuple[list[str], bool]:
    """The evidence named for an answer, and whether the person asked to stop (``q``)."""
    what = "; ".join(session.bank.evidence_for(q))
    term.say(f"  [dim]Evidence that would confirm it: {escape(what)}[/]")
    shown = f" [dim]{escape('[' + ', '.join(current) + ']')}[/]" if current else ""
    while True:
        raw = term.read(f"  file path(s) in the evidence folder, 'will provide', or Enter for none{shown} > ").strip()
        cmd = raw.lower()
        if cmd in ("q", "quit"):
            return current, True
        if cmd not in ("?", "h", "help"):
            break
        term.say(f"  [dim]{escape(_EVIDENCE_HELP)}[/]")
        if ctx is not None and ctx.evidence_names:
            listed = sorted(ctx.evidence_names)
            more = f" and {len(listed) - 8} more" if len(listed) > 8 else ""
            term.say(f"  [dim]files there: {escape(', '.join(listed[:8]))}{more}[/]")
    if not raw:
        return current, False
    if cmd in WILL_PROVIDE_WORDS:
        term.say("  [dim]recorded as an evidence request[/]")
        return ["will provide"], False
    paths = [p.strip() for p in raw.split(",") if p.strip()]
    if ctx is not None:
        names = ctx.evidence_names
        missing = [p for p in paths if p not in names]
        if missing:
            term.say(f"  [yellow]not in the evidence folder: {escape(', '.join(missing))}[/] (kept; add the file and "
                     "re-run, or it counts as insufficient evidence)")
    return paths, False


def domain_header(term: Terminal, session: InterviewSession, domain: str) -> None:
    prog = session.progress(domain)
    done, total = session.overall()
    term.say(f"\n[bold underline]{DOMAIN_TITLES.get(domain, domain)}[/]  "
             f"[dim]{prog.done}/{prog.total} in this domain, {done}/{total} overall[/]")
    for cid in prog.decided_by_evidence:
        found = session.decided[cid]
        term.say(f"  [dim]found in the evidence:[/] {cid} {STATUS_LABELS[found.status]} - "
                 f"{escape(found.reason[:110])}")


def domain_summary(term: Terminal, session: InterviewSession, domain: str, result: AssessmentResult,
                   top: int = 3) -> None:
    ids = set(session.summary_controls(domain))
    verdicts = [v for v in result.verdicts if v.control_id in ids]
    counts = {s: sum(1 for v in verdicts if v.status == s) for s in STATUS_LABELS}
    parts = [f"{n} {STATUS_LABELS[s].lower()}" for s, n in counts.items() if n]
    term.say(f"[bold]{DOMAIN_TITLES.get(domain, domain)} done:[/] {', '.join(parts) or 'nothing in scope'}")
    gaps = sorted((v for v in verdicts if v.status in ("gap", "partial")),
                  key=lambda v: (v.status != "gap", _SEVERITY.get(v.severity, 9), v.control_id))
    for v in gaps[:top]:
        kind = f" ({GAP_KIND_LABELS[v.gap_kind].lower()})" if v.gap_kind else ""
        term.say(f"  [red]{STATUS_LABELS[v.status]}{kind}[/] {v.control_id} {escape(v.title)}: "
                 f"{escape(v.reason[:120])}")


def converse(term: Terminal, session: InterviewSession, ctx: InterviewContext | None = None,
             summaries: bool = True) -> bool:
    """Ask until every question is settled (True) or the person stops (False). Ctrl-C propagates; the
    answers given so far are already saved."""
    session.resume_position()
    done, total = session.overall()
    term.say(f"[bold]{total} questions[/] across {len(session.domains())} domains; {done} already answered.")
    term.say(f"[dim]{_COMMANDS}[/]")
    shown: str | None = None
    while (step := session.current()) is not None:
        if step.domain != shown:
            if shown is not None and summaries and ctx is not None and session.progress(shown).complete:
                domain_summary(term, session, shown, ctx.assess_with(session.record))
            domain_header(term, session, step.domain)
            shown = step.domain
        try:
            ask_step(term, session, step, ctx)
        except StopInterview:
            return False
    if shown is not None and summaries and ctx is not None:
        domain_summary(term, session, shown, ctx.assess_with(session.record))
    return True

