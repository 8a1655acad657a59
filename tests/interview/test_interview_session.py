"""The conversation over the demo organisation, driven through the real prompt code by a scripted person."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trustgap.assessment_interview import finish
from trustgap.catalog.loader import load_catalog
from trustgap.interview.bank import load_bank
from trustgap.interview.prompts import converse
from trustgap.interview.record import InterviewRecord, read_record
from trustgap.interview.session import InterviewSession

from .conftest import WHO, open_demo, scripted, terminal


def _verdicts(result):
    return [(v.control_id, v.status, v.gap_kind, v.reason) for v in result.verdicts]


@pytest.fixture(scope="module")
def full_run(module_home, tmp_path_factory):
    path = tmp_path_factory.mktemp("full") / "interview.yaml"
    iv = open_demo(path)
    term, out = terminal(scripted(iv.session))
    done = converse(term, iv.session, iv.context)
    result, run_id = finish(iv, save=True)
    return iv, result, run_id, out.getvalue(), done


def test_scripted_interview_reaches_a_result(full_run):
    iv, result, run_id, output, done = full_run
    assert done and run_id
    record, _ = read_record(iv.record_path)
    assert record is not None and record.completed and record.position is None
    assert result.interview and result.interview["completed"] is True
    assert result.interview["skipped"] == 1 and result.interview["dont_know"] == 1
    # the answers file is inquiry evidence in the run, and verdicts decided by it point at it
    item = next(e for e in result.evidence if e.name == "interview.yaml")
    assert item.status == "answers"
    gov03 = result.verdict("GOV-03")
    assert gov03.answer and gov03.answer.sha256 == item.sha256 and gov03.answer.question_id == "GOV-03.org_chart"
    assert gov03.answer.answered_by == WHO
    # the answer the answers file gave is shown before the question that replaces it
    assert "Answered before (answers.yaml:8): Implemented - Org chart in BambooHR" in output
    # every in-scope control without checks is now decided, except the one answered "don't know" / skipped
    cat = load_catalog()
    undecided = {v.control_id for v in result.verdicts if v.status == "not_assessed"
                 and not cat.control(v.control_id).checks}
    assert undecided == {"CHG-06", "RSK-05"}
    # conversation order: scope first, with a summary at the end of each domain
    headers = re.findall(r"^(\S.*?)  \d+/\d+ in this domain", output, flags=re.M)
    assert headers == ["Scope and organisation", "Control environment", "Risk assessment and monitoring",
                       "Logical and physical access", "System operations", "Change management", "Vendors",
                       "Availability", "Confidentiality", "Processing integrity", "Privacy"]
    assert "Access" in output and "Logical and physical access done:" in output
    assert "found in the evidence:" in output


def test_interrupted_interview_resumes_to_the_same_verdicts(full_run, tmp_path: Path):
    _, uninterrupted, _, _, _ = full_run
    path = tmp_path / "interview.yaml"
    iv = open_demo(path)
    term, _ = terminal(scripted(iv.session, interrupt_after=23))
    with pytest.raises(KeyboardInterrupt):
        converse(term, iv.session, iv.context)
    saved, _ = read_record(path)
    assert saved is not None and not saved.completed and 8 <= len(saved.answers) < 23
    assert saved.position == iv.session.current().id

    again = open_demo(path)
    assert again.resumed and again.session.current().id == saved.position
    term, out = terminal(scripted(again.session))
    assert converse(term, again.session, again.context)
    assert f"{len(saved.answers) + len(saved.skipped)} already answered" in out.getvalue()
    result, _ = finish(again, save=False)
    assert _verdicts(result) == _verdicts(uninterrupted)


def test_quarterly_access_reviews_against_one_review_is_not_operating(full_run):
    _, result, _, _, _ = full_run
    v = result.verdict("AC-08")
    assert v.status == "gap" and v.gap_kind == "not_operating"
    assert "quarterly" in v.reason
    assert result.thresholds["access_review_cadence_months"]["origin"] == "answer"
    cadence = [f for f in result.findings_for("AC-08") if f.check_id == "access_reviews.performed_on_cadence"]
    assert cadence
    for f in cadence:
        assert f.gap_kind == "not_operating"
        assert f.promise and f.promise.quote == "User access is reviewed quarterly"
        assert f.promise.source == f"interview: AC-08.cadence (answered by {WHO})"
        assert f.promise.locator == "AC-08.cadence"
        assert f.measured and f.measured["missing"] == ["2026-Q2", "2026-Q3"]
        assert "2026-Q2, 2026-Q3" in f.reason and "User access is reviewed quarterly" in f.reason
        # the policy that promises the same cadence is cited too, by file and line
        assert f.promise.also == ["policies/access-control-policy.md line 21"]
        assert "also policies/access-control-policy.md line 21" in f.reason


def test_answers_decide_controls_as_said(full_run):
    _, result, _, _, _ = full_run
    assert result.verdict("CHG-06").status == "not_assessed"  # don't know
    assert "don't know" in result.verdict("CHG-06").reason
    assert (result.verdict("HR-05").status, result.verdict("HR-05").gap_kind) == ("gap", "missing")
    ac20 = result.verdict("AC-20")
    assert (ac20.status, ac20.gap_kind) == ("partial", "not_operating")
    assert ac20.answer and "sales and support laptops are not enrolled" in (ac20.answer.note or "")
    # Type II: device management only since May is not operating over the whole period
    assert (result.verdict("AC-21").status, result.verdict("AC-21").gap_kind) == ("partial", "not_operating")
    # evidence named and found -> implemented; "will provide" -> partial and an evidence request
    assert result.verdict("GOV-07").status == "implemented"
    assert result.verdict("GOV-12").gap_kind == "insufficient_evidence"
    assert any(r.control_id == "GOV-12" and r.requested_from == WHO for r in result.evidence_requests)


def test_decided_controls_ask_only_their_promises(full_run):
    iv, _, _, _, _ = full_run
    asked = set(iv.session.record.order)
    assert "AC-08.cadence" in asked and "AC-08.last" not in asked  # AC-08 is decided by the review records
    assert "AC-07.hours" in asked  # a promise, held against the offboarding evidence
    # the demo's reconciliation log and DSR log decide PI-04 and PRV-07: their yes/no questions are not asked,
    # the promise behind PRV-07 (the response deadline) is
    assert "PI-04.reconciliation" not in asked and "PRV-07.access_requests" not in asked
    assert "PRV-07.months" in asked
    assert "AC-14.physical" not in asked  # not applicable in the scope file


def test_back_and_skip(tmp_path: Path):
    bank = load_bank()
    saves: list[InterviewRecord] = []
    session = InterviewSession(bank, out_of_scope=[], answered_by=WHO,
                               on_change=lambda r: saves.append(r.model_copy(deep=True)))
    lines = iter(["y", "", "b", "n", "s", "q"])  # yes; no evidence; back at the follow-up; no; skip; stop
    term, _ = terminal(lambda prompt: next(lines))
    assert converse(term, session) is False
    rec = session.record
    assert rec.answers["GOV-11.documented"].value == "no"
    assert "GOV-11.reviewed" not in {s.id for s in session.steps()}  # closed by the changed answer
    assert rec.skipped == ["GOV-03.org_chart"]
    assert session.current().id == "GOV-07.owner" and rec.position == "GOV-07.owner"
    assert len(saves) >= 3  # saved after every move


def test_dont_know_is_never_implemented():
    """For every deciding question: "don't know" there, every other answer of the control favourable."""
    from trustgap.interview.answers import build_assertions
    from trustgap.interview.record import AnswerEntry

    from .conftest import default_answer

    bank = load_bank()
    for q in bank.questions:
        if not q.decides:
            continue
        answers = {o.id: AnswerEntry(value=default_answer(o)) for o in bank.for_control(q.control)}
        for parent in bank.for_control(q.control):  # open the path to a follow-up
            for f in parent.follow_ups:
                if q.id in f.ask:
                    answers[parent.id] = AnswerEntry(value=f.when[0])
        answers[q.id] = AnswerEntry(value="dont_know")
        assertions, _ = build_assertions(bank, InterviewRecord(answers=answers))
        statuses = [a.status for a in assertions if a.control_id == q.control]
        assert statuses and statuses[0] != "implemented", q.id
