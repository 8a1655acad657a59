"""Risk registers (CSV or XLSX): the working record of a risk assessment.

Most organisations keep their risk assessment as a register in a spreadsheet (or export one from a GRC tool):
one row per risk with a likelihood, an impact, an owner and a treatment. The column names differ by template;
the spec ``trustgap/evidence/formats/risk_register.yaml`` accepts the common ones:

- the risk: ``Risk``, ``Risk Title`` / ``Risk Name`` / ``Risk Description``, ``Threat``, ``Scenario``; its id
  (``Risk ID``, ``Ref``);
- scoring: ``Likelihood`` (or ``Probability``), ``Impact`` (or ``Consequence``, ``Severity``), optional
  ``Inherent`` / ``Residual`` scores;
- ``Owner`` (``Risk Owner``), ``Treatment`` (``Response``, ``Risk Treatment``, ``Decision``: accept, mitigate,
  transfer, avoid), ``Status``;
- dates: ``Last Reviewed`` / ``Review Date`` / ``Date Assessed`` / ``Assessment Date`` / ``Last Updated``, else
  ``Date Identified`` / ``Date Raised``.

These follow the fields that ISO/IEC 27005 and NIST SP 800-30 ask a risk assessment to record (a threat or
scenario, its likelihood and impact, the resulting level, the response chosen and who owns it) and the
columns of the usual register templates; ``parsers.risk_register.columns`` in the scope file maps any other
header (field names: the keys of the spec's ``fields``). This module is the spec's hook: the register is one
assessment, not one fact per row.

Facts: one :class:`Record` of kind ``risk_assessment`` for the register, dated by its latest assessment or
review date (``performed_on``), with ``details``: ``risks`` (rows), ``likelihood`` / ``impact`` /
``treatment`` / ``owner`` (how many risks have each), and the ids of risks missing any of them
(``risks_unscored``, ``risks_untreated``, ``risks_unowned``), so the risk checks can name them. Rows without a
risk are reported with their line; a register with no dates at all is an error naming the file (an undated
register cannot show when the assessment happened).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.mapping import HookContext, MappedRow
from trustgap.evidence.mapping_registry import register_hook
from trustgap.facts import Record


def _filled(value: Any) -> bool:
    return value not in (None, "") and str(value).strip().lower() not in ("-", "n/a", "na", "tbd", "?", "none")


@register_hook("risk_register")
def register(rows: list[MappedRow], hc: HookContext) -> list[Any]:
    path = hc.ctx.path
    risks: list[tuple[str, MappedRow]] = []
    reviewed: list[date] = []
    identified: list[date] = []
    for row in rows:
        if not _filled(row.get("risk")):
            if any(_filled(v) for v in row.raw.values()):
                hc.skip(row, "row has no risk described", "risk", count_as_lost=False)
            continue
        label = str(row.get("risk_id") or row.get("risk")).strip()
        risks.append((label, row))
        if row.get("reviewed") is not None:
            reviewed.append(row.get("reviewed"))
        if row.get("identified") is not None:
            identified.append(row.get("identified"))
    if not risks:
        raise InputError(path, "no risks in the register", line=1, field="risk")
    day = max(reviewed) if reviewed else max(identified) if identified else None
    if day is None:
        raise InputError(path, "the register has no assessment or review dates: add a 'Last reviewed' column",
                         line=1, field="last_reviewed")

    def count(field: str) -> int:
        return sum(1 for _, r in risks if _filled(r.get(field)))

    def lacking(*fields: str) -> list[str]:
        return [label for label, r in risks if not all(_filled(r.get(f)) for f in fields)]

    details: dict[str, Any] = {
        "risks": len(risks),
        "likelihood": count("likelihood") or count("score"),
        "impact": count("impact") or count("score"),
        "treatment": count("treatment"),
        "owner": count("owner"),
        "date_from": "reviewed" if reviewed else "identified",
    }
    first = risks[0][1]
    has_pair = "likelihood" in first.headers and "impact" in first.headers
    unscored = lacking("likelihood", "impact") if has_pair else lacking("score")
    for key, ids in (("risks_unscored", unscored), ("risks_untreated", lacking("treatment")),
                     ("risks_unowned", lacking("owner"))):
        if ids:
            details[key] = ids
    first_line, last_line = first.line, risks[-1][1].line
    where = f"rows {first_line}-{last_line}" if first_line != last_line else f"row {first_line}"
    sheet = first.locator.split("!", 1)[0] if "!" in first.locator else None
    return [Record(src=hc.ctx.src(f"{sheet}!{where}" if sheet else where), kind="risk_assessment",
                   performed_on=day, title="Risk register", details=details)]
