"""The AWS collector's network, TLS, key-alias and bucket-policy facts, against the local moto server."""

from __future__ import annotations

from typing import Any

import pytest
from tests.collectors.conftest import AS_OF, REGIONS

from trustgap.collectors.aws import collect_aws
from trustgap.collectors.base import parse_collect_config
from trustgap.evidence.ingest import finalize_facts
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue, FactSet, Resource


@pytest.fixture(scope="module")
def facts(moto_url: str) -> FactSet:
    cfg = parse_collect_config({"aws": {"endpoint_url": moto_url, "accounts": [{"regions": list(REGIONS)}],
                                        "services": ["s3", "ec2", "elbv2", "kms"]}})
    out = collect_aws(cfg, store=EvidenceStore(None), as_of=AS_OF, sleep=lambda s: None)
    return FactSet(finalize_facts(out))


def _by_name(facts: FactSet, kind: str) -> dict[str, Resource]:
    return {r.name or r.resource_id: r for r in facts.resources(kind) if r.region == "us-east-1"}


def test_security_groups_open_to_the_world_are_named(facts: FactSet) -> None:
    groups = _by_name(facts, "aws.ec2.security_group")
    assert groups["bastion"].attrs["public_ingress"] == ["tcp 22"]
    assert groups["office-https"].attrs["public_ingress"] == []
    rule = groups["office-https"].attrs["ingress"][0]
    assert rule == {"protocol": "tcp", "from_port": 443, "to_port": 443, "sources": ["198.51.100.0/24"]}
    assert groups["bastion"].attrs["egress_open"] is True  # the default outbound rule


def test_listeners_with_tls_policy_and_redirect(facts: FactSet) -> None:
    listeners = _by_name(facts, "aws.elbv2.listener")
    https = listeners["web:443"].attrs
    assert https["encrypted"] is True and https["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["tls_protocols"] == ["TLSv1.2", "TLSv1.3"] and len(https["certificate_arns"]) == 1
    assert listeners["web:80"].attrs["redirects_to_https"] is True
    legacy = listeners["legacy:80"].attrs
    assert legacy["encrypted"] is False and legacy["redirects_to_https"] is False
    assert legacy["load_balancer_scheme"] == "internet-facing"
    lbs = _by_name(facts, "aws.elbv2.load_balancer")
    assert lbs["web"].attrs["internet_facing"] is True and lbs["web"].attrs["type"] == "application"


def test_keys_named_by_alias(facts: FactSet) -> None:
    keys = _by_name(facts, "aws.kms.key")
    assert keys["alias/payments"].attrs["aliases"] == ["alias/payments"]
    assert keys["orders key"].attrs["aliases"] == []  # no alias: named by its description


def test_bucket_policies_and_encryption_type(facts: FactSet) -> None:
    buckets: dict[str, Any] = {r.name: r.attrs for r in facts.resources("aws.s3.bucket")}
    audit = buckets["acme-audit-logs"]
    assert audit["encryption_type"] == "SSE-KMS" and audit["policy_requires_tls"] is True
    assert audit["policy_is_public"] is False and audit["policy_allows_anonymous"] is False
    public = buckets["acme-public-assets"]
    assert public["has_policy"] is True and public["policy_allows_anonymous"] is True
    assert public["policy_is_public"] is True and public["policy_requires_tls"] is False
    legacy = buckets["acme-trail-legacy"]
    assert legacy["has_policy"] is False and legacy["policy_is_public"] is False
    assert not facts.of(CollectionIssue), facts.of(CollectionIssue)
