"""Cloud configuration checks over the facts of AWS CLI, gcloud and Azure CLI JSON exports (real parsers)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import BranchProtection, Credential, Grant, Resource, Src

S = Src("c" * 64, "x")
ACCOUNT = "123456789012"


def _facts(tmp_path: Path, files: dict[str, Any]) -> list[Any]:
    ev = tmp_path / "evidence"
    for name, doc in files.items():
        (ev / name).parent.mkdir(parents=True, exist_ok=True)
        (ev / name).write_text(json.dumps(doc))
    out = ingest_folder(ev, store=EvidenceStore(tmp_path / "store"), as_of=date(2026, 11, 1))
    assert all(i.status == "parsed" for i in out.items), [(i.name, i.status, i.errors) for i in out.items]
    return finalize_facts(out)


def _sg(gid: str, name: str, port: int | None, cidr: str, proto: str = "tcp") -> dict[str, Any]:
    # aws ec2 describe-security-groups (https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-security-groups.html)
    perm: dict[str, Any] = {"IpProtocol": proto, "IpRanges": [{"CidrIp": cidr}], "Ipv6Ranges": [],
                            "PrefixListIds": [], "UserIdGroupPairs": []}
    if port is not None:
        perm |= {"FromPort": port, "ToPort": port}
    return {"Description": name, "GroupName": name, "GroupId": gid, "OwnerId": ACCOUNT, "VpcId": "vpc-1",
            "IpPermissions": [perm], "IpPermissionsEgress": []}


def test_security_groups_from_cli_json(tmp_path: Path, run) -> None:  # noqa: ANN001
    facts = _facts(tmp_path, {"aws/ec2-describe-security-groups.json": {"SecurityGroups": [
        _sg("sg-1", "bastion", 22, "0.0.0.0/0"), _sg("sg-2", "web", 443, "0.0.0.0/0"),
        _sg("sg-3", "db", 5432, "10.0.0.0/16"), _sg("sg-4", "wide-open", None, "::/0", proto="-1"),
        _sg("sg-5", "ping", -1, "0.0.0.0/0", proto="icmp")]}})
    res = run("cloud.admin_ports_closed_to_internet", facts)
    by = {e.entity: e for e in res.entities}
    assert res.status == "fail"
    assert by["sg-1 (bastion)"].status == "fail" and "SSH 22" in by["sg-1 (bastion)"].reason
    assert by["sg-4 (wide-open)"].status == "fail" and "all traffic" in by["sg-4 (wide-open)"].reason
    assert by["sg-2 (web)"].status == "pass" and by["sg-3 (db)"].status == "pass"
    assert by["sg-5 (ping)"].status == "pass"  # ICMP from anywhere reaches no administration port
    assert run("cloud.admin_ports_closed_to_internet", []).status == "not_assessed"


def _listener(lb: str, port: int, proto: str, *, policy: str | None = None, redirect: bool = False) -> dict[str, Any]:
    # aws elbv2 describe-listeners (https://docs.aws.amazon.com/cli/latest/reference/elbv2/describe-listeners.html)
    arn = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/{lb}/50dc6c495c0c9188"
    action = ({"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
              if redirect else {"Type": "forward", "TargetGroupArn": "arn:aws:elasticloadbalancing:tg/x/1"})
    d: dict[str, Any] = {"ListenerArn": arn.replace(":loadbalancer/", ":listener/") + f"/{port:016d}",
                         "LoadBalancerArn": arn, "Port": port, "Protocol": proto, "DefaultActions": [action]}
    if policy:
        d |= {"SslPolicy": policy, "Certificates": [{"CertificateArn": "arn:aws:acm:us-east-1:1:certificate/c"}]}
    return d


def test_load_balancer_listeners(tmp_path: Path, run) -> None:  # noqa: ANN001
    facts = _facts(tmp_path, {
        "aws/elbv2-describe-listeners-good.json": {"Listeners": [
            _listener("good", 443, "HTTPS", policy="ELBSecurityPolicy-TLS13-1-2-2021-06"),
            _listener("good", 80, "HTTP", redirect=True)]},
        "aws/elbv2-describe-listeners-legacy.json": {"Listeners": [
            _listener("legacy", 443, "HTTPS", policy="ELBSecurityPolicy-2016-08"), _listener("legacy", 80, "HTTP")]},
        "aws/elbv2-describe-listeners-custom.json": {"Listeners": [
            _listener("custom", 443, "HTTPS", policy="SomeCustomPolicy")]},
    })
    res = run("cloud.load_balancers_tls_only", facts)
    by = {e.entity: e for e in res.entities}
    assert by["good"].status == "pass"
    assert by["legacy"].status == "fail"
    assert "plain HTTP" in by["legacy"].reason and "TLS 1.0" in by["legacy"].reason
    assert by["custom"].status == "partial" and by["custom"].gap_kind == "insufficient_evidence"
    # a stricter promise turns a TLS 1.2 policy into a gap
    strict = run("cloud.load_balancers_tls_only", facts, thresholds={"min_tls_version": "1.3"})
    assert {e.entity for e in strict.failing if e.status == "fail"} == {"good", "legacy"}


def test_azure_storage_transport_and_public_access(tmp_path: Path, run) -> None:  # noqa: ANN001
    # az storage account list (https://learn.microsoft.com/cli/azure/storage/account#az-storage-account-list)
    sub = "/subscriptions/0b1c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts"

    def acct(name: str, https: bool, tls: str, public: bool) -> dict[str, Any]:
        return {"name": name, "id": f"{sub}/{name}", "location": "eastus2", "kind": "StorageV2",
                "resourceGroup": "rg", "enableHttpsTrafficOnly": https, "minimumTlsVersion": tls,
                "allowBlobPublicAccess": public, "encryption": {"keySource": "Microsoft.Storage"}}

    facts = _facts(tmp_path, {"azure/storage-account-list.json": [
        acct("goodstore", True, "TLS1_2", False), acct("oldstore", False, "TLS1_0", True)]})
    res = run("cloud.storage_requires_tls", facts)
    by = {e.entity: e for e in res.entities}
    assert by["goodstore"].status == "pass"
    old = by["oldstore"]
    assert old.status == "fail" and "plain HTTP" in old.reason and "TLS1_0" in old.reason
    pub = {e.entity: e.status for e in run("cloud.buckets_not_public", facts).entities}
    assert pub == {"goodstore": "pass", "oldstore": "fail"}


def test_gcs_buckets_public_members(tmp_path: Path, run) -> None:  # noqa: ANN001
    # gcloud storage buckets list / get-iam-policy (https://cloud.google.com/sdk/gcloud/reference/storage/buckets/list)
    buckets = [{"name": b, "storage_url": f"gs://{b}/", "location": "US-EAST1", "public_access_prevention": pap,
                "uniform_bucket_level_access": True} for b, pap in
               (("raw", "enforced"), ("share", "inherited"), ("unknown", "inherited"), ("closed", "inherited"))]
    facts = _facts(tmp_path, {
        "gcp/storage-buckets-list.json": buckets,
        "gcp/storage-buckets-get-iam-policy-share.json": {"bindings": [
            {"members": ["allUsers"], "role": "roles/storage.objectViewer"}], "etag": "CAE="},
        "gcp/storage-buckets-get-iam-policy-closed.json": {"bindings": [
            {"members": ["group:eng@acme.io"], "role": "roles/storage.objectViewer"}], "etag": "CAE="},
    })
    # the bucket of a policy is named by its file; parsers that cannot tell leave the resource to the file name
    grants = [f for f in facts if isinstance(f, Grant)]
    if not any(g.resource.startswith("gs://") for g in grants):  # pragma: no cover - parser contract
        raise AssertionError(f"bucket policies not tied to their buckets: {grants}")
    by = {e.entity: e for e in run("cloud.buckets_not_public", facts).entities}
    assert by["share"].status == "fail" and "allUsers" in by["share"].reason
    assert by["raw"].status == "pass" and by["closed"].status == "pass"
    assert by["unknown"].status == "partial" and by["unknown"].gap_kind == "insufficient_evidence"


def test_buckets_from_grants_alone(run) -> None:  # noqa: ANN001
    g = Grant(src=S, system="gcp", principal="allAuthenticatedUsers", principal_type="public",
              role="roles/storage.objectViewer", resource="gs://drop")
    r = Resource(src=S, system="gcp", kind="gcp.storage.bucket", resource_id="drop", attrs={})
    res = run("cloud.buckets_not_public", [g, r])
    assert [(e.entity, e.status) for e in res.entities] == [("drop", "fail")]


def test_gcp_user_managed_key_rotation_reuses_the_key_check(run) -> None:  # noqa: ANN001
    old = Credential(src=S, system="gcp", account_id="etl@p.iam.gserviceaccount.com", kind="service_account_key",
                     slot="3f1a", active=True, created_or_rotated_at=datetime(2025, 2, 11, tzinfo=UTC))
    new = Credential(src=S, system="gcp", account_id="ci@p.iam.gserviceaccount.com", kind="service_account_key",
                     slot="9e8d", active=True, created_or_rotated_at=datetime(2026, 10, 1, tzinfo=UTC))
    res = run("credentials.keys_rotated", [old, new], as_of=date(2026, 10, 20))
    by = {e.entity: e for e in res.entities}
    assert by["etl@p.iam.gserviceaccount.com service_account_key #3f1a (gcp)"].measured == {"days": 616}
    assert by["ci@p.iam.gserviceaccount.com service_account_key #9e8d (gcp)"].status == "pass"
    # usage is not in a key listing: no "never used" claim about a Google key
    assert run("credentials.unused_removed", [old]).status == "not_applicable"


def test_gitlab_protection_has_no_admin_bypass_to_judge(run) -> None:  # noqa: ANN001
    gl = BranchProtection(src=S, system="gitlab", repository="acme/api", branch="main", protected=True,
                          allow_force_pushes=False)
    gh = BranchProtection(src=S, system="github", repository="acme/web", branch="main", protected=True,
                          enforce_admins=False)
    assert run("branch_protection.admins_enforced", [gl]).status == "not_applicable"
    res = run("branch_protection.admins_enforced", [gl, gh])
    assert [(e.entity, e.status) for e in res.entities] == [("acme/web:main", "fail")]


def test_type2_security_group_lapse(tmp_path: Path) -> None:
    from datetime import date as d

    from tests.checks.conftest import build_ctx

    from trustgap.checks.base import load_checks

    rule = {"protocol": "tcp", "from_port": 22, "to_port": 22, "sources": ["0.0.0.0/0"]}
    now = Resource(src=S, system=f"aws:{ACCOUNT}", kind="aws.ec2.security_group", resource_id="sg-9", name="ops",
                   attrs={"ingress": [{**rule, "sources": ["10.0.0.0/8"]}], "public_ingress": []})
    old = Resource(src=Src("0" * 64, "$.SecurityGroups[0]"), system=f"aws:{ACCOUNT}", kind="aws.ec2.security_group",
                   resource_id="sg-9", name="ops", attrs={"ingress": [rule], "public_ingress": ["tcp 22"]})
    ctx = build_ctx([now], as_of=d(2026, 10, 20), period=(d(2026, 4, 1), d(2026, 9, 30)))
    ctx.facts.history = {id(now): [(datetime(2026, 5, 2, tzinfo=UTC), old)]}
    (e,) = load_checks()["cloud.admin_ports_closed_to_internet"].run(ctx).entities
    assert e.status == "fail" and "2026-05-02" in e.reason


def test_gcp_firewall_rules_from_gcloud_json(tmp_path: Path, run) -> None:  # noqa: ANN001
    # gcloud compute firewall-rules list --format=json (https://cloud.google.com/compute/docs/reference/rest/v1/firewalls)
    fixture = Path(__file__).parents[1] / "fixtures" / "gcp" / "compute-firewall-rules-list.json"
    rules = json.loads(fixture.read_text())
    facts = _facts(tmp_path, {"gcp/compute-firewall-rules-list.json": rules})
    by = {e.entity: e for e in run("cloud.admin_ports_closed_to_internet", facts).entities}
    assert by["allow-ssh-anywhere"].status == "fail" and "SSH 22" in by["allow-ssh-anywhere"].reason
    assert by["allow-https"].status == "pass" and by["allow-internal"].status == "pass"
    assert "old-rdp" not in by  # a disabled rule lets nothing in
