"""Risk registers (CSV or XLSX): the working record of a risk assessment.

Most organisations keep their risk assessment as a register in a spreadsheet (or export one from a GRC tool):
one row per risk with a likelihood, an impact, an owner and a treatment. The column names differ by template;
:data:`ALIASES` accepts the common ones (compared after lower-casing and turning punctuation into ``_``):

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
header (canonical names: the keys of :data:`ALIASES`).

Facts: one :class:`Record` of kind ``risk_assessment`` for the register, dated by its latest assessment or
review date (``performed_on``), with ``details``: ``risks`` (rows), ``likelihood`` / ``impact`` /
``treatment`` / ``owner`` (how many risks have each), and the ids of risks missing any of them
(``risks_unscored``, ``risks_untreated``, ``risks_unowned``), so the risk checks can name them. Rows without a
risk are reported with their line; a register with no dates at all is an error naming the file (an undated
register cannot show when the assessment happened).
"""

from __future__ import annotations

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
from trustgap.facts import Record

ALIASES: dict[str, tuple[str, ...]] = {
    "risk": ("risk", "risk_title", "risk_name", "risk_description", "description", "threat", "scenario",
             "risk_scenario", "threat_scenario", "risk_statement", "title"),
    "risk_id": ("risk_id", "id", "ref", "risk_ref", "reference", "risk_number", "risk_no", "no"),
    "likelihood": ("likelihood", "probability", "inherent_likelihood", "likelihood_score", "likelihood_rating",
                   "residual_likelihood"),
    "impact": ("impact", "consequence", "inherent_impact", "impact_score", "impact_rating", "severity",
               "residual_impact"),
    "score": ("risk_score", "score", "inherent_risk", "inherent_score", "risk_level", "rating", "risk_rating"),
    "residual": ("residual_risk", "residual_score", "residual_risk_score", "residual_level"),
    "owner": ("owner", "risk_owner", "owned_by", "responsible", "accountable"),
    "treatment": ("treatment", "risk_treatment", "response", "risk_response", "decision", "treatment_decision",
                  "treatment_option", "strategy"),
    "status": ("status", "risk_status"),
    "reviewed": ("last_reviewed", "review_date", "reviewed_on", "date_reviewed", "last_review", "last_review_date",
                 "date_assessed", "assessed_on", "assessment_date", "last_assessed", "last_updated", "updated",
                 "updated_at", "date"),
    "identified": ("date_identified", "identified_on", "date_raised", "raised_on", "date_added", "created",
                   "created_at", "date_logged"),
}
_RISK_HEADERS = frozenset({"risk", "risk_title", "risk_name", "risk_description", "threat", "scenario",
                           "risk_scenario", "threat_scenario", "risk_statement"})


def _accept(mapping: dict[str, str]) -> bool:
    """A risk column plus both halves of a score (or a score and a treatment)."""
    if "risk" not in mapping:
        return False
    scored = "likelihood" in mapping and "impact" in mapping
    return scored or ("score" in mapping and "treatment" in mapping)


def sniff(data: bytes, name: str) -> int:
    if is_xlsx(data):
        return 9 if xlsx_header_accepted(data, ALIASES, _accept) else 0
    mapping = csv_header_mapping(data, ALIASES)
    if not _accept(mapping):
        return 0
    from trustgap.evidence.tabular import norm_header

    return 9 if norm_header(mapping["risk"]) in _RISK_HEADERS else 7


def _day(raw: Any, row: SheetRow, field: str, ctx: ParseContext) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return parse_date(str(raw))
    except DateParseError:
        ctx.error(f"not a date: {raw!r}", line=row.line, field=row.header(field))
        return None


def _filled(value: Any) -> bool:
    return value not in (None, "") and str(value).strip().lower() not in ("-", "n/a", "na", "tbd", "?", "none")


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    override = ctx.options.get("columns") if isinstance(ctx.options.get("columns"), dict) else None
    if is_xlsx(data):
        rows: Iterator[SheetRow] = xlsx_rows(data, ctx.path, ALIASES, _accept)
    else:
        reject_binary(data, ctx.path, "a CSV or XLSX risk register")
        rows = csv_rows(data, ctx.path, ALIASES, required=("risk",), override=override)
    risks: list[tuple[str, SheetRow]] = []
    reviewed: list[date] = []
    identified: list[date] = []
    first_line: int | None = None
    for row in rows:
        if not _filled(row.get("risk")):
            if any(_filled(v) for v in row.values.values()):
                ctx.error("row has no risk described", line=row.line, field=row.header("risk"))
            continue
        first_line = first_line or row.line
        label = str(row.get("risk_id") or row.get("risk")).strip()
        risks.append((label, row))
        if (d := _day(row.get("reviewed"), row, "reviewed", ctx)) is not None:
            reviewed.append(d)
        if (d := _day(row.get("identified"), row, "identified", ctx)) is not None:
            identified.append(d)
    if not risks:
        raise InputError(ctx.path, "no risks in the register", line=1, field="risk")
    day = max(reviewed) if reviewed else max(identified) if identified else None
    if day is None:
        raise InputError(ctx.path, "the register has no assessment or review dates: add a 'Last reviewed' column",
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
    has_pair = "likelihood" in (risks[0][1].headers or {}) and "impact" in (risks[0][1].headers or {})
    unscored = lacking("likelihood", "impact") if has_pair else lacking("score")
    for key, ids in (("risks_unscored", unscored), ("risks_untreated", lacking("treatment")),
                     ("risks_unowned", lacking("owner"))):
        if ids:
            details[key] = ids
    last_line = risks[-1][1].line
    where = f"rows {first_line}-{last_line}" if first_line != last_line else f"row {first_line}"
    sheet = risks[0][1].sheet
    record = Record(src=ctx.src(f"{sheet}!{where}" if sheet else where), kind="risk_assessment", performed_on=day,
                    title="Risk register", details=details)
    return ParseResult(facts=[record])


PARSER = register(
    Parser(
        name="risk_register",
        title="Risk register (CSV / XLSX)",
        sniff=sniff,
        parse=parse,
        sources=("records.risk_assessment",),
        reference="https://csrc.nist.gov/pubs/sp/800/30/r1/final",
    )
)
