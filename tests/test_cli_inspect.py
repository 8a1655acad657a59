"""``trustgap inspect`` and ``trustgap formats``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trustgap.cli import app

FIX = Path(__file__).parent / "fixtures" / "evidence"
WIDE = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
SPEC = """id: acme_contractors
title: Acme contractor list
domain: hr
sources: [https://example.org/acme/contractors]
input: table
fact: Person
constants: {employment_type: contractor}
recognise: {required: [email], signals: [hire_date, termination_date], min_signals: 1}
fields:
  email: {columns: [contact], type: email, required: true}
  name: {columns: [contractor]}
  hire_date: {columns: [engaged from], type: date}
  termination_date: {columns: [engaged until], type: date}
"""


def test_inspect_explains_the_format_columns_rows_and_facts() -> None:
    path = FIX / "vendors" / "vendor-inventory.csv"
    res = CliRunner().invoke(app, ["inspect", str(path), "--format", "json"], env=WIDE)
    assert res.exit_code == 0, res.output
    (entry,) = json.loads(res.output)["files"]
    u = entry["understanding"]
    assert u["format"] == "vendor_inventory" and u["score"] > 7
    cols = {c["column"]: c for c in u["columns"]}
    assert cols["Vendor Name"]["field"] == "name" and "vendor name" in cols["Vendor Name"]["evidence"]
    assert cols["Last Review Date"]["sample"][0] == "2026-06-01"
    assert u["unmapped"] == ["Notes"] and (u["rows_read"], u["rows_skipped"]) == (5, 1)
    assert u["skipped"] == [{"line": 5, "reason": "row has no vendor name"}]
    assert u["samples"][0].startswith("Vendor(name=Amazon Web Services")
    assert any("line" in e or ":4:" in e for e in entry["errors"])


def test_inspect_text_output_and_a_file_nothing_reads() -> None:
    unknown = FIX.parent.parent / "conftest.py"
    res = CliRunner().invoke(app, ["inspect", str(FIX / "risk" / "risk-register.csv"), str(unknown)], env=WIDE)
    assert res.exit_code == 0, res.output
    assert "Risk register (CSV / XLSX) (risk_register)" in res.output
    assert "Likelihood" in res.output and "likelihood" in res.output
    assert "not understood" in res.output


def test_formats_lists_builtin_and_organisation_specs(tmp_path: Path) -> None:
    org = tmp_path / "acme"
    (org / "formats").mkdir(parents=True)
    (org / "formats" / "contractors.yaml").write_text(SPEC)
    broken = SPEC.replace("acme_contractors", "x2").replace("type: email", "type: x")
    (org / "formats" / "broken.yaml").write_text(broken)
    (org / "scope.yaml").write_text("organisation: {name: Acme}\n")
    res = CliRunner().invoke(app, ["formats", "--scope", str(org / "scope.yaml"), "--format", "json"], env=WIDE)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    by_id = {f["id"]: f for f in doc["formats"]}
    assert by_id["vendor_inventory"]["kind"] == "built-in" and by_id["vendor_inventory"]["domain"] == "vendors"
    assert by_id["vendor_inventory"]["sources"][0].startswith("https://")
    assert by_id["acme_contractors"]["kind"] == "organisation" and by_id["hr_roster"]["domain"] == "hr"
    assert len(doc["spec_errors"]) == 1 and "formats/broken.yaml" in doc["spec_errors"][0]
    assert "fields.email.type" in doc["spec_errors"][0]
    data = "Contractor,Contact,Engaged from,Engaged until\nIvo Petrov,ivo@contract.example,2025-01-06,2026-02-27\n"
    (tmp_path / "list.csv").write_text(data)
    res = CliRunner().invoke(app, ["inspect", str(tmp_path / "list.csv"), "--scope", str(org / "scope.yaml"),
                                   "--format", "json"], env=WIDE)
    (entry,) = json.loads(res.output)["files"]
    assert entry["understanding"]["format"] == "acme_contractors"
    assert "employment_type=contractor" in entry["understanding"]["samples"][0]
