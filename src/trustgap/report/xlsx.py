"""An XLSX workbook for auditors and consultants: the control matrix, the findings, the roadmap and the
risk register, one sheet each, with a frozen bold header row, filters on every column and column widths
fitted to their content. Written with openpyxl (https://openpyxl.readthedocs.io/en/stable/): worksheet
``freeze_panes``, ``auto_filter.ref`` and ``column_dimensions[...].width``."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from trustgap.engine.models import GAP_KIND_LABELS, STATUS_LABELS, AssessmentResult
from trustgap.report.safe import is_formula_like

SHEETS = ("Controls", "Findings", "Roadmap", "Risk register", "Frameworks")
MAX_WIDTH = 60
WRAP_FROM = 40  # columns wider than this wrap their text
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")

CONTROL_COLUMNS = ("Control", "Title", "Domain", "Category", "Criteria", "Status", "Gap kind", "Severity", "Effort",
                   "Owner role", "Why", "Evidence", "Findings", "Priority score", "Phase", "Due")
FINDING_COLUMNS = ("Finding", "Severity", "Control", "Criteria", "Check", "Title", "Gap kind", "Entity type", "Entity",
                   "Current state", "Promised", "Remediation", "Evidence")
ROADMAP_COLUMNS = ("Rank", "Phase", "Control", "Task", "Action", "Owner", "Owner role", "Category", "Status",
                   "Gap kind", "Start", "Due", "Score", "Likelihood", "Impact", "Effort", "Quick win", "Depends on",
                   "Success measure", "Criteria closed", "Readiness added (points)", "Spill-over / not scheduled")
FRAMEWORK_COLUMNS = ("Framework", "Id", "Title", "Group", "Status", "Readiness", "Our controls")
RISK_COLUMNS = ("Risk", "Source", "Title", "Description", "Controls", "Criteria", "Likelihood", "Impact", "Score",
                "Rating", "Owner", "Treatment", "Status", "Justification", "Review date")


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _evidence(links: Sequence[Any]) -> str:
    return "; ".join(f"{e.name or ''} {e.locator or ''} {e.sha256[:12]}".replace("  ", " ").strip() for e in links)


def _fill(ws: Worksheet, header: Sequence[str], rows: list[list[Any]]) -> None:
    ws.append(list(header))
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if is_formula_like(cell.value):  # text, never a formula (openpyxl stores "=..." as one)
                cell.data_type = "s"
                cell.quotePrefix = True
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    for i, name in enumerate(header, start=1):
        longest = max([len(name) + 2] + [len(str(r[i - 1])) if r[i - 1] is not None else 0 for r in rows])
        width = min(MAX_WIDTH, max(8, longest + 2))
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        if width >= WRAP_FROM:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in ws[letter][1:]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"


def _controls(result: AssessmentResult, tasks: dict[str, dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for v in result.verdicts:
        t = tasks.get(v.control_id, {})
        rows.append([v.control_id, v.title, v.domain, v.category, ", ".join(v.criteria), STATUS_LABELS[v.status],
                     GAP_KIND_LABELS.get(v.gap_kind or "", ""), v.severity, v.effort, v.owner_role, v.reason,
                     "; ".join(e.name or e.sha256[:12] for e in v.evidence), len(v.findings), t.get("score"),
                     t.get("phase"), _date(t.get("due"))])
    return rows


def _findings(result: AssessmentResult) -> list[list[Any]]:
    return [[f.id, f.severity, f.control_id, ", ".join(f.criteria), f.check_id or "", f.title,
             GAP_KIND_LABELS.get(f.gap_kind or "", ""), f.entity_type or "", f.entity or "", f.reason,
             f"{f.promise.quote} ({f.promise.source})" if f.promise else "", f.remediation, _evidence(f.evidence)]
            for f in result.findings]


def _roadmap(plan: dict[str, Any]) -> list[list[Any]]:
    spills = {s["control_id"]: s for s in plan.get("spills", [])}
    order = sorted(plan.get("tasks", []), key=lambda t: (t["phase"] or 99, t["due"] or "", t["rank"]))
    rows = []
    for t in order:
        sp = spills.get(t["control_id"])
        note = ""
        if t["not_scheduled_because"]:
            note = f"not scheduled: {t['not_scheduled_because']}"
        elif sp:
            note = f"moved from phase {sp['from_phase']} to {sp['to_phase']}: {sp['reason']}"
        phase = f"{t['phase']} {plan['phases'][t['phase'] - 1]['title']}" if t["phase"] else "not scheduled"
        rows.append([t["rank"], phase, t["control_id"], t["title"], t["action"], t["owner"], t["owner_role"],
                     t["category"], t["status"], t["gap_kind"], _date(t["start"]), _date(t["due"]), t["score"],
                     t["priority"]["likelihood"], t["priority"]["impact"], t["effort"],
                     "yes" if t["quick_win"] else "", ", ".join(t["depends_on"]), t["success_measure"],
                     ", ".join(t["criteria"]), t["readiness_added"], note])
    return rows


def _risks(plan: dict[str, Any]) -> list[list[Any]]:
    return [[r["id"], r["source"], r["title"], r["description"], ", ".join(r["controls"]), ", ".join(r["criteria"]),
             r["likelihood"], r["impact"], r["score"], r["rating"], r["owner"] or "", r["treatment"], r["status"],
             r["justification"], _date(r["review_date"])]
            for r in plan.get("risk_register", {}).get("risks", [])]


def _frameworks(result: AssessmentResult) -> list[list[Any]]:
    """One row per requirement of every framework the run was rolled up to (whatever frameworks it has)."""
    return [[name, r.id, r.title, r.group, STATUS_LABELS[r.status], r.readiness.score, ", ".join(r.controls)]
            for name, rollups in sorted(result.frameworks.items()) for r in rollups]


def build_workbook(result: AssessmentResult) -> Workbook:
    plan = result.plan or {}
    tasks = {t["control_id"]: t for t in plan.get("tasks", [])}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEETS[0]
    _fill(ws, CONTROL_COLUMNS, _controls(result, tasks))
    _fill(wb.create_sheet(SHEETS[1]), FINDING_COLUMNS, _findings(result))
    _fill(wb.create_sheet(SHEETS[2]), ROADMAP_COLUMNS, _roadmap(plan))
    _fill(wb.create_sheet(SHEETS[3]), RISK_COLUMNS, _risks(plan))
    _fill(wb.create_sheet(SHEETS[4]), FRAMEWORK_COLUMNS, _frameworks(result))
    stamp = datetime.combine(result.as_of, time(0, 0))
    wb.properties.creator = f"trustgap {result.tool_version}"
    wb.properties.title = f"SOC 2 gap assessment: {result.organisation} ({result.as_of.isoformat()})"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    return wb


def _pin_times(data: bytes, stamp: datetime) -> bytes:
    """openpyxl stamps the save time into the package (zip entry times, ``dcterms:modified``); pin both to
    the as-of date so the same run always gives the same bytes."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + iso.encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, content)
    return out.getvalue()


def workbook_bytes(result: AssessmentResult) -> bytes:
    buf = BytesIO()
    build_workbook(result).save(buf)
    return _pin_times(buf.getvalue(), datetime.combine(result.as_of, time(0, 0)))


def write_workbook(result: AssessmentResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(result))
    return path
