"""Direct permission grants in cloud tenants (GCP IAM policy bindings, Azure role assignments, AWS policy
attachments): leavers still bound to roles, and owner / admin roles held by many individuals.

Leavers: a ``user:`` binding whose e-mail resolves to exactly one person who left (and was not rehired), in evidence
taken after the termination took effect plus the promised removal time (``offboarding_hours``), is a gap: the
binding outlives the identity-provider account (a suspended Google or Entra user keeps no sign-in, but the binding
returns if the account is restored, and bindings of external accounts do not depend on the IdP at all). A binding
whose principal does not resolve, or resolves to several people, is never blamed on anyone. Evidence taken before
the deadline cannot show a late removal and is not judged.

Access review decisions: a "revoke" decision is carried out when the review records its completion within
``access_review_action_days`` (default 30) or the account is shown disabled or gone from its system's listing; an
account still active in evidence taken after that is a gap; evidence taken before it, or an account that cannot be
found, is "cannot tell". A decision made by the person whose access was reviewed (both resolved exactly) is a gap.

Least privilege: per project / subscription / account, owner and admin-equivalent roles (``Grant.privileged``)
bound to individual users rather than groups; more than ``admin_grants_max`` (default 3) such individuals is a gap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta

from trustgap.checks._util import account_label, fmt_dt, srcs, utc
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, EntityStatus, check
from trustgap.dates import add_months, local_day_end
from trustgap.facts import AccessDecision, Account, Grant, system_kind
from trustgap.identity import PersonRecord, Span


def _observed(ctx: CheckContext, g: Grant) -> datetime | None:
    return g.observed_at or ctx.facts.observed.get(g.src.sha256)


def _email(g: Grant) -> str | None:
    if g.email:
        return g.email
    kind, _, rest = g.principal.partition(":")
    return rest.lower() if kind.lower() == "user" and "@" in rest else None


def _user_grants(ctx: CheckContext) -> list[Grant]:
    return [g for g in ctx.facts.of(Grant) if g.principal_type == "user" and _email(g)]


def _left(person: PersonRecord, until: date) -> Span | None:
    """The span a person left (not rehired since) by ``until``, else None."""
    spans = [s for s, rehired in person.leavings(until) if rehired is None and s.end is not None]
    return max(spans, key=lambda s: s.end or date.min) if spans else None


@check(
    id="grants.leavers_hold_no_direct_grants",
    title="People who left hold no direct cloud role bindings",
    controls=("AC-07",),
    criteria=("CC6.2", "CC6.3"),
    severity="high",
    effort="S",
    category="technical",
    remediation="Remove the bindings named (gcloud projects remove-iam-policy-binding, az role assignment delete), "
    "grant cloud roles to groups rather than to people, and add the cloud tenants to the offboarding checklist.",
    sources=("gcp.iam", "azure.iam", "aws.iam"),
    thresholds=("offboarding_hours",),
)
def leavers_hold_no_direct_grants(ctx: CheckContext) -> CheckResult:
    graph = ctx.facts.identity
    hours = float(ctx.thresholds.offboarding_hours)
    grants = _user_grants(ctx)
    if not ctx.facts.of(Grant):
        return ctx.not_assessed("no cloud role bindings in the evidence")
    held: dict[str, list[Grant]] = defaultdict(list)
    people: dict[str, tuple[PersonRecord, Span]] = {}
    for g in grants:
        email = _email(g)
        res = graph.resolve_name(email or "", email=email)
        if res.person is None or res.status != "resolved" or res.service:
            continue  # never blamed on anyone
        span = _left(res.person, ctx.evaluation_end)
        if span is None:
            continue
        people[res.person.key] = (res.person, span)
        held[res.person.key].append(g)
    entities = []
    for key, (person, span) in sorted(people.items()):
        if span.end is None:
            continue
        deadline = utc(span.end_at or local_day_end(span.end, graph.tz)) + timedelta(hours=hours)
        late = [g for g in held[key] if (seen := _observed(ctx, g)) is None or utc(seen) > deadline]
        if late:
            what = "; ".join(sorted({f"{g.role} on {g.resource}" for g in late}))
            seen_at = [s for g in late if (s := _observed(ctx, g)) is not None]
            when = f" in evidence of {fmt_dt(max(seen_at))}" if seen_at else ""
            entities.append(EntityResult("user", person.label, "fail",
                                         f"left on {span.end.isoformat() if span.end else '?'}; still bound directly "
                                         f"to {what}{when}", srcs(*late), measured={"bindings": len(late)}))
    # leavers with no binding left, where the same tenants' policies are in the evidence: the removal worked
    bound = set(held)
    since = ctx.period_start or add_months(ctx.as_of, -12)
    for rec in graph.people:
        if rec.key in bound or not rec.email:
            continue
        span = _left(rec, ctx.evaluation_end)
        if span is not None and span.end is not None and span.end >= since:
            entities.append(EntityResult("user", rec.label, "pass", "left; no direct cloud role binding in the "
                                         "evidence", srcs(rec)))
    return ctx.result(entities, empty="no people who left")


def _individual_admins(ctx: CheckContext) -> dict[str, list[Grant]]:
    out: dict[str, list[Grant]] = defaultdict(list)
    for g in ctx.facts.of(Grant):
        if g.privileged and g.principal_type == "user":
            out[f"{g.system}:{g.resource}"].append(g)
    return out


@check(
    id="grants.owner_roles_limited",
    title="Owner and admin roles on cloud projects are held by few individuals",
    controls=("AC-09", "AC-10"),
    criteria=("CC6.3",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Bind owner / admin roles to a small administrators group (with just-in-time elevation where the "
    "platform offers it) instead of to individual users, and give everyone else narrower roles.",
    sources=("gcp.iam", "azure.iam", "aws.iam"),
    thresholds=("admin_grants_max",),
)
def owner_roles_limited(ctx: CheckContext) -> CheckResult:
    limit = int(ctx.thresholds.admin_grants_max)
    # projects, subscriptions, resource groups and accounts; a storage bucket's own policy is judged elsewhere
    scopes = {f"{g.system}:{g.resource}" for g in ctx.facts.of(Grant) if g.privileged is not None
              and not g.resource.startswith(("gs://", "projects/_/buckets/"))}
    admins = _individual_admins(ctx)
    entities = []
    for scope in sorted(scopes):
        grants = admins.get(scope, [])
        people = sorted({_email(g) or g.principal for g in grants})
        label = scope.split(":", 1)[1]
        if len(people) > limit:
            entities.append(EntityResult("cloud scope", label, "fail",
                                         f"{len(people)} individuals hold owner / admin roles (limit {limit}): "
                                         f"{', '.join(people)}", srcs(*grants), measured={"individuals": len(people)}))
        else:
            who = f": {', '.join(people)}" if people else ""
            entities.append(EntityResult("cloud scope", label, "pass",
                                         f"{len(people)} individual(s) with owner / admin roles{who}", srcs(*grants),
                                         measured={"individuals": len(people)}))
    return ctx.result(entities, empty="no cloud role bindings with a known privilege level")


# --------------------------------------------------------------------------- access review decisions


def _decision_label(d: AccessDecision) -> str:
    where = f" ({d.system})" if d.system and d.system != "unspecified" else ""
    what = f" {d.entitlement}" if d.entitlement else ""
    return f"{d.account}{where}{what}, review of {d.reviewed_on.isoformat()}"


def _system_matches(decision_system: str, account_system: str) -> bool:
    want = re.sub(r"[^a-z0-9]", "", decision_system.lower())
    kind = system_kind(account_system).lower()
    aliases = {"azuread": ("entra", "azure", "microsoft"), "google": ("google", "workspace", "gsuite"),
               "aws": ("aws", "amazon")}
    return bool(want) and (kind in want or want in kind or any(a in want for a in aliases.get(kind, ())))


def _accounts_named(ctx: CheckContext, d: AccessDecision) -> tuple[list[Account], bool]:
    """(accounts the decision names, whether the named system's accounts are in the evidence at all)."""
    name = d.account.strip().lower()
    email = ctx.facts.canonical_email(name) if "@" in name else None
    unspecified = not d.system or d.system == "unspecified"
    in_system = [a for a in ctx.facts.of(Account) if unspecified or _system_matches(d.system, a.system)]
    named = [a for a in in_system if a.account_id.lower() == name or (email and (
        ctx.facts.canonical_email(a.email) == email or a.account_id.lower() == email))]
    listed = bool(in_system) and not unspecified
    return named, listed


@check(
    id="access_reviews.decisions_carried_out",
    title="Access removals decided in reviews were carried out",
    controls=("AC-08",),
    criteria=("CC6.2", "CC6.3"),
    severity="high",
    effort="S",
    category="process",
    remediation="Track every 'revoke' decision of an access review as a ticket until the access is removed, and "
    "record the removal date next to the decision; remove the access named now.",
    sources=("records.access_review",),
    thresholds=("access_review_action_days",),
)
def decisions_carried_out(ctx: CheckContext) -> CheckResult:
    limit = int(ctx.thresholds.access_review_action_days)
    entities = []
    for d in ctx.facts.of(AccessDecision):
        if d.decision != "revoke" or d.reviewed_on > ctx.evaluation_end:
            continue
        due = d.reviewed_on + timedelta(days=limit)
        label = _decision_label(d)
        if d.completed_on is not None:
            status: EntityStatus = "pass" if d.completed_on <= due else "fail"
            entities.append(EntityResult("access decision", label, status, f"revoke carried out on "
                                         f"{d.completed_on.isoformat()} (due {due.isoformat()})", srcs(d)))
            continue
        named, listed = _accounts_named(ctx, d)
        systems = {system_kind(a.system) for a in named}
        if len(systems) > 1:
            entities.append(EntityResult("access decision", label, "partial", "cannot tell which system's account "
                                         f"the decision is about ({', '.join(sorted(systems))})", srcs(d),
                                         gap_kind="insufficient_evidence"))
            continue
        active = [a for a in named if a.active is True]
        if active:
            seen = [s for a in active if (s := a.observed_at or ctx.facts.observed.get(a.src.sha256)) is not None]
            if seen and max(utc(s) for s in seen).date() <= due:
                entities.append(EntityResult("access decision", label, "partial", "cannot tell: the account evidence "
                                             f"predates the {limit}-day deadline of the revoke decision", srcs(d),
                                             gap_kind="insufficient_evidence"))
                continue
            entities.append(EntityResult("access decision", label, "fail", f"decided 'revoke' on "
                                         f"{d.reviewed_on.isoformat()}, but {account_label(active[0])} is still "
                                         "active", srcs(d, *active)))
        elif named and all(a.active is False for a in named):
            entities.append(EntityResult("access decision", label, "pass", "account disabled", srcs(d, *named)))
        elif not named and listed:
            entities.append(EntityResult("access decision", label, "pass", "account no longer in the system's "
                                         "account listing", srcs(d)))
        else:
            entities.append(EntityResult("access decision", label, "partial", "cannot tell: no evidence of the "
                                         "account's state after the decision", srcs(d),
                                         gap_kind="insufficient_evidence"))
    return ctx.result(entities, empty="no 'revoke' decisions in access review evidence")


@check(
    id="access_reviews.not_self_reviewed",
    title="Nobody reviews their own access",
    controls=("AC-08",),
    criteria=("CC6.2", "CC6.3"),
    severity="medium",
    effort="S",
    category="process",
    remediation="Route each person's own accounts to their manager or the system owner in the review tool, and have "
    "the decisions named re-made by someone else.",
    sources=("records.access_review",),
)
def not_self_reviewed(ctx: CheckContext) -> CheckResult:
    graph = ctx.facts.identity
    entities = []
    for d in ctx.facts.of(AccessDecision):
        if not d.reviewer:
            continue
        who = graph.resolve_name(d.reviewer, email=d.reviewer if "@" in d.reviewer else None)
        whose = graph.resolve_name(d.account, email=d.account if "@" in d.account else None,
                                   system=None if d.system == "unspecified" else d.system)
        if who.person is None or whose.person is None or who.status != "resolved" or whose.status != "resolved":
            continue  # only exactly identified people are compared
        label = _decision_label(d)
        if who.person.key == whose.person.key:
            entities.append(EntityResult("access decision", label, "fail",
                                         f"reviewed ('{d.decision}') by {d.reviewer}, the person whose access it is",
                                         srcs(d)))
        else:
            entities.append(EntityResult("access decision", label, "pass", f"reviewed by {d.reviewer}", srcs(d)))
    return ctx.result(entities, empty="no access review decisions naming identifiable reviewers and accounts")
