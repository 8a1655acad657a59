"""Each AWS resource check passes on a well-configured resource and fails on a misconfigured one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from trustgap.checks.base import CheckContext, CheckResult, load_checks, run_checks
from trustgap.facts import CollectionIssue, FactSet, Resource, Setting, Src
from trustgap.thresholds import ResolvedThresholds

SYSTEM = "aws:111122223333"
SRC = Src("ab" * 32, "test")


def res(kind: str, name: str, **attrs: Any) -> Resource:
    return Resource(src=SRC, system=SYSTEM, kind=kind, resource_id=name, name=name, region="us-east-1", attrs=attrs)


def setting(key: str, value: Any, scope: str = "111122223333/us-east-1") -> Setting:
    return Setting(src=SRC, system=SYSTEM, scope=scope, key=key, value=value)


def run(check_id: str, facts: list[Any], **thresholds: Any) -> CheckResult:
    ctx = CheckContext(facts=FactSet(facts), thresholds=ResolvedThresholds(thresholds), as_of=date(2026, 11, 1))
    return run_checks(ctx, [load_checks()[check_id]])[0]


CASES: list[tuple[str, list[Any], list[Any]]] = [
    ("aws.s3_default_encryption",
     [res("aws.s3.bucket", "b", encrypted=True, sse_algorithm="AES256")],
     [res("aws.s3.bucket", "b", encrypted=False, sse_algorithm=None)]),
    ("aws.rds_encrypted", [res("aws.rds.instance", "db", encrypted=True)],
     [res("aws.rds.instance", "db", encrypted=False)]),
    ("aws.ebs_volumes_encrypted", [res("aws.ec2.volume", "v", encrypted=True)],
     [res("aws.ec2.volume", "v", encrypted=False)]),
    ("aws.ebs_encryption_by_default", [setting("aws.ec2.ebs_encryption_by_default", True)],
     [setting("aws.ec2.ebs_encryption_by_default", False)]),
    ("aws.s3_public_access_blocked",
     [res("aws.s3.bucket", "b", public_access_blocked=True, public_access_block=None,
          account_public_access_block={"BlockPublicAcls": True})],
     [res("aws.s3.bucket", "b", public_access_blocked=False,
          public_access_block={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
                               "RestrictPublicBuckets": True})]),
    ("aws.rds_not_public", [res("aws.rds.instance", "db", publicly_accessible=False)],
     [res("aws.rds.instance", "db", publicly_accessible=True)]),
    ("aws.cloudtrail_multi_region_logging",
     [res("aws.cloudtrail.trail", "t", multi_region=True, is_logging=True)],
     [res("aws.cloudtrail.trail", "t", multi_region=True, is_logging=False)]),
    ("aws.cloudtrail_log_file_validation", [res("aws.cloudtrail.trail", "t", log_file_validation=True)],
     [res("aws.cloudtrail.trail", "t", log_file_validation=False)]),
    ("aws.log_retention_sufficient", [res("aws.logs.log_group", "g", retention_days=400)],
     [res("aws.logs.log_group", "g", retention_days=90)]),
    ("aws.guardduty_enabled", [setting("aws.guardduty.enabled", True)], [setting("aws.guardduty.enabled", False)]),
    ("aws.config_recording", [setting("aws.config.recorder_recording", True)],
     [setting("aws.config.recorder_recording", False)]),
    ("aws.kms_key_rotation", [res("aws.kms.key", "k", rotation_enabled=True, rotation_supported=True)],
     [res("aws.kms.key", "k", rotation_enabled=False, rotation_supported=True)]),
    ("aws.backup_plan_configured",
     [setting("aws.backup.plan_count", 1), res("aws.backup.plan", "daily", rules=2)],
     [setting("aws.backup.plan_count", 1), res("aws.backup.plan", "empty", rules=0)]),
    ("aws.rds_backups_retained", [res("aws.rds.instance", "db", backup_retention_days=14)],
     [res("aws.rds.instance", "db", backup_retention_days=1)]),
    ("aws.rds_multi_az", [res("aws.rds.instance", "db", multi_az=True)],
     [res("aws.rds.instance", "db", multi_az=False)]),
]


@pytest.mark.parametrize(("check_id", "good", "bad"), CASES, ids=[c[0] for c in CASES])
def test_pass_and_fail(check_id: str, good: list[Any], bad: list[Any]) -> None:
    ok = run(check_id, good)
    assert ok.status == "pass", ok
    assert ok.entities and all(e.evidence == (SRC,) or SRC in e.evidence for e in ok.entities)
    ko = run(check_id, bad)
    assert ko.status == "fail", ko
    assert ko.failing and ko.failing[0].reason


@pytest.mark.parametrize("check_id", [c[0] for c in CASES])
def test_nothing_collected_is_not_assessed(check_id: str) -> None:
    assert run(check_id, []).status == "not_assessed"


def test_retention_threshold_is_configurable() -> None:
    group = [res("aws.logs.log_group", "g", retention_days=90)]
    assert run("aws.log_retention_sufficient", group, log_retention_days=90).status == "pass"
    assert run("aws.log_retention_sufficient", [res("aws.logs.log_group", "g", retention_days=None)]).status == "pass"


def test_account_without_trail_fails_as_missing() -> None:
    r = run("aws.cloudtrail_multi_region_logging", [setting("aws.cloudtrail.trail_count", 0)])
    assert r.status == "fail" and r.failing[0].entity == "111122223333" and r.failing[0].gap_kind == "missing"
    single = run("aws.cloudtrail_multi_region_logging",
                 [res("aws.cloudtrail.trail", "t", multi_region=False, is_logging=True)])
    assert single.failing[0].reason == "single-region trail"


def test_keys_that_cannot_rotate_or_are_deleted_are_skipped() -> None:
    facts = [res("aws.kms.key", "asym", rotation_enabled=None, rotation_supported=False),
             res("aws.kms.key", "gone", rotation_enabled=False, rotation_supported=True, key_state="PendingDeletion")]
    assert run("aws.kms_key_rotation", facts).status == "not_assessed"


def test_collection_issue_turns_a_pass_into_not_assessed() -> None:
    issue = CollectionIssue(src=SRC, source="aws.guardduty", reason="AccessDenied in eu-west-1")
    r = run("aws.guardduty_enabled", [setting("aws.guardduty.enabled", True), issue])
    assert r.status == "not_assessed" and "AccessDenied" in r.summary
    bad = run("aws.guardduty_enabled", [setting("aws.guardduty.enabled", False), issue])
    assert bad.status == "fail"


def test_partial_block_public_access_names_the_flags_off() -> None:
    r = run("aws.s3_public_access_blocked", CASES[4][2])
    assert "BlockPublicPolicy off" in r.failing[0].reason
