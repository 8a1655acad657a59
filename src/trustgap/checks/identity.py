"""Multi-factor authentication: on every in-scope system, for root and administrators, enforced by the IdP
and required by the source-control organisation."""

from __future__ import annotations

from trustgap.checks._util import (
    IDP_SYSTEMS,
    account_label,
    can_log_in,
    is_admin,
    is_human,
    lapse_result,
    srcs,
    systems_of,
)
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Account, Setting, system_kind

# Settings that, when true, make every account of the system carry a second factor (or lose access).
_ENFORCING_SETTINGS: dict[str, str] = {
    "github": "github.org.two_factor_requirement_enabled",
    "google": "google.tenant.2sv_enforced",
    "okta": "okta.policy.mfa_required",
}


def _enforced_by_setting(ctx: CheckContext, kind: str) -> Setting | None:
    key = _ENFORCING_SETTINGS.get(kind)
    if key is None:
        return None
    found = ctx.facts.settings(key)
    if found and all(s.value is True for s in found):
        return found[0]
    return None


def _without_mfa(a: Account) -> bool:
    """An earlier state of an account that could sign in interactively without a second factor."""
    return a.mfa_enabled is False and a.active is not False and _needs_mfa(a)


def _needs_mfa(a: Account) -> bool:
    """A person's account that can sign in interactively (AWS IAM users without a console password cannot)."""
    if not is_human(a) or not can_log_in(a):
        return False
    return not (system_kind(a.system) == "aws" and a.has_password is False)


@check(
    id="mfa.enabled_on_every_system",
    title="Every active account on each in-scope system has MFA",
    controls=("AC-04",),
    criteria=("CC6.1", "CC6.6"),
    severity="high",
    effort="S",
    category="technical",
    remediation="Enrol every named account in a second factor on each in-scope system (IdP, cloud console, email, "
    "source control, VPN, admin tools), then turn on the system's setting that requires it so new accounts "
    "cannot skip enrolment.",
    sources=("google.users", "okta.users", "azuread.users", "aws.iam", "github.org", "github.members"),
    thresholds=("mfa_required",),
    description="Accounts of every system where MFA is required that can sign in but have no second factor. "
    "An in-scope system without any account evidence is reported as not assessed for that system.",
)
def mfa_enabled_on_every_system(ctx: CheckContext) -> CheckResult:
    if not ctx.thresholds.mfa_required:
        return ctx.not_applicable("the organisation does not require MFA (threshold mfa_required is false)")
    by_system = systems_of(ctx.facts)
    systems = list(ctx.mfa_systems) or sorted(by_system)
    if not systems:
        return ctx.not_assessed("no account evidence from any system")
    entities: list[EntityResult] = []
    assessed = False
    for kind in systems:
        accounts = [a for a in by_system.get(kind, []) if _needs_mfa(a)]
        if not by_system.get(kind):
            entities.append(EntityResult(
                "system", kind, "partial", f"not assessed: no account evidence for {kind}",
                gap_kind="insufficient_evidence"))
            continue
        assessed = True
        enforcing = _enforced_by_setting(ctx, kind)
        for a in accounts:
            lapse = lapse_result(ctx, "account", account_label(a), a, _without_mfa, "no MFA")
            if a.mfa_enabled is True and lapse is not None:
                entities.append(lapse)
            elif a.mfa_enabled is True:
                entities.append(EntityResult("account", account_label(a), "pass", "MFA enrolled", srcs(a)))
            elif a.mfa_enabled is None and enforcing is not None:
                entities.append(EntityResult(
                    "account", account_label(a), "pass", f"MFA required for every member ({enforcing.key})",
                    srcs(a, enforcing)))
            elif a.mfa_enabled is None:
                entities.append(EntityResult(
                    "account", account_label(a), "partial", "MFA enrolment not shown by the evidence",
                    srcs(a), gap_kind="insufficient_evidence"))
            else:
                extra = " (required by policy, not yet enrolled)" if a.mfa_enforced else ""
                entities.append(EntityResult(
                    "account", account_label(a), "fail", f"active account without MFA{extra}", srcs(a)))
    if not assessed:
        return ctx.not_assessed(f"no account evidence for the MFA systems ({', '.join(systems)})")
    return ctx.result(entities)


@check(
    id="aws.root_mfa_enabled",
    title="The AWS root user of every account has MFA",
    controls=("AC-05",),
    criteria=("CC6.1", "CC6.3"),
    severity="critical",
    effort="S",
    category="technical",
    remediation="Sign in as root on each AWS account, register a hardware or virtual MFA device, store the "
    "recovery details in the company vault and stop using root for daily work.",
    sources=("aws.iam",),
    thresholds=("mfa_required",),
)
def aws_root_mfa_enabled(ctx: CheckContext) -> CheckResult:
    verdicts: dict[str, tuple[bool | None, tuple]] = {}
    for a in ctx.facts.of(Account):
        if a.kind == "root" and system_kind(a.system) == "aws":
            scope = a.system.split(":", 1)[1] if ":" in a.system else a.system
            verdicts[scope] = (a.mfa_enabled, srcs(a))
    for s in ctx.facts.settings("aws.iam.root_mfa_enabled"):  # account summary: the authoritative source
        verdicts[s.scope] = (s.value if isinstance(s.value, bool) else None, srcs(s))
    if not verdicts:
        return ctx.not_assessed("no AWS root account evidence (credential report or account summary)")
    entities = []
    for scope, (value, ev) in sorted(verdicts.items()):
        if value is True:
            entities.append(EntityResult("aws account", scope, "pass", "root user has MFA", ev))
        elif value is False:
            entities.append(EntityResult("aws account", scope, "fail", "root user has no MFA device", ev))
        else:
            entities.append(EntityResult("aws account", scope, "partial", "root MFA state unknown", ev,
                                         gap_kind="insufficient_evidence"))
    return ctx.result(entities)


@check(
    id="admins.mfa_enabled",
    title="Every administrator account has MFA",
    controls=("AC-05",),
    criteria=("CC6.1", "CC6.3"),
    severity="critical",
    effort="S",
    category="technical",
    remediation="Require a phishing-resistant second factor (security key or platform authenticator) for every "
    "administrator, and remove administrator rights from any account that cannot enrol today.",
    sources=("google.users", "okta.users", "azuread.users", "github.members"),
    thresholds=("mfa_required",),
)
def admins_mfa_enabled(ctx: CheckContext) -> CheckResult:
    admins = [a for a in ctx.facts.of(Account) if a.kind != "root" and is_admin(a) and can_log_in(a)]
    if not admins:
        return ctx.not_assessed("no administrator accounts identified in the evidence")
    entities = []
    for a in admins:
        lapse = lapse_result(ctx, "account", account_label(a), a, _without_mfa, "administrator without MFA")
        if a.mfa_enabled is True and lapse is not None:
            entities.append(lapse)
        elif a.mfa_enabled is True:
            entities.append(EntityResult("account", account_label(a), "pass", "administrator with MFA", srcs(a)))
        elif a.mfa_enabled is None:
            setting = _enforced_by_setting(ctx, system_kind(a.system))
            if setting is not None:
                entities.append(EntityResult("account", account_label(a), "pass",
                                             f"MFA required for every member ({setting.key})", srcs(a, setting)))
            else:
                entities.append(EntityResult("account", account_label(a), "partial",
                                             "administrator; MFA enrolment not shown", srcs(a),
                                             gap_kind="insufficient_evidence"))
        else:
            entities.append(EntityResult("account", account_label(a), "fail", "administrator without MFA", srcs(a)))
    return ctx.result(entities)


@check(
    id="idp.mfa_enforced",
    title="The identity provider requires 2-step verification for every user",
    controls=("AC-04",),
    criteria=("CC6.1",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Turn on 2-step verification enforcement for the whole organisation in the identity provider "
    "(Google Workspace: Security > 2-step verification > Enforcement; Okta: an authentication policy requiring "
    "two factors) instead of relying on each user to enrol.",
    sources=("google.users", "okta.users", "azuread.users"),
    thresholds=("mfa_required",),
)
def idp_mfa_enforced(ctx: CheckContext) -> CheckResult:
    entities: list[EntityResult] = []
    by_system = systems_of(ctx.facts, IDP_SYSTEMS)
    for kind in sorted(set(by_system) | {k for k, key in _ENFORCING_SETTINGS.items()
                                           if k in IDP_SYSTEMS and ctx.facts.settings(key)}):
        setting = _enforced_by_setting(ctx, kind)
        if setting is not None:
            entities.append(EntityResult("system", kind, "pass", f"enforced tenant-wide ({setting.key})",
                                         srcs(setting)))
            continue
        users = [a for a in by_system.get(kind, []) if is_human(a) and can_log_in(a)]
        known = [a for a in users if a.mfa_enforced is not None]
        if not known:
            continue
        for a in users:
            if a.mfa_enforced is True:
                entities.append(EntityResult("account", account_label(a), "pass", "2-step verification enforced",
                                             srcs(a)))
            elif a.mfa_enforced is False:
                entities.append(EntityResult("account", account_label(a), "fail",
                                             "2-step verification not enforced for this user", srcs(a)))
    if not entities:
        return ctx.not_assessed("no identity-provider evidence saying whether 2-step verification is enforced")
    return ctx.result(entities)


@check(
    id="github.org_2fa_required",
    title="The GitHub organisation requires two-factor authentication",
    controls=("AC-04",),
    criteria=("CC6.1", "CC6.6"),
    severity="high",
    effort="S",
    category="technical",
    remediation="In the GitHub organisation settings (Authentication security), require two-factor "
    "authentication for everyone; members without it are removed, so warn them a week before.",
    sources=("github.org",),
    thresholds=("mfa_required",),
)
def github_org_2fa_required(ctx: CheckContext) -> CheckResult:
    settings = ctx.facts.settings("github.org.two_factor_requirement_enabled")
    known = [s for s in settings if isinstance(s.value, bool)]
    if not known:
        return ctx.not_assessed("the GitHub organisation's 2FA requirement is not in the evidence "
                                "(it is only visible to organisation owners)")
    entities = []
    for s in known:
        if s.value:
            entities.append(EntityResult("organisation", s.scope, "pass", "2FA required for all members", srcs(s)))
        else:
            entities.append(EntityResult("organisation", s.scope, "fail", "2FA is not required for members",
                                         srcs(s)))
    return ctx.result(entities)
