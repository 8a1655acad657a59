"""Hooks of the confidentiality and privacy specs (``trustgap/evidence/formats``): retention schedules, deletion
job runs, disposal of customer data, data subject request logs, records of processing, consent and disclosure
logs, breach assessments.

The specs say which column is which; these hooks say what a mapping cannot:

- a retention period written as text ("7 years", "400 days", "24 months") becomes a number of days; a period tied
  to an event ("contract term + 30 days", "until deleted") stays text with no fixed number of days;
- a deletion job run's state is normalised to ``ok`` / ``failed`` (``success``, ``completed`` ... / ``failed``,
  ``error``, ``timeout`` ...), and a run without an id is known by its job and date;
- a disposal clock starts at the later of the contract end and the deletion request;
- a request type is normalised to access, erasure, rectification, portability, objection, restriction, opt_out;
  a regime to gdpr (also UK GDPR, EU, EEA) or ccpa (also CPRA, California); an extension notice date means the
  request was extended;
- a transfer cell ("Yes (United States)", "No", "USA; India") becomes the list of countries; a safeguard cell that
  says none ("None", "-", "n/a") is no safeguard;
- a breach assessment row becomes an :class:`Incident` of kind ``privacy`` with the assessment's conclusion.

Dates without a time start at 00:00 UTC of that day. A row missing what its fact cannot be without is reported
with its line and field and skipped.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from trustgap.dates import to_utc_start
from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.evidence.parsers.generic import system_from_name
from trustgap.evidence.tabular import parse_bool

_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
_PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)\s*$", re.I)
_NONE_WORDS = frozenset({"", "-", "--", "n/a", "na", "none", "no", "nil", "not applicable", "not required", "null",
                         "no transfer", "no transfers", "false", "0", "nein", "keine", "kein", "entfällt"})
_OK = frozenset({"ok", "success", "succeeded", "successful", "completed", "complete", "done", "passed", "pass",
                 "finished"})
_FAILED = frozenset({"failed", "failure", "error", "errored", "timeout", "timed out", "aborted", "crashed",
                     "killed", "fail"})
_KINDS: dict[str, str] = {
    "access": "access", "right of access": "access", "subject access": "access", "sar": "access", "dsar": "access",
    "right to know": "access", "know": "access", "access request": "access", "data access": "access",
    "access categories": "access", "information": "access", "subject access request": "access",
    "erasure": "erasure", "deletion": "erasure", "delete": "erasure", "right to be forgotten": "erasure",
    "rtbf": "erasure", "right to delete": "erasure", "erase": "erasure", "right to erasure": "erasure",
    "delete my data": "erasure",
    "rectification": "rectification", "correction": "rectification", "correct": "rectification",
    "right to correct": "rectification", "right to rectification": "rectification", "update": "rectification",
    "portability": "portability", "data portability": "portability", "right to data portability": "portability",
    "objection": "objection", "object": "objection", "right to object": "objection",
    "restriction": "restriction", "restrict processing": "restriction", "right to restriction": "restriction",
    "opt out": "opt_out", "do not sell": "opt_out", "do not sell or share": "opt_out", "opt out of sale": "opt_out",
    "opt out sale": "opt_out", "opt out sharing": "opt_out", "do not sell share": "opt_out",
    "limit sensitive": "opt_out",
}
_REGIMES: dict[str, str] = {
    "gdpr": "gdpr", "uk gdpr": "gdpr", "eu gdpr": "gdpr", "eu": "gdpr", "eea": "gdpr", "uk": "gdpr",
    "dsgvo": "gdpr", "rgpd": "gdpr", "ccpa": "ccpa", "cpra": "ccpa", "california": "ccpa", "ca": "ccpa",
    "ccpa/cpra": "ccpa", "hipaa": "hipaa", "hitech": "hipaa",
}


def _key(value: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[-_/()]+", " ", str(value).strip().lower())).strip()


def period_days(text: Any) -> int | None:
    """Days of a fixed retention period ("7 years" -> 2557, "400 days", "24 months"); None for any other text."""
    if text is None:
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        return int(text)
    m = _PERIOD.match(str(text))
    if not m:
        return None
    n, unit = float(m.group(1)), m.group(2).lower()
    base = {"d": "day", "w": "week", "m": "month", "y": "year"}[unit[0]]
    return round(n * _UNIT_DAYS[base])


def run_status(raw: Any) -> str | None:
    if raw is None:
        return None
    k = _key(raw)
    if k in _OK:
        return "ok"
    if k in _FAILED:
        return "failed"
    return k or None


def request_kind(raw: Any) -> str | None:
    if raw is None:
        return None
    k = _key(raw)
    k = re.sub(r"\b(request|requests|dsr|dsar)\b$", "", k).strip() or k
    return _KINDS.get(k, k or None)


def regime(raw: Any) -> str | None:
    if raw is None:
        return None
    k = _key(raw)
    return _REGIMES.get(k, k or None)


def _start(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return to_utc_start(value)
    return None


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return parse_bool(str(value))


def countries(raw: Any) -> tuple[str, ...]:
    """Countries of a transfer cell: "Yes (United States)" -> ("United States",); "No" -> (); "Yes" -> ("yes",)."""
    if raw is None:
        return ()
    text = str(raw).strip()
    if _key(text) in _NONE_WORDS:
        return ()
    m = re.match(r"^\s*(?:yes|ja)\b\s*[:(,\-–]?\s*(.*?)\)?\s*$", text, re.I)
    if m:
        inner = m.group(1).strip()
        return tuple(c.strip() for c in re.split(r"[;,/|]| and ", inner) if c.strip()) or ("yes",)
    return tuple(c.strip() for c in re.split(r"[;,|\n]", text) if c.strip() and _key(c) not in _NONE_WORDS)


def safeguard(raw: Any) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip()
    return None if _key(text) in _NONE_WORDS else text


@register_hook("retention_schedule")
def retention_schedule(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        data_class = row.get("data_class")
        if not data_class:
            hc.skip(row, "row has no data class: the row is skipped", "data_class")
            continue
        text = row.get("period_text")
        days = row.get("_period_number")
        if days is not None and text is not None and not re.search(r"\d", str(text)):
            text = f"{days} {text}"  # "7" in a number column, "years" in a unit column
        out.append(hc.fact(row, period_days=period_days(text), period_text=str(text) if text is not None else None))
    return out


@register_hook("deletion_job_runs")
def deletion_job_runs(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    fallback = system_from_name(hc.ctx.path)
    out: list[Any] = []
    for row in rows:
        if not hc.require(row, "name", "occurred_at"):
            continue
        name, when = row.get("name"), row.get("occurred_at")
        when = _start(when) or when
        ref = row.get("ref") or f"{name}@{when.date().isoformat()}"
        system = str(row.get("_system") or fallback).strip().lower() or fallback
        out.append(hc.fact(row, ref=str(ref), occurred_at=when, status=run_status(row.get("status")),
                           system=system))
    return out


@register_hook("customer_data_disposal")
def customer_data_disposal(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    fallback = system_from_name(hc.ctx.path)
    out: list[Any] = []
    for row in rows:
        customer = row.get("subject") or row.get("request_id")
        end, requested = row.get("contract_end"), row.get("_requested")
        if not customer:
            hc.skip(row, "row names no customer: the row is skipped", "subject")
            continue
        starts = [d for d in (end, requested) if d is not None]
        if not starts:
            hc.skip(row, "neither a contract end nor a request date: the row is skipped", "contract_end")
            continue
        out.append(hc.fact(row, request_id=str(row.get("request_id") or customer), subject=str(customer),
                           kind="disposal", system=fallback, received_at=_start(max(starts)),
                           completed_at=_start(row.get("completed_at")), due_at=_start(row.get("due_at"))))
    return out


@register_hook("dsr_log")
def dsr_log(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    fallback = system_from_name(hc.ctx.path)
    out: list[Any] = []
    for row in rows:
        if not hc.require(row, "request_id", "received_at"):
            continue
        rid, received = row.get("request_id"), row.get("received_at")
        notice = _start(row.get("extension_notified_at"))
        extended = _flag(row.get("extended"))
        if notice is not None:
            extended = True
        out.append(hc.fact(row, request_id=str(rid), kind=request_kind(row.get("kind")) or "unknown",
                           system=fallback, received_at=_start(received), due_at=_start(row.get("due_at")),
                           completed_at=_start(row.get("completed_at")), extension_notified_at=notice,
                           extended=extended, jurisdiction=regime(row.get("jurisdiction")),
                           status=_key(row.get("status")) if row.get("status") else None))
    return out


@register_hook("records_of_processing")
def records_of_processing(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        name = row.get("name") or row.get("purpose")
        if not name:
            hc.skip(row, "row names no processing activity: the row is skipped", "name")
            continue
        transfers = countries(row.get("transfers"))
        flagged = _flag(row.get("_transfer_flag"))
        if not transfers and flagged:
            transfers = ("yes",)
        basis = row.get("lawful_basis")
        if basis is not None and _key(basis) in _NONE_WORDS:
            basis = None
        out.append(hc.fact(row, name=str(name), transfers=transfers, lawful_basis=basis,
                           transfer_safeguard=safeguard(row.get("transfer_safeguard")),
                           consent_recorded=_flag(row.get("consent_recorded"))))
    return out


@register_hook("breach_assessments")
def breach_assessments(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    fallback = system_from_name(hc.ctx.path)
    out: list[Any] = []
    for row in rows:
        iid, detected = row.get("incident_id"), row.get("detected_at")
        if not iid:
            hc.skip(row, "row names no incident: the row is skipped", "incident_id")
            continue
        assessed = row.get("breach_assessed_on")
        if isinstance(assessed, datetime):
            assessed = assessed.date()
        out.append(hc.fact(row, incident_id=str(iid), system=fallback, kind="privacy", detected_at=_start(detected),
                           breach_assessed_on=assessed, personal_data=_flag(row.get("personal_data")),
                           is_breach=_flag(row.get("is_breach")), regime=regime(row.get("regime")),
                           severity=_key(row.get("severity")) if row.get("severity") else None,
                           authority_notified_at=_start(row.get("authority_notified_at")),
                           subjects_notified_at=_start(row.get("subjects_notified_at"))))
    return out


@register_hook("consent_records")
def consent_records(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        day = row.get("performed_on")
        if isinstance(day, datetime):
            day = day.date()
        if day is None:
            hc.skip(row, f"{row.header('performed_on')} is empty: the row is skipped", "performed_on")
            continue
        out.append(hc.fact(row, performed_on=day, kind=hc.spec.constants.get("kind", "consent")))
    return out
