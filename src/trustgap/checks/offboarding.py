"""Access removed when people leave.

How time is measured: an HR roster gives a termination *date* without a time, so the clock starts at
00:00 UTC of the termination day (the strictest reading: a person leaving on Friday must lose access by
Saturday 00:00 UTC under a 24-hour promise). Accounts are joined to people by canonical email across every
system (aliases from the scope are honoured); root and service accounts are left out.

Which terminations are judged for timing: Type II, those inside the audit period up to the as-of date;
Type I, those in the 12 months before the as-of date. An account still active after a termination is a
failure whenever the termination happened.
"""

from __future__ import annotations

from datetime import date

from trustgap.checks._util import account_label, accounts_by_email, fmt_dt, srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.dates import add_months, to_utc_end, to_utc_start
from trustgap.facts import Person


def _leavers(ctx: CheckContext) -> list[Person]:
    end = ctx.evaluation_end
    return [p for p in ctx.facts.of(Person) if p.email and p.termination_date and p.termination_date <= end]


def _timing_window_start(ctx: CheckContext) -> date:
    return ctx.period_start if ctx.period_start is not None else add_months(ctx.as_of, -12)


@check(
    id="offboarding.access_revoked_in_time",
    title="Leavers' accounts are disabled within the promised time",
    controls=("AC-07", "HR-08"),
    criteria=("CC6.2",),
    severity="high",
    effort="M",
    category="process",
    remediation="Trigger account suspension from the HR termination (SCIM or an offboarding ticket that IT must "
    "close within the promised hours), disable every account of the leaver across all systems, and keep the "
    "timestamped ticket as evidence. Disable the accounts still active now.",
    sources=("hr.roster", "google.users", "okta.users", "azuread.users", "github.members", "aws.iam"),
    thresholds=("offboarding_hours",),
    description="Measured from 00:00 UTC of the termination date to the account's deactivation time.",
)
def access_revoked_in_time(ctx: CheckContext) -> CheckResult:
    people = ctx.facts.of(Person)
    if not people:
        return ctx.not_assessed("no HR roster in the evidence")
    leavers = _leavers(ctx)
    if not leavers:
        return ctx.not_assessed("the HR roster shows no terminations to test")
    index = accounts_by_email(ctx.facts)
    if not index:
        return ctx.not_assessed("no account evidence to match leavers against")
    limit = float(ctx.thresholds.offboarding_hours)
    window_start = _timing_window_start(ctx)
    entities: list[EntityResult] = []
    for p in leavers:
        assert p.termination_date is not None
        key = ctx.facts.canonical_email(p.email)
        start = to_utc_start(p.termination_date)
        timed = p.termination_date >= window_start
        for a in index.get(key or "", []):
            label = account_label(a)
            ev = srcs(p, a)
            term = p.termination_date.isoformat()
            if a.active is True:
                days = (ctx.evaluation_end - p.termination_date).days
                entities.append(EntityResult(
                    "account", label, "fail",
                    f"still active {days} days after termination on {term}", ev,
                    measured={"days": days, "terminated": term}))
            elif not timed:
                continue
            elif a.active is None:
                entities.append(EntityResult(
                    "account", label, "partial", f"account state unknown after termination on {term}", ev,
                    gap_kind="insufficient_evidence"))
            elif a.deactivated_at is None:
                entities.append(EntityResult(
                    "account", label, "partial", f"deactivated, time unknown (terminated {term})", ev,
                    gap_kind="insufficient_evidence"))
            else:
                hours = round((utc(a.deactivated_at) - start).total_seconds() / 3600, 1)
                measured = {"hours": hours, "limit_hours": limit, "terminated": term,
                            "deactivated_at": fmt_dt(a.deactivated_at)}
                if hours <= limit:
                    reason = (f"deactivated {fmt_dt(a.deactivated_at)}, before termination on {term}" if hours < 0
                              else f"deactivated {hours} hours after termination on {term}")
                    entities.append(EntityResult("account", label, "pass", reason, ev, measured=measured))
                else:
                    entities.append(EntityResult(
                        "account", label, "fail",
                        f"deactivated {fmt_dt(a.deactivated_at)}, {hours} hours after termination on {term} "
                        f"(limit {limit:g} hours)", ev, measured=measured))
    return ctx.result(entities, empty="no accounts belong to people who left")


@check(
    id="offboarding.no_login_after_termination",
    title="Nobody signs in after leaving",
    controls=("AC-07",),
    criteria=("CC6.2", "CC6.3"),
    severity="critical",
    effort="M",
    category="process",
    remediation="Disable the accounts that were used after their owner left, review what they did after the "
    "termination date (treat it as a possible incident), and automate suspension from the HR system.",
    sources=("hr.roster", "google.users", "okta.users", "azuread.users"),
    thresholds=("offboarding_hours",),
    description="A sign-in after the end of the termination day (UTC) is a failure: the leaver, or someone with "
    "their credentials, still had access.",
)
def no_login_after_termination(ctx: CheckContext) -> CheckResult:
    if not ctx.facts.of(Person):
        return ctx.not_assessed("no HR roster in the evidence")
    leavers = _leavers(ctx)
    if not leavers:
        return ctx.not_assessed("the HR roster shows no terminations to test")
    index = accounts_by_email(ctx.facts)
    entities: list[EntityResult] = []
    for p in leavers:
        assert p.termination_date is not None
        day_end = to_utc_end(p.termination_date)
        for a in index.get(ctx.facts.canonical_email(p.email) or "", []):
            if a.last_login_at is None:
                continue
            last = utc(a.last_login_at)
            if last > day_end:
                days = (last.date() - p.termination_date).days
                entities.append(EntityResult(
                    "account", account_label(a), "fail",
                    f"signed in {fmt_dt(last)}, {days} days after termination on {p.termination_date.isoformat()}",
                    srcs(p, a), measured={"days": days}))
            else:
                entities.append(EntityResult(
                    "account", account_label(a), "pass",
                    f"last sign-in {fmt_dt(last)}, not after termination", srcs(p, a)))
    return ctx.result(entities, empty="no sign-in times for leavers' accounts in the evidence")
