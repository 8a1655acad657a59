"""Vendor inventories: the ``vendor_inventory`` hook of the spec ``trustgap/evidence/formats/vendor_inventory.yaml``.

The spec says which columns hold what (column synonyms, value shapes, dates inside text); this hook says what a
mapping cannot:

- tier: critical / high / medium / low (a yes in a "critical vendor" flag column, e.g. "Is Critical", makes it
  critical). "very high" -> critical, "moderate" -> medium, "minimal" / "very low" -> low; numbered tiers
  "Tier 1" / "1" -> critical, 2 -> high, 3 -> medium, 4 -> low (Tier 1 is the most critical in every scheme we know
  of); anything else is kept lower-cased.
- SOC 2 / questionnaire / review columns: a date (ISO, US or written out, also inside text such as
  "Type II - 2026-03-01"); "Yes" without a date says a report exists but not how current it is, so no date is
  recorded.
- DPA: yes / no, or a date (which means signed on that date).
- BAA (HIPAA business associate agreement): like the DPA; health data (PHI): a yes / no column.
- processes_personal_data: the customer-data column when its header says personal data or PII, else True when the
  data-access text names personal data, PII, PHI, contact data, patients or health data; otherwise unknown.
- processes_customer_data: an explicit yes / no column, else inferred True when the data-access text mentions
  customer, client, personal data, PII, PHI or payment card data; otherwise unknown (None).

One :class:`Vendor` per row with a name; a row without one is reported with its line and field and recorded as a
:class:`CollectionIssue` of source ``vendors`` (a vendor that could not be read must not let the inventory checks
pass).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.evidence.mapping_values import date_in_text
from trustgap.evidence.tabular import parse_bool
from trustgap.facts import Vendor

_TIERS = {
    "critical": "critical", "very high": "critical", "tier 1": "critical", "1": "critical", "t1": "critical",
    "tier1": "critical", "high": "high", "tier 2": "high", "2": "high", "t2": "high", "tier2": "high",
    "medium": "medium", "moderate": "medium", "med": "medium", "tier 3": "medium", "3": "medium", "t3": "medium",
    "tier3": "medium", "low": "low", "minimal": "low", "very low": "low", "tier 4": "low", "4": "low",
    "t4": "low", "tier4": "low",
    # German registers (Dienstleisterverzeichnis): kritisch, hoch, mittel, niedrig / gering
    "kritisch": "critical", "sehr hoch": "critical", "hoch": "high", "mittel": "medium", "niedrig": "low",
    "gering": "low",
}
_CUSTOMER_WORDS = re.compile(
    r"\b(customer|customers|client|clients|personal|pii|phi|cardholder|payment[- ]card|credit[- ]card|patient"
    r"|end[- ]users?|consumers?)\b", re.I
)

_PERSONAL_WORDS = re.compile(r"\b(personal|pii|phi|contact data|contact details|patients?|health|employee data|"
                             r"personenbezogen\w*)\b", re.I)


def normalise_tier(raw: Any) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    key = re.sub(r"\s+", " ", value.strip().lower().replace("-", " ").replace("_", " "))
    key = re.sub(r"\s*\(.*\)$", "", key)  # "Tier 1 (Critical)" -> "tier 1"
    return _TIERS.get(key, key)


def _flag(raw: Any) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    return parse_bool(str(raw))


def _dpa(row: MappedRow, hc: HookContext, name: str = "dpa") -> tuple[bool | None, date | None]:
    """(signed, date) from a DPA (or BAA) cell: yes / no, or the date it was signed."""
    raw = row.get(name)
    if raw is None or isinstance(raw, bool):
        return raw, None
    if isinstance(raw, datetime):
        return True, raw.date()
    if isinstance(raw, date):
        return True, raw
    flag = parse_bool(str(raw))
    if flag is not None:
        return flag, None
    try:
        day = date_in_text(raw)
    except ValueError:
        hc.error(f"not a date: {raw!r}", row, name)
        return None, None
    return (True, day) if day is not None else (None, None)


@register_hook("vendor_inventory")
def vendors(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        name = row.get("name")
        if not name:
            hc.skip(row, "row has no vendor name", "name")
            continue
        data_access = row.get("data_access")
        processes = _flag(row.get("customer_data"))
        if processes is None and data_access and _CUSTOMER_WORDS.search(data_access):
            processes = True
        signed, dpa_date = _dpa(row, hc)
        tier = "critical" if _flag(row.get("critical_flag")) else normalise_tier(row.get("tier"))
        baa, _baa_date = _dpa(row, hc, "baa")
        if baa is None and "baa" in row.headers and row.get("baa") is None and "baa" not in row.bad:
            baa = False  # the inventory keeps a BAA column and this row's cell is empty: no BAA on file
        personal = processes if re.search(r"personal|pii|personenbezogen", row.header("customer_data"), re.I) else None
        if personal is None and data_access and _PERSONAL_WORDS.search(data_access):
            personal = True
        out.append(hc.fact(row, tier=tier, processes_customer_data=processes, dpa_signed=signed, dpa_date=dpa_date,
                           processes_personal_data=personal, processes_health_data=_flag(row.get("health_data")),
                           baa_signed=baa))
    return out


__all__ = ["Vendor", "normalise_tier", "vendors"]
