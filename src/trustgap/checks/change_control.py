"""Change control over change tickets (Jira, ServiceNow, any tracker's export): approvals recorded on the ticket,
emergency changes approved after the fact in time, and tickets linked to reviewed pull requests.

Which tickets: ``Change`` facts of kind ``ticket`` that were carried out (a resolution / done date, or a done-like
status) in the audit period (Type II) or in the 90 days before the as-of date (Type I); cancelled or rejected
tickets are not changes. A ticket without any date is judged too (the export is taken as the period's).

* Normal and standard changes need an approver on the ticket, other than the person who carried the change out
  (the assignee; both must resolve to exactly one person to be compared); when both dates are known the approval
  must not come after the change was done.
* Emergency changes may be approved after the fact, within ``emergency_review_working_days`` working days of being
  done (default 5; a policy line such as "emergency changes are approved within 1 business day after the fact"
  sets it). An approval without a date is "cannot tell" whether it came in time.
* A ticket that links pull requests is backed by review when a linked pull request in the evidence was approved by
  someone other than its author; a link to a pull request not in the evidence is "cannot tell".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from trustgap.checks._util import srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.checks.change import _approvers
from trustgap.dates import to_utc_start
from trustgap.facts import Change

TYPE1_LOOKBACK_DAYS = 90
DONE = frozenset({"done", "closed", "resolved", "completed", "complete", "implemented", "deployed", "released",
                  "successful", "review", "post implementation review"})
NOT_DONE = frozenset({"cancelled", "canceled", "rejected", "declined", "withdrawn", "won't do", "wont do",
                      "duplicate", "failed"})


def _done_at(c: Change) -> datetime | None:
    return c.closed_at or c.merged_at


def _carried_out(c: Change) -> bool:
    status = (c.status or "").strip().lower()
    if status in NOT_DONE:
        return False
    return _done_at(c) is not None or status in DONE


def tickets(ctx: CheckContext) -> Iterator[Change]:
    end = to_utc_start(ctx.evaluation_end) + timedelta(days=1)
    start = to_utc_start(ctx.period_start) if ctx.period_start is not None else end - timedelta(
        days=TYPE1_LOOKBACK_DAYS)
    for c in ctx.facts.of(Change):
        if c.kind != "ticket" or not _carried_out(c):
            continue
        when = _done_at(c) or c.created_at
        if when is not None and not (start <= utc(when) < end):
            continue
        yield c


def _working_days_between(start: date, end: date) -> int:
    """Working days (Monday to Friday) after ``start`` up to and including ``end``; 0 when ``end`` <= ``start``."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n += 1
    return n


def _approvers_text(c: Change) -> str:
    return ", ".join(c.approvers)


def _person_key(ctx: CheckContext, name: str) -> str | None:
    """The person a name on a ticket (login, e-mail or display name) is, when exactly one; else None."""
    res = ctx.facts.identity.resolve_name(name, email=name if "@" in name else None,
                                          display_name=name if "@" not in name else None)
    return res.person.key if res.person is not None and res.status == "resolved" and not res.service else None


def _self_approved(ctx: CheckContext, c: Change) -> bool:
    """Every approver is, exactly, the person who carried the change out (the ticket's assignee)."""
    if not c.merged_by or not c.approvers:
        return False
    doer = _person_key(ctx, c.merged_by)
    return doer is not None and all(_person_key(ctx, a) == doer for a in c.approvers)


@check(
    id="change.tickets_approved",
    title="Change tickets record an approval before the change is made",
    controls=("CHG-02",),
    criteria=("CC8.1",),
    severity="high",
    effort="S",
    category="process",
    remediation="Make an approver (CAB or change manager) a required field of the change workflow, with a "
    "transition that cannot reach 'Done' before approval; for the tickets named, record a retrospective approval.",
    sources=("tickets.changes",),
)
def tickets_approved(ctx: CheckContext) -> CheckResult:
    entities = []
    for c in tickets(ctx):
        if c.emergency:
            continue
        done = _done_at(c)
        if not c.approvers:
            when = f" on {utc(done):%Y-%m-%d}" if done else ""
            entities.append(EntityResult("change", c.change_id, "fail", f"done{when} with no approver recorded",
                                         srcs(c)))
        elif _self_approved(ctx, c):
            entities.append(EntityResult("change", c.change_id, "fail",
                                         f"approved only by {_approvers_text(c)}, who also carried it out", srcs(c)))
        elif c.approved_at is not None and done is not None and utc(c.approved_at).date() > utc(done).date():
            entities.append(EntityResult("change", c.change_id, "fail",
                                         f"approved by {_approvers_text(c)} on {utc(c.approved_at):%Y-%m-%d}, after "
                                         f"it was done on {utc(done):%Y-%m-%d}", srcs(c)))
        else:
            when = f" on {utc(c.approved_at):%Y-%m-%d}" if c.approved_at else ""
            entities.append(EntityResult("change", c.change_id, "pass", f"approved by {_approvers_text(c)}{when}",
                                         srcs(c)))
    return ctx.result(entities, empty="no change tickets carried out in the window judged")


@check(
    id="change.emergency_tickets_reviewed",
    title="Emergency change tickets are approved after the fact in time",
    controls=("CHG-05",),
    criteria=("CC8.1",),
    severity="medium",
    effort="S",
    category="process",
    remediation="After every emergency change, have the change manager review and approve the ticket within the "
    "set number of working days, and record who approved it and when.",
    sources=("tickets.changes",),
    thresholds=("emergency_review_working_days",),
)
def emergency_tickets_reviewed(ctx: CheckContext) -> CheckResult:
    limit = int(ctx.thresholds.emergency_review_working_days)
    entities = []
    emergencies = [c for c in tickets(ctx) if c.emergency]
    for c in emergencies:
        done = _done_at(c)
        done_day = utc(done).date() if done else None
        if c.approvers and c.approved_at is not None and done_day is not None:
            late = _working_days_between(done_day, utc(c.approved_at).date())
            if late <= limit:
                entities.append(EntityResult("change", c.change_id, "pass",
                                             f"emergency change approved by {_approvers_text(c)} on "
                                             f"{utc(c.approved_at):%Y-%m-%d} ({late} working day(s) after it was "
                                             f"done; limit {limit})", srcs(c), measured={"working_days": late}))
            else:
                entities.append(EntityResult("change", c.change_id, "fail",
                                             f"emergency change done on {done_day.isoformat()} approved only "
                                             f"{late} working days later (limit {limit})", srcs(c),
                                             measured={"working_days": late}))
        elif c.approvers:
            entities.append(EntityResult("change", c.change_id, "partial",
                                         f"approved by {_approvers_text(c)}, but the dates do not show whether the "
                                         f"approval came within {limit} working days", srcs(c),
                                         gap_kind="insufficient_evidence"))
        elif done_day is not None and _working_days_between(done_day, ctx.evaluation_end) <= limit:
            continue  # the after-the-fact approval is not due yet
        else:
            when = f" on {done_day.isoformat()}" if done_day else ""
            entities.append(EntityResult("change", c.change_id, "fail",
                                         f"emergency change done{when} with no approval recorded after the fact",
                                         srcs(c)))
    if not entities and not emergencies:
        if any(c.kind == "ticket" for c in ctx.facts.of(Change)):
            return ctx.not_applicable("no emergency change tickets in the window judged")
        return ctx.not_assessed("no change tickets in the evidence")
    return ctx.result(entities, empty="no emergency change ticket is due for approval yet")


_PR_LINK = re.compile(r"(?:https?://[^/]+/)?([\w.-]+/[\w.-]+)(?:/-)?(?:/pulls?/|/merge_requests/|#|!)(\d+)\b")


def _pr_key(text: str) -> str | None:
    m = _PR_LINK.search(text.strip())
    return f"{m[1].lower()}#{m[2]}" if m else None


@check(
    id="change.tickets_linked_to_reviews",
    title="Change tickets link to pull requests approved by someone other than the author",
    controls=("CHG-02",),
    criteria=("CC8.1",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Link each change ticket to its pull request (development panel or a required field) and require "
    "an approving review by someone other than the author before merge.",
    sources=("tickets.changes", "github.pulls", "gitlab.merge_requests"),
)
def tickets_linked_to_reviews(ctx: CheckContext) -> CheckResult:
    prs: dict[str, Change] = {}
    for c in ctx.facts.of(Change):
        if c.kind == "ticket":
            continue
        prs[f"{c.repository.lower()}#{c.change_id}"] = c
        if c.url and (k := _pr_key(c.url)):
            prs[k] = c
    entities = []
    for t in tickets(ctx):
        keys = [k for link in t.links if (k := _pr_key(link))]
        if not keys:
            continue
        found = [prs[k] for k in keys if k in prs]
        approved = [(p, _approvers(ctx, p)) for p in found]
        ok = [f"{p.repository}#{p.change_id} approved by {', '.join(sorted(b | a))}" for p, (b, a) in approved if b]
        if ok:
            entities.append(EntityResult("change", t.change_id, "pass", "; ".join(ok), srcs(t, *found)))
        elif found:
            names = ", ".join(f"{p.repository}#{p.change_id}" for p in found)
            entities.append(EntityResult("change", t.change_id, "fail", f"linked pull request(s) {names} merged "
                                         "without approval by someone other than the author", srcs(t, *found)))
        else:
            entities.append(EntityResult("change", t.change_id, "partial", "cannot tell: the linked pull request(s) "
                                         f"{', '.join(t.links)} are not in the evidence", srcs(t),
                                         gap_kind="insufficient_evidence"))
    return ctx.result(entities, empty="no change tickets link to pull requests")
