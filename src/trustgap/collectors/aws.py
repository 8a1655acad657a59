"""Live AWS collection: IAM, S3, RDS, EC2 (EBS, security groups), ELBv2, KMS, CloudTrail, CloudWatch Logs,
GuardDuty, AWS Backup, Config.

Only read-only calls are made. The minimal IAM policy (also in ``docs/aws-iam-policy.json``) allows::

    sts:GetCallerIdentity                       (sts:AssumeRole on the audit role when role_arn is used)
    iam:GenerateCredentialReport  iam:GetCredentialReport  iam:GetAccountPasswordPolicy
    iam:GetAccountSummary  iam:ListUsers  iam:ListMFADevices  iam:ListRoles
    s3:ListAllMyBuckets  s3:GetBucketLocation  s3:GetEncryptionConfiguration  s3:GetBucketPublicAccessBlock
    s3:GetBucketVersioning  s3:GetBucketLogging  s3:GetBucketPolicy  s3:GetBucketPolicyStatus
    s3:GetAccountPublicAccessBlock
    rds:DescribeDBInstances
    ec2:DescribeVolumes  ec2:GetEbsEncryptionByDefault  ec2:DescribeSecurityGroups
    elasticloadbalancing:DescribeLoadBalancers  elasticloadbalancing:DescribeListeners
    elasticloadbalancing:DescribeSSLPolicies
    kms:ListKeys  kms:ListAliases  kms:DescribeKey  kms:GetKeyRotationStatus
    cloudtrail:DescribeTrails  cloudtrail:GetTrailStatus
    logs:DescribeLogGroups
    guardduty:ListDetectors  guardduty:GetDetector
    backup:ListBackupPlans  backup:GetBackupPlan
    config:DescribeConfigurationRecorders  config:DescribeConfigurationRecorderStatus

(``iam:GenerateCredentialReport`` only asks AWS to refresh the report; it changes no configuration. The
AWS managed policy ``SecurityAudit`` covers every action above.)

How it runs: one session per account entry of ``collect.aws.accounts`` (profile and/or assumed role),
then a thread pool (``max_workers``) over tasks per account, region and service: IAM and S3 once per
account, the other services once per region. A task that lists resources hands back one task per
resource for the detail calls. Clients are built from service models cut down to the operations listed
in :data:`~trustgap.collectors.aws_session.OPERATIONS` (the policy above), so nothing else can be called.
Throttling is retried by botocore's adaptive retry mode. A call that is
denied, not subscribed, times out or answers 5xx becomes a ``CollectionIssue`` for its service
(``aws.guardduty``, ``aws.s3``, ...) and the rest goes on. Only the services listed in
``collect.aws.services`` are called; when the scope file does not list them, an assessment leaves out
those no check in scope needs (:func:`trustgap.collectors.runner.narrow`).

Every answer is stored as evidence (``live/aws/<account>/<region>/<service>-<operation>[-<resource>].json``,
source ``aws:<service>.<Operation>``); the facts each service emits are documented in
:mod:`~trustgap.collectors.aws_iam`, :mod:`~trustgap.collectors.aws_storage`,
:mod:`~trustgap.collectors.aws_network` and :mod:`~trustgap.collectors.aws_logging`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from trustgap.collectors.base import AwsConfig, CollectConfig, Progress, Recorder, run_tasks
from trustgap.collectors.registry import Collector, CollectRun
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore

REGIONAL_SERVICES = ("rds", "ec2", "elbv2", "kms", "cloudtrail", "logs", "guardduty", "backup", "config")
CLIENTS = {"iam": ("iam",), "s3": ("s3", "s3control"), **{s: (s,) for s in REGIONAL_SERVICES}}


def collect_aws(
    cfg: CollectConfig,
    *,
    store: EvidenceStore,
    as_of: date,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    options: dict[str, dict[str, Any]] | None = None,
) -> SourceOutput:
    """Collect every configured AWS account; returns the evidence items and facts."""
    from trustgap.collectors import aws_iam, aws_logging, aws_network, aws_storage
    from trustgap.collectors.aws_session import Caller, Task, open_account

    aws_cfg = cfg.aws or AwsConfig()
    rec = Recorder(store, as_of=as_of, collector="aws", progress=progress, options=options)
    env_region = (env or {}).get("AWS_REGION") or (env or {}).get("AWS_DEFAULT_REGION")
    services = set(aws_cfg.services)
    if not services:  # nothing in scope needs AWS: not even the identity call is made
        return rec.output
    tasks: list[tuple[str, Task]] = []
    for entry in aws_cfg.accounts:
        acct = open_account(entry, aws_cfg, rec, timeout=cfg.timeout_seconds, max_retries=cfg.max_retries,
                            env_region=env_region)
        if acct is None:
            continue
        caller = Caller(rec, acct)
        # Clients are made here, one after the other, before the pool starts: each service model is read
        # once, in this thread, and its parsing memory is reused by the next instead of piling up per thread.
        for name in sorted(services):
            for boto_name in CLIENTS[name]:
                for region in (acct.regions if name in REGIONAL_SERVICES else [acct.home_region]):
                    acct.client(boto_name, region)
        seen = aws_logging.TrailsSeen()

        def bind(fn: Callable[..., Any], *args: Any) -> Task:
            return lambda: fn(*args)

        if "iam" in services:
            tasks.append(("aws.iam", functools.partial(aws_iam.collect_iam, caller, acct, rec, sleep=sleep,
                                                       wait_seconds=aws_cfg.credential_report_wait_seconds)))
        if "s3" in services:
            tasks.append(("aws.s3", bind(aws_storage.s3_tasks, caller, acct, rec)))
        for region in acct.regions:
            per_region: list[tuple[str, Task]] = [
                ("rds", bind(aws_storage.rds_task, caller, acct, rec, region)),
                ("ec2", bind(aws_storage.ec2_task, caller, acct, rec, region)),
                ("ec2", bind(aws_network.security_groups_task, caller, acct, rec, region)),
                ("elbv2", bind(aws_network.elbv2_task, caller, acct, rec, region)),
                ("kms", bind(aws_storage.kms_tasks, caller, acct, rec, region)),
                ("backup", bind(aws_storage.backup_tasks, caller, acct, rec, region)),
                ("cloudtrail", bind(aws_logging.cloudtrail_tasks, caller, acct, rec, region, seen)),
                ("logs", bind(aws_logging.logs_task, caller, acct, rec, region)),
                ("guardduty", bind(aws_logging.guardduty_task, caller, acct, rec, region)),
                ("config", bind(aws_logging.config_task, caller, acct, rec, region)),
            ]
            tasks.extend((f"aws.{name}", task) for name, task in per_region if name in services)
    run_tasks(tasks, rec, max_workers=aws_cfg.max_workers)
    return rec.output


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    return collect_aws(cfg, store=run.store, as_of=run.as_of, progress=run.progress, env=run.env,
                       sleep=run.sleep, options=run.options)


COLLECTOR = Collector(
    name="aws", description="AWS: IAM, S3, RDS, EBS, KMS, CloudTrail, CloudWatch Logs, GuardDuty, Backup, Config",
    options=AwsConfig, fetch=_fetch, topic="aws", needs_section=False,
)
