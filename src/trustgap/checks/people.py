"""People: security training, background checks, acknowledgement of policies and the code of conduct.

The people judged are those active on the evaluation end according to the HR roster and contractor lists
(employees and contractors alike, a rehire by the current span); records are joined to them through the
identity graph (``Record.subject`` may be an e-mail, an alias, a login or a name).
"""

from __future__ import annotations

from datetime import timedelta

from trustgap.checks._util import active_people, records_by_person, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, EntityStatus, check
from trustgap.dates import add_months
from trustgap.facts import Person, Record
from trustgap.identity import PersonRecord

_PENDING = frozenset({"pending", "in progress", "in_progress", "started", "ordered", "submitted", "consider"})
_FAILED = frozenset({"failed", "fail", "adverse", "rejected", "not cleared"})


def _key(ctx: CheckContext, p: PersonRecord) -> str:
    return p.key


@check(
    id="training.completed_annually",
    title="Everyone completed security awareness training within the last year",
    controls=("HR-03",),
    criteria=("CC1.4", "CC2.2"),
    severity="medium",
    effort="S",
    category="process",
    remediation="Assign the yearly security awareness course to everyone listed, chase completion through "
    "managers, and export the completion report (name, course, date) as evidence.",
    sources=("hr.roster", "training"),
    thresholds=("training_months", "training_new_hire_days"),
    description="New hires are given the new-hire grace period before they are expected to have a completion.",
)
def completed_annually(ctx: CheckContext) -> CheckResult:
    people = active_people(ctx)
    if not people:
        return ctx.not_assessed("no HR roster in the evidence")
    if not ctx.facts.records("security_training"):
        return ctx.not_assessed("no training completion records in the evidence")
    done = records_by_person(ctx.facts, "security_training", done_only=True)
    months = int(ctx.thresholds.training_months)
    grace = timedelta(days=int(ctx.thresholds.training_new_hire_days))
    entities = []
    for p in people:
        recs = [r for r in done.get(_key(ctx, p), []) if r.performed_on <= ctx.evaluation_end]
        latest = recs[0] if recs else None
        if latest and ctx.within(latest.performed_on, months):
            entities.append(EntityResult("person", p.email or "", "pass",
                                         f"completed {latest.performed_on.isoformat()}", srcs(p, latest)))
        elif p.hire_date and p.hire_date + grace > ctx.evaluation_end:
            continue  # still within the new-hire grace period
        elif latest:
            entities.append(EntityResult("person", p.email or "", "fail",
                                         f"last completed {latest.performed_on.isoformat()}, over {months} months ago",
                                         srcs(p, latest), gap_kind="stale"))
        else:
            entities.append(EntityResult("person", p.email or "", "fail", "no training completion on record",
                                         srcs(p)))
    return ctx.result(entities, empty="only new hires within their grace period")


@check(
    id="training.new_hires_trained",
    title="New hires complete security training within their first weeks",
    controls=("HR-04",),
    criteria=("CC1.4", "CC2.2"),
    severity="low",
    effort="S",
    category="process",
    remediation="Make the security course part of the onboarding checklist with a due date inside the grace "
    "period, and have the people team check completion before the end of it.",
    sources=("hr.roster", "training"),
    thresholds=("training_new_hire_days",),
    description="Hires in the audit period (Type I: the last 12 months) whose grace period has ended.",
)
def new_hires_trained(ctx: CheckContext) -> CheckResult:
    if not ctx.facts.of(Person):
        return ctx.not_assessed("no HR roster in the evidence")
    if not ctx.facts.records("security_training"):
        return ctx.not_assessed("no training completion records in the evidence")
    grace = int(ctx.thresholds.training_new_hire_days)
    start = ctx.period_start or add_months(ctx.as_of, -12)
    hires = [p for p in active_people(ctx)
             if p.hire_date and start <= p.hire_date and p.hire_date + timedelta(days=grace) <= ctx.evaluation_end]
    done = records_by_person(ctx.facts, "security_training", done_only=True)
    entities = []
    for p in hires:
        assert p.hire_date is not None
        recs = done.get(_key(ctx, p), [])
        first = min((r for r in recs if r.performed_on >= p.hire_date - timedelta(days=30)),
                    key=lambda r: r.performed_on, default=None)
        if first is None:
            entities.append(EntityResult("person", p.email or "", "fail",
                                         f"hired {p.hire_date.isoformat()}, no training completion on record",
                                         srcs(p)))
            continue
        days = (first.performed_on - p.hire_date).days
        status: EntityStatus = "pass" if days <= grace else "fail"
        entities.append(EntityResult("person", p.email or "", status,
                                     f"hired {p.hire_date.isoformat()}, trained {max(days, 0)} days later "
                                     f"(limit {grace})", srcs(p, first), measured={"days": days}))
    return ctx.result(entities, empty="no new hires past their grace period")


@check(
    id="hr.background_checks_completed",
    title="Every active person has a cleared background check",
    controls=("HR-01",),
    criteria=("CC1.4",),
    severity="medium",
    effort="M",
    category="process",
    remediation="Run background checks (to the extent local law allows) for everyone without one on record "
    "before they keep access to sensitive systems, and add the check to the hiring workflow.",
    sources=("hr.roster",),
    thresholds=("background_check_required",),
)
def background_checks_completed(ctx: CheckContext) -> CheckResult:
    if not ctx.thresholds.background_check_required:
        return ctx.not_applicable("background checks are not required (threshold background_check_required)")
    people = active_people(ctx)
    if not people:
        return ctx.not_assessed("no HR roster in the evidence")
    if not ctx.facts.records("background_check"):
        return ctx.not_assessed("no background check records in the evidence")
    checks = records_by_person(ctx.facts, "background_check")
    entities = []
    for p in people:
        recs = checks.get(_key(ctx, p), [])
        if not recs:
            entities.append(EntityResult("person", p.email or "", "fail", "no background check on record", srcs(p),
                                         gap_kind="missing"))
            continue
        r = recs[0]
        outcome = (r.outcome or "").strip().lower()
        if outcome in _FAILED:
            entities.append(EntityResult("person", p.email or "", "fail", f"background check outcome: {r.outcome}",
                                         srcs(p, r)))
        elif outcome in _PENDING:
            entities.append(EntityResult("person", p.email or "", "partial",
                                         f"background check {r.outcome} since {r.performed_on.isoformat()}",
                                         srcs(p, r), gap_kind="insufficient_evidence"))
        else:
            entities.append(EntityResult("person", p.email or "", "pass",
                                         f"background check {r.outcome or 'recorded'} on {r.performed_on.isoformat()}",
                                         srcs(p, r)))
    return ctx.result(entities)


def _ack_check(ctx: CheckContext, records: list[Record], what: str) -> CheckResult:
    people = active_people(ctx)
    if not people:
        return ctx.not_assessed("no HR roster in the evidence")
    if not records:
        return ctx.not_assessed(f"no {what} acknowledgement records in the evidence")
    months = int(ctx.thresholds.policy_review_months)
    wanted = {id(r) for r in records}
    by_person = {k: next(r for r in recs if id(r) in wanted)
                 for k, recs in records_by_person(ctx.facts, "policy_acknowledgement", done_only=True).items()
                 if any(id(r) in wanted for r in recs)}
    entities = []
    for p in people:
        found = by_person.get(_key(ctx, p))
        if found is None:
            entities.append(EntityResult("person", p.email or "", "fail", f"no {what} acknowledgement on record",
                                         srcs(p)))
        elif not ctx.within(found.performed_on, months):
            entities.append(EntityResult("person", p.email or "", "fail",
                                         f"last acknowledged {found.performed_on.isoformat()}, over {months} months "
                                         "ago", srcs(p, found), gap_kind="stale"))
        else:
            entities.append(EntityResult("person", p.email or "", "pass",
                                         f"acknowledged {found.performed_on.isoformat()}", srcs(p, found)))
    return ctx.result(entities)


def _is_conduct(r: Record) -> bool:
    return "conduct" in (r.title or "").lower()


@check(
    id="hr.policies_acknowledged",
    title="Everyone acknowledged the security policies within the review cycle",
    controls=("GOV-06",),
    criteria=("CC2.2", "CC1.1"),
    severity="low",
    effort="S",
    category="process",
    remediation="Ask everyone to read and acknowledge the information security and acceptable use policies "
    "every year (an e-signature or HR system task), and keep the acknowledgement export.",
    sources=("hr.roster",),
    thresholds=("policy_review_months",),
)
def policies_acknowledged(ctx: CheckContext) -> CheckResult:
    records = [r for r in ctx.facts.records("policy_acknowledgement") if not _is_conduct(r)]
    return _ack_check(ctx, records, "policy")


@check(
    id="hr.code_of_conduct_acknowledged",
    title="Everyone acknowledged the code of conduct",
    controls=("GOV-01",),
    criteria=("CC1.1",),
    severity="low",
    effort="S",
    category="process",
    remediation="Have every employee and contractor acknowledge the code of conduct at hire and yearly, and "
    "keep the signed acknowledgements.",
    sources=("hr.roster",),
    thresholds=("policy_review_months",),
)
def code_of_conduct_acknowledged(ctx: CheckContext) -> CheckResult:
    records = [r for r in ctx.facts.records("policy_acknowledgement") if _is_conduct(r)]
    return _ack_check(ctx, records, "code of conduct")
