"""Risk acceptances and security exceptions: a documented, approved and unexpired exception makes the finding it
covers *accepted* rather than a gap; one that is expired, unapproved or rejected does not count, and the finding
says so.

What an exception covers (``RiskAcceptance.covers``) is a list of control ids (``AC-04``), check ids
(``idp.mfa_enforced``) and entity names (``build-bot``, ``logs-archive``). A failing entity of a check is covered
when the exception's control / check ids, if it names any, include the check or one of its controls, and its entity
names, if it names any, include the entity (the name alone, or the name followed by a qualifier as findings write
it: ``build-bot (aws)``). An exception naming only controls or checks covers every failure of them; one naming
only entities covers those entities in every check.

It counts on the evaluation day when it is approved (an approver or approval date, and a status that is not
pending, rejected, expired or closed), approved no later than that day, and not expired (no expiry date, or one on
or after that day). :func:`apply_acceptances` is what the engine calls before deciding verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from trustgap.checks._util import srcs
from trustgap.checks.base import CheckContext, CheckMeta, CheckResult, EntityResult, check
from trustgap.facts import RiskAcceptance

NOT_APPROVED = frozenset({"pending", "requested", "draft", "submitted", "rejected", "denied", "declined",
                          "withdrawn", "cancelled", "canceled", "expired", "closed", "revoked", "retired"})
_CONTROL_ID = re.compile(r"^[A-Z]{2,4}-\d{2}$")


def valid_on(r: RiskAcceptance, day: date) -> tuple[bool, str]:
    """(whether the exception counts on ``day``, why not when it does not)."""
    status = (r.status or "").strip().lower()
    if status in NOT_APPROVED:
        return False, f"its status is {r.status}"
    if not (r.approved_by or r.approved_on or status in ("approved", "accepted", "active")):
        return False, "it has no recorded approval"
    if r.approved_on is not None and r.approved_on > day:
        return False, f"it was approved only on {r.approved_on.isoformat()}"
    if r.expires_on is not None and r.expires_on < day:
        return False, f"it expired on {r.expires_on.isoformat()}"
    return True, ""


def describe(r: RiskAcceptance) -> str:
    parts = [f"approved by {r.approved_by}" if r.approved_by else "approved",
             f"on {r.approved_on.isoformat()}" if r.approved_on else "",
             f"until {r.expires_on.isoformat()}" if r.expires_on else "with no expiry date"]
    title = f" \u201c{r.title}\u201d" if r.title else ""
    return f"{r.ref}{title} ({' '.join(p for p in parts if p)})"


def _scopes(r: RiskAcceptance, check_ids: Iterable[str]) -> tuple[set[str], set[str]]:
    known = set(check_ids)
    scope, names = set(), set()
    for c in (x.strip() for x in r.covers):
        if not c:
            continue
        if _CONTROL_ID.match(c) or c in known:
            scope.add(c)
        else:
            names.add(c.lower())
    return scope, names


def _names_entity(names: set[str], entity: str) -> bool:
    low = entity.strip().lower()
    return any(low == n or low.startswith((n + " ", n + ":", n + ",")) for n in names)


def covers(r: RiskAcceptance, meta: CheckMeta, entity: str, check_ids: Iterable[str]) -> bool:
    scope, names = _scopes(r, check_ids)
    if not scope and not names:
        return False
    in_scope = not scope or meta.id in scope or bool(scope & set(meta.controls))
    return in_scope and (not names or _names_entity(names, entity))


def _status(entities: Sequence[EntityResult]) -> str:
    failing = [e for e in entities if e.status != "pass"]
    if not failing:
        return "pass"
    return "fail" if any(e.status == "fail" for e in failing) else "partial"


def apply_acceptances(results: Sequence[CheckResult], metas: Mapping[str, CheckMeta],
                      acceptances: Sequence[RiskAcceptance], day: date) -> list[CheckResult]:
    """The results with every failing entity covered by a valid exception turned into a passing, *accepted* one
    (``measured["accepted"]`` names the exception); a failing entity covered only by exceptions that do not count
    keeps failing, its reason saying why each does not count."""
    if not acceptances:
        return list(results)
    out: list[CheckResult] = []
    for res in results:
        meta = metas.get(res.check_id)
        if meta is None or not res.failing:
            out.append(res)
            continue
        changed = False
        entities: list[EntityResult] = []
        for e in res.entities:
            if e.status == "pass":
                entities.append(e)
                continue
            matching = [r for r in acceptances if covers(r, meta, e.entity, metas)]
            good = [r for r in matching if valid_on(r, day)[0]]
            if good:
                r = good[0]
                measured = {**(e.measured or {}), "accepted": r.ref}
                entities.append(replace(e, status="pass", gap_kind=None, measured=measured,
                                        reason=f"accepted risk {describe(r)}: {e.reason}",
                                        evidence=(*e.evidence, *srcs(r))))
                changed = True
            elif matching:
                why = "; ".join(f"exception {r.ref} does not count: {valid_on(r, day)[1]}" for r in matching)
                entities.append(replace(e, reason=f"{e.reason} ({why})", evidence=(*e.evidence, *srcs(*matching))))
                changed = True
            else:
                entities.append(e)
        if not changed:
            out.append(res)
            continue
        accepted = sum(1 for e in entities if (e.measured or {}).get("accepted"))
        status = _status(entities)
        failing = [e for e in entities if e.status != "pass"]
        total = len(entities) + res.passed_more
        summary = (f"{len(failing)} of {total} {'fail' if status == 'fail' else 'partially met'}"
                   if failing else f"all {total} pass") + (f"; {accepted} accepted by a documented "
                                                                   "exception" if accepted else "")
        kinds = {e.gap_kind for e in failing if e.gap_kind}
        gap_kind = (next(iter(kinds)) if len(kinds) == 1 else res.gap_kind) if failing else None
        out.append(CheckResult(res.check_id, status, summary, entities, gap_kind,  # type: ignore[arg-type]
                               res.passed_more, res.passed_evidence))
    return out


def accepted_notes(results: Sequence[CheckResult], acceptances: Sequence[RiskAcceptance]) -> dict[str, list[str]]:
    """Check id -> "<exception>: <entity>" for each entity accepted by an exception."""
    by_ref = {r.ref: r for r in acceptances}
    out: dict[str, list[str]] = {}
    for res in results:
        for e in res.entities:
            ref = (e.measured or {}).get("accepted")
            if ref and ref in by_ref:
                out.setdefault(res.check_id, []).append(f"{e.entity}: {describe(by_ref[ref])}")
    return out


@check(
    id="exceptions.approved_and_current",
    title="Security exceptions and risk acceptances are approved and have not lapsed",
    controls=("RSK-02",),
    criteria=("CC3.2", "CC9.1"),
    severity="medium",
    effort="S",
    category="process",
    remediation="Have every exception approved by the risk owner with an end or review date; renew or close each "
    "one before it ends, and fix what an expired exception covered.",
    sources=("records.exceptions",),
)
def approved_and_current(ctx: CheckContext) -> CheckResult:
    day = ctx.evaluation_end
    entities = []
    for r in ctx.facts.of(RiskAcceptance):
        status = (r.status or "").strip().lower()
        if status in ("closed", "retired", "withdrawn", "cancelled", "canceled", "rejected", "denied", "declined"):
            continue  # no longer relied on
        ok, why = valid_on(r, day)
        label = f"{r.ref}" + (f" ({r.title})" if r.title else "")
        if ok and r.expires_on is not None:
            entities.append(EntityResult("exception", label, "pass", describe(r), srcs(r)))
        elif ok:
            entities.append(EntityResult("exception", label, "partial", f"{describe(r)}: without an end or review "
                                         "date it never comes up for renewal", srcs(r), gap_kind="undocumented"))
        elif r.expires_on is not None and r.expires_on < day:
            entities.append(EntityResult("exception", label, "fail", f"{why} and was neither renewed nor closed",
                                         srcs(r), gap_kind="stale"))
        else:
            entities.append(EntityResult("exception", label, "fail", f"not a valid exception: {why}", srcs(r)))
    return ctx.result(entities, empty="no security exceptions or risk acceptances in the evidence")
