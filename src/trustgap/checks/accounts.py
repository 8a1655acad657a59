"""Every account belongs to someone, and accounts nobody uses are removed."""

from __future__ import annotations

from trustgap.checks._util import IDP_SYSTEMS, account_label, can_log_in, days_since, is_admin, is_human, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Account, system_kind
from trustgap.identity import PersonRecord


def _owner(ctx: CheckContext, a: Account) -> str | None:
    if a.owner_email:
        return a.owner_email
    owners = ctx.service_account_owners
    return owners.get(a.account_id.lower()) or (owners.get(a.email.lower()) if a.email else None)


def _declared_service(ctx: CheckContext, a: Account) -> bool:
    """The scope names this account as a service account (``identity.service_accounts``), whatever kind of
    account its system reports (an Okta or Google user set aside for a system is a plain user there)."""
    owners = ctx.service_account_owners
    return a.account_id.lower() in owners or (a.email is not None and a.email.lower() in owners)


def _identity_accounts(ctx: CheckContext) -> list[Account]:
    """Accounts of identity systems (IdPs, plus any system kind the scope lists as in scope)."""
    kinds = set(IDP_SYSTEMS) | set(ctx.systems_in_scope)
    return [a for a in ctx.facts.of(Account) if system_kind(a.system) in kinds and a.kind != "root"]


@check(
    id="accounts.owned_by_person",
    title="Every active identity account matches a person on the HR roster",
    controls=("AC-13",),
    criteria=("CC6.2",),
    severity="high",
    effort="M",
    category="process",
    remediation="For each orphan account find its owner: disable it if nobody claims it, mark it as a service "
    "account with a named owner if a system uses it, or fix the roster or the alias list if it is a person's "
    "second address.",
    sources=("hr.roster", "google.users", "okta.users", "azuread.users"),
    description="Active accounts with no matching HR person by canonical email. Service accounts with an owner "
    "are accepted; their ownership is judged by accounts.service_accounts_owned.",
)
def owned_by_person(ctx: CheckContext) -> CheckResult:
    graph = ctx.facts.identity
    if not graph.people:
        return ctx.not_assessed("no HR roster in the evidence")
    accounts = [a for a in _identity_accounts(ctx) if can_log_in(a)]
    if not accounts:
        return ctx.not_assessed("no identity-provider accounts in the evidence")
    entities = []
    for a in accounts:
        r = graph.resolve(a)
        if a.kind == "service" or r.service:
            if r.person is not None:
                entities.append(EntityResult("account", account_label(a), "pass",
                                             f"service account owned by {r.person.label}", srcs(a, r.person)))
            continue  # ownership of service accounts is judged by accounts.service_accounts_owned
        if r.person is not None:
            how = "" if r.method == "email" else f" (matched by {r.method}: {r.detail})"
            entities.append(EntityResult("account", account_label(a), "pass", f"belongs to {r.person.label}{how}",
                                         srcs(a, r.person)))
        elif r.status != "ambiguous" and (a.email or system_kind(a.system) in IDP_SYSTEMS):
            entities.append(EntityResult("account", account_label(a), "fail",
                                         "active account with no matching person on the HR roster or contractor "
                                         "list", srcs(a)))
        else:
            # a login or user name that matches nobody (or several people): whose it is cannot be told from the
            # evidence; it is never blamed on anyone, and mapping it in the scope settles it
            entities.append(EntityResult("account", account_label(a), "partial",
                                         f"cannot tell whose account this is ({r.detail}); map it to a person in "
                                         "scope.yaml identity.accounts, or mark it as a service account with an "
                                         "owner", srcs(a), gap_kind="insufficient_evidence"))
    return ctx.result(entities)


@check(
    id="accounts.service_accounts_owned",
    title="Every service account has a named owner",
    controls=("AC-13",),
    criteria=("CC6.2",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Record an owning person for every service account (scope identity.service_accounts or the "
    "account's description), and delete service accounts nobody owns.",
    sources=("google.users", "okta.users", "azuread.users", "aws.iam"),
)
def service_accounts_owned(ctx: CheckContext) -> CheckResult:
    services = [a for a in ctx.facts.of(Account) if (a.kind == "service" or _declared_service(ctx, a))
                and can_log_in(a)]
    if not services:
        return ctx.not_assessed("no service accounts identified in the evidence")
    graph = ctx.facts.identity
    day, tz = ctx.evaluation_end, graph.tz
    entities = []
    for a in services:
        owner = _owner(ctx, a)
        person = graph.person_by_email(owner) if owner else None
        if not owner:
            entities.append(EntityResult("account", account_label(a), "fail", "service account without an owner",
                                         srcs(a)))
        elif person is None or not graph.people:
            why = f"owned by {owner}" + (", who is on no HR roster or contractor list" if graph.people else "")
            status = "partial" if graph.people else "pass"
            entities.append(EntityResult("account", account_label(a), status, why, srcs(a),  # type: ignore[arg-type]
                                         gap_kind="insufficient_evidence" if graph.people else None))
        elif person.active_on(day, tz):
            entities.append(EntityResult("account", account_label(a), "pass", f"owned by {person.label}",
                                         srcs(a, person)))
        else:
            left = max((s.end for s in person.spans if s.end is not None), default=None)
            entities.append(EntityResult("account", account_label(a), "fail",
                                         f"its owner {person.label} left"
                                         + (f" on {left.isoformat()}" if left else "") + ": nobody owns it now",
                                         srcs(a, person)))
    return ctx.result(entities)


def _sign_in_accounts(ctx: CheckContext) -> list[Account]:
    out = []
    for a in ctx.facts.of(Account):
        if not is_human(a) or a.active is not True:
            continue
        if system_kind(a.system) == "aws" and a.has_password is False:
            continue  # programmatic-only IAM users are judged by their keys
        out.append(a)
    return out


@check(
    id="accounts.inactive_disabled",
    title="Accounts unused for longer than the inactivity limit are disabled",
    controls=("AC-12", "AC-13"),
    criteria=("CC6.1",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Disable accounts that have not signed in within the inactivity limit (confirm with the "
    "owner's manager first) and schedule a monthly job that lists them.",
    sources=("google.users", "okta.users", "azuread.users", "aws.iam"),
    thresholds=("account_inactive_days",),
)
def inactive_disabled(ctx: CheckContext) -> CheckResult:
    limit = int(ctx.thresholds.account_inactive_days)
    entities = []
    for a in _sign_in_accounts(ctx):
        if a.last_login_at is None:
            continue
        days = days_since(ctx, a.last_login_at)
        if days > limit:
            entities.append(EntityResult("account", account_label(a), "fail",
                                         f"active, last sign-in {days} days ago (limit {limit})", srcs(a),
                                         measured={"days": days}))
        else:
            entities.append(EntityResult("account", account_label(a), "pass", f"signed in {days} days ago", srcs(a),
                                         measured={"days": days}))
    return ctx.result(entities, empty="no sign-in times in the account evidence")


@check(
    id="accounts.never_used_removed",
    title="Accounts never signed in to are removed after the inactivity limit",
    controls=("AC-12", "AC-13"),
    criteria=("CC6.1",),
    severity="low",
    effort="S",
    category="process",
    remediation="Remove accounts (and console passwords) created more than the inactivity limit ago that were "
    "never used; create accounts only when their owner starts.",
    sources=("google.users", "okta.users", "azuread.users", "aws.iam"),
    thresholds=("account_inactive_days",),
)
def never_used_removed(ctx: CheckContext) -> CheckResult:
    limit = int(ctx.thresholds.account_inactive_days)
    entities = []
    for a in _sign_in_accounts(ctx):
        if a.last_login_at is not None or a.created_at is None:
            continue
        days = days_since(ctx, a.created_at)
        if days > limit:
            entities.append(EntityResult("account", account_label(a), "fail",
                                         f"never signed in, created {days} days ago", srcs(a),
                                         measured={"days": days}))
        else:
            entities.append(EntityResult("account", account_label(a), "pass",
                                         f"new account ({days} days old), not yet used", srcs(a)))
    return ctx.result(entities, empty="no never-used accounts with a creation time in the evidence")


@check(
    id="accounts.people_have_single_identity",
    title="Each person has one everyday account per system (no duplicates)",
    controls=("AC-02",),
    criteria=("CC6.1",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Merge or remove duplicate accounts so every person signs in with one named account per system; "
    "replace shared logins with individual accounts.",
    sources=("google.users", "okta.users", "azuread.users"),
)
def people_have_single_identity(ctx: CheckContext) -> CheckResult:
    graph = ctx.facts.identity
    accounts = [a for a in _identity_accounts(ctx) if is_human(a) and not is_admin(a) and can_log_in(a) and a.email]
    if not accounts:
        return ctx.not_assessed("no identity-provider accounts with emails in the evidence")
    groups: dict[tuple[str, str], list[Account]] = {}
    owners: dict[str, PersonRecord] = {}
    for a in accounts:
        r = graph.resolve(a)
        person = r.person if r.person is not None and not r.service else None
        key = person.key if person is not None else (ctx.facts.canonical_email(a.email) or "")
        if person is not None:
            owners[key] = person
        groups.setdefault((a.system, key), []).append(a)
    entities = []
    for (system, email), accs in sorted(groups.items()):
        label = f"{email} ({system})"
        ev = srcs(*accs) + srcs(owners[email]) if email in owners else srcs(*accs)
        if len(accs) > 1:
            ids = ", ".join(sorted(a.account_id for a in accs))
            entities.append(EntityResult("account", label, "fail", f"{len(accs)} active accounts: {ids}", ev))
        else:
            entities.append(EntityResult("account", label, "pass", "one active account", ev))
    return ctx.result(entities)

