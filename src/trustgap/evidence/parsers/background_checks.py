"""Background-screening exports: the ``background_checks`` hook of ``trustgap/evidence/formats/background_checks.yaml``.

One :class:`Record` of kind ``background_check`` per row: ``subject`` the candidate's e-mail, ``performed_on`` the
completion date (a check still pending is dated by when it was ordered, ``details["date_from"]`` says so),
``outcome`` the result (clear / consider ...) or, while there is none, the status, ``performed_by`` the screening
provider when a column names it. The other columns are kept in ``details`` under their normalised header.
"""

from __future__ import annotations

from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.evidence.tabular import norm_header

# fields kept in details as written, under these keys
_DETAILS = {"candidate": "candidate_name", "package": "package", "status": "status", "created": "created_at"}


def _raw(row: MappedRow, name: str) -> Any:
    header = row.headers.get(name)
    value = row.raw.get(header) if header else None
    return value.strip() if isinstance(value, str) else value


@register_hook("background_checks")
def checks(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        subject = row.get("subject")
        if subject is None:
            if "subject" not in row.bad:
                hc.skip(row, "no candidate e-mail: whose check is this?", "subject")
            elif row.line is not None:
                hc.dropped.append(row.line)
            continue
        details: dict[str, Any] = {}
        used = set(row.headers.values())
        for name, key in _DETAILS.items():
            value = _raw(row, name)
            if value not in (None, ""):
                details[key] = value
        for header, value in row.raw.items():
            if header not in used and header.strip() and value not in (None, ""):
                details[norm_header(header)] = value.strip() if isinstance(value, str) else value
        day = row.get("performed_on")
        if day is None and row.get("created") is not None:
            day, details["date_from"] = row.get("created"), norm_header(row.header("created"))
        if day is None:
            hc.skip(row, "no completion or order date: when was this check done?", "performed_on")
            continue
        outcome = row.get("outcome") or row.get("status")
        out.append(hc.fact(row, subject=subject, performed_on=day, outcome=outcome, details=details))
    return out
