"""Confidentiality and privacy exports read by their format specs: data subject request logs (a hand-kept register,
a DataGrail-style table), an ICO-template record of processing, a breach log, deletion job runs, disposal at
contract end, a retention schedule, consent and disclosure logs, and a vendor list with PHI and BAA columns."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap.engine.reconcile import promises_in_text
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with
from trustgap.evidence.parsers.privacy_records import countries, period_days, request_kind
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Incident, ProcessingActivity, ProcessingEvent, Record, Request, RetentionRule, Vendor

FIX = Path(__file__).parent.parent / "fixtures" / "privacy"


def run(fmt: str, data: bytes, path: str) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 10, 28, tzinfo=UTC), len(data))
    return parse_with(load_parsers()[fmt], data, ParseContext(ref=ref, path=path, as_of=date(2026, 10, 31)))


def facts(fmt: str, name: str, cls: type) -> dict[str, Any]:
    res = run(fmt, (FIX / name).read_bytes(), f"privacy/{name}")
    assert res.errors == [], res.errors
    out: dict[str, Any] = {}
    for f in res.facts:
        if isinstance(f, cls):
            key = getattr(f, "request_id", None) or getattr(f, "name", None) or getattr(f, "incident_id", None) \
                or getattr(f, "data_class", None) or getattr(f, "ref", None) or getattr(f, "title", None) \
                or getattr(f, "subject", None)
            out.setdefault(str(key), f)
    return out


def d(y: int, m: int, day: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, day, h, mi, tzinfo=UTC)


def test_dsr_register_types_regimes_and_extension_notice() -> None:
    got = facts("dsr_log", "dsr-register.csv", Request)
    access = got["DSR-0101"]
    assert (access.kind, access.jurisdiction, access.received_at, access.completed_at) == (
        "access", "gdpr", d(2026, 3, 2), d(2026, 4, 20))
    assert access.extended is False and access.extension_notified_at is None
    erase = got["DSR-0102"]
    assert erase.kind == "erasure" and erase.extended is True and erase.extension_notified_at == d(2026, 5, 28)
    fix = got["DSR-0103"]
    assert fix.kind == "rectification" and fix.received_at == d(2026, 9, 14) and fix.completed_at is None


def test_datagrail_style_requests() -> None:
    got = facts("dsr_log", "datagrail-requests.csv", Request)
    assert got["REQ-88a1"].kind == "access" and got["REQ-88a1"].jurisdiction == "ccpa"
    assert got["REQ-88a1"].due_at == d(2026, 9, 17) and got["REQ-88a1"].completed_at == d(2026, 8, 29)
    assert got["REQ-88b7"].kind == "erasure" and got["REQ-88b7"].status == "active: wizard"
    assert got["REQ-88c2"].kind == "opt_out"


def test_ico_record_of_processing() -> None:
    got = facts("records_of_processing", "ico-ropa.csv", ProcessingActivity)
    payroll = got["Finance"]
    assert payroll.purpose == "Payroll" and payroll.lawful_basis == "Legal obligation"
    assert payroll.transfers == () and payroll.recipients == ("HMRC", "pension provider")
    support = got["Customer support"]
    assert support.transfers == ("United States",) and support.transfer_safeguard is None
    news = got["Marketing"]
    assert news.transfers == ("USA", "India") and news.transfer_safeguard == "SCCs (2021/914)"
    assert news.lawful_basis is None and news.data_subjects == ("Prospects",)


def test_breach_log_times_zones_and_regime() -> None:
    got = facts("breach_assessments", "breach-log.csv", Incident)
    one = got["BR-2026-01"]
    assert (one.is_breach, one.personal_data, one.kind, one.regime) == (False, True, "privacy", "gdpr")
    two = got["BR-2026-02"]
    assert two.detected_at == d(2026, 5, 11, 16) and two.authority_notified_at == d(2026, 5, 16, 7)
    assert two.breach_assessed_on == date(2026, 5, 12) and two.severity == "high"
    assert got["BR-2026-03"].regime == "hipaa" and got["BR-2026-03"].subjects_notified_at == d(2026, 8, 20, 12)


def test_deletion_job_runs() -> None:
    res = run("deletion_job_runs", (FIX / "deletion-job-runs.csv").read_bytes(), "privacy/deletion-job-runs.csv")
    got = {f.ref: f for f in res.facts if isinstance(f, ProcessingEvent)}
    first = got["purge-support-tickets@2026-03-01"]
    assert (first.kind, first.status, first.details["records_deleted"]) == ("deletion_job", "ok", 412)
    assert got["purge-support-tickets@2026-04-01"].status == "failed"
    assert got["expire-trial-accounts@2026-05-01"].status == "ok"


def test_customer_disposal_clock_starts_at_contract_end() -> None:
    got = facts("customer_data_disposal", "customer-offboarding.csv", Request)
    acme = got["Acme Dental Group"]
    assert (acme.kind, acme.contract_end, acme.received_at, acme.completed_at) == (
        "disposal", date(2026, 6, 30), d(2026, 6, 30), d(2026, 9, 15))
    assert got["Birch Clinics"].completed_at is None and got["Birch Clinics"].received_at == d(2026, 8, 31)


def test_retention_schedule_periods() -> None:
    got = facts("retention_schedule", "retention-schedule.csv", RetentionRule)
    assert got["Invoices"].period_days == 3652 and got["Invoices"].disposal == "Automated purge"
    assert got["Support tickets"].period_days == 730 and got["Support tickets"].oldest_record == date(2023, 11, 30)
    assert got["Customer content"].period_days is None
    assert got["Customer content"].period_text == "Contract term + 30 days"


def test_consent_and_disclosure_logs_keep_no_identifiers() -> None:
    consents = run("consent_records", (FIX / "consent-log.csv").read_bytes(), "privacy/consent-log.csv").facts
    recs = [f for f in consents if isinstance(f, Record)]
    assert [(r.kind, r.title, r.performed_on, r.outcome) for r in recs][0] == (
        "consent", "Product newsletter", date(2026, 3, 4), "Active")
    assert recs[1].details["withdrawn_on"] == "2026-06-01"
    got = facts("disclosure_log", "disclosures.csv", Record)
    assert got["Annual audit"].subject == "Tax authority" and got["Annual audit"].details["basis"] == "Legal obligation"
    assert "basis" not in got["Continuity of care"].details


def test_vendor_list_with_phi_and_baa_columns() -> None:
    data = (b"Vendor,Service,Tier,Personal Data,Health Data (PHI),DPA,BAA\n"
            b"Claimbridge,Clearing house,Critical,Yes,Yes,2025-11-03,2025-11-03\n"
            b"ScribeAI,Transcription,High,Yes,Yes,2026-01-20,\n"
            b"Figstack,Design,Low,No,No,,\n")
    res = run("vendor_inventory", data, "vendors/processors.csv")
    got = {v.name: v for v in res.facts if isinstance(v, Vendor)}
    assert got["Claimbridge"].baa_signed is True and got["Claimbridge"].processes_health_data is True
    assert got["ScribeAI"].baa_signed is False and got["ScribeAI"].processes_personal_data is True
    assert got["Figstack"].processes_personal_data is False and got["Figstack"].processes_health_data is False


def test_bad_date_is_reported_with_line_and_column() -> None:
    data = b"Request ID,Type,Received,Completed\nR-1,Access,not a date,2026-01-02\nR-2,Access,2026-01-02,\n"
    res = run("dsr_log", data, "privacy/dsr.csv")
    assert any("Received" in str(e) and "2" in str(e) for e in res.errors), res.errors
    assert [f.request_id for f in res.facts if isinstance(f, Request)] == ["R-2"]


def test_value_helpers() -> None:
    assert period_days("7 years") == 2557 and period_days("400 days") == 400 and period_days("18 mos") == 548
    assert period_days("until the contract ends") is None
    assert countries("Yes (United States)") == ("United States",) and countries("No") == () and countries("-") == ()
    assert request_kind("Subject Access Request") == "access" and request_kind("Right to delete") == "erasure"


def test_privacy_promises_read_from_policy_text() -> None:
    text = ("Data subject requests are answered within one month, extendable by two months with notice. Breaches "
            "are notified to the supervisory authority within 72 hours.\n\nCustomer data is deleted within 30 days "
            "of contract end.\n\nThe privacy notice is reviewed annually.")
    got = {p.key: p.value for p in promises_in_text(text, source="privacy.md", ref=None)}
    assert got == {"dsr_response_months": 1, "dsr_extension_months": 2, "breach_notification_hours": 72.0,
                   "disposal_days": 30, "privacy_notice_months": 12}


def test_personal_data_read_from_the_data_access_text() -> None:
    data = (b"Vendor Name,Service,Data Access,Risk Tier,DPA Signed\n"
            b"Google Workspace,Email,Internal documents; customer contact data,High,Yes\n"
            b"GitHub,Source code hosting,Source code,High,Yes\n")
    got = {v.name: v for v in run("vendor_inventory", data, "vendors/vendors.csv").facts if isinstance(v, Vendor)}
    assert got["Google Workspace"].processes_personal_data is True
    assert got["GitHub"].processes_personal_data is None


def test_german_register_of_processing() -> None:
    got = facts("records_of_processing", "verarbeitungsverzeichnis.csv", ProcessingActivity)
    assert got["Lohnabrechnung"].lawful_basis == "Art. 6 Abs. 1 lit. c DSGVO" and got["Lohnabrechnung"].transfers == ()
    assert got["Kundensupport"].transfers == ("USA",) and got["Kundensupport"].transfer_safeguard is None
    assert got["Kundensupport"].retention == "2 Jahre"


def test_access_request_tickets_and_plain_job_logs_are_not_privacy_records() -> None:
    from trustgap.evidence.detect import recognise

    tickets = b"Request ID,Type,Created,Resolved,Approver,Application\nREQ-1,Access,2026-01-02,2026-01-03,a@x.io,CRM\n"
    parser = recognise(tickets, "requests.csv")
    assert parser is None or parser.name != "dsr_log"
    jobs = b"Job,Run ID,Run Date,Status\nnightly-etl,101,2026-01-02,success\nnightly-etl,102,2026-01-03,failed\n"
    parser = recognise(jobs, "runs.csv")
    assert parser is None or parser.name != "deletion_job_runs"


def test_rows_missing_a_required_field_are_skipped_naming_line_and_column() -> None:
    dsr = b"Request ID,Type,Received,Completed\nR-1,Access,2026-01-02,\n,Access,2026-01-03,\nR-3,Erasure,,\n"
    res = run("dsr_log", dsr, "privacy/dsr.csv")
    assert [f.request_id for f in res.facts if isinstance(f, Request)] == ["R-1"]  # the rest of the file is read
    said = [(e.line, e.field, e.message) for e in res.errors]
    assert (3, "Request ID", "Request ID is empty: the row is skipped") in said
    assert (4, "Received", "Received is empty: the row is skipped") in said
    jobs = (b"Job,Run Date,Status,Records Deleted,Data Class\npurge-tickets,2026-03-01,success,4,Tickets\n"
            b",2026-04-01,success,3,Tickets\npurge-tickets,,failed,0,Tickets\n")
    res = run("deletion_job_runs", jobs, "privacy/deletion-job-runs.csv")
    assert [f.ref for f in res.facts if isinstance(f, ProcessingEvent)] == ["purge-tickets@2026-03-01"]
    said = [(e.line, e.field, e.message) for e in res.errors]
    assert (3, "Job", "Job is empty: the row is skipped") in said
    assert (4, "Run Date", "Run Date is empty: the row is skipped") in said
