"""Small helpers shared by the check modules: time arithmetic, identity indexes, cadence judgements.

Time conventions used by every check:

* Datetimes without a time zone are taken as UTC.
* A calendar date that marks an event (a termination, a review) starts at 00:00 UTC of that day unless the
  source carried a time.
* "Within N months" is calendar arithmetic (:func:`trustgap.dates.add_months`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from trustgap.checks.base import CheckContext, CheckResult, EntityResult
from trustgap.dates import add_months, to_utc_start
from trustgap.facts import Account, FactSet, Record, Src, system_kind
from trustgap.identity import PersonRecord

_ONE_DAY = timedelta(days=1)
IDP_SYSTEMS: tuple[str, ...] = ("google", "okta", "azuread", "entra", "jumpcloud", "onelogin")
DONE_OUTCOMES = frozenset({"completed", "complete", "passed", "pass", "done", "clear", "cleared", "approved", "ok"})


def utc(dt: datetime) -> datetime:
    """An aware UTC datetime (naive values are taken as UTC)."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def as_of_end(ctx: CheckContext) -> datetime:
    """The instant evidence is judged at: the start of the day after the evaluation end."""
    return to_utc_start(ctx.evaluation_end) + _ONE_DAY


def days_since(ctx: CheckContext, when: datetime | date) -> int:
    day = utc(when).date() if isinstance(when, datetime) else when
    return (ctx.evaluation_end - day).days


def fmt_dt(dt: datetime) -> str:
    return utc(dt).strftime("%Y-%m-%d %H:%M UTC")


def short_list(items: Sequence[str], limit: int = 10) -> str:
    """"a, b, c" with "and N more" after ``limit`` items."""
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def account_label(a: Account) -> str:
    who = a.email or a.account_id
    return f"{who} ({a.system})"


def is_human(a: Account) -> bool:
    return a.kind in ("user", "admin", "unknown")


def is_admin(a: Account) -> bool:
    return a.kind == "admin" or a.is_admin is True


def can_log_in(a: Account) -> bool:
    """Active, or of unknown state (the source did not say it is disabled)."""
    return a.active is not False


def accounts_by_email(facts: FactSet, *, humans_only: bool = True) -> dict[str, list[Account]]:
    """Person key (work e-mail) -> accounts across every system, joined by the identity graph (e-mail, aliases,
    the scope's account map, HR logins, user names and display names; see :mod:`trustgap.identity`). Accounts
    resolved to no one are keyed by their own canonical e-mail when they have one, else left out (they are
    listed in the run's identity section). Root and service accounts are left out by default."""
    graph = facts.identity
    out: dict[str, list[Account]] = defaultdict(list)
    for a in facts.of(Account):
        if humans_only and not is_human(a):
            continue
        r = graph.resolve(a)
        if r.person is not None and not r.service:
            out[r.person.key].append(a)
            continue
        key = facts.canonical_email(a.email) or facts.canonical_email(a.account_id if "@" in a.account_id else None)
        if key:
            out[key].append(a)
    return out


def period_lapses(ctx: CheckContext, fact: Any, failing: Callable[[Any], bool]) -> list[tuple[datetime, Any]]:
    """Type II: older descriptions of ``fact`` (exports of other dates) observed inside the audit period, up to the
    evaluation end, whose state fails ``failing``. Each is a deviation during the period even when the newest
    evidence shows the thing fixed: two states at two dates, not a conflict between sources."""
    if not ctx.type2 or ctx.period_start is None:
        return []
    start, end = to_utc_start(ctx.period_start), as_of_end(ctx)
    return sorted(((when, old) for when, old in ctx.facts.earlier_states(fact)
                   if when is not None and start <= when < end and failing(old)), key=lambda x: x[0])


def lapse_result(ctx: CheckContext, entity_type: str, label: str, fact: Any, failing: Callable[[Any], bool],
                 what: str) -> EntityResult | None:
    """The failing entity for the first in-period lapse of ``fact`` (see :func:`period_lapses`), else None."""
    lapses = period_lapses(ctx, fact, failing)
    if not lapses:
        return None
    when, old = lapses[0]
    more = f" (and {len(lapses) - 1} more export(s))" if len(lapses) > 1 else ""
    return EntityResult(entity_type, label, "fail",
                        f"{what} in the evidence of {when:%Y-%m-%d}, inside the audit period{more}; fixed since: "
                        "a deviation during the period", srcs(old, fact), gap_kind="not_operating",
                        measured={"lapse_seen": when.date().isoformat()})


def person_of(ctx: CheckContext, a: Account) -> PersonRecord | None:
    """The person an account belongs to (not the owner of a service account)."""
    r = ctx.facts.identity.resolve(a)
    return r.person if not r.service else None


def active_people(ctx: CheckContext) -> list[PersonRecord]:
    """People employed at the end of the evaluation day (employees and contractors; rehires by their current
    span), merged across rosters by the identity graph."""
    graph = ctx.facts.identity
    return [p for p in graph.people if p.email and p.active_on(ctx.evaluation_end, graph.tz)]


def records_by_person(facts: FactSet, kind: str, *, done_only: bool = False) -> dict[str, list[Record]]:
    """Person key -> records of ``kind`` about them, newest first. The subject (an e-mail, a login or a name as
    the record names it) is resolved by the identity graph; subjects resolved to no one are keyed by their
    canonical e-mail or lower-cased text."""
    graph = facts.identity
    out: dict[str, list[Record]] = defaultdict(list)
    for r in facts.records(kind):
        if not r.subject or (done_only and not is_done(r)):
            continue
        subject = r.subject.strip()
        res = graph.resolve_name(subject, display_name=subject if "@" not in subject else None)
        key = res.person.key if res.person is not None else (
            facts.canonical_email(subject) if "@" in subject else subject.lower())
        if key:
            out[key].append(r)
    for recs in out.values():
        recs.sort(key=lambda r: r.performed_on, reverse=True)
    return out


def latest_by_subject(facts: FactSet, kind: str, *, done_only: bool = False) -> dict[str, list[Record]]:
    """Canonical subject (email or lower-cased name) -> its records of ``kind``, newest first."""
    out: dict[str, list[Record]] = defaultdict(list)
    for r in facts.records(kind):
        if not r.subject:
            continue
        if done_only and not is_done(r):
            continue
        key = facts.canonical_email(r.subject) if "@" in r.subject else r.subject.strip().lower()
        if key:
            out[key].append(r)
    for recs in out.values():
        recs.sort(key=lambda r: r.performed_on, reverse=True)
    return out


def is_done(r: Record) -> bool:
    """A record counts as completed unless its outcome says otherwise (no outcome = the record of a completion)."""
    return r.outcome is None or r.outcome.strip().lower() in DONE_OUTCOMES


def srcs(*items: object) -> tuple[Src, ...]:
    out: list[Src] = []
    for it in items:
        src = getattr(it, "src", None)
        if isinstance(src, Src):
            out.append(src)
    return tuple(out)


def systems_of(facts: FactSet, kinds: Iterable[str] | None = None) -> dict[str, list[Account]]:
    """System kind -> accounts (restricted to ``kinds`` when given)."""
    wanted = set(kinds) if kinds is not None else None
    out: dict[str, list[Account]] = defaultdict(list)
    for a in facts.of(Account):
        k = system_kind(a.system)
        if wanted is None or k in wanted:
            out[k].append(a)
    return out


def cadence_result(
    ctx: CheckContext,
    records: list[Record],
    months: int,
    what: str,
    *,
    entity: str,
    entity_type: str = "activity",
) -> EntityResult:
    """One entity saying whether ``records`` meet a cadence of ``months`` over the windows that are due.

    Type I: the latest must fall within ``months`` before the as-of date. Type II: every window of the audit
    period (``ctx.windows``) must hold one. A failure names the missing windows and, in ``measured``,
    ``{"missing": [...], "due": N}``.
    """
    dates = [r.performed_on for r in records if r.performed_on <= ctx.evaluation_end]
    due, missing = ctx.missing_windows(dates, months)
    ev = srcs(*records)
    latest = max(dates) if dates else None
    measured: dict[str, object] = {"missing": [w.label for w in missing], "due": len(due)}
    if latest is not None:
        measured["latest"] = latest.isoformat()
    if not missing:
        return EntityResult(entity_type, entity, "pass",
                            f"{what} on {latest.isoformat() if latest else '?'}; every window due is covered",
                            ev, measured=measured)
    labels = ", ".join(w.label for w in missing)
    if latest is None:
        reason = f"no {what} on record; due in {labels}"
    elif ctx.type2:
        reason = f"no {what} in {labels} ({len(missing)} of {len(due)} windows); latest on {latest.isoformat()}"
    else:
        age = (ctx.evaluation_end - latest).days
        reason = f"latest {what} on {latest.isoformat()}, {age} days ago: older than the {months}-month cadence"
    return EntityResult(entity_type, entity, "fail", reason, ev, gap_kind="stale" if latest else "missing",
                        measured=measured)


def record_cadence_check(
    ctx: CheckContext, kinds: Sequence[str], months: int, what: str, *, need_participants: bool = False
) -> CheckResult:
    """A whole check for "a record of these kinds at least every ``months``" (tests, assessments, meetings)."""
    records = [r for r in ctx.facts.records(*kinds)]
    if not records:
        return ctx.not_assessed(f"no {what} records in the evidence")
    entities = [cadence_result(ctx, records, months, what, entity=what)]
    if need_participants and entities[0].status == "pass":
        in_window = [r for r in records if ctx.within(r.performed_on, months)] or records
        latest = max(in_window, key=lambda r: r.performed_on)
        if not latest.participants:
            entities[0] = EntityResult(
                "activity", what, "partial",
                f"{what} on {latest.performed_on.isoformat()} has no participants recorded",
                srcs(latest), gap_kind="insufficient_evidence",
            )
    return ctx.result(entities)


def months_ago(ctx: CheckContext, day: date) -> int:
    """Whole calendar months between ``day`` and the evaluation end."""
    end = ctx.evaluation_end
    m = (end.year - day.year) * 12 + end.month - day.month
    if add_months(day, m) > end:
        m -= 1
    return max(m, 0)


def business_days_between(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (Friday -> Tuesday is 2); 0 when ``end`` is not after
    ``start``. Public holidays are not known and count as business days."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(1, rest + 1):
        if (start + timedelta(days=i)).weekday() < 5:
            count += 1
    return count


def add_business_days(start: date, n: int) -> date:
    """The day ``n`` business days after ``start`` (weekends skipped)."""
    day = start
    while n > 0:
        day += _ONE_DAY
        if day.weekday() < 5:
            n -= 1
    return day


def evidence_until(ctx: CheckContext, fact: Any) -> datetime:
    """The latest moment the evidence of ``fact`` can speak for: when it was exported or collected (the fact's own
    ``observed_at``, else its file's), capped by the end of the as-of day. Something still open in the evidence was
    open until then, not necessarily later."""
    end = to_utc_start(ctx.as_of) + _ONE_DAY
    seen = getattr(fact, "observed_at", None) or ctx.facts.observed.get(getattr(fact, "src", Src("")).sha256)
    return min(end, utc(seen)) if seen is not None else end


def judged_window(ctx: CheckContext) -> tuple[date, date]:
    """The days whose events a check judges: the audit period up to the evaluation end (Type II), else the twelve
    months before the as-of date (Type I)."""
    if ctx.period_start is not None:
        return ctx.period_start, ctx.evaluation_end
    return add_months(ctx.as_of, -12) + _ONE_DAY, ctx.as_of
