"""Recognition by content: one file of every supported format, with the publisher's real headers and keys, is
recognised by what it holds, also under a neutral name (``file7.dat``); files of no known format are listed as
"not recognised", never dropped.

Every registered parser must have a fixture here: a new parser without one fails
:func:`test_every_registered_parser_has_fixtures`.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from trustgap.evidence.detect import load_parsers, recognise
from trustgap.evidence.ingest import ingest_folder
from trustgap.evidence.store import EvidenceStore

from .test_parsers_documents import make_docx, make_pdf
from .test_parsers_documents_tables import make_xlsx

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"

# parser name -> its fixture files under tests/fixtures/evidence (one per variant of the format)
FIXTURES: dict[str, tuple[str, ...]] = {
    "google_reports_activities": ("google/admin-activities.json", "google/login-activities-pages.json"),
    "access_review_decisions": ("../access_reviews/okta-past-campaign-details.csv",
                                "../access_reviews/github-access-review-q1.csv"),
    "jira_changes": ("../jira/jsm-change-requests.csv", "../jira/jira-software-issues.csv"),
    "aws_cli": ("../aws_cli/v2/rds-describe-db-instances.json", "../aws_cli/v2/ec2-describe-security-groups.json",
                "../aws_cli/v2/elbv2-describe-listeners-portal.json", "../aws_cli/v2/kms-list-aliases.json",
                "../aws_cli/v2/s3api-get-bucket-encryption-acme-audit-logs.json",
                "../aws_cli/v1/acme-audit-logs/policy.json", "../aws_cli/v1/logs-describe-log-groups.json"),
    "aws_iam_credential_report": ("identity/aws-credential-report.csv", "identity/aws-credential-report-cli.json"),
    "checkov": ("checkov/results_json.json", "checkov/empty-report.json", "checkov/summary-only.json"),
    "github": ("github/org.json", "github/members.json", "github/repos.json", "github/protection-api.json",
               "github/rules-web.json", "github/pulls-api.json", "github/reviews-web-12.json"),
    "dependabot": ("github/dependabot-alerts.json",),
    "gitlab": ("../gitlab/v15/users.json", "../gitlab/v15/merge_requests.json", "../gitlab/v15/approvals-7.json",
               "../gitlab/v17/group-members.json", "../gitlab/v17/group-projects.json",
               "../gitlab/v17/protected-branches-infra.json"),
    "entra_directory_audits": ("../entra/directory-audits-v1.json", "../entra/directory-audits-beta.json"),
    "entra_users": ("identity/entra-users.json", "identity/entra-registration.json"),
    "grype": ("../grype/api-1.4.0.json", "../grype/web-dir-0.65.json"),
    "google_users": ("identity/google-users.json", "identity/google-users-gam.csv",
                     "identity/google-users-console.csv"),
    "hr_roster": ("hr/bamboohr-employees.csv", "hr/rippling-employees.csv", "hr/workday-workers.csv",
                  "hr/personio-employees.csv", "hr/adp-wfn-employees.csv", "hr/deel-people.csv"),
    "azure_role_assignments": ("../azure/role-assignment-list.json",),
    "azure_storage_accounts": ("../azure/storage-account-list.json", "../azure/storage-account-show.json"),
    "docusign_envelopes": ("../docusign/envelopes-list-status-changes.json",
                           "../docusign/envelope-get-onboarding.json"),
    "dropbox_sign_requests": ("../dropbox_sign/signature-request-list.json",),
    "gcp_firewall_rules": ("../gcp/compute-firewall-rules-list.json",),
    "gcp_iam_policy": ("../gcp/projects-get-iam-policy-acme-prod.json",
                       "../gcp/buckets/acme-partner-share/get-iam-policy.json"),
    "gcp_service_account_keys": ("../gcp/service-account-keys-ci-deployer.json",
                                 "../gcp/service-account-keys-legacy-etl.json"),
    "gcp_storage_buckets": ("../gcp/storage-buckets-list.json",),
    "gcp_storage_buckets_api": ("../gcp/buckets-api-list.json",),
    "intune_managed_devices": ("../intune/managed-devices-v1.json", "../intune/managed-devices-beta-select.json"),
    "jamf_pro_computers_inventory": ("../jamf/computers-inventory-all-sections.json",
                                     "../jamf/computers-inventory-encryption-only.json"),
    "kandji_devices": ("../kandji/devices-2023.json", "../kandji/devices-2025.json"),
    "lms_training": ("training/knowbe4-campaign-users.csv", "training/lms-completions.csv"),
    "okta": ("identity/okta-users.json", "identity/okta-factors.json", "identity/okta-roles.json"),
    "okta_system_log": ("../okta/system-log-api.json", "../okta/system-log-event-hook.jsonl",
                        "../okta/system-log-eventbridge.jsonl"),
    "policy_document": ("policies/information-security-policy.md", "policies/incident-response-plan.md"),
    "process_records": ("records/process-records.csv", "records/records.yaml",
                        "records/tabletop-single.yaml"),
    "risk_register": ("risk/risk-register.csv",),
    "security_exceptions": ("risk/security-exceptions.csv",),
    "dsr_log": ("../privacy/dsr-register.csv", "../privacy/datagrail-requests.csv"),
    "records_of_processing": ("../privacy/ico-ropa.csv", "../privacy/verarbeitungsverzeichnis.csv"),
    "breach_assessments": ("../privacy/breach-log.csv",),
    "deletion_job_runs": ("../privacy/deletion-job-runs.csv",),
    "customer_data_disposal": ("../privacy/customer-offboarding.csv",),
    "retention_schedule": ("../privacy/retention-schedule.csv",),
    "consent_records": ("../privacy/consent-log.csv",),
    "disclosure_log": ("../privacy/disclosures.csv",),
    "background_checks": ("records/checkr-reports.csv", "records/fuehrungszeugnisse.csv"),
    "access_reviews": ("records/access-review-log.csv", "records/zugriffsrezertifizierung.csv"),
    "contractor_list": ("hr/workday-contingent-workers.csv", "hr/agency-contractors.csv"),
    "generic_accounts": ("unknown-vendors/slack-members.csv",),
    "generic_changes": ("unknown-vendors/changes.csv",),
    "generic_devices": ("unknown-vendors/devices.csv",),
    "generic_incidents": ("unknown-vendors/incidents.csv",),
    "generic_vulnerabilities": ("unknown-vendors/vulnerabilities.csv",),
    "prowler": ("prowler/prowler-output-123456789012-20260301.ocsf.json", "prowler/prowler-v3-output.json"),
    "snyk_issues": ("../snyk/issues-org-pages.json", "../snyk/issues-project-ignored.json"),
    "talentlms": ("../talentlms/users.json", "../talentlms/course-12.json", "../talentlms/user-5.json"),
    "trivy": ("trivy/api-2026-01-05.json",),
    "vendor_inventory": ("vendors/vendor-inventory.csv",),
    "uptimerobot_monitors": ("../availability/uptimerobot-getmonitors.json",),
    "statuspage_incidents": ("../availability/statuspage-incidents.json",),
    "pagerduty_incidents": ("../availability/pagerduty-incidents.json",),
    "airflow_dag_runs": ("../processing/airflow-dag-runs.json",),
    "reconciliation_log": ("../processing/reconciliation-log.csv",),
    "rejected_inputs": ("../processing/rejected-inputs.csv",),
    "job_runs": ("../processing/cron-job-runs.csv",),
    "pingdom_checks": ("../availability/pingdom-checks.json",),
    "betterstack_monitors": ("../availability/betterstack-monitors.json",),
    "datadog_synthetics_tests": ("../availability/datadog-synthetics-tests.json",),
    "aws_backup_jobs": ("../availability/aws-backup-list-backup-jobs.json",),
}


def _generated() -> dict[str, list[tuple[str, bytes]]]:
    """Binary variants, written by the same libraries Word, Excel and PDF writers produce them with."""
    return {
        "policy_document": [
            ("docx", make_docx()),
            ("pdf", make_pdf(["Privacy Policy", "Owner: Legal", "Approved on: 2026-02-01"],
                             {"/Title": "Privacy Policy", "/Author": "Legal"})),
        ],
        "vendor_inventory": [("xlsx", make_xlsx())],
    }


def _other_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes/readme.txt", "holiday photos")
    return buf.getvalue()


# Files of no supported format: each must be listed as not recognised.
UNKNOWN: dict[str, bytes] = {
    "readme": b"# trustgap\n\nA tool that reads exports.\n",
    "package": b'{"name": "web", "version": "1.0.0", "dependencies": {"react": "^18.2.0"}}\n',
    "prices": b"sku,description,price\nA1,Widget,9.99\nB2,Gadget,19.50\n",
    "compose": b"services:\n  web:\n    image: nginx:1.27\n    ports: ['80:80']\n",
    "empty": b"",
    "image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
    "archive": _other_zip(),
    "notes": b"Meeting notes 2026-03-02\n- budget\n- hiring plan\n",
}


def _known_files() -> list[tuple[str, str, bytes]]:
    """(parser name, label, bytes) for every fixture and generated variant."""
    out = [(parser, rel, (FIX / rel).read_bytes()) for parser, rels in sorted(FIXTURES.items()) for rel in rels]
    for parser, variants in sorted(_generated().items()):
        out.extend((parser, f"generated .{kind}", data) for kind, data in variants)
    return out


def test_every_registered_parser_has_fixtures() -> None:
    registered = set(load_parsers())
    missing = sorted(registered - set(FIXTURES))
    stale = sorted(set(FIXTURES) - registered)
    assert not missing, f"parsers without a recognition fixture (add them to FIXTURES): {missing}"
    assert not stale, f"FIXTURES names parsers that are not registered: {stale}"
    for rels in FIXTURES.values():
        for rel in rels:
            assert (FIX / rel).is_file(), rel


@pytest.mark.parametrize(("parser", "rel"), [(p, r) for p, rels in sorted(FIXTURES.items()) for r in rels])
def test_fixture_recognised_by_content_under_any_name(parser: str, rel: str) -> None:
    data = (FIX / rel).read_bytes()
    for name in (Path(rel).name, "file7.dat", "export (3).txt"):
        found = recognise(data, name)
        assert found is not None and found.name == parser, f"{rel} as {name!r}: {found and found.name}"


def test_generated_binary_variants_recognised_by_content() -> None:
    for parser, variants in _generated().items():
        for kind, data in variants:
            found = recognise(data, "file7.dat")
            assert found is not None and found.name == parser, (parser, kind)


@pytest.mark.parametrize("label", sorted(UNKNOWN))
def test_other_files_are_not_recognised(label: str) -> None:
    for name in (f"{label}.dat", "records.yaml", "vendors.csv", "policy.md", "prowler.json"):
        assert recognise(UNKNOWN[label], name) is None, (label, name)


def test_folder_of_neutral_names_is_recognised_in_full(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    (folder / "nested" / "deeper").mkdir(parents=True)
    expected: dict[str, str | None] = {}
    known = _known_files()
    for n, (parser, _, data) in enumerate(known, start=1):
        sub = ("", "nested/", "nested/deeper/")[n % 3]
        name = f"{sub}file{n}.dat"
        (folder / name).write_bytes(data)
        expected[name] = parser
    for n, (label, data) in enumerate(UNKNOWN.items(), start=len(known) + 1):
        name = f"file{n}.dat"
        (folder / name).write_bytes(data)
        if label == "archive":  # read as its contents: the archive itself, and its one (unknown) member
            expected[name] = "archive"
            expected[f"{name}!notes/readme.txt"] = None
        else:
            expected[name] = None
    shutil.copy(FIX / "trivy" / "api-2026-02-05.json", folder / ".hidden-copy.json")  # hidden: skipped

    out = ingest_folder(folder, store=EvidenceStore(None), as_of=date(2026, 11, 16))
    items = {i.name: i for i in out.items}
    assert set(items) == set(expected)  # every file listed, hidden ones left out
    for name, parser in expected.items():
        item = items[name]
        if parser is None:
            assert (item.status, item.format) == ("not_recognised", None), name
        else:
            assert item.format == parser, f"{name}: expected {parser}, got {item.format}"
            assert item.status in ("parsed", "parsed_with_errors"), (name, item.status, item.errors)
    recognised = sum(1 for i in out.items if i.format not in (None, "archive"))
    assert recognised == len(known)  # 100% of the supported files


def test_demo_evidence_is_recognised_and_read_without_errors() -> None:
    from trustgap.demo import DEMO_AS_OF, demo_folder

    out = ingest_folder(demo_folder() / "evidence", store=EvidenceStore(None), as_of=DEMO_AS_OF)
    problems = [(i.name, i.status, [e.message for e in i.errors]) for i in out.items
                if i.status != "parsed" or i.facts == 0]
    assert problems == []
