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
