"""Access removed when people leave.

How time is measured: a termination takes effect at the time the HR export gives, else at the end of the
termination day in the organisation's time zone (``organisation.time_zone`` in the scope, UTC by default);
the promised hours (``offboarding_hours``) run from then. An account's deactivation time is its own
(``deactivated_at``: Okta ``statusChanged`` of a deprovisioned user, Entra / Google deletion times) or the first
suspension or deactivation in an audit log (Okta System Log, Google Admin reports).

Whose account it is comes from the identity graph (:mod:`trustgap.identity`): e-mail and aliases, the scope's
``identity.accounts`` map, HR logins, user names and display names. A person rehired after leaving has several
employment spans: today's account of a rehired person is not a leaver's, and the access removal after the earlier
termination is judged only where the evidence shows it (an audit-log event), otherwise it cannot be told.

Precision: an account shown active by evidence taken before the deadline cannot prove a late removal (the
export predates it); that is "cannot tell", not a failure. Which terminations are judged for timing: Type II,
those inside the audit period up to the as-of date; Type I, those in the 12 months before the as-of date. An
account still active after a termination is a failure whenever the termination happened.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from trustgap.checks._util import account_label, accounts_by_email, fmt_dt, srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.dates import add_months, local_day_start
from trustgap.facts import Account, Person
from trustgap.identity import PersonRecord, Span


def _timing_window_start(ctx: CheckContext) -> date:
    return ctx.period_start if ctx.period_start is not None else add_months(ctx.as_of, -12)


def _leavings(ctx: CheckContext) -> list[tuple[PersonRecord, Span, date | None]]:
    """(person, the span that ended, the start of a later span if they were rehired) for every termination up to
    the evaluation end."""
    out = []
    for rec in ctx.facts.identity.people:
        for span, rehired in rec.leavings(ctx.evaluation_end):
            out.append((rec, span, rehired if rehired is not None and rehired <= ctx.evaluation_end else None))
    return out


def _observed(ctx: CheckContext, a: Account) -> datetime | None:
    return a.observed_at or ctx.facts.observed.get(a.src.sha256)


def _how(ctx: CheckContext, a: Account) -> str:
    """Says how an account was joined to its person when the join is not by e-mail."""
    r = ctx.facts.identity.resolve(a)
    return "" if r.exact or r.person is None else f"; account matched to {r.person.label} by {r.method}"


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
    if not ctx.facts.of(Person):
        return ctx.not_assessed("no HR roster in the evidence")
    leavings = _leavings(ctx)
    if not leavings:
        return ctx.not_assessed("the HR roster shows no terminations to test")
    index = accounts_by_email(ctx.facts)
    if not index:
        return ctx.not_assessed("no account evidence to match leavers against")
    limit = float(ctx.thresholds.offboarding_hours)
    window_start = _timing_window_start(ctx)
    entities: list[EntityResult] = []
    for rec, span, rehired in leavings:
        assert span.end is not None and span.end_at is not None
        timed = span.end >= window_start
        for a in index.get(rec.key, []):
            e = _judge_leaver_account(ctx, a, span, rehired, limit, timed)
            if e is not None:
                entities.append(e)
    return ctx.result(entities, empty="no accounts belong to people who left")


def _judge_leaver_account(ctx: CheckContext, a: Account, span: Span, rehired: date | None,
                          limit: float, timed: bool) -> EntityResult | None:
    assert span.end is not None and span.end_at is not None
    label, term = account_label(a), span.end.isoformat()
    ev = (*srcs(a), span.src)
    how = _how(ctx, a)
    effective = span.end_at
    deadline = effective + timedelta(hours=limit)
    graph = ctx.facts.identity
    since = local_day_start(span.start, graph.tz) if span.start else datetime.min.replace(tzinfo=effective.tzinfo)
    before = local_day_start(rehired, graph.tz) if rehired else None
    deactivated = graph.deactivated_between(a, since, before)
    if rehired is not None and deactivated is None:
        if not timed:
            return None
        return EntityResult("account", label, "partial",
                            f"terminated {term}, rehired {rehired.isoformat()}: the evidence does not show the access "
                            f"being removed in between{how}", ev, gap_kind="insufficient_evidence")
    if deactivated is None and a.active is True:
        seen = _observed(ctx, a)
        if seen is not None and seen < deadline:
            if not timed:
                return None
            return EntityResult("account", label, "partial",
                                f"shown active by evidence of {fmt_dt(seen)}, before the removal deadline "
                                f"{fmt_dt(deadline)} (terminated {term}): newer account evidence is needed{how}",
                                ev, gap_kind="insufficient_evidence")
        days = (ctx.evaluation_end - span.end).days
        return EntityResult("account", label, "fail", f"still active {days} days after termination on {term}{how}",
                            ev, measured={"days": days, "terminated": term})
    if not timed:
        return None
    if deactivated is None:
        if a.active is None:
            return EntityResult("account", label, "partial", f"account state unknown after termination on {term}{how}",
                                ev, gap_kind="insufficient_evidence")
        return EntityResult("account", label, "partial", f"deactivated, time unknown (terminated {term}){how}", ev,
                            gap_kind="insufficient_evidence")
    hours = round((utc(deactivated) - effective).total_seconds() / 3600, 1)
    measured = {"hours": hours, "limit_hours": limit, "terminated": term, "effective": fmt_dt(effective),
                "deactivated_at": fmt_dt(deactivated)}
    if hours <= limit:
        reason = (f"deactivated {fmt_dt(deactivated)}, before the termination took effect ({fmt_dt(effective)})"
                  if hours < 0 else f"deactivated {hours} hours after the termination took effect "
                  f"({fmt_dt(effective)}, terminated {term})")
        return EntityResult("account", label, "pass", reason + how, ev, measured=measured)
    return EntityResult("account", label, "fail",
                        f"deactivated {fmt_dt(deactivated)}, {hours} hours after the termination took effect "
                        f"({fmt_dt(effective)}, terminated {term}; limit {limit:g} hours){how}", ev,
                        measured=measured)


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
    leavings = _leavings(ctx)
    if not leavings:
        return ctx.not_assessed("the HR roster shows no terminations to test")
    index = accounts_by_email(ctx.facts)
    graph = ctx.facts.identity
    entities: list[EntityResult] = []
    for rec, span, rehired in leavings:
        assert span.end is not None and span.end_at is not None
        effective = span.end_at
        back = local_day_start(rehired, graph.tz) if rehired else None
        for a in index.get(rec.key, []):
            logins = [e.at for e in graph.events_for(a) if e.action == "login"
                      and (e.outcome or "success").lower() in ("success", "succeeded", "allow", "allowed")]
            if a.last_login_at is not None:
                logins.append(a.last_login_at)
            after = sorted(utc(t) for t in logins if utc(t) > effective and (back is None or utc(t) < back))
            how = _how(ctx, a)
            if after:
                first = after[0]
                days = (first.date() - span.end).days
                entities.append(EntityResult(
                    "account", account_label(a), "fail",
                    f"signed in {fmt_dt(first)}, {days} days after termination on {span.end.isoformat()} "
                    f"(effective {fmt_dt(effective)}){how}", (*srcs(a), span.src), measured={"days": days}))
            elif a.last_login_at is not None and (back is None or utc(a.last_login_at) < back):
                entities.append(EntityResult(
                    "account", account_label(a), "pass",
                    f"last sign-in {fmt_dt(a.last_login_at)}, not after the termination took effect{how}",
                    (*srcs(a), span.src)))
    return ctx.result(entities, empty="no sign-in times for leavers' accounts in the evidence")
