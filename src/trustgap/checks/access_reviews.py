"""User access reviews: at the promised cadence through the period, documented, covering every system.

Records of kind ``access_review`` carry the reviewed system in ``subject``, the reviewers in
``participants`` (or ``performed_by``) and ``details["users_reviewed"]``. A review without a subject, or
with a subject such as "all systems", counts for every system.
"""

from __future__ import annotations

from collections import defaultdict

from trustgap.checks._util import IDP_SYSTEMS, cadence_result, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Account, Record, Src, system_kind

_ALL = "all systems"
# details of a per-user review row (one account and its decision)
_PER_USER_KEYS = frozenset({"user", "email", "account", "user_email", "username", "login", "user_name", "account_id"})
_REVOKED = frozenset({"revoke", "revoked", "remove", "removed", "disable", "disabled", "deprovision", "change",
                      "changed", "modify", "modified", "downgrade"})
_ALL_WORDS = frozenset({"all", "all systems", "everything", "*", "company-wide", "organisation", "organization"})


def _system_key(subject: str | None) -> str:
    if not subject or subject.strip().lower() in _ALL_WORDS:
        return _ALL
    return system_kind(subject.strip().lower())


def _reviews(ctx: CheckContext) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = defaultdict(list)
    for r in ctx.facts.records("access_review"):
        out[_system_key(r.subject)].append(r)
    return out


@check(
    id="access_reviews.performed_on_cadence",
    title="User access reviews happen at the promised cadence",
    controls=("AC-08",),
    criteria=("CC6.2", "CC6.3"),
    severity="high",
    effort="M",
    category="process",
    remediation="Schedule the access review for every in-scope system at the promised cadence (a recurring "
    "ticket owned by the security lead), export each system's user list, have each manager confirm or revoke "
    "access, and keep the signed export with its date.",
    sources=(),
    thresholds=("access_review_cadence_months",),
    description="Type I: a review within one cadence before the as-of date. Type II: one in every cadence window "
    "of the audit period; missing windows are named.",
    gap_kind="not_operating",
)
def performed_on_cadence(ctx: CheckContext) -> CheckResult:
    by_system = _reviews(ctx)
    if not by_system:
        return ctx.not_assessed("no access review records in the evidence")
    months = int(ctx.thresholds.access_review_cadence_months)
    shared = by_system.get(_ALL, [])
    entities = []
    for system in sorted(by_system):
        records = by_system[system] + (shared if system != _ALL else [])
        entities.append(cadence_result(ctx, records, months, "access review", entity=system, entity_type="system"))
    return ctx.result(entities)


@check(
    id="access_reviews.documented",
    title="Each access review records its reviewer and the users reviewed",
    controls=("AC-08",),
    criteria=("CC6.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Use a review template that captures the reviewer, the date, the list of users reviewed and "
    "the decision for each (keep / change / revoke), and attach the tickets for revocations.",
    gap_kind="insufficient_evidence",
)
def documented(ctx: CheckContext) -> CheckResult:
    records = ctx.facts.records("access_review")
    if not records:
        return ctx.not_assessed("no access review records in the evidence")
    # one review per system and day: a per-user export (a row per account and decision) is one review
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        groups[(r.subject or _ALL, r.performed_on.isoformat())].append(r)
    entities = []
    for (subject, day), rows in sorted(groups.items()):
        label = f"{subject} review {day}"
        per_user = [r for r in rows if _PER_USER_KEYS & set(r.details)]
        users = max((int(r.details.get("users_reviewed") or 0) for r in rows), default=0) or len(per_user)
        revoked = sum(1 for r in per_user if (r.outcome or "").strip().lower() in _REVOKED)
        measured: dict[str, object] = {"users_reviewed": users}
        if per_user:
            measured["revoked"] = revoked
        missing = []
        if not any(r.participants or r.performed_by for r in rows):
            missing.append("reviewer")
        if not users:
            missing.append("users reviewed")
        if missing:
            entities.append(EntityResult("access review", label, "partial", f"no {' or '.join(missing)} recorded",
                                         srcs(*rows), gap_kind="insufficient_evidence", measured=measured))
        else:
            entities.append(EntityResult("access review", label, "pass",
                                         f"reviewer and {users} user(s) reviewed recorded"
                                         + (f", {revoked} revoked" if per_user else ""), srcs(*rows),
                                         measured=measured))
    return ctx.result(entities)


@check(
    id="access_reviews.cover_every_system",
    title="Every identity system is covered by an access review",
    controls=("AC-08",),
    criteria=("CC6.2", "CC6.3"),
    severity="medium",
    effort="M",
    category="process",
    remediation="Add the systems without a review to the access review checklist (IdP, cloud accounts, source "
    "control and every admin tool in scope).",
    thresholds=("access_review_cadence_months",),
    gap_kind="missing",
)
def cover_every_system(ctx: CheckContext) -> CheckResult:
    by_system = _reviews(ctx)
    if not by_system:
        return ctx.not_assessed("no access review records in the evidence")
    systems = {system_kind(a.system) for a in ctx.facts.of(Account)}
    wanted = systems & (set(ctx.systems_in_scope) | set(IDP_SYSTEMS) | {"aws", "github"})
    if not wanted:
        return ctx.not_assessed("no account evidence telling which systems need reviews")
    months = int(ctx.thresholds.access_review_cadence_months)
    shared = [r for r in by_system.get(_ALL, []) if ctx.within(r.performed_on, months)]
    entities = []
    for system in sorted(wanted):
        recent = [r for r in by_system.get(system, []) if ctx.within(r.performed_on, months)] + shared
        if recent:
            latest = max(recent, key=lambda r: r.performed_on)
            entities.append(EntityResult("system", system, "pass", f"reviewed on {latest.performed_on.isoformat()}",
                                         srcs(latest)))
        elif by_system.get(system):
            latest = max(by_system[system], key=lambda r: r.performed_on)
            entities.append(EntityResult("system", system, "fail",
                                         f"last reviewed {latest.performed_on.isoformat()}, outside the cadence",
                                         srcs(latest), gap_kind="stale"))
        else:
            # evidence: the files that show accounts on the system, one row each, and the reviews searched
            seen: dict[str, Src] = {}
            for a in ctx.facts.of(Account):
                if system_kind(a.system) == system and a.src.sha256 not in seen:
                    seen[a.src.sha256] = a.src
            reviews = sorted({r.src.sha256: r.src for rs in by_system.values() for r in rs}.values(),
                             key=lambda s: s.sha256)
            n = sum(len(rs) for rs in by_system.values())
            entities.append(EntityResult("system", system, "fail",
                                         f"accounts exist but none of the {n} access review records covers it",
                                         (*seen.values(), *reviews)))
    return ctx.result(entities)
