"""The question bank: validated on load, deciding every control that no automated check decides."""

from __future__ import annotations

import pytest

from trustgap.catalog.loader import load_catalog
from trustgap.checks.base import checks_by_control
from trustgap.errors import InputError
from trustgap.interview.bank import DOMAINS, load_bank, parse_bank
from trustgap.interview.session import InterviewSession


def test_every_control_without_checks_has_a_deciding_question():
    bank = load_bank()
    cat = load_catalog()
    deciding = {q.control for q in bank.questions if q.decides}
    checked = checks_by_control()
    without_checks = {c.id for c in cat.controls if c.id not in checked}
    assert len(without_checks) > 40
    assert without_checks <= deciding
    # a deciding answer exists for each: some answer maps to a verdict other than "don't know"
    for cid in without_checks:
        assert any(q.rules for q in bank.for_control(cid) if q.decides), cid


@pytest.mark.parametrize("control,threshold", [
    ("AC-08", "access_review_cadence_months"), ("AC-07", "offboarding_hours"), ("AC-04", "mfa_required"),
    ("CHG-02", "change_min_approvals"), ("OPS-06", "critical_vuln_sla_days"), ("HR-03", "training_months"),
])
def test_key_checked_controls_ask_for_their_promise(control, threshold):
    bank = load_bank()
    assert threshold in {q.threshold for q in bank.roots(control)}


def test_answers_become_threshold_values():
    bank = load_bank()
    cadence = bank.question("AC-08.cadence")
    assert [cadence.threshold_value(v) for v in ("monthly", "quarterly", "semiannual", "annual")] == [1, 3, 6, 12]
    assert cadence.threshold_value("not performed") is None and cadence.threshold_value("dont_know") is None
    assert bank.question("AC-07.hours").threshold_value("48") == 48.0
    assert bank.question("CHG-02.approvals").threshold_value("2") == 2
    assert bank.question("AC-04.mfa").threshold_value("yes") is True
    assert bank.question("AC-04.mfa").threshold_value("no") is None  # an admission never loosens the requirement
    assert bank.question("GOV-05.review").threshold_value("every two years") == 24


def test_domains_in_conversation_order():
    bank = load_bank()
    session = InterviewSession(bank)  # nothing out of scope: every domain
    assert session.domains() == list(DOMAINS)
    assert session.steps()[0].question.id == "GOV-11.documented"
    # follow-ups only once opened
    ids = [s.id for s in session.steps()]
    assert "AC-08.cadence" in ids and "AC-08.last" not in ids


_GOOD = """version: 1
questions:
  - id: GOV-03.q
    control: GOV-03
    kind: yes_no_partly
    text: Org chart?
"""


def _bank_with(extra: str):
    text = _GOOD + extra
    cat = load_catalog()
    # only GOV-03 needs a question in this small bank: every other control is taken as decided by checks
    return parse_bank("questions.yaml", text, cat, checked={c.id for c in cat.controls if c.id != "GOV-03"})


def test_small_bank_parses_and_yaml_booleans_are_answers():
    bank = _bank_with("""  - id: GOV-03.r
    control: GOV-03
    kind: yes_no_partly
    text: Written down?
    verdicts:
      no: {status: partial, gap_kind: undocumented}
    follow_ups:
      - {when: [yes], ask: [GOV-03.s]}
  - id: GOV-03.s
    control: GOV-03
    kind: date
    sets: last_performed
    text: Last updated?
""")
    q = bank.question("GOV-03.r")
    assert q.verdict_for("no").status == "partial" and q.opened_by("yes") == ["GOV-03.s"]


@pytest.mark.parametrize("extra,line,message", [
    ("  - id: GOV-03.q\n    control: GOV-03\n    kind: text\n    text: again\n", 7, "duplicate question id"),
    ("  - id: GOV-03.t\n    control: GOV-03\n    kind: number\n    text: n\n    threshold: nope_days\n", 11,
     "unknown threshold"),
    ("  - id: GOV-03.t\n    control: GOV-03\n    kind: yes_no_partly\n    text: t\n    follow_ups:\n"
     "      - {when: [yes], ask: [GOV-03.zz]}\n", 11, "not a question in the bank"),
    ("  - id: GOV-03.t\n    control: GOV-03\n    kind: choice\n    text: t\n    choices: [a, b]\n"
     "    verdicts:\n      c: {status: gap}\n", 13, "is not an answer to GOV-03.t"),
    ("  - id: GOV-03.t\n    control: GOV-99\n    kind: text\n    text: t\n", 8, "unknown control"),
])
def test_bad_bank_names_the_line(extra, line, message):
    with pytest.raises(InputError) as exc:
        _bank_with(extra)
    assert exc.value.path == "questions.yaml" and exc.value.line == line and message in exc.value.message


def test_bank_missing_a_deciding_question_is_refused():
    text = _GOOD.replace("GOV-03", "GOV-07")
    with pytest.raises(InputError) as exc:
        parse_bank("questions.yaml", text, load_catalog())
    assert "need a deciding question" in exc.value.message and "GOV-03" in exc.value.message
