"""The command line end to end: init, assess (bad input, determinism, fail-under), report, runs, catalog, demo."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustgap.cli import app
from trustgap.demo import DEMO_AS_OF, demo_folder

runner = CliRunner(env={"COLUMNS": "200"})  # as in a wide terminal: table cells unwrapped


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    target = tmp_path / "northwind"
    shutil.copytree(demo_folder(), target)
    return target


def test_init_writes_starter_that_assesses(tmp_path: Path):
    r = invoke("init", str(tmp_path / "org"), "--org", "Acme")
    assert r.exit_code == 0, r.output
    assert "organisation:\n  name: Acme" in (tmp_path / "org" / "scope.yaml").read_text()
    r = invoke("assess", str(tmp_path / "org"), "--as-of", "2026-11-16", "--no-save")
    assert r.exit_code == 0, r.output
    assert "readiness" in r.output
    again = invoke("init", str(tmp_path / "org"))
    assert again.exit_code == 2 and "already exists" in again.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("organisation:\n  name: Acme\nreport:\n  type: type2\n", "scope.yaml:3: field 'report'"),
        ("organisation:\n  name: Acme\nthresholds:\n  offboarding_hours: -3\n",
         "scope.yaml:4: field 'thresholds.offboarding_hours'"),
        ("organisation:\n  name: Acme\ncategories: [security, secrecy]\n", "scope.yaml:3: field 'categories'"),
        ("organisation:\n  name: Acme\n  colour: blue\n", "scope.yaml:3: field 'organisation.colour'"),
        ("organisation: [\n", "scope.yaml:2: not valid YAML"),
    ],
)
def test_bad_scope_names_file_line_field_and_exits_2(tmp_path: Path, text: str, expected: str):
    (tmp_path / "scope.yaml").write_text(text)
    r = runner.invoke(app, ["assess", str(tmp_path), "--no-save"])
    assert r.exit_code == 2
    assert expected in r.output
    assert "Traceback" not in r.output


def test_bad_answers_file_names_line_and_field(tmp_path: Path):
    (tmp_path / "scope.yaml").write_text("organisation:\n  name: Acme\n")
    (tmp_path / "answers.yaml").write_text("AC-08:\n  status: sometimes\n")
    r = runner.invoke(app, ["assess", str(tmp_path), "--no-save", "--json", str(tmp_path / "out.json")])
    # exit 2 naming file, line and field; no traceback; the rest of the run still completed and was written
    assert r.exit_code == 2
    assert "answers.yaml:2: field 'AC-08.status'" in r.output and "Traceback" not in r.output
    data = json.loads((tmp_path / "out.json").read_text())
    item = next(e for e in data["evidence"] if e["name"] == "answers.yaml")
    assert item["status"] == "failed"
    assert item["errors"][0]["line"] == 2 and item["errors"][0]["field"] == "AC-08.status"


def test_assess_twice_gives_identical_json(demo_copy: Path, tmp_path: Path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        r = invoke("assess", str(demo_copy), "--as-of", DEMO_AS_OF.isoformat(), "--json", str(out))
        assert r.exit_code == 0, r.output
    assert a.read_bytes() == b.read_bytes()


def test_fail_under_sets_exit_code(demo_copy: Path):
    r = invoke("assess", str(demo_copy), "--as-of", DEMO_AS_OF.isoformat(), "--no-save", "--fail-under", "99")
    assert r.exit_code == 1
    r = invoke("assess", str(demo_copy), "--as-of", DEMO_AS_OF.isoformat(), "--no-save", "--fail-under", "1")
    assert r.exit_code == 0


def test_stored_run_reports_in_three_formats(demo_copy: Path, tmp_path: Path):
    r = invoke("assess", str(demo_copy), "--as-of", DEMO_AS_OF.isoformat())
    assert r.exit_code == 0, r.output
    listing = invoke("runs")
    assert "Northwind Cloud" in listing.output
    html = tmp_path / "r.html"
    assert invoke("report", "latest", "--format", "html", "-o", str(html)).exit_code == 0
    text = html.read_text()
    assert "<svg" in text and "Control matrix" in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    md = invoke("report", "latest", "--format", "md")
    assert "## Findings by severity" in md.output
    # the same content as the HTML: evidence requests ("will provide") and not-applicable justifications
    assert "### Open evidence requests" in md.output and "| GOV-02 |" in md.output
    assert "### Not applicable" in md.output
    assert "Open evidence requests" in text
    assert "How this assessment was made" in md.output and "How this assessment was made" in text
    assert "Type II report over 2026-01-01 to 2026-12-31" in md.output
    js = invoke("report", "latest", "--format", "json")
    assert json.loads(js.output)["organisation"] == "Northwind Cloud"
    assert runner.invoke(app, ["report", "no-such-run"]).exit_code == 2


def test_catalog_json_lists_61_criteria_and_mappings():
    r = invoke("catalog", "--format", "json")
    data = json.loads(r.output)
    assert len(data["criteria"]) == 61
    assert len(data["controls"]) >= 90
    for c in data["controls"]:
        assert c["iso27001"] and c["nist_csf"]
    covered = {crit for c in data["controls"] for crit in c["criteria"]}
    assert covered == {c["id"] for c in data["criteria"]}
    one = json.loads(invoke("catalog", "--format", "json", "--criterion", "CC6.1").output)
    assert [c["id"] for c in one["criteria"]] == ["CC6.1"]
    assert all("CC6.1" in c["criteria"] for c in one["controls"])
    assert runner.invoke(app, ["catalog", "--framework", "cobit"]).exit_code == 2


def test_demo_writes_html_report(tmp_path: Path):
    r = invoke("demo", "--out", str(tmp_path / "out"), "--no-save")
    assert r.exit_code == 0, r.output
    # what was written is the demo organisation's assessment (the same as assessing the bundled folder)
    from trustgap.assessment import resolve_inputs, run_assessment
    from trustgap.engine.models import AssessmentResult

    written = AssessmentResult.from_json((tmp_path / "out" / "demo-result.json").read_text(encoding="utf-8"))
    inputs = resolve_inputs(demo_folder())
    expected, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                                 as_of=DEMO_AS_OF, save=False)
    assert written.to_json() == expected.to_json()
    # and the HTML report shows it: the organisation, its readiness, every control with a gap
    html = (tmp_path / "out" / "demo-report.html").read_text(encoding="utf-8")
    gaps = [v.control_id for v in written.verdicts if v.status == "gap"]
    assert written.organisation in html and f"Readiness {written.readiness.score:.0f}%" in html
    assert gaps and [c for c in gaps if c not in html] == []


def test_help_runs_in_a_fresh_interpreter():
    out = subprocess.run([sys.executable, "-m", "trustgap", "--help"], capture_output=True, text=True, check=True)
    for cmd in ("assess", "report", "runs", "catalog", "demo", "init"):
        assert cmd in out.stdout


def test_starter_examples_are_valid_when_uncommented(tmp_path: Path):
    """The commented `collect:` and `plan:` examples of the starter are real settings, not prose."""
    import re

    from trustgap.collectors.base import parse_collect_config
    from trustgap.scope import load_scope
    from trustgap.starter import SCOPE_TEMPLATE

    text = SCOPE_TEMPLATE.format(name="Acme", legal="Acme Inc.")
    for section in ("collect", "plan"):
        block = re.search(rf"^# {section}:\n((?:#   .*\n)+)", text, re.M)
        assert block, section
        text += f"{section}:\n" + "".join(line[2:] + "\n" for line in block.group(1).splitlines())
    (tmp_path / "scope.yaml").write_text(text)
    loaded = load_scope(tmp_path / "scope.yaml")
    cfg = parse_collect_config(loaded.scope.collect)
    assert cfg.github is not None and cfg.github.org == "example" and cfg.iac is not None
    assert loaded.scope.plan["capacity"]["devops_lead"] == [4, 6, 6]
