"""The plan of the demo organisation, end to end: dependencies, quick wins, capacity spill-over, exports,
and policy drafts that, once approved, turn the "policy missing" findings into passes."""

from __future__ import annotations

import csv
import io
import shutil
from itertools import combinations
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from tests.plan.test_dependencies import assert_respects_dependencies
from typer.testing import CliRunner

from trustgap import cli_plan
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.engine.models import AssessmentResult


def assess_folder(folder: Path, store_dir: Path) -> AssessmentResult:
    from trustgap.assessment import resolve_inputs, run_assessment
    from trustgap.evidence.store import EvidenceStore

    inputs = resolve_inputs(folder)
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=DEMO_AS_OF, save=False, evidence_store=EvidenceStore(store_dir))
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> AssessmentResult:
    return assess_folder(demo_folder(), tmp_path_factory.mktemp("evidence"))


def test_demo_roadmap_orders_no_task_before_its_prerequisites(demo: AssessmentResult) -> None:
    plan = demo.plan
    assert plan is not None and plan["tasks"]
    assert assert_respects_dependencies(plan) >= 1
    open_ids = {t["control_id"] for t in plan["tasks"]}
    listed = {(d["task"], d["after"]) for d in plan["dependencies"]}
    from trustgap.plan.data import load_plan_data

    for entry in load_plan_data().dependencies.dependencies:
        for after in entry.after:
            if entry.task in open_ids and after in open_ids:
                assert (entry.task, after) in listed


def test_demo_quick_win_outranks_high_effort_gap_of_equal_likelihood(demo: AssessmentResult) -> None:
    plan = demo.plan
    assert plan is not None
    pairs = [(a, b) if a["effort"] == "S" else (b, a) for a, b in combinations(plan["tasks"], 2)
             if a["priority"]["likelihood"] == b["priority"]["likelihood"]
             and {a["effort"], b["effort"]} in ({"S", "L"}, {"S", "M"})]
    assert pairs, "the demo has gaps of equal likelihood and different effort"
    for small, big in pairs:
        assert small["rank"] < big["rank"], (small["control_id"], big["control_id"])
    assert plan["quick_wins"]


def test_demo_capacity_spills_and_the_report_says_which(demo: AssessmentResult) -> None:
    from trustgap.report.html import render_plan_html

    plan = demo.plan
    assert plan is not None
    caps = plan["settings"]["capacity"]
    assert caps == {"cto": [3, 3, 3], "devops_lead": [5, 5, 5], "security_lead": [6, 6, 6]}
    for ph in plan["phases"]:
        for role, cap in caps.items():
            assert ph["points_by_owner"].get(role, 0) <= cap[ph["number"] - 1]
    assert plan["spills"]
    html = render_plan_html(demo)
    assert "Capacity and spill-over" in html
    for s in plan["spills"]:
        assert s["control_id"] in html


def test_demo_exports(demo: AssessmentResult, tmp_path: Path) -> None:
    from trustgap.report.issues_csv import jira_csv
    from trustgap.report.xlsx import write_workbook

    plan = demo.plan
    assert plan is not None
    wb = load_workbook(write_workbook(demo, tmp_path / "demo.xlsx"))
    assert wb.sheetnames == ["Controls", "Findings", "Roadmap", "Risk register", "Frameworks"]
    assert wb["Controls"].max_row == len(demo.verdicts) + 1
    assert wb["Findings"].max_row == len(demo.findings) + 1
    assert wb["Roadmap"].max_row == len(plan["tasks"]) + 1
    assert wb["Risk register"].max_row == len(plan["risk_register"]["risks"]) + 1
    header = next(csv.reader(io.StringIO(jira_csv(plan, demo.organisation))))
    assert {"Summary", "Issue Type", "Priority", "Description", "Assignee", "Labels", "Due Date"} <= set(header)


def _policy_findings(result: AssessmentResult) -> dict[str, list[str]]:
    """policy key -> reasons of the failing policy entities."""
    out: dict[str, list[str]] = {}
    for f in result.findings:
        if f.entity_type == "policy" and f.entity:
            out.setdefault(f.entity.split(" ")[0], []).append(f.reason)
    return out


def test_approved_drafts_turn_policy_missing_findings_into_passes(tmp_path: Path) -> None:
    org = tmp_path / "northwind"
    shutil.copytree(demo_folder(), org)
    before = _policy_findings(assess_folder(org, tmp_path / "s1"))
    app = typer.Typer()
    app.command()(lambda: None)
    cli_plan.register(app)
    out = CliRunner().invoke(app, ["policy", "generate", str(org), "--missing", "--as-of", DEMO_AS_OF.isoformat()])
    assert out.exit_code == 0, out.output
    drafts = sorted((org / "evidence" / "policies" / "drafts").glob("*.md"))
    assert drafts
    generated = {next(ln.split(":", 1)[1].strip() for ln in p.read_text(encoding="utf-8").splitlines()
                      if ln.startswith("policy_key:")) for p in drafts}
    assert generated <= set(before), "drafts only for policies with findings"
    assert "vendor_management" not in generated  # an unapproved draft exists: it needs approval, not a new draft

    unapproved = _policy_findings(assess_folder(org, tmp_path / "s2"))
    for key in generated:
        assert key in unapproved, f"an unapproved draft must not count: {key}"

    for p in drafts:
        text = p.read_text(encoding="utf-8")
        p.write_text(text.replace("approved_on: null", f"approved_on: {DEMO_AS_OF.isoformat()}")
                     .replace("approved_by: null", "approved_by: Hannah Weiss (CEO)"), encoding="utf-8")
    after_result = assess_folder(org, tmp_path / "s3")
    after = _policy_findings(after_result)
    for key in generated:
        assert key not in after, f"{key} still failing: {after.get(key)}"
    assert "vendor_management" in after  # untouched
    single = {c.check_id: c.status for c in after_result.checks}
    for check_id in ("policies.risk_management_documented", "policies.secure_development_documented",
                     "policies.data_retention_documented"):
        assert single[check_id] == "pass", check_id
