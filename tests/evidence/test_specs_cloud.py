"""Cloud providers other than AWS, read by their format specs: Google Cloud IAM policies (project and bucket),
service-account keys, Storage buckets (gcloud listing and JSON API), Azure storage accounts and role assignments."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, Credential, Grant, Resource

FIX = Path(__file__).parent.parent / "fixtures"
FILES = {
    "gcp_iam_policy": ("gcp/projects-get-iam-policy-acme-prod.json",
                       "gcp/buckets/acme-partner-share/get-iam-policy.json"),
    "gcp_service_account_keys": ("gcp/service-account-keys-ci-deployer.json",
                                 "gcp/service-account-keys-legacy-etl.json"),
    "gcp_storage_buckets": ("gcp/storage-buckets-list.json",),
    "gcp_storage_buckets_api": ("gcp/buckets-api-list.json",),
    "azure_storage_accounts": ("azure/storage-account-list.json", "azure/storage-account-show.json"),
    "azure_role_assignments": ("azure/role-assignment-list.json",),
}


def run(fmt: str, data: bytes, path: str, options: dict[str, Any] | None = None) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=date(2026, 3, 1), options=options or {})
    return parse_with(load_parsers()[fmt], data, ctx)


def facts(fmt: str, rel: str) -> list[Any]:
    res = run(fmt, (FIX / rel).read_bytes(), rel)
    assert res.errors == [], res.errors
    return res.facts


@pytest.mark.parametrize(("fmt", "rel"), [(f, r) for f, rels in FILES.items() for r in rels])
def test_recognised_by_content(fmt: str, rel: str) -> None:
    parser = recognise((FIX / rel).read_bytes(), "output.json")
    assert parser is not None and parser.name == fmt


def test_project_policy_one_grant_per_member_and_role() -> None:
    grants = [g for g in facts("gcp_iam_policy", FILES["gcp_iam_policy"][0]) if isinstance(g, Grant)]
    assert {g.resource for g in grants} == {"projects/acme-prod"}
    owners = {g.principal: g for g in grants if g.role == "roles/owner"}
    assert owners["user:dana@acme.io"].email == "dana@acme.io" and owners["user:dana@acme.io"].privileged is True
    assert owners["user:fay@acme.io"].principal_type == "user"
    assert owners["deleted:user:old.admin@acme.io?uid=123456789012345678901"].principal_type == "deleted"
    editors = {g.principal: g for g in grants if g.role == "roles/editor"}
    assert editors["group:platform@acme.io"].principal_type == "group" and editors["group:platform@acme.io"].privileged
    viewer = next(g for g in grants if g.role == "roles/viewer")
    assert viewer.privileged is False and viewer.email == "gus@contractors.acme.io"
    assert len(grants) == 7


def test_bucket_policy_named_by_its_folder_shows_public_access() -> None:
    grants = [g for g in facts("gcp_iam_policy", FILES["gcp_iam_policy"][1]) if isinstance(g, Grant)]
    public = [g for g in grants if g.principal_type == "public"]
    assert [(g.resource, g.principal, g.role) for g in public] == [
        ("gs://acme-partner-share", "allUsers", "roles/storage.objectViewer")]


def test_policy_whose_file_names_nothing_is_skipped_with_the_reason() -> None:
    data = (FIX / FILES["gcp_iam_policy"][0]).read_bytes()
    res = run("gcp_iam_policy", data, "get-iam-policy.json")
    assert not [g for g in res.facts if isinstance(g, Grant)]
    assert res.errors and "which project or bucket" in res.errors[0].message
    assert [i.source for i in res.facts if isinstance(i, CollectionIssue)] == ["gcp.iam"]
    named = run("gcp_iam_policy", data, "get-iam-policy.json", {"resource": "projects/acme-prod"})
    assert len([g for g in named.facts if isinstance(g, Grant)]) == 7


def test_user_managed_keys_only() -> None:
    keys = [c for c in facts("gcp_service_account_keys", FILES["gcp_service_account_keys"][0])
            if isinstance(c, Credential)]
    assert [(k.account_id, k.active, k.created_or_rotated_at) for k in keys] == [
        ("ci-deployer@acme-prod.iam.gserviceaccount.com", True, datetime(2025, 1, 15, 10, 22, 31, tzinfo=UTC)),
        ("ci-deployer@acme-prod.iam.gserviceaccount.com", False, datetime(2023, 6, 1, tzinfo=UTC))]
    assert keys[0].kind == "service_account_key" and keys[0].system == "gcp"


def test_buckets_from_gcloud_and_from_the_json_api() -> None:
    listed = {r.resource_id: r for r in facts("gcp_storage_buckets", FILES["gcp_storage_buckets"][0])
              if isinstance(r, Resource)}
    claims = listed["acme-claims-archive"].attrs
    assert claims["public_access_prevention"] == "enforced" and claims["uniform_access"] is True
    assert claims["kms_key"].endswith("cryptoKeys/claims") and claims["versioning"] is True
    share = listed["acme-partner-share"]
    assert share.kind == "gcp.storage.bucket" and share.attrs["public_access_prevention"] == "inherited"
    assert share.attrs["uniform_access"] is False and share.region == "US-EAST1"
    api = [r for r in facts("gcp_storage_buckets_api", FILES["gcp_storage_buckets_api"][0]) if isinstance(r, Resource)]
    assert [(r.resource_id, r.attrs["public_access_prevention"], r.attrs["uniform_access"], r.attrs["versioning"])
            for r in api] == [("acme-ml-datasets", "enforced", True, False)]


def test_azure_storage_accounts_and_role_assignments() -> None:
    accounts = {r.attrs and r.resource_id.rsplit("/", 1)[-1]: r for r in
                facts("azure_storage_accounts", FILES["azure_storage_accounts"][0]) if isinstance(r, Resource)}
    legacy = accounts["acmelegacyexports"].attrs
    assert (legacy["https_only"], legacy["minimum_tls_version"]) == (False, "TLS1_0")
    assert legacy["blob_public_access"] is True
    assert accounts["acmeprodclaims"].attrs["key_source"] == "Microsoft.Keyvault"
    grants = {g.principal: g for g in facts("azure_role_assignments", FILES["azure_role_assignments"][0])
              if isinstance(g, Grant)}
    assert grants["dana@acme.io"].privileged is True and grants["dana@acme.io"].email == "dana@acme.io"
    assert grants["Eli@acme.io"].privileged is False and grants["Eli@acme.io"].email == "eli@acme.io"
    assert grants["github-deploy"].principal_type == "service_account" and grants["github-deploy"].privileged is True
    assert grants["platform-team"].principal_type == "group" and grants["platform-team"].privileged is False


def test_broken_json_names_the_line() -> None:
    res = run("azure_role_assignments", b'[{"principalName": "x",\n "scope": ', "roles.json")
    assert res.facts == [] and res.errors[0].line == 2 and "roles.json" in str(res.errors[0])


def test_assignment_without_a_role_is_skipped_and_voids_the_topic() -> None:
    doc = json.loads((FIX / FILES["azure_role_assignments"][0]).read_text())
    doc[0]["roleDefinitionName"] = None
    res = run("azure_role_assignments", json.dumps(doc).encode(), "roles.json")
    assert len([g for g in res.facts if isinstance(g, Grant)]) == 3
    assert [i.source for i in res.facts if isinstance(i, CollectionIssue)] == ["azure.iam"]


def test_older_gcloud_keys_and_an_expired_key() -> None:
    keys = [c for c in facts("gcp_service_account_keys", FILES["gcp_service_account_keys"][1])
            if isinstance(c, Credential)]
    assert [(k.account_id, k.active) for k in keys] == [
        ("etl-runner@acme-data.iam.gserviceaccount.com", True), ("etl-runner@acme-data.iam.gserviceaccount.com", False)]
    assert keys[0].created_or_rotated_at == datetime(2025, 2, 11, 8, tzinfo=UTC)


def test_one_storage_account_shown() -> None:
    shown = facts("azure_storage_accounts", FILES["azure_storage_accounts"][1])
    (acct,) = [r for r in shown if isinstance(r, Resource)]
    assert acct.attrs["minimum_tls_version"] == "TLS1_2" and acct.attrs["https_only"] is True
    assert "infrastructure_encryption" not in acct.attrs and acct.region == "westeurope"  # null: not said
