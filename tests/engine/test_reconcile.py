"""Promises read from policy text, and a promise held against practice end to end."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from trustgap.assessment import run_assessment
from trustgap.engine.reconcile import extract_promises, promises_in_text
from trustgap.facts import Document, Src


def one(text: str) -> dict[str, object]:
    return {p.key: p.value for p in promises_in_text(text, source="p.md", ref=None)}


@pytest.mark.parametrize(("sentence", "key", "value"), [
    ("User access is reviewed quarterly by each system owner.", "access_review_cadence_months", 3),
    ("Access rights are reviewed every six months.", "access_review_cadence_months", 6),
    ("Access for leavers is revoked within 24 hours of termination.", "offboarding_hours", 24.0),
    ("Accounts of terminated staff are disabled within one business day.", "offboarding_hours", 24.0),
    ("Departing staff lose access within 48 hours of their last day.", "offboarding_hours", 48.0),
    ("Leavers are deprovisioned from every system within 2 days.", "offboarding_hours", 48.0),
    ("Critical vulnerabilities are remediated within 15 days.", "critical_vuln_sla_days", 15),
    ("High severity findings are fixed within 60 days.", "high_vuln_sla_days", 60),
    ("Medium vulnerabilities are patched within 90 days.", "medium_vuln_sla_days", 90),
    ("Policies are reviewed at least annually and approved by the CEO.", "policy_review_months", 12),
    ("A risk assessment is performed at least annually.", "risk_assessment_months", 12),
    ("Security logs are retained for at least one year.", "log_retention_days", 365),
    ("Audit logs are kept for 90 days.", "log_retention_days", 90),
    ("Every pull request requires at least two approvals before merge.", "change_min_approvals", 2),
    ("Multi-factor authentication is required for all accounts.", "mfa_required", True),
    ("The incident response plan is tested in a tabletop exercise annually.", "incident_test_months", 12),
    ("The disaster recovery plan is tested every 12 months.", "dr_test_months", 12),
    ("Access keys are rotated every 90 days.", "key_rotation_days", 90),
    ("API keys and service account credentials are rotated at least every 180 days.", "key_rotation_days", 180),
    ("Data is encrypted with AES-256 (AWS KMS); keys are rotated yearly.", "encryption_key_rotation_days", 365),
    ("Customer-managed encryption keys are rotated every 2 years.", "encryption_key_rotation_days", 730),
    ("New hires complete security training within 14 days of their start date.", "training_new_hire_days", 14),
    ("Vendors are reviewed annually by their owner.", "vendor_review_months", 12),
    ("Vulnerability scans run monthly against production.", "vuln_scan_cadence_months", 1),
    ("Connections use TLS 1.2 or later.", "min_tls_version", "1.2"),
    ("An external penetration test is performed annually.", "pentest_months", 12),
    ("Availability target: 99.95% monthly uptime for customer-facing services.", "uptime_target_percent", 99.95),
    ("Every P1 or P2 incident gets a post-incident review within 5 business days.",
     "post_incident_review_business_days", 5),
    ("Reconciliation variances are resolved within 2 business days.", "reconciliation_business_days", 2),
    ("Failed scheduled jobs are re-run within 12 hours.", "job_rerun_hours", 12.0),
    ("Rejected inputs are corrected within one week.", "rejected_input_business_days", 5),
])
def test_sentence_sets_threshold(sentence: str, key: str, value: object) -> None:
    assert one(sentence).get(key) == value


@pytest.mark.parametrize("sentence", [
    "Access is granted on request.",
    "We take security seriously.",
    "Policies are published on the intranet.",
    "Critical systems are listed in the asset inventory.",
])
def test_sentences_without_a_number_promise_nothing(sentence: str) -> None:
    assert one(sentence) == {}


def test_one_sentence_promising_several_deadlines_reads_each_after_its_subject() -> None:
    got = one("Variances are resolved within 2 business days; failed scheduled jobs are re-run within 24 hours; "
              "rejected inputs are corrected within 5 business days.")
    assert (got["reconciliation_business_days"], got["job_rerun_hours"], got["rejected_input_business_days"]) == \
        (2, 24.0, 5)
    assert "uptime_target_percent" not in one("At most 10% of accounts are administrators.")


def test_encryption_key_rotation_is_not_an_access_key_limit() -> None:
    promised = one("Confidential data is encrypted at rest with AES-256 (AWS KMS) and in transit with TLS 1.2 or "
                   "later; keys are rotated yearly.")
    assert promised.get("encryption_key_rotation_days") == 365
    assert "key_rotation_days" not in promised
    assert "encryption_key_rotation_days" not in one("Access keys are rotated every 90 days.")


def test_wrapped_sentence_quoted_whole_with_its_first_line() -> None:
    text = "# Access\n\n## Leavers\nAccess for departing staff is revoked\nwithin 24 hours of termination. Other.\n"
    [p] = promises_in_text(text, source="access.md", ref="a" * 64, first_line=5)
    assert p.quote == "Access for departing staff is revoked within 24 hours of termination."
    assert p.locator == "line 8" and p.ref == "a" * 64 and p.origin == "policy"


def test_drafts_promise_nothing_and_body_offset_counts() -> None:
    body = "Access is reviewed quarterly.\n"
    draft = Document(src=Src("d" * 64, "line 6"), path="draft.md", title="Access", status="draft", text=body)
    approved = Document(src=Src("e" * 64, "line 6"), path="ok.md", title="Access", status="approved", text=body)
    ps = extract_promises([draft, approved])
    assert [(p.source, p.locator) for p in ps] == [("ok.md", "line 6")]


def _okta_user(uid: str, email: str, status: str, changed: str) -> dict[str, object]:
    return {"id": uid, "status": status, "created": "2024-01-02T09:00:00.000Z",
            "activated": "2024-01-02T09:00:00.000Z", "statusChanged": changed, "lastLogin": "2026-03-01T08:00:00.000Z",
            "lastUpdated": changed, "passwordChanged": None, "type": {"id": "oty1"},
            "profile": {"firstName": email.split(".")[0].title(), "lastName": "X", "login": email, "email": email}}


def test_policy_24h_against_72h_offboarding_is_not_operating_quoting_the_line(tmp_path: Path) -> None:
    org = tmp_path / "acme"
    ev = org / "evidence"
    ev.mkdir(parents=True)
    (org / "scope.yaml").write_text(
        "organisation: {name: Acme}\nreport: {type: type2, period: {start: 2026-01-01, end: 2026-06-30}}\n"
        "systems:\n  - {name: Okta, kind: okta}\n", encoding="utf-8")
    (ev / "roster.csv").write_text(
        "Employee #,First Name,Last Name,Work Email,Hire Date,Termination Date,Status\n"
        "1,Ann,Lee,ann.lee@acme.example,01/02/2024,,Active\n"
        "2,Bo,Kim,bo.kim@acme.example,01/02/2024,03/02/2026,Inactive\n", encoding="utf-8")
    users = [_okta_user("00u1", "ann.lee@acme.example", "ACTIVE", "2024-01-02T09:00:00.000Z"),
             # terminated 2026-03-02 (effective at the end of that day), deprovisioned 48 hours later
             _okta_user("00u2", "bo.kim@acme.example", "DEPROVISIONED", "2026-03-05T00:00:00.000Z")]
    (ev / "okta.json").write_text(json.dumps(users), encoding="utf-8")
    (ev / "access-control.md").write_text(
        "---\ntitle: Access Control Policy\nowner: CTO\nstatus: approved\napproved_on: 2026-01-10\n---\n"
        "# Access Control Policy\n\nAccess for departing staff is revoked within 24 hours of their termination.\n",
        encoding="utf-8")
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=ev, as_of=date(2026, 6, 30), save=False)
    found = [f for f in result.findings if f.check_id == "offboarding.access_revoked_in_time"]
    assert [f.entity for f in found] and "bo.kim@acme.example" in (found[0].entity or "")
    f = found[0]
    assert f.gap_kind == "not_operating" and f.measured and f.measured["hours"] == 48.0
    assert f.promise is not None and f.promise.source.endswith("access-control.md")
    assert f.promise.locator == "line 9"
    assert "revoked within 24 hours" in f.promise.quote and "revoked within 24 hours" in f.reason
    v = result.verdict("AC-07")
    assert v.status in ("gap", "partial") and v.gap_kind == "not_operating"
    assert result.thresholds["offboarding_hours"]["origin"] == "policy"
