"""The confidentiality and privacy controls decided by checks have a deciding question for when no evidence exists,
and the questions about deadlines set the thresholds the checks measure against."""

from __future__ import annotations

from trustgap.catalog.loader import load_catalog
from trustgap.checks.base import load_checks
from trustgap.interview.bank import load_bank


def test_every_privacy_check_control_has_a_deciding_question() -> None:
    bank, cat = load_bank(), load_catalog()
    deciding = {q.control for q in bank.questions if q.decides}
    for cid, chk in load_checks().items():
        if cid.startswith(("privacy.", "confidentiality.")):
            for control in chk.meta.controls:
                assert control in deciding, (cid, control)
                assert cid in cat.control(control).checks


def test_deadline_answers_become_thresholds() -> None:
    bank = load_bank()
    assert bank.question("PRV-07.months").threshold == "dsr_response_months"
    assert bank.question("PRV-07.months").threshold_value("1") == 1
    assert bank.question("CNF-04.days").threshold_value("30") == 30
    assert bank.question("PRV-15.hours").threshold_value("72") == 72.0
