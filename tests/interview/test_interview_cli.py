"""``trustgap interview``: non-interactive answers file and export round trip, stop and resume, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustgap.cli import app
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.interview.record import read_record

runner = CliRunner()

ANSWERS = """\
_interview:
  answered_by: priya.raman@northwind.example
  answers:
    GOV-11.documented: yes
    GOV-11.reviewed: 2026-06-30
    GOV-03.org_chart: partly
    AC-08.cadence: quarterly
    AC-07.hours: 24
    CHG-06.environments: dont_know
    CNF-05.non_production: {value: no, note: production copies used in staging}
"""


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    target = tmp_path / "northwind"
    shutil.copytree(demo_folder(), target)
    return target


def _invoke(*args: str, input: str | None = None):
    return runner.invoke(app, ["interview", *args], input=input, catch_exceptions=False)


def _verdicts(path: Path) -> dict[str, tuple[str, str | None]]:
    data = json.loads(path.read_text())
    return {v["control_id"]: (v["status"], v["gap_kind"]) for v in data["verdicts"]}


def test_answers_file_and_export_round_trip(demo_copy: Path, tmp_path: Path):
    answers = tmp_path / "given.yaml"
    answers.write_text(ANSWERS)
    exported = tmp_path / "exported.yaml"
    first = tmp_path / "first.json"
    r = _invoke(str(demo_copy), "--answers", str(answers), "--export", str(exported), "--as-of",
                DEMO_AS_OF.isoformat(), "--no-save", "--report", str(first), "--format", "json")
    assert r.exit_code == 0, r.output
    assert "Logical and physical access done:" in r.output and "readiness" in r.output
    verdicts = _verdicts(first)
    assert verdicts["AC-08"][1] == "not_operating"
    assert verdicts["GOV-03"] == ("partial", "undocumented")
    assert verdicts["CHG-06"] == ("not_assessed", None)
    assert verdicts["CNF-05"] == ("gap", "missing")
    data = json.loads(first.read_text())
    assert data["interview"]["file"] == "given.yaml" and data["interview"]["dont_know"] == 1
    assert any(e["name"] == "given.yaml" and e["status"] == "answers" for e in data["evidence"])

    given, _ = read_record(answers)
    out, _ = read_record(exported)
    assert out is not None and out.answers == given.answers
    second = tmp_path / "second.json"
    r = _invoke(str(demo_copy), "--answers", str(exported), "--as-of", DEMO_AS_OF.isoformat(), "--no-save",
                "--report", str(second), "--format", "json", "--no-summaries")
    assert r.exit_code == 0, r.output
    assert _verdicts(second) == verdicts


def test_interactive_stop_and_resume(demo_copy: Path, tmp_path: Path):
    save_to = tmp_path / "iv.yaml"
    args = [str(demo_copy), "--save-to", str(save_to), "--as-of", DEMO_AS_OF.isoformat(), "--no-save",
            "--who", "priya.raman@northwind.example", "--report", str(tmp_path / "r.html")]
    # yes, no evidence path, then the input ends (a lost terminal)
    r = _invoke(*args, input="y\n\n")
    assert r.exit_code == 130, r.output
    assert "Resume with" in r.output
    record, _ = read_record(save_to)
    assert record is not None and list(record.answers) == ["GOV-11.documented"]
    assert record.answers["GOV-11.documented"].answered_by == "priya.raman@northwind.example"
    assert record.position == "GOV-11.reviewed"
    # resumed at the follow-up; 'q' stops cleanly
    r = _invoke(*args, input="2026-06-30\nq\n")
    assert r.exit_code == 0, r.output
    assert "(resuming)" in r.output and "When was the system description last reviewed?" in r.output
    record, _ = read_record(save_to)
    assert record.answers["GOV-11.reviewed"].value == "2026-06-30" and record.position == "GOV-03.org_chart"


def test_bad_answers_file_is_one_clear_line(demo_copy: Path, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("_interview:\n  answers:\n    AC-08.cadence: weekly\n")
    r = _invoke(str(demo_copy), "--answers", str(bad), "--as-of", DEMO_AS_OF.isoformat(), "--no-save")
    assert r.exit_code == 2
    flat = "".join(r.output.split())  # the console wraps long lines
    assert f"{bad}:3:field'_interview.answers.AC-08.cadence.value':'weekly'isnotoneof" in flat


def test_q_and_question_mark_at_the_evidence_prompt_are_commands(demo_copy: Path, tmp_path: Path):
    save_to = tmp_path / "iv.yaml"
    args = [str(demo_copy), "--save-to", str(save_to), "--as-of", DEMO_AS_OF.isoformat(), "--no-save",
            "--who", "priya.raman@northwind.example"]
    # yes; at the evidence prompt: '?' explains, 'h' too, then 'q' keeps the answer and stops
    r = _invoke(*args, input="y\n?\nh\nq\n")
    assert r.exit_code == 0, r.output
    assert r.output.count("type the path of a file in the evidence folder") == 2
    assert "Resume with" in r.output
    record, _ = read_record(save_to)
    assert record is not None and record.answers["GOV-11.documented"].value == "yes"
    assert record.answers["GOV-11.documented"].evidence == []  # neither '?' nor 'q' became a file path


def test_a_control_keyed_file_given_to_interview_answers_is_named_for_what_it_is(demo_copy: Path, tmp_path: Path):
    mine = tmp_path / "answers.yaml"
    mine.write_text("# our answers, reviewed by the CTO\nAC-08:\n  status: implemented  # quarterly\n")
    before = mine.read_text()
    r = _invoke(str(demo_copy), "--answers", str(mine), "--as-of", DEMO_AS_OF.isoformat(), "--no-save")
    assert r.exit_code == 2
    assert "control-keyed answers file" in r.output and f"trustgap assess {demo_copy} --answers {mine}" in r.output
    assert mine.read_text() == before


def test_question_keyed_answers_at_the_top_level_are_refused_not_lost(demo_copy: Path, tmp_path: Path):
    from trustgap.cli import app

    mine = tmp_path / "answers.yaml"
    mine.write_text("AC-08.cadence: quarterly\n")
    r = CliRunner().invoke(app, ["assess", str(demo_copy), "--answers", str(mine), "--as-of",
                                 DEMO_AS_OF.isoformat(), "--no-save"])
    assert r.exit_code == 2
    assert "answers.yaml:1: field 'AC-08.cadence'" in r.output and "'_interview: answers:'" in r.output


def test_the_interview_never_rewrites_a_file_written_by_hand(demo_copy: Path, tmp_path: Path):
    mine = demo_copy / "answers.yaml"
    text = "# reviewed by the CTO on 2026-11-01\nAC-08:\n  status: implemented  # quarterly, see tracker\n"
    mine.write_text(text)
    r = _invoke(str(demo_copy), "--save-to", str(mine), "--as-of", DEMO_AS_OF.isoformat(), "--no-save",
                input="y\n\nq\n")
    assert r.exit_code == 0, r.output
    assert mine.read_text() == text  # comments and all
    saved = demo_copy / "interview.yaml"
    # the console wraps long paths anywhere (inside a word too): compare without any white space
    assert "".join(f"the interview saves to {saved}".split()) in "".join(r.output.split())
    record, _ = read_record(saved)
    assert record is not None and record.answers["GOV-11.documented"].value == "yes"
