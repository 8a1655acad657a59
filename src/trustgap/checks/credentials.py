"""Credentials: keys rotated, stale keys removed, no root keys, a password policy that holds."""

from __future__ import annotations

from typing import Any

from trustgap.checks._util import days_since, fmt_dt, srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, EntityStatus, check
from trustgap.facts import Account, Credential, system_kind

# CIS AWS Foundations Benchmark (recommendations 1.8 and 1.9): length of at least 14, reuse of the last 24
# passwords prevented.
MIN_PASSWORD_LENGTH = 14
MIN_REUSE_PREVENTION = 24


def _label(c: Credential) -> str:
    slot = f" #{c.slot}" if c.slot else ""
    return f"{c.account_id} {c.kind}{slot} ({c.system})"


def _active_keys(ctx: CheckContext, kinds: tuple[str, ...] = ("access_key", "token")) -> list[Credential]:
    return [c for c in ctx.facts.of(Credential) if c.active is True and c.kind in kinds]


# Google Cloud user-managed service-account keys are long-lived keys too (system-managed ones, rotated by Google,
# are not emitted); their listing does not say when a key was last used, so they are judged for rotation only.
ROTATED_KINDS = ("access_key", "token", "service_account_key")


@check(
    id="credentials.keys_rotated",
    title="Active access keys are rotated within the rotation period",
    controls=("AC-12",),
    criteria=("CC6.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Rotate every access key older than the rotation period (create the new key, deploy it, "
    "deactivate then delete the old one); better, replace long-lived keys with roles or SSO sessions.",
    sources=("aws.iam", "gcp.iam"),
    thresholds=("key_rotation_days",),
)
def keys_rotated(ctx: CheckContext) -> CheckResult:
    keys = _active_keys(ctx, ROTATED_KINDS)
    if not keys:
        if ctx.facts.of(Credential):
            return ctx.not_applicable("no active access keys in the evidence")
        return ctx.not_assessed("no credential evidence (e.g. an AWS credential report)")
    limit = int(ctx.thresholds.key_rotation_days)
    entities = []
    for c in keys:
        if c.created_or_rotated_at is None:
            entities.append(EntityResult("credential", _label(c), "partial", "rotation date unknown", srcs(c),
                                         gap_kind="insufficient_evidence"))
            continue
        days = days_since(ctx, c.created_or_rotated_at)
        status: EntityStatus = "fail" if days > limit else "pass"
        entities.append(EntityResult("credential", _label(c), status,
                                     f"last rotated {days} days ago (limit {limit})", srcs(c),
                                     measured={"days": days}))
    return ctx.result(entities)


@check(
    id="credentials.unused_removed",
    title="Credentials unused for the stale period are removed",
    controls=("AC-12",),
    criteria=("CC6.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Deactivate and delete access keys not used within the stale period (never-used keys older "
    "than it too); review monthly with the credential report.",
    sources=("aws.iam",),
    thresholds=("credential_unused_days",),
)
def unused_removed(ctx: CheckContext) -> CheckResult:
    keys = _active_keys(ctx)
    if not keys:
        if ctx.facts.of(Credential):
            return ctx.not_applicable("no active access keys in the evidence")
        return ctx.not_assessed("no credential evidence (e.g. an AWS credential report)")
    limit = int(ctx.thresholds.credential_unused_days)
    entities = []
    for c in keys:
        if c.last_used_at is not None:
            days = days_since(ctx, c.last_used_at)
            status: EntityStatus = "fail" if days > limit else "pass"
            entities.append(EntityResult("credential", _label(c), status, f"last used {days} days ago (limit {limit})",
                                         srcs(c), measured={"days": days}))
        elif c.created_or_rotated_at is not None:
            days = days_since(ctx, c.created_or_rotated_at)
            status = "fail" if days > limit else "pass"
            entities.append(EntityResult("credential", _label(c), status,
                                         f"never used, created {fmt_dt(c.created_or_rotated_at)} ({days} days ago)",
                                         srcs(c), measured={"days": days}))
    return ctx.result(entities, empty="no usage times for active keys in the evidence")


@check(
    id="aws.root_no_access_keys",
    title="The AWS root user has no access keys",
    controls=("AC-05", "AC-12"),
    criteria=("CC6.1",),
    severity="critical",
    effort="S",
    category="technical",
    remediation="Delete the root user's access keys (IAM > Security credentials as root) after moving whatever "
    "used them to an IAM role; root needs no keys.",
    sources=("aws.iam",),
)
def root_no_access_keys(ctx: CheckContext) -> CheckResult:
    present: dict[str, tuple[bool, tuple]] = {}
    roots = {a.system: a for a in ctx.facts.of(Account) if a.kind == "root" and system_kind(a.system) == "aws"}
    for system, a in roots.items():
        present[system.split(":", 1)[-1]] = (False, srcs(a))
    for c in ctx.facts.of(Credential):
        if c.system in roots and c.account_id == roots[c.system].account_id and c.kind == "access_key":
            scope = c.system.split(":", 1)[-1]
            if c.active is True:
                present[scope] = (True, present[scope][1] + srcs(c))
    for s in ctx.facts.settings("aws.iam.root_access_keys_present"):
        if isinstance(s.value, bool):
            present[s.scope] = (s.value, srcs(s))
    if not present:
        return ctx.not_assessed("no AWS root account evidence")
    entities = [
        EntityResult("aws account", scope, "fail" if has else "pass",
                     "root user has active access keys" if has else "root user has no access keys", ev)
        for scope, (has, ev) in sorted(present.items())
    ]
    return ctx.result(entities)


def _policy_problems(policy: dict[str, Any]) -> list[str]:
    problems = []
    length = policy.get("MinimumPasswordLength")
    if not isinstance(length, int) or length < MIN_PASSWORD_LENGTH:
        problems.append(f"minimum length {length} (want {MIN_PASSWORD_LENGTH})")
    reuse = policy.get("PasswordReusePrevention")
    if not isinstance(reuse, int) or reuse < MIN_REUSE_PREVENTION:
        problems.append(f"reuse prevention {reuse} (want {MIN_REUSE_PREVENTION})")
    return problems


@check(
    id="aws.password_policy_strong",
    title="The AWS account password policy enforces length and prevents reuse",
    controls=("AC-11",),
    criteria=("CC6.1",),
    severity="low",
    effort="S",
    category="technical",
    remediation="Set the IAM account password policy to a minimum length of 14 and prevent reuse of the last "
    "24 passwords (CIS AWS Foundations 1.8-1.9), or move people to SSO and remove console passwords.",
    sources=("aws.iam",),
)
def password_policy_strong(ctx: CheckContext) -> CheckResult:
    settings = ctx.facts.settings("aws.iam.password_policy")
    if not settings:
        return ctx.not_assessed("no AWS password policy in the evidence")
    entities = []
    for s in settings:
        if not isinstance(s.value, dict):
            entities.append(EntityResult("aws account", s.scope, "fail", "no account password policy is set",
                                         srcs(s), gap_kind="missing"))
            continue
        problems = _policy_problems(s.value)
        if problems:
            entities.append(EntityResult("aws account", s.scope, "fail", "; ".join(problems), srcs(s)))
        else:
            entities.append(EntityResult("aws account", s.scope, "pass", "length and reuse rules met", srcs(s)))
    return ctx.result(entities)
