"""Vendor inventories: CSV or XLSX, as kept by hand or exported from a compliance platform.

There is no published fixed schema for vendor exports: Vanta, Drata, Secureframe and OneTrust each let
users choose columns, and spreadsheets kept by hand vary more. The column names accepted here
(:data:`ALIASES`) follow the field labels those products show, e.g. Vanta's vendor "Inherent risk" and
"Security review" (https://help.vanta.com/en/articles/11345553-third-party-risk-management-settings), and
the usual hand-kept names (Vendor, Service, Data access, Tier, SOC 2 report date, DPA, Last review, Owner).
The scope file can map any other header (``parsers.vendor_inventory.columns: {tier: "Our Rating"}``).

Normalisation
- tier: critical / high / medium / low (a yes in a "critical vendor" flag column, e.g. "Is Critical", makes it
  critical). "very high" -> critical, "moderate" -> medium, "minimal" /
  "very low" -> low; numbered tiers "Tier 1" / "1" -> critical, 2 -> high, 3 -> medium, 4 -> low
  (Tier 1 is the most critical in every scheme we know of); anything else is kept lower-cased.
- SOC 2 / questionnaire / review columns: a date (ISO, US or written out, also inside text such as
  "Type II - 2026-03-01"); "Yes" without a date says a report exists but not how current it is, so no
  date is recorded.
- DPA: yes / no, or a date (which means signed on that date).
- processes_customer_data: an explicit yes / no column, else inferred True when the data-access text
  mentions customer, client, personal data, PII, PHI or payment card data; otherwise unknown (None).

One :class:`Vendor` per row with a name; a row without one, or with a value that is not a date where a date
belongs, is reported with its line and field (the rest of the row is kept). A row dropped for want of a name
is also recorded as a :class:`CollectionIssue` of source ``vendors``: a vendor that could not be read must not
let the inventory checks pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from trustgap.dates import DateParseError, parse_date
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import reject_binary
from trustgap.evidence.parsers._sheets import (
    SheetRow,
    csv_header_mapping,
    csv_rows,
    is_xlsx,
    xlsx_header_accepted,
    xlsx_rows,
)
from trustgap.evidence.tabular import parse_bool
from trustgap.facts import CollectionIssue, Vendor

ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("vendor", "vendor_name", "name", "supplier", "supplier_name", "company", "company_name", "third_party",
             "third_party_name", "vendor_legal_name", "service_provider", "organization", "organisation"),
    "service": ("service", "services", "description", "purpose", "business_purpose", "service_description",
                "services_provided", "product", "use_case", "vendor_category", "category", "what_they_do",
                "used_for", "services_used", "function", "usage"),
    "data_access": ("data_access", "data_classification", "data_shared", "data_types", "data_accessed",
                    "types_of_data", "data_handled", "data_categories", "sensitive_data", "access_to_data",
                    "data_type", "data_sensitivity", "data_access_level"),
    "tier": ("tier", "risk_tier", "vendor_tier", "criticality", "risk_rating", "risk_level", "inherent_risk",
             "inherent_risk_level", "vendor_risk", "business_criticality", "risk"),
    "soc2": ("soc2_report_date", "soc_2_report_date", "soc_2", "soc2", "soc_2_report", "soc2_report",
             "last_soc_report", "last_soc_2_report", "soc_report_date", "soc_report", "soc_2_type_ii",
             "soc_2_type_2", "latest_soc_2", "soc2_date", "soc_2_date", "compliance_report_date", "report_date",
             "soc2_received", "soc_2_received", "soc_2_report_received", "security_report_date",
             "audit_report_date", "attestation_date", "assurance_report_date"),
    "questionnaire": ("questionnaire_date", "security_questionnaire_date", "security_questionnaire",
                      "security_review_date", "security_review", "last_security_review", "questionnaire_completed",
                      "security_assessment_date", "security_assessment", "questionnaire"),
    "dpa": ("dpa", "dpa_signed", "dpa_date", "data_processing_agreement", "dpa_status", "dpa_in_place",
            "data_processing_addendum", "dpa_signed_date"),
    "last_review": ("last_review_date", "last_review", "last_reviewed", "reviewed_on", "review_date",
                    "last_assessment_date", "last_assessed", "last_assessment", "date_reviewed",
                    "last_vendor_review", "last_reviewed_date", "reviewed", "review_completed",
                    "last_review_completed"),
    "owner": ("owner", "vendor_owner", "business_owner", "internal_owner", "relationship_owner", "account_owner",
              "vendor_manager"),
    "customer_data": ("processes_customer_data", "customer_data", "handles_customer_data", "access_to_customer_data",
                      "pii", "processes_personal_data", "personal_data", "stores_customer_data", "stores_pii",
                      "has_pii", "handles_pii", "processes_pii", "access_to_pii", "contains_pii", "pii_access"),
    "critical_flag": ("is_critical", "critical", "critical_vendor", "business_critical", "is_business_critical"),
}
_VENDOR_SIGNALS = ("tier", "soc2", "questionnaire", "dpa", "data_access", "customer_data", "last_review",
                   "critical_flag")
_VENDOR_NAMES = {"vendor", "vendor_name", "supplier", "supplier_name", "third_party", "third_party_name",
                 "vendor_legal_name", "service_provider"}

_TIERS = {
    "critical": "critical", "very high": "critical", "tier 1": "critical", "1": "critical", "t1": "critical",
    "tier1": "critical", "high": "high", "tier 2": "high", "2": "high", "t2": "high", "tier2": "high",
    "medium": "medium", "moderate": "medium", "med": "medium", "tier 3": "medium", "3": "medium", "t3": "medium",
    "tier3": "medium", "low": "low", "minimal": "low", "very low": "low", "tier 4": "low", "4": "low",
    "t4": "low", "tier4": "low",
}
_CUSTOMER_WORDS = re.compile(
    r"\b(customer|customers|client|clients|personal|pii|phi|cardholder|payment[- ]card|credit[- ]card|patient"
    r"|end[- ]users?|consumers?)\b", re.I
)
_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}")
_EMBEDDED_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{4}")


def _accept(mapping: dict[str, str]) -> bool:
    if "name" not in mapping:
        return False
    signals = sum(1 for k in _VENDOR_SIGNALS if k in mapping)
    return signals >= 2 or (signals >= 1 and "service" in mapping)


def sniff(data: bytes, name: str) -> int:
    if is_xlsx(data):
        return 9 if xlsx_header_accepted(data, ALIASES, _accept) else 0
    mapping = csv_header_mapping(data, ALIASES)
    if not _accept(mapping):
        return 0
    from trustgap.evidence.tabular import norm_header

    return 9 if norm_header(mapping["name"]) in _VENDOR_NAMES else 7


def _tier(row: SheetRow) -> str | None:
    """The tier column, raised to critical by a yes in a "critical vendor" flag column."""
    tier = normalise_tier(row.get("tier"))
    flag = row.get("critical_flag")
    critical = flag if isinstance(flag, bool) else parse_bool(str(flag)) if flag is not None else None
    return "critical" if critical else tier


def normalise_tier(raw: Any) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    key = re.sub(r"\s+", " ", value.strip().lower().replace("-", " ").replace("_", " "))
    key = re.sub(r"\s*\(.*\)$", "", key)  # "Tier 1 (Critical)" -> "tier 1"
    return _TIERS.get(key, key)


def _date_in(raw: Any, row: SheetRow, field: str, ctx: ParseContext) -> date | None:
    """A date from a cell: a date value, a date string, a date inside text; None for empty or yes/no."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except DateParseError:
        pass
    m = _EMBEDDED_DATE.search(text)
    if m:
        try:
            return parse_date(m.group(0))
        except DateParseError:
            pass
    if not _DATE_LIKE.search(text):
        return None  # "Yes", "Type II", "Requested": no date to record
    ctx.error(f"not a date: {text!r}", line=row.line, field=row.header(field))
    return None


def _dpa(row: SheetRow, ctx: ParseContext) -> tuple[bool | None, date | None]:
    """(signed, date) from a DPA cell: yes / no, or the date it was signed."""
    raw = row.get("dpa")
    if raw is None or isinstance(raw, bool):
        return raw, None
    if not isinstance(raw, date):
        flag = parse_bool(str(raw))
        if flag is not None:
            return flag, None
    day = _date_in(raw, row, "dpa", ctx)
    return (True, day) if day is not None else (None, None)


def _vendor(row: SheetRow, ctx: ParseContext, locator: str) -> Vendor | None:
    name = row.get("name")
    if name is None or not str(name).strip():
        ctx.error("row has no vendor name", line=row.line, field=row.header("name"))
        return None
    data_access = row.get("data_access")
    data_access_text = str(data_access).strip() if data_access is not None else None
    explicit = row.get("customer_data")
    processes: bool | None = explicit if isinstance(explicit, bool) else parse_bool(
        str(explicit) if explicit is not None else None)
    if processes is None and data_access_text and _CUSTOMER_WORDS.search(data_access_text):
        processes = True
    dpa_signed, dpa_date = _dpa(row, ctx)
    owner = row.get("owner")
    service = row.get("service")
    return Vendor(
        src=ctx.src(locator),
        name=str(name).strip(),
        service=str(service).strip() if service is not None else None,
        tier=_tier(row),
        data_access=data_access_text or None,
        processes_customer_data=processes,
        soc2_report_date=_date_in(row.get("soc2"), row, "soc2", ctx),
        questionnaire_date=_date_in(row.get("questionnaire"), row, "questionnaire", ctx),
        dpa_signed=dpa_signed,
        dpa_date=dpa_date,
        last_review_date=_date_in(row.get("last_review"), row, "last_review", ctx),
        owner=str(owner).strip() if owner is not None else None,
    )


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    override = ctx.options.get("columns") if isinstance(ctx.options.get("columns"), dict) else None
    facts: list[Any] = []
    dropped: list[int] = []
    if is_xlsx(data):
        rows: Iterator[SheetRow] = xlsx_rows(data, ctx.path, ALIASES, _accept)
    else:
        reject_binary(data, ctx.path, "a CSV or XLSX vendor inventory")
        rows = csv_rows(data, ctx.path, ALIASES, required=("name",), override=override)
    try:
        for row in rows:
            v = _vendor(row, ctx, f"{row.sheet}!row {row.line}" if row.sheet else f"row {row.line}")
            if v is None:
                dropped.append(row.line)
            else:
                facts.append(v)
    except InputError as exc:  # unreadable from some line on: keep the vendors read before it
        if not facts:
            raise
        ctx.errors.append(exc)
        facts.append(CollectionIssue(src=ctx.src(f"row {exc.line}" if exc.line else ""), source="vendors",
                                     reason=f"{ctx.path}: rows from line {exc.line or '?'} on could not be read"))
    if dropped:
        shown = ", ".join(str(n) for n in dropped[:10]) + (" ..." if len(dropped) > 10 else "")
        facts.append(CollectionIssue(src=ctx.src(f"row {dropped[0]}"), source="vendors",
                                     reason=f"{ctx.path}: {len(dropped)} vendor row(s) without a name (line {shown})"))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="vendor_inventory",
        title="Vendor inventory (CSV / XLSX)",
        sniff=sniff,
        parse=parse,
        sources=("vendors",),
        reference="https://help.vanta.com/en/articles/11345553-third-party-risk-management-settings",
    )
)
