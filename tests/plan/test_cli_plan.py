"""``trustgap roadmap``, ``trustgap risks`` on a result JSON file and a stored run."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from openpyxl import load_workbook
from tests.plan.test_exports import planned_result
from typer.testing import CliRunner

from trustgap import cli_plan

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def noop() -> None:  # a second command keeps typer in multi-command mode
        pass

    cli_plan.register(app)
    return app


def _result_file(tmp_path: Path) -> Path:
    path = tmp_path / "result.json"
    path.write_text(planned_result().to_json(), encoding="utf-8")
    return path


def test_roadmap_formats_from_a_result_file(tmp_path: Path) -> None:
    app = _app()
    src = str(_result_file(tmp_path))
    out = runner.invoke(app, ["roadmap", src, "--format", "table"])
    assert out.exit_code == 0, out.output
    assert "Phase 1: Foundation" in out.output and "spill:" in out.output
    md = runner.invoke(app, ["roadmap", src, "--format", "md"])
    assert md.exit_code == 0 and md.output.startswith("## Remediation roadmap")
    js = runner.invoke(app, ["roadmap", src, "--format", "json"])
    assert json.loads(js.output)["counts"]["phases"] == 3
    jira = runner.invoke(app, ["roadmap", src, "--format", "jira", "-o", str(tmp_path / "jira.csv")])
    assert jira.exit_code == 0, jira.output
    header = next(csv.reader(io.StringIO((tmp_path / "jira.csv").read_text(encoding="utf-8"))))
    assert header[:5] == ["Summary", "Issue Type", "Priority", "Description", "Assignee"]
    gh = runner.invoke(app, ["roadmap", src, "--format", "github"])
    assert gh.output.startswith("title,body,labels,assignee,state")
    xlsx = runner.invoke(app, ["roadmap", src, "--format", "xlsx", "-o", str(tmp_path / "r.xlsx")])
    assert xlsx.exit_code == 0, xlsx.output
    assert load_workbook(tmp_path / "r.xlsx").sheetnames == ["Controls", "Findings", "Roadmap", "Risk register",
                                                             "Frameworks"]


def test_roadmap_from_a_stored_run(tmp_path: Path) -> None:
    from trustgap.store.runs import RunStore

    store = RunStore.open()
    try:
        rec = store.save(planned_result(), created_at=datetime(2026, 11, 16, 9, 0, tzinfo=UTC), source="test")
    finally:
        store.close()
    app = _app()
    out = runner.invoke(app, ["roadmap", rec.id[:10], "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["start_date"] == "2026-11-16"
    latest = runner.invoke(app, ["risks", "--format", "csv"])
    assert latest.exit_code == 0 and latest.output.startswith("id,source,title")


def test_risks_table_and_filter(tmp_path: Path) -> None:
    app = _app()
    src = str(_result_file(tmp_path))
    out = runner.invoke(app, ["risks", src])
    assert out.exit_code == 0, out.output
    assert "R-AC-13" in out.output and "accepted" in out.output
    only = runner.invoke(app, ["risks", src, "--format", "json", "--treatment", "accept"])
    assert [r["id"] for r in json.loads(only.output)["risks"]] == ["R-AC-13"]
    md = runner.invoke(app, ["risks", src, "--format", "md"])
    assert md.output.startswith("## Risk register")


def test_bad_input_is_one_clear_error(tmp_path: Path) -> None:
    app = _app()
    src = str(_result_file(tmp_path))
    bad = runner.invoke(app, ["roadmap", src, "--format", "pdf"])
    assert bad.exit_code == 2 and "unknown format 'pdf'" in bad.output
    missing = runner.invoke(app, ["roadmap", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "file not found" in missing.output
    (tmp_path / "junk.json").write_text('{"organisation": 1}', encoding="utf-8")
    junk = runner.invoke(app, ["roadmap", str(tmp_path / "junk.json")])
    assert junk.exit_code == 2 and "not a trustgap result JSON" in junk.output
