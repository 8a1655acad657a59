"""Security exception registers: the ``security_exceptions`` hook of ``formats/security_exceptions.yaml``.

One :class:`RiskAcceptance` per row. What it covers is the union of the requirement / control column
(``covers``) and the asset / account column (``_assets``), as the checks match both: control ids and check ids scope the
exception, other names name the entities it applies to. A row without an id is reported and skipped.
"""

from __future__ import annotations

from typing import Any

from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v).strip() for v in values if str(v).strip()]


@register_hook("security_exceptions")
def exceptions(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        if not row.get("ref"):
            hc.skip(row, f"{row.header('ref')} is empty: the exception is skipped", "ref")
            continue
        covers = tuple(dict.fromkeys([*_items(row.get("covers")), *_items(row.get("_assets"))]))
        out.append(hc.fact(row, covers=covers))
    return out
