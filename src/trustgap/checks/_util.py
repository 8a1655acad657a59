"""Small helpers shared by the check modules: time arithmetic, identity indexes, cadence judgements.

Time conventions used by every check:

* Datetimes without a time zone are taken as UTC.
* A calendar date that marks an event (a termination, a review) starts at 00:00 UTC of that day unless the
  source carried a time.
* "Within N months" is calendar arithmetic (:func:`trustgap.dates.add_months`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

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
