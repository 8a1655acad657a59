"""Risk registers (CSV / XLSX) and one-record YAML files: read, dated, and judged by the risk checks."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from trustgap.checks.base import CheckContext, load_checks
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import FactSet, Record
from trustgap.thresholds import ResolvedThresholds

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"


def run(name: str, data: bytes, path: str = "register.csv", options: dict[str, Any] | None = None) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 11, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()[name], data, ParseContext(ref=ref, path=path, as_of=date(2026, 11, 1),
                                                                options=options or {}))


def test_csv_register_is_one_dated_risk_assessment_naming_the_gaps() -> None:
    data = (FIX / "risk" / "risk-register.csv").read_bytes()
    assert recognise(data, "export (2).csv").name == "risk_register"  # type: ignore[union-attr]
    res = run("risk_register", data)
    assert res.errors == []
    (rec,) = res.facts
    assert isinstance(rec, Record) and rec.kind == "risk_assessment"
    assert rec.performed_on == date(2026, 6, 12)  # the latest review, not the first identification
    assert rec.src.locator == "rows 2-6"
    d = rec.details
    assert (d["risks"], d["likelihood"], d["impact"], d["treatment"], d["owner"]) == (5, 5, 5, 4, 4)
    assert d["risks_untreated"] == ["R-05"] and d["risks_unowned"] == ["R-04"] and "risks_unscored" not in d


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(["Information security risk register"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_register_with_a_title_row_and_scores_only() -> None:
    data = _xlsx([["Ref", "Threat", "Risk Rating", "Response", "Owner", "Assessment Date"],
                  ["1", "Ransomware", "High", "Mitigate", "CTO", datetime(2026, 2, 3)],
                  ["2", "DDoS", "", "Transfer", "CTO", datetime(2026, 2, 4)]])
    assert recognise(data, "file.xlsx").name == "risk_register"  # type: ignore[union-attr]
    (rec,) = run("risk_register", data, "register.xlsx").facts
    assert rec.performed_on == date(2026, 2, 4) and rec.src.locator == "Register!rows 3-4"
    assert rec.details["risks_unscored"] == ["2"]


def test_bad_registers_name_the_file_and_line() -> None:
    undated = b"Risk,Likelihood,Impact,Owner\nPhishing,3,3,priya\n"
    res = run("risk_register", undated)
    assert res.facts == [] and res.errors and res.errors[0].field == "last_reviewed"
    assert "register.csv" in str(res.errors[0])
    bad = b"Risk,Likelihood,Impact,Last Reviewed\nPhishing,3,3,2026-13-45\n,2,2,2026-01-01\nDDoS,2,2,2026-01-05\n"
    res = run("risk_register", bad)
    (rec,) = res.facts
    assert rec.details["risks"] == 2 and rec.performed_on == date(2026, 1, 5)
    assert {(e.line, e.field) for e in res.errors} == {(2, "Last Reviewed"), (3, "Risk")}


def test_risk_checks_name_untreated_and_unowned_risks() -> None:
    (rec,) = run("risk_register", (FIX / "risk" / "risk-register.csv").read_bytes()).facts
    ctx = CheckContext(facts=FactSet([rec]), thresholds=ResolvedThresholds(), as_of=date(2026, 11, 1))
    checks = load_checks()
    performed = checks["risk.assessment_performed"].run(ctx)
    assert performed.status == "pass"
    scored = checks["risk.scored_and_treated"].run(ctx)
    (e,) = scored.entities
    assert e.status == "partial" and "no treatment for 1 risk(s): R-05" in e.reason and "R-04" in e.reason
    old = CheckContext(facts=FactSet([rec]), thresholds=ResolvedThresholds(), as_of=date(2027, 9, 1))
    assert checks["risk.assessment_performed"].run(old).status == "fail"  # 15 months later: stale


def test_single_record_yaml_file() -> None:
    data = (FIX / "records" / "tabletop-single.yaml").read_bytes()
    assert recognise(data, "notes.dat").name == "process_records"  # type: ignore[union-attr]
    res = run("process_records", data, "tabletop.yaml")
    assert res.errors == []
    (rec,) = res.facts
    assert (rec.kind, rec.performed_on, rec.title) == ("tabletop_exercise", date(2026, 5, 20),
                                                       "Ransomware on the CI runner")
    assert rec.participants == ("priya@acme.example", "tom@acme.example", "sofia@acme.example")
