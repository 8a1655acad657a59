"""Malformed scope and answers files: one clear line naming the file, the line and the field, exit 2, never a
traceback and never accepted silently (impossible dates, wrong types, unknown names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustgap.cli import app

BASE = "version: 1\norganisation:\n  name: Acme\ncategories: [security]\n"
ORG = BASE.replace("  name: Acme\n", "  name: Acme\n  {}\n")
REPORT = BASE + "report:\n  {}\n"
TYPE2 = BASE + "report:\n  type: type2\n  period:\n    start: {}\n    end: {}\n"
SYSTEM = BASE + "systems:\n  - {}\n"

# name, scope text, line, field
SCOPE_CASES: list[tuple[str, str, int, str]] = [
    ("categories int", BASE.replace("[security]", "42"), 4, "categories"),
    ("categories mapping", BASE.replace("[security]", "{a: 1}"), 4, "categories"),
    ("categories unknown", BASE.replace("[security]", "[securty]"), 4, "categories"),
    ("categories null item", BASE.replace("[security]", "[null]"), 4, "categories"),
    ("start month 13", TYPE2.format("2026-13-45", "2026-12-31"), 8, "report.period.start"),
    ("start 30 February", TYPE2.format("2026-02-30", "2026-12-31"), 8, "report.period.start"),
    ("end day 32", TYPE2.format("2026-01-01", "2026-12-32"), 9, "report.period.end"),
    ("year 0", TYPE2.format("0000-01-01", "2026-12-31"), 8, "report.period.start"),
    ("end before start", TYPE2.format("2026-12-31", "2026-01-01"), 7, "report.period"),
    ("start is text", TYPE2.format("soon", "2026-12-31"), 8, "report.period.start"),
    ("start has a time", TYPE2.format("2026-01-01T10:00:00", "2026-12-31"), 8, "report.period.start"),
    ("period is text", REPORT.format("period: soon"), 6, "report.period"),
    ("type2 without period", REPORT.format("type: type2"), 5, "report"),
    ("type unknown", REPORT.format("type: type3"), 6, "report.type"),
    ("type list", REPORT.format("type: [type1]"), 6, "report.type"),
    ("target date month 0", REPORT.format("target_audit_date: 2026-00-10"), 6, "report.target_audit_date"),
    ("target date text", REPORT.format("target_audit_date: next year"), 6, "report.target_audit_date"),
    ("version 2", BASE.replace("version: 1", "version: 2"), 1, "version"),
    ("version text", BASE.replace("version: 1", "version: one"), 1, "version"),
    ("organisation text", "version: 1\norganisation: Acme\n", 2, "organisation"),
    ("organisation name int", "version: 1\norganisation:\n  name: 42\n", 3, "organisation.name"),
    ("organisation name blank", "version: 1\norganisation:\n  name: '  '\n", 3, "organisation.name"),
    ("organisation name null", "version: 1\norganisation:\n  name:\n", 3, "organisation.name"),
    ("employees negative", ORG.format("employees: -3"), 4, "organisation.employees"),
    ("employees text", ORG.format("employees: many"), 4, "organisation.employees"),
    ("employees fraction", ORG.format("employees: 2.5"), 4, "organisation.employees"),
    ("employees 5000 digits", ORG.format("employees: " + "9" * 5000), 4, "organisation.employees"),
    ("time zone unknown", ORG.format("time_zone: Mars/Olympus"), 4, "organisation.time_zone"),
    ("organisation extra", ORG.format("colour: blue"), 4, "organisation.colour"),
    ("systems text", BASE + "systems: aws\n", 5, "systems"),
    ("system text", SYSTEM.format("aws"), 6, "systems.0"),
    ("system without name", SYSTEM.format("{kind: aws}"), 6, "systems.0.name"),
    ("system name empty", SYSTEM.format("{name: '', kind: aws}"), 6, "systems.0.name"),
    ("system kind empty", SYSTEM.format("{name: AWS, kind: ''}"), 6, "systems.0.kind"),
    ("system mfa maybe", SYSTEM.format("{name: AWS, kind: aws, mfa_required: maybe}"), 6, "systems.0.mfa_required"),
    ("system in_scope 7", SYSTEM.format("{name: AWS, kind: aws, in_scope: 7}"), 6, "systems.0.in_scope"),
    ("system twice", SYSTEM.format("{name: AWS, kind: aws}") + "  - {name: AWS, kind: aws}\n", 5, "systems"),
    ("roles list", BASE + "roles: [a, b]\n", 5, "roles"),
    ("role int", BASE + "roles:\n  security_lead: 42\n", 6, "roles.security_lead"),
    ("aliases list", BASE + "identity:\n  aliases: [a]\n", 6, "identity.aliases"),
    ("email domains int", BASE + "identity:\n  email_domains: 5\n", 6, "identity.email_domains"),
    ("thresholds text", BASE + "thresholds: strict\n", 5, "thresholds"),
    ("threshold unknown", BASE + "thresholds:\n  nope: 3\n", 6, "thresholds.nope"),
    ("not applicable text", BASE + "not_applicable: AC-01\n", 5, "not_applicable"),
    ("not applicable short", BASE + "not_applicable:\n  - {control: AC-01, justification: short}\n", 6,
     "not_applicable.0.justification"),
    ("not applicable unknown control",
     BASE + "not_applicable:\n  - {control: ZZ-99, justification: we have no such thing at all}\n", 6,
     "not_applicable.0.control"),
    ("data flow encrypted kinda",
     BASE + "data_flows:\n  - {name: a, source: b, destination: c, encrypted_in_transit: kinda}\n", 6,
     "data_flows.0.encrypted_in_transit"),
    ("collect text", BASE + "collect: aws\n", 5, "collect"),
    ("plan text", BASE + "plan: fast\n", 5, "plan"),
    ("unknown section", BASE + "colour: blue\n", 5, "colour"),
    ("data classes int", BASE + "data_classes: 5\n", 5, "data_classes"),
    ("vendors mapping", BASE + "vendors_in_scope: {a: 1}\n", 5, "vendors_in_scope"),
]

# name, answers text, line, field
ANSWER_CASES: list[tuple[str, str, int, str]] = [
    ("answered_at 30 February", "AC-01:\n  status: implemented\n  answered_at: 2026-02-30\n", 3, "AC-01.answered_at"),
    ("since month 13", "AC-01:\n  status: implemented\n  since: 2026-13-45\n", 3, "AC-01.since"),
    ("last_performed text", "AC-01:\n  status: implemented\n  last_performed: last week\n", 3,
     "AC-01.last_performed"),
    ("last_performed before since",
     "AC-01:\n  status: implemented\n  since: 2026-06-01\n  last_performed: 2020-01-01\n", 4, "AC-01.last_performed"),
    ("answered_at with a time", "AC-01:\n  status: implemented\n  answered_at: 2026-02-01T10:00:00\n", 3,
     "AC-01.answered_at"),
    ("status unknown", "AC-01:\n  status: maybe\n", 2, "AC-01.status"),
    ("status list", "AC-01:\n  status: [implemented]\n", 2, "AC-01.status"),
    ("status empty", "AC-01:\n  status:\n", 2, "AC-01.status"),
    ("answer int", "AC-01: 5\n", 1, "AC-01"),
    ("answer list", "AC-01: [implemented]\n", 1, "AC-01"),
    ("evidence int", "AC-01:\n  status: implemented\n  evidence: 5\n", 3, "AC-01.evidence"),
    ("gap kind unknown", "AC-01:\n  status: gap\n  gap_kind: lazy\n", 3, "AC-01.gap_kind"),
    ("not applicable without why", "AC-01:\n  status: not_applicable\n", 1, "AC-01.justification"),
    ("unknown control", "ZZ-99:\n  status: implemented\n", 1, "ZZ-99"),
    ("unknown field", "AC-01:\n  status: implemented\n  colour: red\n", 3, "AC-01.colour"),
    ("answered_by int", "AC-01:\n  status: implemented\n  answered_by: 5\n", 3, "AC-01.answered_by"),
    ("note list", "AC-01:\n  status: implemented\n  note: [a]\n", 3, "AC-01.note"),
    ("integer key", "1:\n  status: implemented\n", 1, "1"),
]


def _assess(tmp_path: Path, scope: str, answers: str | None = None) -> tuple[int, str, BaseException | None]:
    (tmp_path / "scope.yaml").write_text(scope)
    (tmp_path / "evidence").mkdir(exist_ok=True)
    if answers is not None:
        (tmp_path / "answers.yaml").write_text(answers)
    r = CliRunner(env={"COLUMNS": "300"}).invoke(app, ["assess", str(tmp_path), "--as-of", "2026-03-01",
                                                       "--no-save"])
    return r.exit_code, r.output, r.exception


@pytest.mark.parametrize(("text", "line", "field"), [c[1:] for c in SCOPE_CASES], ids=[c[0] for c in SCOPE_CASES])
def test_malformed_scope(tmp_path: Path, text: str, line: int, field: str) -> None:
    code, out, exc = _assess(tmp_path, text)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert code == 2, out
    assert "Traceback" not in out
    assert f"scope.yaml:{line}: field '{field}'" in out, out


@pytest.mark.parametrize(("text", "line", "field"), [c[1:] for c in ANSWER_CASES], ids=[c[0] for c in ANSWER_CASES])
def test_malformed_answers(tmp_path: Path, text: str, line: int, field: str) -> None:
    code, out, exc = _assess(tmp_path, BASE, text)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    assert code == 2, out
    assert f"answers.yaml:{line}: field '{field}'" in out, out


def test_valid_files_still_accepted(tmp_path: Path) -> None:
    code, out, _ = _assess(tmp_path, TYPE2.format("2026-01-01", "2026-12-31"),
                           "AC-01:\n  status: implemented\n  since: 2025-06-01\n  last_performed: 2026-02-01\n"
                           "  answered_at: 2026-02-28\n")
    assert code == 0, out
