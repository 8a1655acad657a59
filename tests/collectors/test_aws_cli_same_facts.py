"""AWS CLI output saved to files gives the same facts as the live collector: the answers of the local moto server,
printed as the CLI prints them (JSON, ISO 8601 times), read by the ``aws_cli`` parser, against a live collection of
the same estate."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from tests.collectors.conftest import ACCOUNT, AS_OF, _client

from trustgap.collectors.aws import collect_aws
from trustgap.collectors.base import parse_collect_config
from trustgap.evidence.detect import ParseContext, load_parsers, parse_with, recognise
from trustgap.evidence.ingest import finalize_facts
from trustgap.evidence.store import EvidenceRef, EvidenceStore, sha256_bytes
from trustgap.facts import Resource

KINDS = ("aws.rds.instance", "aws.ec2.security_group", "aws.elbv2.load_balancer", "aws.elbv2.listener", "aws.kms.key",
         "aws.s3.bucket")


def _cli_json(answer: dict[str, Any]) -> bytes:
    """What ``aws ... --output json`` prints: the answer without ResponseMetadata, times in ISO 8601."""
    body = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    return json.dumps(body, indent=4, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v)).encode()


def _cli_files(url: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    rds, ec2, elb, kms, s3 = (_client(s, url) for s in ("rds", "ec2", "elbv2", "kms", "s3"))
    files["rds-describe-db-instances.json"] = _cli_json(rds.describe_db_instances())
    files["ec2-describe-security-groups.json"] = _cli_json(ec2.describe_security_groups())
    lbs = elb.describe_load_balancers()
    files["elbv2-describe-load-balancers.json"] = _cli_json(lbs)
    policies: set[str] = set()
    for lb in lbs["LoadBalancers"]:
        answer = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])
        policies |= {li["SslPolicy"] for li in answer["Listeners"] if li.get("SslPolicy")}
        files[f"elbv2-describe-listeners-{lb['LoadBalancerName']}.json"] = _cli_json(answer)
    files["elbv2-describe-ssl-policies.json"] = _cli_json(elb.describe_ssl_policies(Names=sorted(policies)))
    files["kms-list-aliases.json"] = _cli_json(kms.list_aliases())
    for key in kms.list_keys()["Keys"]:
        files[f"kms-describe-key-{key['KeyId']}.json"] = _cli_json(kms.describe_key(KeyId=key["KeyId"]))
        rotation = kms.get_key_rotation_status(KeyId=key["KeyId"])
        rotation.setdefault("KeyId", key["KeyId"])  # printed by current CLI versions
        files[f"kms-get-key-rotation-status-{key['KeyId']}.json"] = _cli_json(rotation)
    files["s3api-list-buckets.json"] = _cli_json(s3.list_buckets())
    for b in s3.list_buckets()["Buckets"]:
        name = b["Name"]
        with contextlib.suppress(s3.exceptions.ClientError):  # the CLI prints an error and no output: no file
            files[f"s3api-get-bucket-encryption-{name}.json"] = _cli_json(s3.get_bucket_encryption(Bucket=name))
        try:
            files[f"s3/{name}/policy.json"] = _cli_json(s3.get_bucket_policy(Bucket=name))
            files[f"s3/{name}/policy-status.json"] = _cli_json(s3.get_bucket_policy_status(Bucket=name))
        except s3.exceptions.ClientError:
            pass
    return files


@pytest.fixture(scope="module")
def both(moto_url: str) -> tuple[dict[tuple[str, str], Resource], dict[tuple[str, str], Resource]]:
    cfg = parse_collect_config({"aws": {"endpoint_url": moto_url, "accounts": [{"regions": ["us-east-1"]}],
                                        "services": ["s3", "rds", "ec2", "elbv2", "kms"]}})
    live_facts = finalize_facts(collect_aws(cfg, store=EvidenceStore(None), as_of=AS_OF, sleep=lambda s: None))
    parser = load_parsers()["aws_cli"]
    parsed: list[Any] = []
    for name, data in _cli_files(moto_url).items():
        chosen = recognise(data, name)
        assert chosen is not None and chosen.name == "aws_cli", name
        ref = EvidenceRef(sha256_bytes(data), name, "file", datetime(2026, 11, 1, tzinfo=UTC), len(data))
        res = parse_with(parser, data, ParseContext(ref=ref, path=name, as_of=date(2026, 11, 1),
                                                    options={"account": ACCOUNT, "region": "us-east-1"}))
        assert res.errors == [], (name, res.errors)
        parsed.extend(res.facts)
    files = parser.finalize(parsed)  # type: ignore[misc]

    def index(facts: list[Any]) -> dict[tuple[str, str], Resource]:
        return {(r.kind, r.resource_id): r for r in facts if isinstance(r, Resource) and r.kind in KINDS
                and r.region in (None, "us-east-1")}

    return index(live_facts), index(files)


def test_same_resources(both: tuple[dict[tuple[str, str], Resource], dict[tuple[str, str], Resource]]) -> None:
    live, files = both
    assert set(files) == set(live)
    assert {k for k, _ in live} == set(KINDS)


def test_same_attributes_and_names(both: tuple[dict[tuple[str, str], Resource],
                                               dict[tuple[str, str], Resource]]) -> None:
    live, files = both
    for key, r in files.items():
        other = live[key]
        assert r.system == other.system == f"aws:{ACCOUNT}", key
        assert r.name == other.name, key
        # every attribute the files carry equals the live one (live S3 also has versioning and logging)
        assert {k: other.attrs.get(k) for k in r.attrs} == r.attrs, key
        if key[0] != "aws.s3.bucket":
            assert r.attrs == other.attrs, key
