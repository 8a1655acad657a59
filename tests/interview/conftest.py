"""Shared helpers: a scripted person answering the interview through the real prompt code."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from rich.console import Console

from trustgap.assessment import resolve_inputs
from trustgap.assessment_interview import Interview, open_interview
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.interview.bank import Question
from trustgap.interview.prompts import Terminal
from trustgap.interview.session import InterviewSession

WHO = "priya.raman@northwind.example"

# What the scripted person says where the default answer would not do.
DEMO_SCRIPT: dict[str, str] = {
    "AC-08.cadence": "quarterly",
    "AC-07.hours": "24",
    "CHG-06.environments": "?",  # don't know
    "HR-05.performance": "n",
    "AC-20.endpoint": "partly; sales and support laptops are not enrolled",
    "AC-21.since": "2026-05-01",
    "GOV-02.oversight": "2",  # quarterly, by number
    "RSK-05.insurance": "s",  # skipped
}
DEMO_EVIDENCE: dict[str, str] = {
    "GOV-07.owner": "policies/information-security-policy.md",
    "AV-07.uptime": "",
}


def default_answer(q: Question) -> str:
    if q.kind == "yes_no_partly":
        return "y"
    if q.kind == "choice":
        good = [c for c in q.choices if (r := q.verdict_for(c)) is None or r.status == "implemented"]
        return (good or q.choices)[0]
    if q.kind == "date":
        return "2026-09-30"
    if q.kind == "number":
        return {"hours": "24"}.get(q.unit or "", "30")
    return "Priya Raman; record in the security tracker"


def scripted(session: InterviewSession, script: Mapping[str, str] = DEMO_SCRIPT,
             evidence: Mapping[str, str] = DEMO_EVIDENCE, interrupt_after: int | None = None
             ) -> Callable[[str], str]:
    """A reader answering whatever the session asks, raising KeyboardInterrupt after ``interrupt_after`` reads."""
    calls = [0]

    def read(prompt: str) -> str:
        if interrupt_after is not None and calls[0] >= interrupt_after:
            raise KeyboardInterrupt
        calls[0] += 1
        step = session.current()
        assert step is not None, f"asked {prompt!r} with nothing left to ask"
        if "evidence folder" in prompt:
            return evidence.get(step.id, "will provide")
        return script.get(step.id) or default_answer(step.question)

    return read


def terminal(read: Callable[[str], str]) -> tuple[Terminal, io.StringIO]:
    out = io.StringIO()
    return Terminal(Console(file=out, width=140, highlight=False, color_system=None), read), out


def open_demo(record_path: Path) -> Interview:
    return open_interview(resolve_inputs(demo_folder()), record_path, as_of=DEMO_AS_OF, today=DEMO_AS_OF,
                          answered_by=WHO)


@pytest.fixture(scope="module")
def module_home(tmp_path_factory: pytest.TempPathFactory):
    """A trustgap home for module-scoped fixtures (the autouse one is per test)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRUSTGAP_HOME", str(tmp_path_factory.mktemp("interview-home")))
        yield
