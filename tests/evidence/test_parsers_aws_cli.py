"""Saved AWS CLI output: a current CLI's answers (ARNs everywhere, rotation status naming its key) and an older
CLI's (pages of one describe call, a folder per bucket, no security-group ARNs), joined across files."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, Resource, Setting

FIX = Path(__file__).parent.parent / "fixtures" / "aws_cli"


def run(data: bytes, path: str, options: dict[str, Any] | None = None) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 2, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=date(2026, 3, 2), options=options or {})
    return parse_with(load_parsers()["aws_cli"], data, ctx)


def folder(version: str, options: dict[str, Any] | None = None, skip: tuple[str, ...] = ()) -> list[Any]:
    facts: list[Any] = []
    for f in sorted((FIX / version).rglob("*.json")):
        rel = str(f.relative_to(FIX))
        if f.name in skip:
            continue
        res = run(f.read_bytes(), rel, options)
        assert res.errors == [], (rel, res.errors)
        facts.extend(res.facts)
    return load_parsers()["aws_cli"].finalize(facts)  # type: ignore[misc]


def by_kind(facts: list[Any], kind: str) -> dict[str, Resource]:
    return {r.name or r.resource_id: r for r in facts if isinstance(r, Resource) and r.kind == kind}


@pytest.mark.parametrize("path", sorted(str(p.relative_to(FIX)) for p in FIX.rglob("*.json")))
def test_recognised_by_content(path: str) -> None:
    parser = recognise((FIX / path).read_bytes(), "output.txt")
    assert parser is not None and parser.name == "aws_cli"


def test_current_cli_answers_become_the_collectors_facts() -> None:
    facts = folder("v2")
    rds = by_kind(facts, "aws.rds.instance")
    assert rds["orders-prod"].system == "aws:123456789012" and rds["orders-prod"].region == "eu-west-1"
    assert rds["orders-prod"].attrs == {"encrypted": True, "multi_az": True, "backup_retention_days": 14,
                                        "publicly_accessible": False, "engine": "postgres",
                                        "kms_key_id": rds["orders-prod"].attrs["kms_key_id"]}
    legacy = rds["reports-legacy"].attrs
    assert legacy["publicly_accessible"] is True and legacy["encrypted"] is False
    groups = by_kind(facts, "aws.ec2.security_group")
    assert groups["bastion-ssh"].attrs["public_ingress"] == ["tcp 22"]
    assert groups["rdp-test"].attrs["public_ingress"] == ["all traffic"]
    assert groups["db-private"].attrs["public_ingress"] == [] and groups["db-private"].region == "eu-west-1"
    listeners = by_kind(facts, "aws.elbv2.listener")
    assert listeners["portal:443"].attrs["tls_protocols"] == ["TLSv1.2", "TLSv1.3"]
    assert listeners["portal:80"].attrs["redirects_to_https"] is True
    assert listeners["legacy-api:443"].attrs["tls_protocols"] == ["TLSv1", "TLSv1.1", "TLSv1.2"]
    assert listeners["legacy-api:443"].attrs["load_balancer_scheme"] == "internet-facing"
    keys = by_kind(facts, "aws.kms.key")
    assert list(keys) == ["alias/orders-data"]  # the AWS-managed key is left out, as live
    assert keys["alias/orders-data"].attrs["rotation_enabled"] is False
    buckets = by_kind(facts, "aws.s3.bucket")
    assert set(buckets) == {"acme-audit-logs", "acme-public-assets", "acme-audit-logs-replica"}
    assert buckets["acme-audit-logs"].attrs["encryption_type"] == "SSE-KMS"
    assert buckets["acme-audit-logs"].attrs["bucket_key_enabled"] is True
    public = buckets["acme-public-assets"].attrs
    assert public["encryption_type"] == "SSE-S3" and public["policy_is_public"] is True
    assert public["policy_allows_anonymous"] is True and public["policy_requires_tls"] is False
    assert buckets["acme-audit-logs-replica"].attrs == {}  # listed, nothing else known: never judged


def test_older_cli_pages_folders_and_the_account_from_options() -> None:
    facts = folder("v1", {"account": "123456789012", "region": "eu-west-1"}, skip=("kms-get-key-rotation-status.json",))
    groups = by_kind(facts, "aws.ec2.security_group")
    assert set(groups) == {"default", "web-public"}  # two pages, two files
    assert groups["web-public"].attrs["public_ingress"] == ["tcp 443", "tcp 80"]
    assert groups["web-public"].system == "aws:123456789012" and groups["web-public"].region == "eu-west-1"
    bucket = by_kind(facts, "aws.s3.bucket")["acme-audit-logs"]  # named by its folder
    assert bucket.attrs["encryption_type"] == "SSE-S3" and bucket.attrs["policy_requires_tls"] is True
    assert bucket.attrs["public_access_blocked"] is True
    account = [s for s in facts if isinstance(s, Setting)]
    assert account[0].key == "aws.s3.account_public_access_block" and account[0].scope == "123456789012"
    trail = by_kind(facts, "aws.cloudtrail.trail")["org-trail"]
    assert trail.attrs["multi_region"] is True and trail.attrs["is_logging"] is None  # status not in the file
    logs = by_kind(facts, "aws.logs.log_group")
    assert logs["/aws/lambda/orders"].attrs["retention_days"] == 14
    assert logs["/acme/audit"].attrs["retention_days"] is None
    assert logs["/acme/audit"].resource_id == "arn:aws:logs:eu-west-1:123456789012:log-group:/acme/audit"


def test_rotation_status_without_its_key_is_refused_naming_the_field() -> None:
    res = run((FIX / "v1" / "kms-get-key-rotation-status.json").read_bytes(), "v1/kms-get-key-rotation-status.json")
    assert res.facts == [] and res.errors[0].field == "KeyId" and "kms-get-key-rotation-status" in str(res.errors[0])


def test_a_bucket_answer_nobody_can_name_is_a_collection_problem() -> None:
    data = (FIX / "v2" / "s3api-get-bucket-encryption-acme-audit-logs.json").read_bytes()
    facts = load_parsers()["aws_cli"].finalize(run(data, "s3api-get-bucket-encryption.json").facts)  # type: ignore[misc]
    assert [type(f).__name__ for f in facts] == ["CollectionIssue"]
    issue = facts[0]
    assert isinstance(issue, CollectionIssue) and issue.source == "aws.s3" and "name the file" in issue.reason


def test_bad_items_are_named_and_void_that_service() -> None:
    doc = json.loads((FIX / "v2" / "rds-describe-db-instances.json").read_text())
    del doc["DBInstances"][1]["DBInstanceIdentifier"]
    res = run(json.dumps(doc).encode(), "rds.json")
    assert [e.field for e in res.errors] == ["DBInstances[1].DBInstanceIdentifier"]
    assert [f.source for f in res.facts if isinstance(f, CollectionIssue)] == ["aws.rds"]
    assert len([f for f in res.facts if isinstance(f, Resource)]) == 1


def test_not_cli_output_and_broken_json() -> None:
    res = run(b'{"DBInstances": [ {"DBInstanceIdentifier": "x",\n', "rds.json")
    assert res.facts == [] and res.errors[0].line == 2
    res = run(b'{"DBInstances": {"a": 1}}', "rds.json")
    assert res.errors[0].field == "DBInstances"
