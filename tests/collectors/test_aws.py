"""The AWS collector against a local moto server: real boto3 calls, seeded good and bad resources."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.collectors.conftest import ACCOUNT, AS_OF, PLANTED_AWS_SECRET, PLANTED_AWS_TOKEN, REGIONS

from trustgap.checks.base import CheckContext, CheckResult, load_checks, run_checks
from trustgap.collectors.aws import collect_aws
from trustgap.collectors.aws_session import AwsAccount
from trustgap.collectors.base import parse_collect_config
from trustgap.evidence.ingest import SourceOutput, finalize_facts
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Account, CollectionIssue, FactSet, Resource, Setting
from trustgap.thresholds import ResolvedThresholds


def _collect(url: str, store: EvidenceStore, **aws: Any) -> SourceOutput:
    cfg = parse_collect_config({"aws": {"endpoint_url": url, "accounts": [{"regions": list(REGIONS)}], **aws}})
    return collect_aws(cfg, store=store, as_of=AS_OF, sleep=lambda s: None)


def _results(output: SourceOutput) -> dict[str, CheckResult]:
    facts = FactSet(finalize_facts(output))
    ctx = CheckContext(facts=facts, thresholds=ResolvedThresholds({}), as_of=AS_OF,
                       mfa_systems=("aws",), systems_in_scope=("aws",))
    checks = [c for c in load_checks().values() if any(s.startswith("aws") for s in c.meta.sources)]
    return {r.check_id: r for r in run_checks(ctx, checks)}


def _by_entity(result: CheckResult) -> dict[str, str]:
    return {e.entity.split(" (")[0]: e.status for e in result.entities}


@pytest.fixture(scope="module")
def collected(moto_url: str) -> tuple[SourceOutput, dict[str, CheckResult]]:
    out = _collect(moto_url, EvidenceStore(None))
    return out, _results(out)


def test_resources_and_settings_collected(collected: tuple[SourceOutput, dict[str, CheckResult]]) -> None:
    out, _ = collected
    facts = FactSet(finalize_facts(out))
    kinds = {r.kind for r in facts.of(Resource)}
    assert {"aws.s3.bucket", "aws.rds.instance", "aws.ec2.volume", "aws.kms.key", "aws.cloudtrail.trail",
            "aws.logs.log_group", "aws.guardduty.detector", "aws.backup.plan", "aws.config.recorder"} <= kinds
    buckets = {r.name: r.attrs for r in facts.resources("aws.s3.bucket")}
    assert buckets["acme-audit-logs"]["sse_algorithm"] == "aws:kms"
    assert buckets["acme-audit-logs"]["public_access_blocked"] is True
    assert buckets["acme-public-assets"]["public_access_block"] is None
    trails = [r for r in facts.resources("aws.cloudtrail.trail")]
    assert sorted(t.name for t in trails) == ["legacy-trail", "org-trail"]  # multi-region trail reported once
    policy = facts.settings("aws.iam.password_policy")[0]
    assert policy.scope == ACCOUNT and policy.value["MinimumPasswordLength"] == 8
    assert facts.settings("aws.iam.roles_count")[0].value == 1
    assert {s.scope: s.value for s in facts.settings("aws.ec2.ebs_encryption_by_default")} == {
        f"{ACCOUNT}/us-east-1": False, f"{ACCOUNT}/eu-west-1": True}
    assert not facts.of(CollectionIssue), facts.of(CollectionIssue)
    # every fact points at stored evidence
    shas = {i.sha256 for i in out.items}
    assert all(f.src.sha256 in shas for f in facts if isinstance(f, Resource | Setting))


def test_findings_entity_by_entity(collected: tuple[SourceOutput, dict[str, CheckResult]]) -> None:
    _, res = collected
    assert _by_entity(res["aws.rds_encrypted"]) == {"prod-db": "pass", "legacy-db": "fail"}
    assert _by_entity(res["aws.rds_not_public"]) == {"prod-db": "pass", "legacy-db": "fail"}
    assert _by_entity(res["aws.rds_multi_az"]) == {"prod-db": "pass", "legacy-db": "fail"}
    assert _by_entity(res["aws.rds_backups_retained"]) == {"prod-db": "pass", "legacy-db": "fail"}
    pab = _by_entity(res["aws.s3_public_access_blocked"])
    assert pab == {"acme-audit-logs": "pass", "acme-public-assets": "fail", "acme-trail-legacy": "fail"}
    assert _by_entity(res["aws.s3_default_encryption"])["acme-audit-logs"] == "pass"
    trail = _by_entity(res["aws.cloudtrail_multi_region_logging"])
    assert trail == {"org-trail": "pass", "legacy-trail": "fail"}
    assert _by_entity(res["aws.cloudtrail_log_file_validation"]) == {"org-trail": "pass", "legacy-trail": "fail"}
    assert _by_entity(res["aws.log_retention_sufficient"]) == {
        "/acme/audit": "pass", "/acme/web": "fail", "/acme/forever": "pass"}
    assert _by_entity(res["aws.ebs_encryption_by_default"]) == {
        f"{ACCOUNT}/us-east-1": "fail", f"{ACCOUNT}/eu-west-1": "pass"}
    assert _by_entity(res["aws.guardduty_enabled"]) == {f"{ACCOUNT}/us-east-1": "fail", f"{ACCOUNT}/eu-west-1": "pass"}
    assert _by_entity(res["aws.config_recording"]) == {f"{ACCOUNT}/us-east-1": "pass", f"{ACCOUNT}/eu-west-1": "fail"}
    keys = _by_entity(res["aws.kms_key_rotation"])
    assert keys["orders key"] == "pass" and keys["legacy key"] == "fail"
    volumes = [e for e in res["aws.ebs_volumes_encrypted"].entities]
    assert sorted(e.status for e in volumes) == ["fail", "pass", "pass"]
    assert _by_entity(res["aws.backup_plan_configured"]) == {ACCOUNT: "pass"}
    assert _by_entity(res["aws.password_policy_strong"]) == {ACCOUNT: "fail"}
    assert _by_entity(res["aws.root_mfa_enabled"]) == {ACCOUNT: "fail"}


def test_credential_report_through_file_parser(collected: tuple[SourceOutput, dict[str, CheckResult]]) -> None:
    out, res = collected
    report = [i for i in out.items if i.source == "aws:iam.GetCredentialReport"]
    assert len(report) == 1 and report[0].format == "aws_iam_credential_report" and report[0].status == "parsed"
    accounts = {a.account_id: a for a in FactSet(finalize_facts(out)).of(Account)}
    assert accounts["alice"].mfa_enabled is True
    assert accounts["bob"].mfa_enabled is False
    mfa = {e.entity.split(" ")[0]: e.status for e in res["mfa.enabled_on_every_system"].entities}
    assert mfa.get("bob") == "fail" and mfa.get("alice") == "pass"


def test_every_answer_stored_with_its_call(collected: tuple[SourceOutput, dict[str, CheckResult]]) -> None:
    out, _ = collected
    sources = {i.source for i in out.items}
    for call in ("aws:iam.GetAccountSummary", "aws:s3.GetBucketEncryption", "aws:s3control.GetPublicAccessBlock",
                 "aws:rds.DescribeDBInstances", "aws:ec2.GetEbsEncryptionByDefault", "aws:kms.GetKeyRotationStatus",
                 "aws:cloudtrail.GetTrailStatus", "aws:logs.DescribeLogGroups", "aws:guardduty.ListDetectors",
                 "aws:backup.GetBackupPlan", "aws:config.DescribeConfigurationRecorderStatus"):
        assert call in sources, call
    names = {i.name for i in out.items}
    assert f"live/aws/{ACCOUNT}/us-east-1/s3-get-bucket-encryption-acme-public-assets.json" in names


def test_only_configured_services_are_called(moto_url: str) -> None:
    out = _collect(moto_url, EvidenceStore(None), services=["s3"])
    services = {i.source.split(":", 1)[1].split(".")[0] for i in out.items}
    assert services == {"sts", "s3", "s3control"}


def test_no_secret_in_any_byte_written(moto_url: str, tmp_path: Path) -> None:
    store_dir = tmp_path / "evidence"
    out = _collect(moto_url, EvidenceStore(store_dir))
    assert len(out.items) > 30
    written = b"".join(p.read_bytes() for p in store_dir.rglob("*") if p.is_file())
    items = json.dumps([i.model_dump() for i in out.items]).encode()
    facts = repr(finalize_facts(out)).encode()
    for secret in (PLANTED_AWS_SECRET, PLANTED_AWS_TOKEN):
        for blob in (written, items, facts):
            assert secret.encode() not in blob


def _deny(service: str, operation: str, code: str) -> Any:
    original = AwsAccount.client

    def client(self: AwsAccount, svc: str, region: str | None = None) -> Any:
        c = original(self, svc, region)
        if svc == service and (region or self.home_region) == "us-east-1":
            def refuse(**_: Any) -> Any:
                return SimpleNamespace(status_code=403), {"Error": {"Code": code, "Message": f"{code} in test"}}

            c.meta.events.register(f"before-call.{c.meta.service_model.service_id.hyphenize()}.{operation}", refuse)
        return c

    return client


def test_denied_and_unsubscribed_services_become_issues(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AwsAccount, "client", _deny("guardduty", "ListDetectors", "SubscriptionRequiredException"))
    out = _collect(moto_url, EvidenceStore(None))
    facts = FactSet(finalize_facts(out))
    issues = facts.of(CollectionIssue)
    assert [i.source for i in issues] == ["aws.guardduty"]
    assert "service not enabled" in issues[0].reason and "us-east-1" in issues[0].reason
    res = _results(out)
    # eu-west-1 alone would pass: with us-east-1 unknown the check is Not assessed, naming why
    assert res["aws.guardduty_enabled"].status == "not_assessed"
    assert "SubscriptionRequiredException" in res["aws.guardduty_enabled"].summary
    assert res["aws.rds_encrypted"].status == "fail"  # the rest was collected


def test_access_denied_on_detail_call(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AwsAccount, "client", _deny("s3", "GetBucketEncryption", "AccessDenied"))
    out = _collect(moto_url, EvidenceStore(None), services=["s3"])
    facts = FactSet(finalize_facts(out))
    assert {i.source for i in facts.of(CollectionIssue)} == {"aws.s3"}
    buckets = facts.resources("aws.s3.bucket")
    assert len(buckets) == 3 and all("encrypted" not in b.attrs for b in buckets)
    assert all(b.attrs["public_access_blocked"] is not None for b in buckets)
    res = _results(out)
    assert res["aws.s3_default_encryption"].status == "not_assessed"
    assert res["aws.s3_public_access_blocked"].status == "fail"  # a failure seen is still a failure


def test_unreachable_endpoint_is_an_issue(aws_env: dict[str, str]) -> None:
    cfg = parse_collect_config({"aws": {"endpoint_url": "http://127.0.0.1:9", "accounts": [{"regions": ["us-east-1"]}]},
                                "max_retries": 0, "timeout_seconds": 2})
    out = collect_aws(cfg, store=EvidenceStore(None), as_of=AS_OF)
    issues = [f for f in out.facts if isinstance(f, CollectionIssue)]
    assert len(issues) == 1 and issues[0].source == "aws" and "no working credentials" in issues[0].reason


# API operation -> IAM action, where the action is named differently from the operation.
ACTION_NAMES = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    "elbv2:DescribeLoadBalancers": "elasticloadbalancing:DescribeLoadBalancers",
    "elbv2:DescribeListeners": "elasticloadbalancing:DescribeListeners",
    "elbv2:DescribeSSLPolicies": "elasticloadbalancing:DescribeSSLPolicies",
}


def test_documented_policy_allows_every_call_made(collected: tuple[SourceOutput, dict[str, CheckResult]]) -> None:
    out, _ = collected
    policy = json.loads((Path(__file__).resolve().parents[2] / "docs" / "aws-iam-policy.json").read_text())
    allowed = set(policy["Statement"][0]["Action"])
    assert all(not a.endswith("*") for a in allowed)  # read-only, named one by one
    called = {i.source.split(":", 1)[1].replace(".", ":", 1) for i in out.items if i.source.startswith("aws:")}
    needed = {ACTION_NAMES.get(c, c) for c in called}
    assert needed <= allowed, needed - allowed
    verbs = ("Get", "List", "Describe", "GenerateCredentialReport")
    assert all(a.split(":")[1].startswith(verbs) for a in allowed)


def test_users_and_mfa_devices_when_no_credential_report(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AwsAccount, "client", _deny("iam", "GenerateCredentialReport", "AccessDenied"))
    out = _collect(moto_url, EvidenceStore(None), services=["iam"])
    facts = FactSet(finalize_facts(out))
    assert [i.source for i in facts.of(CollectionIssue)] == ["aws.iam"]
    users = {a.account_id: a for a in facts.of(Account)}
    assert users["alice"].mfa_enabled is True and users["bob"].mfa_enabled is False
    assert users["bob"].system == f"aws:{ACCOUNT}" and users["bob"].created_at is not None
    assert "aws:iam.ListMFADevices" in {i.source for i in out.items}


def test_several_accounts_through_assumed_roles(moto_url: str, tmp_path: Path) -> None:
    other = "210987654321"
    cfg = parse_collect_config({"aws": {"endpoint_url": moto_url, "services": ["iam", "ec2"], "accounts": [
        {"regions": ["us-east-1"]},
        {"role_arn": f"arn:aws:iam::{other}:role/trustgap-audit", "external_id": "x-1", "regions": ["eu-west-1"]},
    ]}})
    store_dir = tmp_path / "ev"
    out = collect_aws(cfg, store=EvidenceStore(store_dir), as_of=AS_OF, sleep=lambda s: None)
    facts = FactSet(finalize_facts(out))
    scopes = {s.scope for s in facts.settings("aws.ec2.ebs_encryption_by_default")}
    assert scopes == {f"{ACCOUNT}/us-east-1", f"{other}/eu-west-1"}
    assert {s.system for s in facts.settings("aws.iam.roles_count")} == {f"aws:{ACCOUNT}", f"aws:{other}"}
    identity = [i for i in out.items if i.source == "aws:sts.GetCallerIdentity"]
    assert len(identity) == 2
    # the assumed role's temporary secret and session token are never written
    written = b"".join(p.read_bytes() for p in store_dir.rglob("*") if p.is_file())
    assert b"SessionToken" not in written and b"SecretAccessKey" not in written


def test_operations_list_is_the_documented_policy() -> None:
    from trustgap.collectors.aws_session import OPERATIONS

    policy = json.loads((Path(__file__).resolve().parents[2] / "docs" / "aws-iam-policy.json").read_text())
    allowed = set(policy["Statement"][0]["Action"])
    listed = {ACTION_NAMES.get(f"{svc}:{op}", f"{svc}:{op}") for svc, ops in OPERATIONS.items() for op in ops}
    # sts:AssumeRole is allowed by the audit role's trust policy, not by this policy
    assert listed - {"sts:AssumeRole"} == allowed


def test_clients_can_only_make_the_listed_calls(aws_env: dict[str, str]) -> None:
    from trustgap.collectors.aws_session import OPERATIONS, new_session

    session = new_session(region_name="us-east-1")
    s3 = session.client("s3")
    assert hasattr(s3, "get_bucket_encryption") and hasattr(s3, "list_buckets")
    for write in ("delete_bucket", "put_bucket_policy", "put_object"):
        assert not hasattr(s3, write)
    ec2 = session.client("ec2")
    assert sorted(ec2.meta.service_model.operation_names) == sorted(OPERATIONS["ec2"])
    assert "documentation" not in json.dumps(ec2.meta.service_model._service_description)
    assert ec2.can_paginate("describe_volumes")
