"""An assessment that reads an interview file says in its result and reports where the interview stands."""

from __future__ import annotations

import shutil
from pathlib import Path

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.report.html import render_html
from trustgap.report.markdown import render_markdown

INTERVIEW = """\
_interview:
  organisation: Northwind Cloud
  answered_by: priya.raman@northwind.example
  completed: false
  skipped: [RSK-05.insurance]
  answers:
    AC-08.cadence: {value: quarterly, answered_at: 2026-11-12}
    CHG-06.environments: {value: dont_know, answered_at: 2026-11-13, answered_by: sofia.lindqvist@northwind.example}
"""


def test_interview_progress_in_result_and_reports(tmp_path: Path) -> None:
    folder = tmp_path / "northwind"
    shutil.copytree(demo_folder(), folder)
    (folder / "interview.yaml").write_text(INTERVIEW, encoding="utf-8")
    inputs = resolve_inputs(folder)
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False)
    s = result.interview
    assert s is not None
    assert (s["answered"], s["dont_know"], s["skipped"], s["completed"]) == (1, 1, 1, False)
    assert s["answered_by"] == ["priya.raman@northwind.example", "sofia.lindqvist@northwind.example"]
    assert s["last_answer"] == "2026-11-13" and s["file"] == "interview.yaml"
    md = render_markdown(result)
    assert "Interview (interview.yaml): 1 answers by priya.raman@northwind.example" in md
    assert "in progress" in md
    assert "Interview (interview.yaml)" in render_html(result)


def test_no_interview_file_no_interview_line(tmp_path: Path) -> None:
    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False)
    assert result.interview is None  # answers.yaml alone is control-keyed: no conversation to report
    assert "Interview (" not in render_markdown(result)
