"""The same export with its columns shuffled and renamed (other vendors' header names), other date shapes and
other encodings reads to the same facts as the original: recognition goes by what the columns mean and hold."""

from __future__ import annotations

import csv
import dataclasses
import io
import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from trustgap.evidence.detect import ParseContext, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"


def _parse(fmt: str, data: bytes, name: str, options: dict[str, Any] | None = None) -> list[Any]:
    chosen = recognise(data, name)
    assert chosen is not None and chosen.name == fmt, f"{name}: {chosen and chosen.name}"
    ref = EvidenceRef(sha256_bytes(data), name, "file", datetime(2026, 7, 1, tzinfo=UTC), len(data))
    res = parse_with(load_parsers()[fmt], data, ParseContext(ref=ref, path=name, as_of=date(2026, 7, 1),
                                                            options=options or {}))
    return res.facts


def _same(facts: list[Any]) -> list[Any]:
    """Facts without where they were read (row numbers move when columns and rows move)."""
    out = []
    for f in facts:
        d = dataclasses.asdict(f)
        d.pop("src")
        d.pop("reason", None)
        out.append((type(f).__name__, sorted((k, repr(v)) for k, v in d.items())))
    return sorted(out)


def _rewrite(rows: list[list[str]], order: list[int], rename: dict[str, str], sep: str = ",",
             dates: Any = None) -> str:
    header = [rename.get(rows[0][i], rows[0][i]) for i in order]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    for r in rows[1:]:
        cells = [r[i] for i in order]
        if dates:
            cells = [dates(c) for c in cells]
        w.writerow(cells)
    return buf.getvalue()


def _iso_to_eu(cell: str) -> str:
    try:
        d = date.fromisoformat(cell)
    except ValueError:
        return cell
    return d.strftime("%d.%m.%Y")


def _rows(rel: str) -> list[list[str]]:
    text = (FIX / rel).read_bytes().decode("utf-8-sig")
    return [r for r in csv.reader(io.StringIO(text))]


# --------------------------------------------------------------------------- vendor inventory

VENDOR_RENAMES = [
    # Vanta-style labels
    {"Vendor Name": "Vendor", "Risk Tier": "Inherent Risk", "Data Access": "Data Classification",
     "Last Review Date": "Last Assessed", "Owner": "Business Owner", "SOC 2 Report Date": "SOC 2 Report"},
    # a hand-kept sheet
    {"Vendor Name": "Supplier", "Service": "What they do", "Risk Tier": "Criticality",
     "SOC 2 Report Date": "SOC2 received", "DPA Signed": "Data Processing Agreement", "Last Review Date": "Reviewed",
     "Security Questionnaire Date": "Security Questionnaire"},
    # a GRC tool export
    {"Vendor Name": "Third Party Name", "Service": "Services Provided", "Risk Tier": "Vendor Risk",
     "Data Access": "Data Types", "Owner": "Relationship Owner", "DPA Signed": "DPA Status"},
]


@pytest.mark.parametrize("variant", range(3))
def test_vendor_inventory_variants_read_to_the_same_vendors(variant: int) -> None:
    rows = _rows("vendors/vendor-inventory.csv")
    original = _parse("vendor_inventory", (FIX / "vendors" / "vendor-inventory.csv").read_bytes(), "vendors.csv")
    order = list(range(len(rows[0])))
    random.Random(variant).shuffle(order)
    text = _rewrite(rows, order, VENDOR_RENAMES[variant], sep=(",", ";", "\t")[variant])
    encoded = (text.encode("utf-8-sig"), text.encode("cp1252"), text.encode("utf-16"))[variant]
    assert _same(_parse("vendor_inventory", encoded, f"export-{variant}.csv")) == _same(original)


def test_vendor_inventory_as_a_workbook_with_several_sheets() -> None:
    rows = _rows("vendors/vendor-inventory.csv")
    original = _parse("vendor_inventory", (FIX / "vendors" / "vendor-inventory.csv").read_bytes(), "vendors.csv")
    wb = openpyxl.Workbook()
    about = wb.active
    about.title = "About"
    about.append(["Third-party register", "exported 2026-06-30"])
    ws = wb.create_sheet("Register")
    ws.append(["Vendors in scope"])
    order = [3, 0, 2, 1, 4, 5, 6, 7, 8, 9]
    ws.append([VENDOR_RENAMES[0].get(rows[0][i], rows[0][i]) for i in order])
    for r in rows[1:]:
        ws.append([r[i] for i in order])
    buf = io.BytesIO()
    wb.save(buf)
    facts = _parse("vendor_inventory", buf.getvalue(), "register.xlsx")
    assert _same(facts) == _same(original)


# --------------------------------------------------------------------------- risk register

RISK_RENAMES = [
    {"Risk Title": "Threat Scenario", "Likelihood": "Probability", "Impact": "Consequence", "Risk Owner": "Owner",
     "Treatment": "Risk Response", "Last Reviewed": "Assessment Date", "Risk ID": "Ref"},
    {"Risk Title": "Risk Description", "Inherent Risk Score": "Risk Score", "Treatment": "Decision",
     "Last Reviewed": "Date Reviewed", "Date Identified": "Date Raised"},
    {"Risk Title": "Scenario", "Likelihood": "Likelihood Rating", "Impact": "Impact Rating",
     "Risk Owner": "Owned By", "Treatment": "Strategy", "Last Reviewed": "Last Review Date", "Risk ID": "Risk No"},
]


@pytest.mark.parametrize("variant", range(3))
def test_risk_register_variants_read_to_the_same_assessment(variant: int) -> None:
    rows = _rows("risk/risk-register.csv")
    original = _parse("risk_register", (FIX / "risk" / "risk-register.csv").read_bytes(), "risks.csv")
    order = list(range(len(rows[0])))
    random.Random(10 + variant).shuffle(order)
    text = _rewrite(rows, order, RISK_RENAMES[variant], sep=(";", ",", "|")[variant],
                    dates=_iso_to_eu if variant == 0 else None)
    facts = _parse("risk_register", text.encode("utf-8"), f"register-{variant}.csv")
    assert _same(facts) == _same(original)


# --------------------------------------------------------------------------- HR roster

def _us_to(fmt: str):  # noqa: ANN202
    def conv(cell: str) -> str:
        try:
            d = datetime.strptime(cell, "%m/%d/%Y").date()
        except ValueError:
            return cell
        return d.strftime(fmt)
    return conv


HR_RENAMES = [
    # Rippling's report labels
    {"First Name": "Legal first name", "Last Name": "Legal last name", "Work Email": "Work email",
     "Home Email": "Personal email", "Job Title": "Title", "Supervisor": "Manager", "Hire Date": "Start date",
     "Employment Status": "Employment type", "Status": "Employment status", "Location": "Work location",
     "Employee #": "Employee ID"},
    # ADP Workforce Now labels
    {"Employee #": "Associate ID", "First Name": "Legal First Name", "Last Name": "Legal Last Name",
     "Work Email": "Work Contact: Work Email", "Status": "Position Status", "Supervisor": "Reports To Name",
     "Department": "Home Department Description", "Job Title": "Job Title Description",
     "Location": "Location Description", "Employment Status": "Worker Category"},
    # plain names a small company's spreadsheet uses
    {"Employee #": "Staff No", "First Name": "Given", "Last Name": "Family", "Work Email": "Mail",
     "Department": "Team", "Hire Date": "Joined On", "Termination Date": "Left On", "Status": "Employment State",
     "Employment Status": "Contract", "Home Email": "Private Mail"},
]
HR_DATES = ["%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d"]


@pytest.mark.parametrize("variant", range(3))
def test_hr_roster_variants_read_to_the_same_people(variant: int) -> None:
    rows = _rows("hr/bamboohr-employees.csv")
    original = _parse("hr_roster", (FIX / "hr" / "bamboohr-employees.csv").read_bytes(), "roster.csv")
    order = list(range(len(rows[0])))
    random.Random(20 + variant).shuffle(order)
    text = _rewrite(rows, order, HR_RENAMES[variant], sep=(",", ";", "\t")[variant], dates=_us_to(HR_DATES[variant]))
    encoded = (text.encode("utf-16"), text.encode("cp1252"), text.encode("utf-8"))[variant]
    if variant == 2:
        text = text.replace("\tPreferred Name", "\tNickname")
        encoded = text.encode("utf-8")
    facts = _parse("hr_roster", encoded, f"people-{variant}.csv")
    assert _same(facts) == _same(original)


# --------------------------------------------------------------------------- background screening

SCREENING_VARIANTS = [
    # the provider and the recruiter come before the candidate's e-mail
    ("Screened By,Vendor,Candidate,Email,Status,Result,Created At,Completed At\n", ["R", "V", 1, 0, 3, 4, 5, 6]),
    ("Report Status;Adjudication Result;Candidate E-mail;Order Date;Completion Date;Candidate Name\n",
     [3, 4, 0, 5, 6, 1]),
    ("Candidate Name,Package,Report Result,Report Status,Completed,Ordered At,Candidate Email\n",
     [1, 2, 4, 3, 6, 5, 0]),
]


@pytest.mark.parametrize("variant", range(3))
def test_screening_variants_name_the_candidate_never_the_provider(variant: int) -> None:  # noqa: D103
    """Columns in Checkr's export: Candidate Email, Candidate Name, Package, Status, Result, Created At, Completed At
    (docs.checkr.com); the variants use other providers' and people's names for them, in other orders."""
    rows = _rows("records/checkr-reports.csv")
    header, picks = SCREENING_VARIANTS[variant]
    sep = ";" if ";" in header else ","
    extra: dict[Any, str] = {"R": "Sina Engel", "V": "HireRight"}
    lines = [header]
    for r in rows[1:]:
        lines.append(sep.join(extra[i] if isinstance(i, str) else r[i] for i in picks) + "\n")
    facts = _parse("background_checks", "".join(lines).encode(), "export.csv")
    subjects = sorted(f.subject for f in facts)
    assert subjects == ["bob@acme.io", "carl@acme.io", "jane.doe@acme.io"]
    by = {f.subject: f for f in facts}
    assert by["jane.doe@acme.io"].performed_on == date(2025, 11, 24)
    assert by["bob@acme.io"].performed_on == date(2026, 2, 2) and by["bob@acme.io"].details["date_from"]
    assert by["carl@acme.io"].outcome == "consider" and by["bob@acme.io"].outcome == "pending"
    if variant == 0:
        assert {f.performed_by for f in facts} == {"HireRight"}
    hr = recognise("".join(lines).encode(), "export.csv")
    assert hr is not None and hr.name == "background_checks"


# --------------------------------------------------------------------------- contractor lists

CONTRACTOR_RENAMES = [
    {"Contingent Worker": "Contractor", "Supplier": "Agency", "Primary Work Email": "Work Email",
     "Contract Start Date": "Start", "Contract End Date": "End", "Contingent Worker ID": "Contractor ID"},
    {"Contingent Worker": "Worker Name", "Supplier": "Staffing Agency", "Primary Work Email": "Email",
     "Contract Start Date": "Engagement Start", "Contract End Date": "Engagement End", "Business Title": "Role"},
    {"Contingent Worker": "Consultant", "Supplier": "Firm", "Primary Work Email": "Company Email",
     "Contract Start Date": "Assignment Start", "Contract End Date": "Assignment End",
     "Supervisory Organization": "Team"},
]


@pytest.mark.parametrize("variant", range(3))
def test_contractor_list_variants_read_to_the_same_people(variant: int) -> None:
    rows = _rows("hr/workday-contingent-workers.csv")
    original = _parse("contractor_list", (FIX / "hr" / "workday-contingent-workers.csv").read_bytes(), "c.csv")
    order = list(range(len(rows[0])))
    random.Random(30 + variant).shuffle(order)
    text = _rewrite(rows, order, CONTRACTOR_RENAMES[variant], sep=(",", ";", ",")[variant])
    encoded = (text.encode("utf-8-sig"), text.encode("cp1252"), text.encode("utf-16"))[variant]
    assert _same(_parse("contractor_list", encoded, f"list-{variant}.csv")) == _same(original)


# --------------------------------------------------------------------------- access review logs, German exports

def test_access_review_logs_in_english_and_german() -> None:
    english = _parse("access_reviews", (FIX / "records" / "access-review-log.csv").read_bytes(), "log.csv")
    assert sorted((r.subject, r.performed_on, r.performed_by, r.details["users_reviewed"]) for r in english) == [
        ("aws", date(2026, 3, 30), "tomas@acme.example", 19), ("github", date(2026, 3, 30), "tomas@acme.example", 19),
        ("okta", date(2026, 3, 28), "priya@acme.example", 41)]
    german = _parse("access_reviews", (FIX / "records" / "zugriffsrezertifizierung.csv").read_bytes(), "x.csv")
    assert [(r.subject, r.performed_on, r.details["users_reviewed"], r.details["changes"]) for r in german] == [
        ("google", date(2026, 3, 27), 60, 1), ("aws", date(2026, 3, 30), 12, 0)]


def test_german_certificate_of_conduct_list_is_a_screening_export() -> None:
    facts = _parse("background_checks", (FIX / "records" / "fuehrungszeugnisse.csv").read_bytes(), "f.csv")
    by = {r.subject: r for r in facts}
    assert by["katrin.vogel@acme.example"].outcome == "complete"
    assert by["lukas.braun@acme.example"].outcome == "pending"  # beantragt: requested, not yet done


def test_german_vendor_register_and_training_records_as_workbooks() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Verzeichnis"
    ws.append(["Dienstleisterverzeichnis"])
    ws.append([])
    ws.append(["Dienstleister", "Leistung", "Kritikalität", "Personenbezogene Daten", "AVV unterzeichnet",
               "Nachweis vom", "Letzte Prüfung"])
    ws.append(["Rechenzentrum Nord GmbH", "Backup-RZ", "kritisch", "ja", "ja", "01.06.2025", "10.06.2025"])
    ws.append(["Mailwerk AG", "Newsletter", "mittel", "ja", "nein", None, "02.03.2026"])
    buf = io.BytesIO()
    wb.save(buf)
    vendors = {v.name: v for v in _parse("vendor_inventory", buf.getvalue(), "v.xlsx")}
    rz, mail = vendors["Rechenzentrum Nord GmbH"], vendors["Mailwerk AG"]
    assert (rz.tier, rz.soc2_report_date, rz.last_review_date, rz.processes_customer_data) == (
        "critical", date(2025, 6, 1), date(2025, 6, 10), True)
    assert (mail.tier, mail.dpa_signed) == ("medium", False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Schulungsnachweise Informationssicherheit"])
    ws.append(["Stand: 06.11.2026"])
    ws.append([])
    ws.append(["Mitarbeiter", "E-Mail", "Kurs", "Abgeschlossen am", "Ergebnis"])
    ws.append(["Katrin Vogel", "katrin.vogel@acme.example", "Informationssicherheit 2026", "11.08.2026", "bestanden"])
    ws.append(["Ulla Schulz", "ulla.schulz@acme.example", "Informationssicherheit 2025", "14.03.2025", "bestanden"])
    buf = io.BytesIO()
    wb.save(buf)
    records = {r.subject: r for r in _parse("lms_training", buf.getvalue(), "schulung.xlsx")}
    assert records["ulla.schulz@acme.example"].performed_on == date(2025, 3, 14)
    assert records["katrin.vogel@acme.example"].outcome == "passed"
