"""XLSX workbook, Jira and GitHub CSV, and the HTML / Markdown roadmap section."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from tests.plan.conftest import make_catalog, make_result, make_scope
from tests.plan.test_dependencies import ALL_OPEN

from trustgap.engine.models import AssessmentResult
from trustgap.plan import build_plan
from trustgap.report.charts_plan import heatmap_svg, plan_context, plan_markdown, timeline_svg
from trustgap.report.html import render_plan_html
from trustgap.report.issues_csv import GITHUB_HEADER, github_csv, jira_csv
from trustgap.report.xlsx import SHEETS, workbook_bytes, write_workbook

DECISIONS = {"AC-13": {"treatment": "accept", "justification": "two legacy accounts, retired in Q2",
                       "review_date": "2027-04-01"}}


def planned_result(section: dict | None = None) -> AssessmentResult:
    cat = make_catalog()
    result = make_result(cat, ALL_OPEN, findings={"AC-04": 3, "CHG-02": 2})
    result.plan = build_plan(result, cat, make_scope(section if section is not None else {
        "capacity": {"security_lead": 4}, "decisions": DECISIONS,
        "github_logins": {"security_lead": "priya-r"}}), {})
    return result


def test_workbook_has_four_sheets_with_the_right_rows(tmp_path: Path) -> None:
    result = planned_result()
    path = write_workbook(result, tmp_path / "out" / "plan.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == list(SHEETS) == ["Controls", "Findings", "Roadmap", "Risk register", "Frameworks"]
    plan = result.plan
    assert plan is not None
    expected = {"Controls": len(result.verdicts), "Findings": len(result.findings), "Roadmap": len(plan["tasks"]),
                "Risk register": len(plan["risk_register"]["risks"])}
    for name, rows in expected.items():
        ws = wb[name]
        assert ws.max_row == rows + 1, name
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{rows + 1}"
        assert all(ws.cell(1, c).font.bold for c in range(1, ws.max_column + 1))
        assert all(8 <= ws.column_dimensions[ws.cell(1, c).column_letter].width <= 60
                   for c in range(1, ws.max_column + 1))
    assert expected["Findings"] == 5 and expected["Risk register"] >= 1
    roadmap = wb["Roadmap"]
    header = [c.value for c in roadmap[1]]
    first = dict(zip(header, [c.value for c in roadmap[2]], strict=True))
    assert first["Phase"].startswith("1 ") and first["Owner"] and first["Success measure"]
    assert isinstance(first["Due"], date) or hasattr(first["Due"], "year")
    risks = wb["Risk register"]
    statuses = [risks.cell(r, 13).value for r in range(2, risks.max_row + 1)]
    assert "accepted" in statuses


def test_workbook_is_reproducible() -> None:
    result = planned_result()
    assert workbook_bytes(result) == workbook_bytes(result)


def test_workbook_without_a_plan_keeps_empty_roadmap_sheets(tmp_path: Path) -> None:
    cat = make_catalog()
    result = make_result(cat, ALL_OPEN)
    wb = load_workbook(write_workbook(result, tmp_path / "x.xlsx"))
    assert wb["Roadmap"].max_row == 1 and wb["Risk register"].max_row == 1
    assert wb["Controls"].max_row == len(result.verdicts) + 1


def test_jira_csv_has_the_documented_header_and_one_row_per_scheduled_task() -> None:
    result = planned_result()
    text = jira_csv(result.plan, result.organisation)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Summary", "Issue Type", "Priority", "Description", "Assignee", "Labels", "Labels", "Labels",
                       "Labels", "Due Date", "Start Date"]
    assert all(len(r) == len(rows[0]) for r in rows)
    plan = result.plan
    assert plan is not None
    scheduled = [t for t in plan["tasks"] if t["scheduled"]]
    assert len(rows) - 1 == len(scheduled)
    body = rows[1:]
    assert {r[1] for r in body} == {"Task"}
    assert {r[2] for r in body} <= {"Highest", "High", "Medium", "Low"}
    assert all(date.fromisoformat(r[9]) for r in body)
    assert all(" " not in label for r in body for label in r[5:9])
    assert any(r[4] == "priya.raman@northwind.example" for r in body)
    first = body[0]
    assert first[0].startswith("[") and "Done when:" in first[3] and "\n" in first[3]
    all_rows = list(csv.reader(io.StringIO(jira_csv(plan, "Northwind Cloud", include_unscheduled=True))))
    assert len(all_rows) - 1 == len(plan["tasks"])


def test_github_csv_columns_and_labels() -> None:
    result = planned_result()
    rows = list(csv.DictReader(io.StringIO(github_csv(result.plan, result.organisation))))
    assert tuple(rows[0].keys()) == GITHUB_HEADER == ("title", "body", "labels", "assignee", "state")
    assert {r["state"] for r in rows} == {"open"}
    assert all("soc2" in r["labels"].split(",") for r in rows)
    assert all(" " not in r["labels"] for r in rows)
    assert {r["assignee"] for r in rows} >= {"priya-r", ""}
    assert all(any(x.startswith("due-") for x in r["labels"].split(",")) for r in rows)


def test_html_section_has_timeline_heat_map_spills_and_accepted_risks() -> None:
    result = planned_result()
    html = render_plan_html(result)
    assert html.count("<svg") == 2 and 'aria-label="Remediation roadmap timeline"' in html
    assert 'aria-label="Risk heat map"' in html
    assert "Capacity and spill-over" in html and "security_lead has" in html
    assert "Accepted risks (1)" in html and "R-AC-13" in html
    assert "Phase 1: Foundation" in html and "Highest priorities" in html


def test_timeline_has_a_bar_per_scheduled_task_and_heat_map_counts() -> None:
    result = planned_result()
    plan = result.plan
    assert plan is not None
    svg = timeline_svg(plan)
    assert svg.count("<rect") == len([t for t in plan["tasks"] if t["scheduled"]]) + 3 + 3  # bars, phases, legend
    heat = heatmap_svg(plan["risk_register"])
    counted = sum(int(n) for n in re.findall(r'font-weight="bold">(\d+)</text>', heat))
    assert counted == len(plan["risk_register"]["risks"])


def test_markdown_section() -> None:
    result = planned_result()
    plan = result.plan
    assert plan is not None
    md = plan_markdown(plan)
    assert md.startswith("## Remediation roadmap")
    assert "### Phase 1: Foundation" in md and "## Risk register" in md and "### Capacity and spill-over" in md
    assert "accept (accepted)" in md
    ctx = plan_context(plan)
    assert ctx["accepted"][0]["id"] == "R-AC-13"
