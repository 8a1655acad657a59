"""Privileged access: few administrators, on accounts kept apart from everyday ones."""

from __future__ import annotations

import math

from trustgap.checks._util import IDP_SYSTEMS, account_label, can_log_in, is_admin, is_human, short_list, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Account, Credential, system_kind


@check(
    id="admins.few_per_system",
    title="Each system has only a few administrators",
    controls=("AC-10", "AC-09"),
    criteria=("CC6.3",),
    severity="medium",
    effort="S",
    category="process",
    remediation="Remove administrator rights from everyone who does not administer the system daily; grant "
    "narrower roles (user management, billing, read-only audit) instead, and record who approved each admin.",
    sources=("google.users", "okta.users", "azuread.users", "github.members"),
    thresholds=("max_admin_fraction", "max_admins_min"),
    description="A system fails when its administrators exceed max(max_admins_min, max_admin_fraction x active "
    "accounts).",
)
def few_per_system(ctx: CheckContext) -> CheckResult:
    by_system: dict[str, list[Account]] = {}
    for a in ctx.facts.of(Account):
        if a.kind == "service" or not can_log_in(a):
            continue
        by_system.setdefault(a.system, []).append(a)
    entities = []
    for system, accounts in sorted(by_system.items()):
        people = [a for a in accounts if a.kind != "root"]
        if not any(a.is_admin is not None or a.kind == "admin" for a in people):
            continue  # the source does not say who is an administrator
        admins = sorted((a.email or a.account_id) for a in people if is_admin(a))
        limit = max(int(ctx.thresholds.max_admins_min), math.floor(ctx.thresholds.max_admin_fraction * len(people)))
        measured = {"admins": len(admins), "accounts": len(people), "limit": limit, "names": admins}
        ev = srcs(*[a for a in people if is_admin(a)])
        if len(admins) > limit:
            entities.append(EntityResult("system", system, "fail",
                                         f"{len(admins)} administrators of {len(people)} accounts (limit {limit}): "
                                         f"{short_list(admins)}", ev, measured=measured))
        else:
            entities.append(EntityResult("system", system, "pass",
                                         f"{len(admins)} administrators of {len(people)} accounts (limit {limit})",
                                         ev, measured=measured))
    return ctx.result(entities, empty="no evidence says which accounts are administrators")


@check(
    id="admins.separate_accounts",
    title="Administrators use a separate account for admin work",
    controls=("AC-05",),
    criteria=("CC6.1", "CC6.3"),
    severity="medium",
    effort="M",
    category="process",
    remediation="Give each identity-provider administrator a second, admin-only account (e.g. jane.admin@) "
    "with a hardware key, and remove admin rights from the everyday account used for email and browsing.",
    sources=("google.users", "okta.users", "azuread.users", "hr.roster"),
    description="An IdP administrator whose account is the person's HR email (their everyday mailbox) is "
    "partial: the privilege is not kept apart from daily use.",
)
def separate_accounts(ctx: CheckContext) -> CheckResult:
    people = ctx.facts.people_by_email()
    if not people:
        return ctx.not_assessed("no HR roster to tell everyday accounts from admin accounts")
    admins = [a for a in ctx.facts.of(Account)
              if system_kind(a.system) in IDP_SYSTEMS and is_human(a) and is_admin(a) and can_log_in(a)]
    if not admins:
        return ctx.not_assessed("no identity-provider administrators in the evidence")
    entities = []
    for a in admins:
        email = ctx.facts.canonical_email(a.email)
        if email in people and people[email].email and a.email == people[email].email:
            entities.append(EntityResult("account", account_label(a), "partial",
                                         "administrator rights on the person's everyday account", srcs(a),
                                         gap_kind="not_operating"))
        else:
            entities.append(EntityResult("account", account_label(a), "pass", "dedicated administrator account",
                                         srcs(a)))
    return ctx.result(entities)


@check(
    id="aws.console_users_without_access_keys",
    title="AWS IAM users do not combine a console password with access keys",
    controls=("AC-09", "AC-12"),
    criteria=("CC6.1",),
    severity="low",
    effort="S",
    category="technical",
    remediation="Split people from machines: people sign in through SSO or a console password with MFA and use "
    "short-lived credentials; workloads use roles. Delete access keys of console users.",
    sources=("aws.iam",),
)
def console_users_without_access_keys(ctx: CheckContext) -> CheckResult:
    keys: dict[tuple[str, str], list[Credential]] = {}
    for c in ctx.facts.of(Credential):
        if c.kind == "access_key" and c.active is True and system_kind(c.system) == "aws":
            keys.setdefault((c.system, c.account_id), []).append(c)
    users = [a for a in ctx.facts.of(Account)
             if system_kind(a.system) == "aws" and a.kind in ("user", "admin") and a.has_password is True]
    if not users:
        return ctx.not_assessed("no AWS IAM console users in the evidence")
    entities = []
    for a in users:
        own = keys.get((a.system, a.account_id), [])
        if own:
            entities.append(EntityResult("iam user", account_label(a), "partial",
                                         f"console password and {len(own)} active access key(s)",
                                         srcs(a, *own), gap_kind="not_operating"))
        else:
            entities.append(EntityResult("iam user", account_label(a), "pass", "console access only", srcs(a)))
    return ctx.result(entities)
