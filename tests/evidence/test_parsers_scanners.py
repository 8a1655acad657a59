"""Trivy, Prowler and Checkov parsers on real-shaped reports."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence.detect import ParseContext, Parser, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.parsers._data_tables import load_table
from trustgap.evidence.parsers._scanner_topics import normalise_soc2, topics_from_text
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, Scan, ScanFinding, Vulnerability

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"


def run(name: str, data: bytes, path: str = "evidence.json") -> ParseResult:
    parser = load_parsers()[name]
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 10, tzinfo=UTC), len(data))
    return parse_with(parser, data, ParseContext(ref=ref, path=path, as_of=date(2026, 3, 10)))


def fixture(rel: str) -> bytes:
    return (FIX / rel).read_bytes()


def parser_for(data: bytes, name: str) -> Parser | None:
    return recognise(data, name)


# --------------------------------------------------------------------------- trivy


def _trivy_series() -> list[Any]:
    facts: list[Any] = []
    for name in ("api-2026-01-05.json", "api-2026-02-05.json", "api-2026-03-05.json"):
        res = run("trivy", fixture(f"trivy/{name}"), name)
        assert res.errors == []
        facts.extend(res.facts)
    return load_parsers()["trivy"].finalize(facts)  # type: ignore[misc]


def test_trivy_single_report_emits_scan_and_observations() -> None:
    res = run("trivy", fixture("trivy/api-2026-01-05.json"))
    scans = [f for f in res.facts if isinstance(f, Scan)]
    vulns = [f for f in res.facts if isinstance(f, Vulnerability)]
    assert len(scans) == 1
    assert scans[0].target == "ghcr.io/acme/api:main"
    assert scans[0].scanned_at == datetime(2026, 1, 5, 3, 0, 12, 481000, tzinfo=UTC)
    # the requests advisory is listed under two results of the same report: counted once
    assert sorted(v.vuln_id for v in vulns) == ["CVE-2026-0101", "GHSA-q2x7-8rv6-6q7h"]
    crit = next(v for v in vulns if v.vuln_id == "CVE-2026-0101")
    assert crit.severity == "critical"
    assert crit.package == "openssl"
    assert crit.installed_version == "3.0.11-1~deb12u2"
    assert crit.fixed_version == "3.0.13-1~deb12u1"
    assert crit.published_at == datetime(2025, 11, 20, 15, 15, tzinfo=UTC)
    assert crit.src.locator == "$.Results[0].Vulnerabilities[0]"


def test_trivy_series_dates_first_seen_last_seen_and_fixed_at() -> None:
    facts = _trivy_series()
    vulns = {v.vuln_id: v for v in facts if isinstance(v, Vulnerability)}
    jan, feb, mar = (datetime(2026, 1, 5, 3, 0, 12, 481000, tzinfo=UTC), datetime(2026, 2, 5, 3, 1, 40, tzinfo=UTC),
                     datetime(2026, 3, 5, 3, 0, 55, 100000, tzinfo=UTC))
    a = vulns["CVE-2026-0101"]
    assert (a.first_seen, a.last_seen, a.fixed_at) == (jan, feb, mar)
    b = vulns["CVE-2026-30412"]
    assert (b.first_seen, b.last_seen, b.fixed_at) == (feb, mar, None)
    c = vulns["GHSA-q2x7-8rv6-6q7h"]
    assert (c.first_seen, c.last_seen, c.fixed_at) == (jan, jan, feb)
    # not_affected entries are not vulnerabilities
    assert "CVE-2025-9999" not in vulns
    assert sum(isinstance(f, Scan) for f in facts) == 3
    # finalizing again changes nothing
    again = load_parsers()["trivy"].finalize(facts)  # type: ignore[misc]
    assert {v.vuln_id: (v.first_seen, v.fixed_at) for v in again if isinstance(v, Vulnerability)} == {
        k: (v.first_seen, v.fixed_at) for k, v in vulns.items()
    }


def test_trivy_without_created_at_is_rejected_naming_the_field() -> None:
    res = run("trivy", fixture("trivy/no-created-at.json"), "old.json")
    assert res.facts == []
    assert len(res.errors) == 1
    assert res.errors[0].field == "CreatedAt"
    assert "old.json" in str(res.errors[0])


def test_trivy_truncated_file_names_the_line() -> None:
    data = fixture("trivy/api-2026-01-05.json")[:900]
    res = run("trivy", data, "cut.json")
    assert res.facts == []
    assert res.errors[0].line is not None and res.errors[0].line > 1
    assert "cut.json" in str(res.errors[0])


def test_trivy_bad_vulnerability_entry_is_reported_and_others_kept() -> None:
    doc = json.loads(fixture("trivy/api-2026-02-05.json"))
    doc["Results"][1]["Vulnerabilities"].insert(0, {"PkgName": "x", "Severity": "HIGH"})
    res = run("trivy", json.dumps(doc).encode())
    assert [e.field for e in res.errors] == ["Results[1].Vulnerabilities[0].VulnerabilityID"]
    assert {v.vuln_id for v in res.facts if isinstance(v, Vulnerability)} == {"CVE-2026-0101", "CVE-2026-30412"}


def test_trivy_scan_is_authenticated_and_lost_entries_are_a_collection_issue() -> None:
    doc = json.loads(fixture("trivy/api-2026-02-05.json"))
    doc["Results"].append("not a result")
    res = run("trivy", json.dumps(doc).encode(), "scan.json")
    [scan] = [f for f in res.facts if isinstance(f, Scan)]
    assert scan.authenticated is True  # trivy reads the artifact's package databases
    [issue] = [f for f in res.facts if isinstance(f, CollectionIssue)]
    assert issue.source == "scans.trivy" and "scan.json" in issue.reason
    assert [e.field for e in res.errors] == ["Results[2]"]
    # the issue survives finalize, next to the dated vulnerabilities
    out = load_parsers()["trivy"].finalize(res.facts)  # type: ignore[misc]
    assert issue in out


def test_trivy_builds_tagged_per_commit_form_one_series_by_repository() -> None:
    reports = []
    for tag, month, vulns in (("sha-1a2b3c", 1, ["CVE-2026-0101"]), ("sha-4d5e6f", 2, [])):
        doc = {"SchemaVersion": 2, "CreatedAt": f"2026-0{month}-05T03:00:00Z", "ArtifactType": "container_image",
               "ArtifactName": f"ghcr.io/acme/api:{tag}",
               "Results": [{"Target": "t", "Vulnerabilities": [{"VulnerabilityID": v, "PkgName": "openssl",
                                                                 "Severity": "CRITICAL"} for v in vulns]}]}
        reports.append(json.dumps(doc).encode())
    parser = load_parsers()["trivy"]

    def series(options: dict[str, Any]) -> list[Any]:
        facts: list[Any] = []
        for data in reports:
            ref = EvidenceRef(sha256_bytes(data), "r.json", "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
            facts.extend(parse_with(parser, data, ParseContext(ref=ref, path="r.json", as_of=date(2026, 3, 1),
                                                                options=options)).facts)
        return parser.finalize(facts)  # type: ignore[misc]

    [v] = [f for f in series({"target": "repository"}) if isinstance(f, Vulnerability)]
    assert v.target == "ghcr.io/acme/api"
    assert v.fixed_at == datetime(2026, 2, 5, 3, 0, tzinfo=UTC)
    # by default each tag is its own artifact: the fix is not seen
    [v] = [f for f in series({}) if isinstance(f, Vulnerability)]
    assert v.target == "ghcr.io/acme/api:sha-1a2b3c" and v.fixed_at is None


def test_trivy_repository_of_image_references() -> None:
    from trustgap.evidence.parsers.trivy import repository_of

    assert repository_of("ghcr.io/acme/api:main") == "ghcr.io/acme/api"
    assert repository_of("registry:5000/team/api:1.2@sha256:abc") == "registry:5000/team/api"
    assert repository_of("registry:5000/team/api") == "registry:5000/team/api"
    assert repository_of("alpine") == "alpine"


@pytest.mark.slow
def test_trivy_finalize_is_linear_on_a_large_series() -> None:
    vulns = [{"VulnerabilityID": f"CVE-2026-{i:05d}", "PkgName": f"p{i % 500}", "InstalledVersion": "1",
              "Severity": "HIGH"} for i in range(20000)]
    facts: list[Any] = []
    for month in (1, 2, 3):
        doc = {"SchemaVersion": 2, "CreatedAt": f"2026-0{month}-01T00:00:00Z", "ArtifactName": "img",
               "Results": [{"Target": "t", "Vulnerabilities": vulns[: 20000 - month * 1000]}]}
        facts.extend(run("trivy", json.dumps(doc).encode()).facts)
    out = load_parsers()["trivy"].finalize(facts)  # type: ignore[misc]
    merged = [f for f in out if isinstance(f, Vulnerability)]
    assert len(merged) == 19000
    assert sum(1 for v in merged if v.fixed_at is not None) == 2000


# --------------------------------------------------------------------------- prowler


def test_soc2_ids_are_normalised() -> None:
    assert normalise_soc2("cc_6_1") == "CC6.1"
    assert normalise_soc2("cc_a_1_1") == "A1.1"
    assert normalise_soc2("cc_c_1_2") == "C1.2"
    assert normalise_soc2("pi_1_2") == "PI1.2"
    assert normalise_soc2("cc_pi_1_1") == "PI1.1"
    assert normalise_soc2("cc_p_4_2") == "P4.2"
    assert normalise_soc2("CC7.2") == "CC7.2"
    assert normalise_soc2("A1.2") == "A1.2"
    assert normalise_soc2("article_32") is None
    assert normalise_soc2("ksi-cmt") is None


def test_prowler_ocsf_findings() -> None:
    res = run("prowler", fixture("prowler/prowler-output-123456789012-20260301.ocsf.json"))
    by_check = {f.check_id: f for f in res.facts if isinstance(f, ScanFinding)}
    enc = by_check["s3_bucket_default_encryption"]
    assert enc.status == "fail"
    assert enc.severity == "medium"
    assert enc.resource == "arn:aws:s3:::acme-invoices"
    assert enc.resource_type == "AwsS3Bucket"
    assert enc.location == "123456789012/eu-west-1"
    assert enc.criteria == ("CC6.1", "PI1.4")
    assert enc.topics == ("encryption_at_rest",)
    assert enc.observed_at == datetime(2026, 3, 1, 2, 0, 55, 112233, tzinfo=UTC)
    trail = by_check["cloudtrail_multi_region_enabled"]
    assert trail.status == "pass"
    assert trail.criteria == ("CC2.1", "CC7.2", "A1.1", "PI1.3")
    assert trail.topics == ("logging",)
    root = by_check["iam_root_mfa_enabled"]
    assert root.topics == ("mfa",)
    assert root.criteria == ("CC6.1", "CC6.6")  # no SOC 2 mapping in the finding: from the topic
    assert root.severity == "critical"
    assert by_check["rds_instance_deletion_protection"].status == "skipped"  # muted
    manual = by_check["bedrock_guardrail_prompt_attack_filter_enabled"]
    assert manual.status == "manual"
    assert manual.topics  # keyword fallback gives at least "configuration"
    # the string item and the finding without a check id are reported, the rest kept; the loss is recorded
    assert len(by_check) == 5
    assert sorted(e.field or "" for e in res.errors) == ["$[5]", "$[6].metadata.event_code"]
    [issue] = [f for f in res.facts if isinstance(f, CollectionIssue)]
    assert issue.source == "scans.prowler" and "2 finding(s)" in issue.reason


def test_prowler_v3_json() -> None:
    res = run("prowler", fixture("prowler/prowler-v3-output.json"))
    assert res.errors == []
    pub, logs = res.facts
    assert pub.check_id == "s3_bucket_public_access"
    assert pub.status == "fail"
    assert pub.resource == "arn:aws:s3:::acme-public"
    assert pub.criteria == ("CC6.1", "CC6.6")
    assert pub.topics == ("public_access",)
    assert pub.observed_at == datetime(2023, 6, 12, 9, 15, 3, 221433, tzinfo=UTC)
    assert logs.topics == ("log_retention",)
    assert logs.criteria == ("CC7.2", "C1.2")


def test_prowler_table_covers_the_common_checks() -> None:
    table = load_table("prowler_topics.yaml")
    assert table["elbv2_insecure_ssl_ciphers"] == ["encryption_in_transit"]
    assert table["cloudfront_distributions_https_enabled"] == ["encryption_in_transit"]
    assert table["rds_instance_storage_encrypted"] == ["encryption_at_rest"]
    assert len(table) >= 40


def test_keyword_topics_for_unknown_ids() -> None:
    assert topics_from_text("opensearch_domain_node_to_node_encryption_enabled") == ("encryption_in_transit",)
    assert topics_from_text("dynamodb_table_encrypted_at_rest") == ("encryption_at_rest",)
    assert "log_retention" in topics_from_text("Ensure log group retention is at least 365 days")
    assert "mfa" in topics_from_text("iam_user_mfa_enabled")
    assert topics_from_text("ecs_task_definition_no_privileged") != ()


# --------------------------------------------------------------------------- checkov


def test_checkov_list_of_reports() -> None:
    res = run("checkov", fixture("checkov/results_json.json"))
    findings = [f for f in res.facts if isinstance(f, ScanFinding)]
    statuses = sorted((f.check_id, f.status) for f in findings)
    assert statuses == [
        ("CKV_AWS_103", "fail"), ("CKV_AWS_16", "fail"), ("CKV_AWS_18", "skipped"), ("CKV_AWS_19", "pass"),
        ("CKV_AWS_999", "fail"), ("CKV_SECRET_2", "fail"),
    ]
    rds = next(f for f in findings if f.check_id == "CKV_AWS_16")
    assert rds.location == "/rds.tf:3-27"
    assert rds.resource == "aws_db_instance.main"
    assert rds.severity == "high"
    assert rds.criteria == ("CC6.1", "CC6.7")
    assert rds.topics == ("encryption_at_rest",)
    assert rds.src.locator == "$[0].results.failed_checks[0]"
    tls = next(f for f in findings if f.check_id == "CKV_AWS_103")
    assert tls.severity is None and tls.topics == ("encryption_in_transit",)
    unknown = next(f for f in findings if f.check_id == "CKV_AWS_999")
    assert unknown.criteria == () and unknown.topics == ("logging",)
    secret = next(f for f in findings if f.check_id == "CKV_SECRET_2")
    assert secret.topics == ("secrets",)
    # the record without check_id is reported with its place; the parse error file is noted
    assert [e.field for e in res.errors] == ["$[0].results.failed_checks[3].check_id"]
    assert any("/broken.tf" in n for n in res.notes)


def test_checkov_resource_types_from_addresses() -> None:
    from trustgap.evidence.parsers.checkov import _resource_type

    assert _resource_type("aws_db_instance.main", "terraform") == "aws_db_instance"
    assert _resource_type("module.db.module.inner.aws_db_instance.main", "terraform") == "aws_db_instance"
    assert _resource_type('aws_s3_bucket.b["logs"]', "terraform_plan") == "aws_s3_bucket"
    assert _resource_type("AWS::S3::Bucket.LogsBucket", "cloudformation") == "AWS::S3::Bucket"
    assert _resource_type("Deployment.default.nginx", "kubernetes") == "kubernetes"
    assert _resource_type(None, "secrets") == "secrets"


def test_checkov_unparsed_files_and_lost_records_are_collection_issues() -> None:
    res = run("checkov", fixture("checkov/results_json.json"), "iac.json")
    issues = sorted((i.src.locator, i.reason) for i in res.facts if isinstance(i, CollectionIssue))
    assert all(isinstance(i, CollectionIssue) and i.source == "scans.checkov"
               for i in res.facts if not isinstance(i, ScanFinding))
    assert len(issues) == 2
    assert any("/broken.tf" in reason for _, reason in issues)  # a file checkov could not parse was not checked
    assert any("1 part(s)" in reason for _, reason in issues)  # the record without check_id
    rds = next(f for f in res.facts if isinstance(f, ScanFinding) and f.check_id == "CKV_AWS_16")
    assert rds.resource_type == "aws_db_instance"


@pytest.mark.parametrize("name", ["summary-only.json", "empty-report.json"])
def test_checkov_empty_outputs_are_valid(name: str) -> None:
    res = run("checkov", fixture(f"checkov/{name}"))
    assert res.errors == [] and res.facts == []


def test_checkov_bare_empty_list_is_valid() -> None:
    res = run("checkov", b"[]", "checkov.json")
    assert res.errors == [] and res.facts == []


def test_checkov_map_has_enough_ids_per_cloud() -> None:
    table = load_table("checkov_map.yaml")
    prefixes = [k.rsplit("_", 1)[0] for k in table]
    assert prefixes.count("CKV_AWS") >= 40
    assert prefixes.count("CKV_GCP") >= 10
    assert prefixes.count("CKV_AZURE") >= 10
    for key in ("CKV_AWS_19", "CKV_AWS_3", "CKV_AWS_7", "CKV_AWS_67", "CKV_AWS_36", "CKV_AWS_66", "CKV_AWS_338",
                "CKV_AWS_53", "CKV_AWS_56", "CKV_AWS_2", "CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_24", "CKV_AWS_25"):
        assert table[key]["topics"], key
        assert all(c[:2] in ("CC", "A1", "C1", "PI", "P1") for c in table[key]["criteria"])


def test_checkov_not_a_report_is_an_input_error() -> None:
    res = run("checkov", json.dumps([{"foo": 1}]).encode(), "x.json")
    assert res.facts == []
    assert res.errors and "x.json" in str(res.errors[-1])


# --------------------------------------------------------------------------- recognition by content


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("trivy/api-2026-01-05.json", "trivy"),
        ("prowler/prowler-output-123456789012-20260301.ocsf.json", "prowler"),
        ("prowler/prowler-v3-output.json", "prowler"),
        ("checkov/results_json.json", "checkov"),
        ("checkov/summary-only.json", "checkov"),
        ("checkov/empty-report.json", "checkov"),
    ],
)
def test_recognised_by_content_under_a_misleading_name(rel: str, expected: str) -> None:
    parser = parser_for(fixture(rel), "vendor-inventory.csv")
    assert parser is not None and parser.name == expected


def test_scanner_sniffers_ignore_other_json() -> None:
    for data in (b'{"login": "acme", "two_factor_requirement_enabled": true}', b"[]", b"not json"):
        for name in ("trivy", "prowler", "checkov"):
            assert load_parsers()[name].sniff(data, "org.json") == 0
