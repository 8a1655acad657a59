"""Access review logs: the ``access_reviews`` hook of ``trustgap/evidence/formats/access_reviews.yaml``.

``subject`` is the reviewed system as the system token accounts use (``AWS production`` -> ``aws``, ``Google
Workspace`` -> ``google``; other names as written), the written name kept in ``details["system_name"]``; a row that
covers several systems (``Okta; AWS; GitHub``) gives one Record per system, all pointing to the same row. Columns no
field took go to ``details`` under their normalised header (counts as integers, yes / no as booleans), as in the
process-records parser, so both read a log the same way.
"""

from __future__ import annotations

from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.evidence.parsers import _record_fields as rf
from trustgap.evidence.tabular import norm_header


@register_hook("access_reviews")
def reviews(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        if row.get("performed_on") is None:
            if "performed_on" not in row.bad:
                hc.skip(row, "no date: when was this review done?", "performed_on")
            elif row.line is not None:
                hc.dropped.append(row.line)
            continue
        names = rf.systems(row.get("_system"))
        if not names:
            hc.skip(row, "no system: what was reviewed?", "_system")
            continue
        details: dict[str, Any] = {k.split(".", 1)[1]: v for k, v in row.values.items()
                                   if k.startswith("details.") and v is not None}
        used = set(row.headers.values())
        for header, value in row.raw.items():
            if header in used or not header.strip() or value in (None, ""):
                continue
            key = norm_header(header)
            key = rf.DETAIL_ALIASES.get(key, key)
            if key and key not in details:
                details[key] = rf.typed(value)
        performed_by = row.get("performed_by")
        if isinstance(performed_by, str) and "@" in performed_by:
            performed_by = performed_by.lower()
        for name in names:
            token = rf.system_token(name)
            extra = {"system_name": name} if token != name.lower() else {}
            out.append(hc.fact(row, subject=token, performed_by=performed_by, details={**details, **extra}))
    return out
