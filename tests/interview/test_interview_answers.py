"""The question-keyed answers file: loading, assertions, promises, errors with lines, atomic saving."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustgap.answers import load_answers
from trustgap.assessment import load_answer_files
from trustgap.catalog.loader import load_catalog
from trustgap.demo import demo_folder
from trustgap.errors import InputError
from trustgap.evidence.store import EvidenceStore
from trustgap.interview.answers import load_question_answers
from trustgap.interview.record import AnswerEntry, InterviewRecord, read_record, write_record

MIXED = """\
AC-03:
  status: implemented
  note: Okta SSO
_interview:
  answered_by: dana@acme.example
  answers:
    AC-08.cadence:
      value: not performed
    AC-08.last: 2026-01-31
    AC-20.endpoint:
      value: yes
      evidence: [will provide]
      answered_at: 2026-11-01
    AC-21.mdm: {value: yes, evidence: [mdm/export.csv], answered_by: ken@acme.example}
    AC-21.since: 2025-03-01
    AC-07.hours: 48
    GOV-03.org_chart: "don't know"
"""


def _known() -> set[str]:
    return {c.id for c in load_catalog().controls}


def test_control_keyed_file_gives_nothing_here():
    path = demo_folder() / "answers.yaml"
    assert load_question_answers(path, sha256="x") == ([], [])


def test_each_loader_reads_only_its_own_keys(tmp_path: Path):
    path = tmp_path / "answers.yaml"
    path.write_text(MIXED)
    control_keyed = load_answers(path, _known(), sha256="abc")
    assert [a.control_id for a in control_keyed] == ["AC-03"]
    assertions, promises = load_question_answers(path, sha256="abc")
    by = {a.control_id: a for a in assertions}
    assert set(by) == {"AC-08", "AC-20", "AC-21", "GOV-03"}
    # not performed -> gap; its follow-up (last review date) is closed, so ignored
    assert (by["AC-08"].status, by["AC-08"].gap_kind, by["AC-08"].last_performed) == ("gap", "missing", None)
    assert by["AC-20"].status == "implemented" and by["AC-20"].evidence_requested  # YAML `yes` is the answer yes
    assert by["AC-20"].answered_by == "dana@acme.example" and str(by["AC-20"].answered_at) == "2026-11-01"
    assert by["AC-21"].since.isoformat() == "2025-03-01" and by["AC-21"].answered_by == "ken@acme.example"
    assert by["AC-21"].evidence == ("mdm/export.csv",) and by["AC-21"].source.startswith("interview: AC-21.mdm")
    assert by["GOV-03"].status == "unknown"
    assert by["AC-08"].sha256 == "abc" and by["AC-08"].question_id == "AC-08.cadence"
    # a number answer to a threshold question is a promise; "not performed" promises nothing
    assert len(promises) == 1
    p = promises[0]
    assert (p.key, p.value, p.origin, p.ref, p.locator) == ("offboarding_hours", 48.0, "answer", "abc", "AC-07.hours")
    assert p.quote == "Access is removed within 48 hours of termination"
    assert p.source == "interview: AC-07.hours (answered by dana@acme.example)"


def test_assessment_loads_both_and_stores_the_file(tmp_path: Path):
    path = tmp_path / "answers.yaml"
    path.write_text(MIXED)
    store = EvidenceStore(tmp_path / "store")
    assertions, promises, items = load_answer_files([path], load_catalog(), store)
    assert {a.control_id for a in assertions} == {"AC-03", "AC-08", "AC-20", "AC-21", "GOV-03"}
    assert items[0].status == "answers" and store.get(items[0].sha256) == path.read_bytes()
    assert promises[0].ref == items[0].sha256


@pytest.mark.parametrize("answers,line,field,message", [
    ("    AC-99.x: yes\n", 3, "_interview.answers.AC-99.x", "unknown question id"),
    ("    AC-08.cadence: weekly\n", 3, "_interview.answers.AC-08.cadence.value", "is not one of"),
    ("    AC-08.last: {value: last spring}\n", 3, "_interview.answers.AC-08.last.value", "not a date"),
    ("    AC-07.hours: {value: soon, colour: red}\n", 3, "_interview.answers.AC-07.hours.colour", "Extra inputs"),
])
def test_bad_answers_name_file_line_and_field(tmp_path: Path, answers, line, field, message):
    path = tmp_path / "interview.yaml"
    path.write_text("_interview:\n  answers:\n" + answers)
    with pytest.raises(InputError) as exc:
        load_question_answers(path, sha256=None)
    e = exc.value
    assert (e.path, e.line, e.field) == (str(path), line, field) and message in e.message


def test_write_is_atomic_round_trip_and_never_rewrites_a_hand_written_file(tmp_path: Path):
    from trustgap.errors import InputError
    from trustgap.interview.record import save_path_for

    path = tmp_path / "answers.yaml"
    path.write_text(MIXED)
    record, _ = read_record(path)
    assert record is not None
    record.answers["AC-06.provisioning"] = AnswerEntry(value="partly", note="approvals in chat: yes, sometimes")
    record.position = "AC-06.provisioning"
    with pytest.raises(InputError, match="written by hand"):
        write_record(path, record)  # its control-keyed answers (and any comments) are the person's
    assert path.read_text() == MIXED
    target = save_path_for(path)
    assert target == tmp_path / "interview.yaml"
    write_record(target, record)
    again, _ = read_record(target)
    assert again == record
    write_record(target, again)  # trustgap's own file is rewritten freely
    assert [a.control_id for a in load_answers(path, _known())] == ["AC-03"]
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


def test_empty_interview_block_is_an_empty_record(tmp_path: Path):
    path = tmp_path / "interview.yaml"
    path.write_text("_interview:\n")
    record, _ = read_record(path)
    assert record == InterviewRecord()
    assert load_question_answers(path) == ([], [])
