"""Checks over AWS resources and settings (facts emitted by ``trustgap.collectors.aws``).

Encryption at rest (S3, RDS, EBS), public access (S3 block public access, public databases), logging
(CloudTrail everywhere, log file validation, log retention), threat detection (GuardDuty), configuration
monitoring (AWS Config), key rotation (KMS), backups and redundancy (AWS Backup, RDS automated backups,
Multi-AZ). Root MFA, root keys and the password policy are judged in ``identity`` and ``credentials``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from trustgap.checks._util import srcs
from trustgap.checks.base import CheckContext, CheckResult, EntityResult, check
from trustgap.facts import Resource, Setting

RDS_MIN_BACKUP_DAYS = 7  # the console's default; CIS / AWS Foundational Best Practices ask for at least 7


def _label(r: Resource) -> str:
    account = r.system.split(":", 1)[1] if ":" in r.system else r.system
    name = r.name or r.resource_id
    return f"{name} ({account}{'/' + r.region if r.region else ''})"


def _resource_check(
    ctx: CheckContext,
    kind: str,
    judge: Callable[[Resource], tuple[str, str] | None],
    entity_type: str,
    empty: str,
) -> CheckResult:
    """One entity per resource of ``kind``; ``judge`` returns (status, reason), or None when the attribute
    it needs was not collected (the CollectionIssue of the source then makes the check Not assessed)."""
    resources = ctx.facts.resources(kind)
    entities: list[EntityResult] = []
    for r in resources:
        verdict = judge(r)
        if verdict is None:
            continue
        status, reason = verdict
        entities.append(EntityResult(entity_type, _label(r), status, reason, srcs(r)))  # type: ignore[arg-type]
    if not entities:
        return ctx.not_assessed(empty)
    return ctx.result(entities)


def _setting_check(ctx: CheckContext, key: str, good: str, bad: str, empty: str) -> CheckResult:
    settings = ctx.facts.settings(key)
    if not settings:
        return ctx.not_assessed(empty)
    latest: dict[str, Setting] = {s.scope: s for s in settings}
    entities = [
        EntityResult("aws region", scope, "pass" if s.value is True else "fail", good if s.value is True else bad,
                     srcs(s))
        for scope, s in sorted(latest.items())
    ]
    return ctx.result(entities)


# --------------------------------------------------------------------------- encryption at rest


@check(
    id="aws.s3_default_encryption",
    title="S3 buckets encrypt objects at rest by default",
    controls=("AC-19",),
    criteria=("CC6.1", "CC6.7"),
    severity="high",
    effort="S",
    category="technical",
    remediation="Set default encryption on every bucket (SSE-KMS with a customer-managed key for sensitive "
    "data; SSE-S3 at least). Buckets created since January 2023 get SSE-S3 automatically; older ones need it set.",
    sources=("aws.s3",),
    thresholds=("encryption_required",),
)
def s3_default_encryption(ctx: CheckContext) -> CheckResult:
    def judge(r: Resource) -> tuple[str, str] | None:
        enc = r.attrs.get("encrypted")
        if enc is True:
            return "pass", f"default encryption {r.attrs.get('sse_algorithm')}"
        if enc is False:
            return "fail", "no default encryption configuration"
        return None  # not read (the collection issue says why)

    return _resource_check(ctx, "aws.s3.bucket", judge, "bucket", "no S3 buckets in the evidence")


@check(
    id="aws.rds_encrypted",
    title="RDS database storage is encrypted",
    controls=("AC-19",),
    criteria=("CC6.1", "CC6.7"),
    severity="high",
    effort="M",
    category="technical",
    remediation="Encryption cannot be turned on for an existing instance: snapshot it, copy the snapshot with "
    "encryption (KMS key), restore from the encrypted copy and switch the application over.",
    sources=("aws.rds",),
    thresholds=("encryption_required",),
)
def rds_encrypted(ctx: CheckContext) -> CheckResult:
    return _resource_check(
        ctx, "aws.rds.instance",
        lambda r: ("pass", "storage encrypted") if r.attrs.get("encrypted") else ("fail", "storage not encrypted"),
        "database", "no RDS instances in the evidence",
    )


@check(
    id="aws.ebs_volumes_encrypted",
    title="EBS volumes are encrypted",
    controls=("AC-19",),
    criteria=("CC6.1", "CC6.7"),
    severity="medium",
    effort="M",
    category="technical",
    remediation="Replace unencrypted volumes: snapshot, copy the snapshot with encryption, create a volume from "
    "it and swap it in; turn on EBS encryption by default so new volumes are encrypted.",
    sources=("aws.ec2",),
    thresholds=("encryption_required",),
)
def ebs_volumes_encrypted(ctx: CheckContext) -> CheckResult:
    return _resource_check(
        ctx, "aws.ec2.volume",
        lambda r: ("pass", "encrypted") if r.attrs.get("encrypted") else ("fail", "volume not encrypted"),
        "volume", "no EBS volumes in the evidence",
    )


@check(
    id="aws.ebs_encryption_by_default",
    title="EBS encryption by default is on in every region",
    controls=("AC-19",),
    criteria=("CC6.1", "CC6.7"),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Turn on EBS encryption by default in each region used (EC2 > Settings > Data protection, or "
    "`aws ec2 enable-ebs-encryption-by-default --region <region>`).",
    sources=("aws.ec2",),
    thresholds=("encryption_required",),
)
def ebs_encryption_by_default(ctx: CheckContext) -> CheckResult:
    return _setting_check(ctx, "aws.ec2.ebs_encryption_by_default", "encryption by default on",
                          "encryption by default off", "EBS encryption-by-default setting not collected")


# --------------------------------------------------------------------------- public access


@check(
    id="aws.s3_public_access_blocked",
    title="S3 block public access is on for every bucket",
    controls=("AC-23",),
    criteria=("CC6.1", "CC6.6"),
    severity="high",
    effort="S",
    category="technical",
    remediation="Turn on all four block public access settings at account level (s3control "
    "PutPublicAccessBlock), or on each bucket; serve public content through CloudFront with origin access control.",
    sources=("aws.s3",),
)
def s3_public_access_blocked(ctx: CheckContext) -> CheckResult:
    def judge(r: Resource) -> tuple[str, str] | None:
        blocked = r.attrs.get("public_access_blocked")
        if blocked is True:
            where = "account" if not r.attrs.get("public_access_block") else "bucket"
            return "pass", f"all four block public access settings on ({where} level)"
        if blocked is False:
            flags = r.attrs.get("public_access_block") or r.attrs.get("account_public_access_block")
            return "fail", ("block public access not configured" if not flags
                            else "block public access only partly on: " +
                            ", ".join(k for k, v in sorted(flags.items()) if not v) + " off")
        return None

    return _resource_check(ctx, "aws.s3.bucket", judge, "bucket", "no S3 buckets in the evidence")


@check(
    id="aws.rds_not_public",
    title="RDS databases are not publicly accessible",
    controls=("AC-23", "AC-16"),
    criteria=("CC6.1", "CC6.6"),
    severity="high",
    effort="S",
    category="technical",
    remediation="Set PubliclyAccessible to false (modify-db-instance --no-publicly-accessible), keep databases "
    "in private subnets and reach them through a bastion, VPN or SSM port forwarding.",
    sources=("aws.rds",),
)
def rds_not_public(ctx: CheckContext) -> CheckResult:
    return _resource_check(
        ctx, "aws.rds.instance",
        lambda r: ("fail", "publicly accessible") if r.attrs.get("publicly_accessible") else ("pass", "private"),
        "database", "no RDS instances in the evidence",
    )


# --------------------------------------------------------------------------- logging


def _accounts_seen(ctx: CheckContext, key: str) -> dict[str, Setting]:
    out: dict[str, Setting] = {}
    for s in ctx.facts.settings(key):
        out.setdefault(s.scope.split("/", 1)[0], s)
    return out


@check(
    id="aws.cloudtrail_multi_region_logging",
    title="CloudTrail records every region of every account",
    controls=("OPS-01",),
    criteria=("CC7.2",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Create one multi-region trail per account (or an organization trail), make sure it is logging "
    "and delivers to a bucket only the security team can change.",
    sources=("aws.cloudtrail",),
)
def cloudtrail_multi_region_logging(ctx: CheckContext) -> CheckResult:
    trails = ctx.facts.resources("aws.cloudtrail.trail")
    by_account: dict[str, list[Resource]] = defaultdict(list)
    for t in trails:
        by_account[t.system.split(":", 1)[-1]].append(t)
    entities: list[EntityResult] = []
    for account, s in sorted(_accounts_seen(ctx, "aws.cloudtrail.trail_count").items()):
        if account not in by_account:
            entities.append(EntityResult("aws account", account, "fail", "no CloudTrail trail", srcs(s),
                                         gap_kind="missing"))
    for t in trails:
        problems = []
        if not t.attrs.get("multi_region"):
            problems.append("single-region trail")
        if t.attrs.get("is_logging") is False:
            problems.append("not logging")
        if problems:
            entities.append(EntityResult("trail", _label(t), "fail", "; ".join(problems), srcs(t)))
        elif t.attrs.get("is_logging") is not None:
            entities.append(EntityResult("trail", _label(t), "pass", "multi-region trail, logging", srcs(t)))
    if not entities:
        return ctx.not_assessed("CloudTrail not collected")
    return ctx.result(entities)


@check(
    id="aws.cloudtrail_log_file_validation",
    title="CloudTrail log file integrity validation is on",
    controls=("OPS-03",),
    criteria=("CC7.2",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Turn on log file validation for every trail (update-trail --enable-log-file-validation) and "
    "keep the trail bucket's objects locked or versioned.",
    sources=("aws.cloudtrail",),
)
def cloudtrail_log_file_validation(ctx: CheckContext) -> CheckResult:
    return _resource_check(
        ctx, "aws.cloudtrail.trail",
        lambda r: ("pass", "log file validation on") if r.attrs.get("log_file_validation")
        else ("fail", "log file validation off"),
        "trail", "no CloudTrail trails in the evidence",
    )


@check(
    id="aws.log_retention_sufficient",
    title="CloudWatch log groups keep logs for the retention period",
    controls=("OPS-02",),
    criteria=("CC7.2",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Set each log group's retention to at least the required period (put-retention-policy), or "
    "export logs to S3 with a lifecycle that keeps them that long.",
    sources=("aws.logs",),
    thresholds=("log_retention_days",),
)
def log_retention_sufficient(ctx: CheckContext) -> CheckResult:
    need = int(ctx.thresholds.log_retention_days)

    def judge(r: Resource) -> tuple[str, str]:
        days = r.attrs.get("retention_days")
        if days is None:
            return "pass", "never expires"
        if int(days) >= need:
            return "pass", f"kept {days} days (need {need})"
        return "fail", f"kept {days} days, less than the {need} required"

    return _resource_check(ctx, "aws.logs.log_group", judge, "log group", "no CloudWatch log groups in the evidence")


# --------------------------------------------------------------------------- monitoring


@check(
    id="aws.guardduty_enabled",
    title="GuardDuty threat detection is on in every region",
    controls=("OPS-04",),
    criteria=("CC7.2", "CC7.3"),
    severity="high",
    effort="S",
    category="technical",
    remediation="Enable GuardDuty in every region used (with a delegated administrator for the organization) "
    "and route its findings to the on-call channel.",
    sources=("aws.guardduty",),
)
def guardduty_enabled(ctx: CheckContext) -> CheckResult:
    return _setting_check(ctx, "aws.guardduty.enabled", "a detector is enabled", "no enabled GuardDuty detector",
                          "GuardDuty not collected")


@check(
    id="aws.config_recording",
    title="AWS Config records configuration changes in every region",
    controls=("OPS-07",),
    criteria=("CC7.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Create a configuration recorder for all supported resources with a delivery channel in each "
    "region, start it, and add conformance rules for the baseline.",
    sources=("aws.config",),
)
def config_recording(ctx: CheckContext) -> CheckResult:
    return _setting_check(ctx, "aws.config.recorder_recording", "a recorder is recording",
                          "no configuration recorder recording", "AWS Config not collected")


@check(
    id="aws.kms_key_rotation",
    title="Customer-managed KMS keys rotate automatically",
    controls=("AC-24",),
    criteria=("CC6.1",),
    severity="medium",
    effort="S",
    category="technical",
    remediation="Turn on automatic rotation for every customer-managed symmetric key (enable-key-rotation); "
    "keys that cannot rotate automatically need a documented manual rotation.",
    sources=("aws.kms",),
    thresholds=("encryption_key_rotation_days",),
)
def kms_key_rotation(ctx: CheckContext) -> CheckResult:
    def judge(r: Resource) -> tuple[str, str] | None:
        if r.attrs.get("key_state") in ("PendingDeletion", "PendingReplicaDeletion"):
            return None
        if not r.attrs.get("rotation_supported", True):
            return None  # asymmetric, HMAC and imported keys cannot rotate automatically
        rot = r.attrs.get("rotation_enabled")
        if rot is True:
            return "pass", "automatic rotation on"
        if rot is False:
            return "fail", "automatic rotation off"
        return None

    return _resource_check(ctx, "aws.kms.key", judge, "key", "no customer-managed KMS keys in the evidence")


# --------------------------------------------------------------------------- backups and redundancy


@check(
    id="aws.backup_plan_configured",
    title="AWS Backup has a plan with rules in every account",
    controls=("AV-02",),
    criteria=("A1.2",),
    severity="medium",
    effort="M",
    category="technical",
    remediation="Create an AWS Backup plan with a daily rule and a retention that meets the RPO, and assign the "
    "production resources (by tag) to it.",
    sources=("aws.backup",),
)
def backup_plan_configured(ctx: CheckContext) -> CheckResult:
    seen = _accounts_seen(ctx, "aws.backup.plan_count")
    plans: dict[str, list[Resource]] = defaultdict(list)
    for p in ctx.facts.resources("aws.backup.plan"):
        if int(p.attrs.get("rules") or 0) > 0:
            plans[p.system.split(":", 1)[-1]].append(p)
    entities = []
    for account in sorted(set(seen) | set(plans)):
        if plans.get(account):
            names = ", ".join(sorted(p.name or p.resource_id for p in plans[account]))
            entities.append(EntityResult("aws account", account, "pass", f"backup plan(s) with rules: {names}",
                                         srcs(*plans[account])))
        else:
            entities.append(EntityResult("aws account", account, "fail", "no AWS Backup plan with rules",
                                         srcs(seen[account]) if account in seen else (), gap_kind="missing"))
    if not entities:
        return ctx.not_assessed("AWS Backup not collected")
    return ctx.result(entities)


@check(
    id="aws.rds_backups_retained",
    title="RDS automated backups are on and kept at least a week",
    controls=("AV-02",),
    criteria=("A1.2",),
    severity="high",
    effort="S",
    category="technical",
    remediation="Set the backup retention period of every database to at least 7 days (modify-db-instance "
    "--backup-retention-period 7 or more).",
    sources=("aws.rds",),
)
def rds_backups_retained(ctx: CheckContext) -> CheckResult:
    def judge(r: Resource) -> tuple[str, str]:
        days = int(r.attrs.get("backup_retention_days") or 0)
        if days == 0:
            return "fail", "automated backups off"
        if days < RDS_MIN_BACKUP_DAYS:
            return "fail", f"backups kept {days} days (want {RDS_MIN_BACKUP_DAYS})"
        return "pass", f"backups kept {days} days"

    return _resource_check(ctx, "aws.rds.instance", judge, "database", "no RDS instances in the evidence")


@check(
    id="aws.rds_multi_az",
    title="RDS databases run in more than one availability zone",
    controls=("AV-06",),
    criteria=("A1.2",),
    severity="medium",
    effort="M",
    category="technical",
    remediation="Convert production databases to Multi-AZ (modify-db-instance --multi-az) or use an Aurora "
    "cluster with a replica in a second zone.",
    sources=("aws.rds",),
)
def rds_multi_az(ctx: CheckContext) -> CheckResult:
    return _resource_check(
        ctx, "aws.rds.instance",
        lambda r: ("pass", "Multi-AZ") if r.attrs.get("multi_az") else ("fail", "single availability zone"),
        "database", "no RDS instances in the evidence",
    )
