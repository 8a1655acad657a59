"""AWS data stores: S3 buckets, RDS instances, EBS volumes, KMS keys, AWS Backup plans.

Each function is a task of the collection pool; list calls hand back one follow-up task per resource so
that per-resource calls run concurrently. Facts (``system = "aws:<account id>"``):

``Resource aws.s3.bucket`` (resource_id = bucket name, region = bucket location)
    encrypted (bool: a default encryption configuration exists; every bucket created since January 2023
    has at least SSE-S3, so ``False`` means an old bucket without one), sse_algorithm (``AES256``,
    ``aws:kms``, ``aws:kms:dsse`` or None), encryption_type (``SSE-S3``, ``SSE-KMS``, ``DSSE-KMS`` or None),
    kms_key_id (str|None), bucket_key_enabled, public_access_block (the bucket's four flags or None when not
    configured), account_public_access_block (the account's flags or None), public_access_blocked (bool: each of
    the four flags true at bucket or account level), versioning (bool: status Enabled), logging (bool: server
    access logging configured), has_policy, policy_requires_tls (a Deny on aws:SecureTransport false),
    policy_allows_anonymous (an unconditional Allow for principal ``*``), policy_is_public (AWS's evaluation).
    Calls: ListBuckets, GetBucketLocation, GetBucketEncryption (ServerSideEncryptionConfigurationNotFoundError
    = none), GetPublicAccessBlock (NoSuchPublicAccessBlockConfiguration = none), GetBucketVersioning,
    GetBucketLogging, GetBucketPolicy and GetBucketPolicyStatus (NoSuchBucketPolicy = none); s3control
    GetPublicAccessBlock for the account.
``Setting aws.s3.account_public_access_block`` (dict|None), scope = account id.
``Resource aws.rds.instance`` (resource_id = DBInstanceArn, name = DBInstanceIdentifier)
    encrypted (StorageEncrypted), multi_az (MultiAZ), backup_retention_days (BackupRetentionPeriod),
    publicly_accessible (PubliclyAccessible), engine (Engine), kms_key_id. Call: DescribeDBInstances.
``Resource aws.ec2.volume`` (resource_id = VolumeId): encrypted, kms_key_id, size_gib, state.
    Call: DescribeVolumes.
``Setting aws.ec2.ebs_encryption_by_default`` (bool), scope = ``<account>/<region>``: GetEbsEncryptionByDefault.
``Resource aws.kms.key`` (resource_id = key ARN, name = its first alias, else its description), customer-managed
    keys only (AWS-managed keys rotate by themselves and are skipped): rotation_enabled (bool|None: None when the
    key type cannot rotate), rotation_supported (bool: symmetric encryption keys), key_manager, key_state, key_spec,
    aliases (``alias/...`` names). Calls: ListAliases, ListKeys, DescribeKey, GetKeyRotationStatus.
``Resource aws.backup.plan`` (resource_id = BackupPlanArn, name = BackupPlanName): rules (int), rule_names
    (list). ``Setting aws.backup.plan_count`` (int), scope = ``<account>/<region>``.
    Calls: ListBackupPlans, GetBackupPlan.

References: https://docs.aws.amazon.com/AmazonS3/latest/API/ , .../AmazonRDS/latest/APIReference/ ,
.../AWSEC2/latest/APIReference/ , .../kms/latest/APIReference/ , .../aws-backup/latest/devguide/api-reference.html
"""

from __future__ import annotations

from functools import partial
from typing import Any

from trustgap.collectors.aws_session import AwsAccount, Caller, CallFailed, Task
from trustgap.collectors.base import Recorder
from trustgap.evidence.parsers import _aws_shapes as shapes
from trustgap.facts import Resource, Setting, Src

KMS_NO_ROTATION = frozenset({"UnsupportedOperationException", "KMSInvalidStateException"})


def _regional_setting(acct: AwsAccount, region: str, key: str, value: object, src: Src) -> Setting:
    return Setting(src=src, system=acct.system, scope=f"{acct.account_id}/{region}", key=key, value=value)


# --------------------------------------------------------------------------- S3 (global listing)


def s3_tasks(caller: Caller, acct: AwsAccount, rec: Recorder) -> list[Task]:
    account_pab: dict[str, Any] | None = None
    try:
        answer, src = caller.call(
            "aws.s3", "s3control", "get_public_access_block", AccountId=acct.account_id,
            tolerate=frozenset({"NoSuchPublicAccessBlockConfiguration"}),
        )
        account_pab = dict(answer["PublicAccessBlockConfiguration"]) if answer else None
        rec.add(Setting(src=src, system=acct.system, scope=acct.account_id,
                        key="aws.s3.account_public_access_block", value=account_pab))
    except CallFailed:
        account_pab = None
    try:
        buckets, _ = caller.pages("aws.s3", "s3", "list_buckets", "Buckets")
    except CallFailed:
        return []
    return [_bucket_task(caller, acct, rec, b["Name"], account_pab) for b, _src in buckets]


def _bucket_task(caller: Caller, acct: AwsAccount, rec: Recorder, bucket: str,
                 account_pab: dict[str, Any] | None) -> Task:
    def run() -> None:
        srcs: list[Src] = []
        attrs: dict[str, Any] = {"account_public_access_block": account_pab}
        region = None
        try:
            loc, s = caller.call("aws.s3", "s3", "get_bucket_location", Bucket=bucket, name_extra=bucket)
            constraint = (loc or {}).get("LocationConstraint")
            region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)
            srcs.append(s)
        except CallFailed:
            pass
        # the bucket's own region answers directly (no redirect from another region's endpoint)
        ask = partial(caller.call, "aws.s3", "s3", Bucket=bucket, name_extra=bucket, region=region or acct.home_region)
        try:
            enc, s = ask("get_bucket_encryption",
                         tolerate=frozenset({"ServerSideEncryptionConfigurationNotFoundError"}))
            attrs.update(shapes.bucket_encryption_attrs(enc))
            srcs.insert(0, s)
        except CallFailed:
            pass
        try:
            pab, s = ask("get_public_access_block",
                         tolerate=frozenset({"NoSuchPublicAccessBlockConfiguration"}))
            attrs.update(shapes.public_access_attrs(dict(pab["PublicAccessBlockConfiguration"]) if pab else None,
                                                    account_pab))
            srcs.append(s)
        except CallFailed:
            pass
        try:
            policy, s = ask("get_bucket_policy", tolerate=frozenset({"NoSuchBucketPolicy"}))
            attrs.update(shapes.bucket_policy_attrs(policy))
            srcs.append(s)
            status, s = ask("get_bucket_policy_status", tolerate=frozenset({"NoSuchBucketPolicy"}))
            attrs.update(shapes.policy_status_attrs(status))
        except CallFailed:
            pass
        try:
            ver, s = ask("get_bucket_versioning")
            attrs["versioning"] = (ver or {}).get("Status") == "Enabled"
            srcs.append(s)
        except CallFailed:
            pass
        try:
            log, s = ask("get_bucket_logging")
            attrs["logging"] = "LoggingEnabled" in (log or {})
            srcs.append(s)
        except CallFailed:
            pass
        src = srcs[0] if srcs else Src("", f"s3 {bucket}")
        rec.add(Resource(src=src, system=acct.system, kind="aws.s3.bucket", resource_id=bucket, name=bucket,
                         region=region, attrs=attrs))

    return run


# --------------------------------------------------------------------------- RDS, EBS (regional)


def rds_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> None:
    try:
        items, _ = caller.pages("aws.rds", "rds", "describe_db_instances", "DBInstances", region=region)
    except CallFailed:
        return
    for db, src in items:
        rec.add(Resource(
            src=src, system=acct.system, kind="aws.rds.instance",
            resource_id=db.get("DBInstanceArn") or db["DBInstanceIdentifier"], name=db["DBInstanceIdentifier"],
            region=region,
            attrs=shapes.rds_attrs(db),
        ))


def ec2_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> None:
    try:
        answer, src = caller.call("aws.ec2", "ec2", "get_ebs_encryption_by_default", region=region)
        rec.add(_regional_setting(acct, region, "aws.ec2.ebs_encryption_by_default",
                                  bool((answer or {}).get("EbsEncryptionByDefault")), src))
    except CallFailed:
        pass
    try:
        volumes, _ = caller.pages("aws.ec2", "ec2", "describe_volumes", "Volumes", region=region)
    except CallFailed:
        return
    for vol, src in volumes:
        rec.add(Resource(
            src=src, system=acct.system, kind="aws.ec2.volume", resource_id=vol["VolumeId"],
            name=shapes.tag_name(vol), region=region, attrs=shapes.volume_attrs(vol),
        ))


# --------------------------------------------------------------------------- KMS


def kms_tasks(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> list[Task]:
    aliases: dict[str, list[str]] = {}
    try:
        listed, _ = caller.pages("aws.kms", "kms", "list_aliases", "Aliases", region=region)
        for alias, _src in listed:
            if alias.get("TargetKeyId") and alias.get("AliasName"):
                aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    except CallFailed:
        pass  # keys are still judged, named by description
    try:
        keys, _ = caller.pages("aws.kms", "kms", "list_keys", "Keys", region=region)
    except CallFailed:
        return []
    return [_kms_key_task(caller, acct, rec, region, k["KeyId"], aliases.get(k["KeyId"], [])) for k, _src in keys]


def _kms_key_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str, key_id: str,
                  aliases: list[str]) -> Task:
    def run() -> None:
        try:
            desc, src = caller.call("aws.kms", "kms", "describe_key", KeyId=key_id, region=region, name_extra=key_id)
        except CallFailed:
            return
        meta = (desc or {}).get("KeyMetadata") or {}
        if meta.get("KeyManager") != "CUSTOMER":
            return  # AWS-managed keys are rotated by AWS every year
        rotation: bool | None = None
        if shapes.rotation_supported(meta) and meta.get("KeyState") not in ("PendingDeletion", "PendingImport"):
            try:
                rot, rsrc = caller.call("aws.kms", "kms", "get_key_rotation_status", KeyId=key_id, region=region,
                                        name_extra=key_id, tolerate=KMS_NO_ROTATION)
                if rot is not None:
                    rotation = bool(rot.get("KeyRotationEnabled"))
                    src = rsrc
            except CallFailed:
                pass
        rec.add(Resource(
            src=src, system=acct.system, kind="aws.kms.key", resource_id=meta.get("Arn") or key_id,
            name=shapes.key_name(meta, key_id, aliases), region=region,
            attrs=shapes.kms_key_attrs(meta, rotation, aliases),
        ))

    return run


# --------------------------------------------------------------------------- AWS Backup


def backup_tasks(caller: Caller, acct: AwsAccount, rec: Recorder, region: str) -> list[Task]:
    try:
        plans, first = caller.pages("aws.backup", "backup", "list_backup_plans", "BackupPlansList", region=region)
    except CallFailed:
        return []
    rec.add(_regional_setting(acct, region, "aws.backup.plan_count", len(plans), first))
    return [_backup_plan_task(caller, acct, rec, region, p) for p, _src in plans]


def _backup_plan_task(caller: Caller, acct: AwsAccount, rec: Recorder, region: str, plan: dict[str, Any]) -> Task:
    def run() -> None:
        plan_id = plan["BackupPlanId"]
        try:
            answer, src = caller.call("aws.backup", "backup", "get_backup_plan", BackupPlanId=plan_id, region=region,
                                      name_extra=plan_id)
        except CallFailed:
            return
        rules = ((answer or {}).get("BackupPlan") or {}).get("Rules") or []
        rec.add(Resource(
            src=src, system=acct.system, kind="aws.backup.plan", resource_id=plan.get("BackupPlanArn") or plan_id,
            name=plan.get("BackupPlanName"), region=region,
            attrs={"rules": len(rules), "rule_names": [r.get("RuleName") for r in rules]},
        ))

    return run
