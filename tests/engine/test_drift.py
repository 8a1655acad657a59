"""Drift between two runs: controls improved or regressed, findings new, resolved or carried over."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustgap.assessment import resolve_inputs, run_assessment
from trustgap.cli import app
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.drift import compare, drift_markdown
from trustgap.engine.models import AssessmentResult


def _assess(folder: Path, as_of=DEMO_AS_OF) -> AssessmentResult:  # noqa: ANN001
    inputs = resolve_inputs(folder)
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=as_of, save=False)
    return result


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[AssessmentResult, AssessmentResult]:
    before = _assess(demo_folder())
    worse = tmp_path_factory.mktemp("drift") / "northwind"
    shutil.copytree(demo_folder(), worse)
    answers = worse / "answers.yaml"
    text = answers.read_text()
    assert "AC-20:\n  status: partial" in text
    answers.write_text(text.replace("AC-20:\n  status: partial", "AC-20:\n  status: gap"))
    (worse / "evidence" / "vendors" / "vendor-inventory.csv").unlink()
    return before, _assess(worse)


def test_regressions_improvements_and_findings(pair: tuple[AssessmentResult, AssessmentResult]) -> None:
    before, after = pair
    d = compare(before, after, older_id="r1", newer_id="r2")
    by = {c.control_id: c for c in d.changes}
    assert (by["AC-20"].before, by["AC-20"].after, by["AC-20"].direction) == ("partial", "gap", "regressed")
    assert all(c.direction != "improved" for c in d.changes)
    # the vendor inventory is gone: its findings are no longer there (resolved, for want of evidence) and
    # the vendor controls are not assessed any more ("changed", never counted as an improvement)
    assert any(f.check_id and f.check_id.startswith("vendors.") for f in d.resolved_findings)
    assert any(c.after == "not_assessed" and c.direction == "changed" for c in d.changes)
    assert d.carried_findings > 50 and d.readiness_delta is not None and d.readiness_delta < 0
    back = compare(after, before)
    assert {c.control_id for c in back.improvements} == {c.control_id for c in d.regressions}
    md = drift_markdown(d)
    assert "## Regressed" in md and "**AC-20**" in md and "Partial → Gap" in md


def test_diff_command_on_result_files(pair: tuple[AssessmentResult, AssessmentResult], tmp_path: Path) -> None:
    before, after = pair
    (tmp_path / "a.json").write_text(before.to_json())
    (tmp_path / "b.json").write_text(after.to_json())
    runner = CliRunner(env={"COLUMNS": "200"})
    r = runner.invoke(app, ["diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--format", "json",
                            "--fail-on-regression"])
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert any(c["control_id"] == "AC-20" and c["direction"] == "regressed" for c in data["changes"])
    same = runner.invoke(app, ["diff", str(tmp_path / "a.json"), str(tmp_path / "a.json"), "--fail-on-regression"])
    assert same.exit_code == 0 and "no control changed status" in same.output
    bad = runner.invoke(app, ["diff", str(tmp_path / "b.json")])
    assert bad.exit_code == 2 and "give the older run too" in bad.output


def test_diff_of_stored_runs_defaults_to_the_previous_run(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    outputs = []
    for day in ("2026-09-30", DEMO_AS_OF.isoformat()):
        r = runner.invoke(app, ["assess", str(demo_folder()), "--as-of", day])
        assert r.exit_code == 0, r.output
        outputs.append(r.output)
    # the second run says in one line what changed since the first
    assert "since run" not in outputs[0]
    assert "since run" in outputs[1] and "(as of 2026-09-30)" in outputs[1]
    # the counts said are those of the two runs' findings, counted here from the results themselves
    from datetime import date

    older, newer = _assess(demo_folder(), date(2026, 9, 30)), _assess(demo_folder())
    new_ids = {f.id for f in newer.findings} - {f.id for f in older.findings}
    resolved_ids = {f.id for f in older.findings} - {f.id for f in newer.findings}
    assert new_ids  # findings of the later date that the earlier run did not have
    assert f"{len(new_ids)} new finding(s), {len(resolved_ids)} resolved" in outputs[1]
    r = runner.invoke(app, ["diff"])
    assert r.exit_code == 0, r.output
    assert "as of 2026-09-30" in r.output and f"as of {DEMO_AS_OF.isoformat()}" in r.output
    assert "new [high] AC-07 ethan.brooks@northwind.example (okta)" in r.output
