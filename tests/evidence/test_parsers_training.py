"""LMS training-completion exports: facts, bad input and the training checks that name people."""

from __future__ import annotations

from datetime import date

import pytest

from trustgap.demo import demo_folder
from trustgap.evidence.detect import recognise
from trustgap.facts import CollectionIssue, Person, Record

from .test_parsers_github_hr import check, fixture, of, run, statuses


def test_knowbe4_enrollments() -> None:
    res = run("lms_training", fixture("training/knowbe4-campaign-users.csv"), "kb4.csv")
    assert res.errors == []
    records = of(res.facts, Record)
    alice = [r for r in records if r.subject == "alice.ng@acme.example"]
    training = next(r for r in alice if r.kind == "security_training")
    assert (training.performed_on, training.outcome, training.details["campaign"]) == (
        date(2026, 1, 6), "passed", "2026 Annual Security Awareness")
    assert {r.title for r in alice if r.kind == "policy_acknowledgement"} == {"Acme Information Security Policy",
                                                                             "Acme Code of Conduct"}
    bob_2026 = next(r for r in records if r.subject == "bob.ortiz@acme.example" and r.kind == "security_training"
                    and r.details["campaign"].startswith("2026"))
    assert (bob_2026.outcome, bob_2026.performed_on, bob_2026.details["date_from"], bob_2026.details["overdue"]) == (
        "past due", date(2026, 1, 5), "enrolled_on", True)
    carol = next(r for r in records if r.subject == "carol.diaz@acme.example")
    assert carol.details["overdue"] is True and carol.outcome == "passed"  # completed after the extended due date


def test_training_checks_name_people() -> None:
    staff = of(run("hr_roster", fixture("hr/bamboohr-employees.csv")).facts, Person)
    training = run("lms_training", fixture("training/knowbe4-campaign-users.csv")).facts
    result = check("training.completed_annually", staff + training)
    assert statuses(result) == {"alice.ng@acme.example": "pass", "bob.ortiz@acme.example": "fail",
                                "carol.diaz@acme.example": "pass"}
    bob = next(e for e in result.entities if e.entity == "bob.ortiz@acme.example")
    assert "2025-01-20" in bob.reason  # the past-due 2026 enrollment is not a completion
    conduct = check("hr.code_of_conduct_acknowledged", staff + training)
    assert statuses(conduct)["alice.ng@acme.example"] == "pass"
    assert statuses(conduct)["bob.ortiz@acme.example"] == "fail"


def test_generic_lms_export_bad_rows() -> None:
    res = run("lms_training", fixture("training/lms-completions.csv"), "lms.csv")
    assert {(e.line, e.field) for e in res.errors} == {(3, "Completed Date"), (4, "Completed Date"),
                                                      (5, "Learner Email")}
    records = {r.subject: r for r in of(res.facts, Record)}
    assert records["alice.ng@acme.example"].performed_on == date(2026, 1, 9)
    assert records["gita.rao@acme.example"].outcome == "failed"
    (issue,) = of(res.facts, CollectionIssue)
    assert issue.source == "training" and "line 3, 4, 5" in issue.reason
    only_security = run("lms_training", fixture("training/lms-completions.csv"), options={"courses": ["phishing"]})
    assert "erin.park@acme.example" not in {r.subject for r in of(only_security.facts, Record)}


def test_people_export_with_a_training_column() -> None:
    res = run("lms_training", fixture("training/people-security-training.csv"))
    assert [(r.subject, r.performed_on, r.title) for r in of(res.facts, Record)] == [
        ("alice.ng@acme.example", date(2026, 1, 6), "Security awareness training"),
        ("carol.diaz@acme.example", date(2025, 2, 11), "Security awareness training")]


@pytest.mark.parametrize("rel", ["training/knowbe4-campaign-users.csv", "training/lms-completions.csv",
                                 "training/people-security-training.csv"])
def test_training_exports_recognised_by_content(rel: str) -> None:
    assert recognise(fixture(rel), "file7.dat").name == "lms_training"  # type: ignore[union-attr]


def test_demo_roster_and_training_export() -> None:
    evidence = demo_folder() / "evidence"
    roster = run("hr_roster", (evidence / "hr" / "bamboohr-employees.csv").read_bytes())
    training = run("lms_training", (evidence / "training" / "knowbe4-training.csv").read_bytes())
    assert roster.errors == [] and training.errors == []
    assert len(of(roster.facts, Person)) == 24
    facts = roster.facts + training.facts
    as_of = date(2026, 11, 16)
    period = {"period_start": date(2026, 1, 1), "period_end": date(2026, 12, 31)}
    annual = check("training.completed_annually", facts, as_of=as_of, **period)
    assert {e.entity for e in annual.entities if e.status == "fail"} == {
        "olivia.grant@northwind.example", "noah.fischer@northwind.example", "ben.carter@northwind.example",
        "victor.huang@northwind.example"}
    assert "grace.kim@northwind.example" not in statuses(annual)  # new hire within the grace period
    hires = check("training.new_hires_trained", facts, as_of=as_of, **period)
    assert statuses(hires) == {"victor.huang@northwind.example": "fail"}


def test_lms_export_that_also_lists_hire_dates_is_training() -> None:
    data = (b"Email,Course,Status,Date Completed,Hire Date\n"
            b"ann@acme.example,Phishing 101,Completed,2026-01-02 16:45:10,2025-01-01\n")
    assert recognise(data, "export.csv").name == "lms_training"  # type: ignore[union-attr]
    (record,) = of(run("lms_training", data).facts, Record)
    assert (record.subject, record.performed_on, record.title) == ("ann@acme.example", date(2026, 1, 2),
                                                                   "Phishing 101")
