"""Vendor inventories (CSV, XLSX) and process records (CSV, YAML, background-check exports)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.parsers.vendors import normalise_tier
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import AccessDecision, CollectionIssue, Record, Vendor

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"


def run(parser: str, data: bytes, path: str, options: dict[str, object] | None = None) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 7, 1, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=date(2026, 7, 1), options=dict(options or {}))
    return parse_with(load_parsers()[parser], data, ctx)


def make_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "About"
    notes.append(["Exported from the compliance platform"])
    ws = wb.create_sheet("Vendors")
    ws.append(["Vendor inventory", None, None])
    ws.append(["As of", datetime(2026, 6, 30), None])
    ws.append(["Vendor", "Description", "Inherent Risk", "Data Classification", "SOC 2 Report", "DPA",
               "Last Assessed", "Business Owner"])
    ws.append(["Datadog", "Monitoring", "High", "Logs with customer identifiers", datetime(2025, 5, 2), "Yes",
               datetime(2025, 6, 15), "Ingrid"])
    ws.append([None, None, None, None, None, None, None, None])
    ws.append(["GitHub", "Source code", "Tier 2", "Source code", "2026-02-14", True, "2026-03-01", "Sofia"])
    ws.append(["Okta", "SSO", "critical", "Employee identities", "2026-02-30", "No", None, "Ken"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- vendors


def test_vendor_csv_with_bom_crlf_extra_columns_and_variants() -> None:
    res = run("vendor_inventory", (FIX / "vendors" / "vendor-inventory.csv").read_bytes(), "vendors.csv")
    vendors = {v.name: v for v in res.facts if isinstance(v, Vendor)}
    assert sorted(vendors) == ["Amazon Web Services", "Notion", "Slack", "Stripe"]
    aws = vendors["Amazon Web Services"]
    assert aws.tier == "critical"  # Tier 1
    assert aws.soc2_report_date == date(2026, 5, 15)  # US date
    assert aws.dpa_signed is True and aws.dpa_date is None
    assert aws.processes_customer_data is True  # "Customer PII" in data access
    assert aws.last_review_date == date(2026, 6, 1)
    assert aws.owner == "Tomas Ortega"
    assert aws.src.locator == "row 2"
    slack = vendors["Slack"]
    assert slack.tier == "medium"  # Tier 3
    assert slack.soc2_report_date is None  # "Yes - Type II": a report exists, its date is unknown
    assert slack.dpa_signed is True and slack.dpa_date == date(2026, 1, 20)
    assert slack.processes_customer_data is None
    stripe = vendors["Stripe"]
    assert stripe.tier == "critical"  # very high
    assert stripe.soc2_report_date == date(2026, 1, 12)  # date inside text
    assert stripe.processes_customer_data is True  # "Payment card data"
    notion = vendors["Notion"]
    assert notion.dpa_signed is False
    errors = sorted((e.line, e.field) for e in res.errors)
    assert errors == [(4, "Security Questionnaire Date"), (5, "Vendor Name")]


def test_vendor_xlsx_header_below_title_rows() -> None:
    data = make_xlsx()
    assert recognise(data, "export.xlsx").name == "vendor_inventory"  # type: ignore[union-attr]
    res = run("vendor_inventory", data, "export.xlsx")
    vendors = {v.name: v for v in res.facts}
    assert sorted(vendors) == ["Datadog", "GitHub", "Okta"]
    dd = vendors["Datadog"]
    assert dd.tier == "high"
    assert dd.soc2_report_date == date(2025, 5, 2)
    assert dd.last_review_date == date(2025, 6, 15)
    assert dd.processes_customer_data is True
    assert dd.owner == "Ingrid"
    assert dd.src.locator == "Vendors!row 4"
    assert vendors["GitHub"].tier == "high" and vendors["GitHub"].dpa_signed is True
    assert vendors["Okta"].dpa_signed is False
    [err] = res.errors
    assert (err.line, err.field) == (7, "SOC 2 Report")


def test_tier_mapping() -> None:
    assert [normalise_tier(t) for t in ("Tier 1", "tier-2", "3", "4", "Moderate", "Tier 1 (Critical)", "", "Gold")] \
        == ["critical", "high", "medium", "low", "medium", "critical", None, "gold"]


def test_vendor_csv_without_name_column_is_an_input_error() -> None:
    res = run("vendor_inventory", b"Service,Tier,DPA\nHosting,High,Yes\n", "v.csv")
    assert res.facts == []
    assert res.errors[0].line == 1 and "v.csv" in str(res.errors[0])


def test_vendor_column_override_from_scope() -> None:
    data = b"Supplier,Our Rating,SOC 2 Report Date,DPA\nAcme Mail,T1,2026-01-01,yes\n"
    res = run("vendor_inventory", data, "v.csv", {"columns": {"tier": "Our Rating"}})
    assert res.facts[0].tier == "critical"


# --------------------------------------------------------------------------- records


def test_generic_records_csv() -> None:
    res = run("process_records", (FIX / "records" / "process-records.csv").read_bytes(), "activities.csv")
    recs = res.facts
    assert [r.kind for r in recs] == ["access_review", "tabletop_exercise", "dr_test", "risk_assessment",
                                      "penetration_test"]
    review = recs[0]
    assert review.performed_on == date(2026, 3, 31)
    assert review.subject == "aws"  # the system token accounts use; the written name is kept
    assert review.participants == ("priya@acme.io", "marcus@acme.io")
    assert review.details == {"users_reviewed": 42, "changes": 3, "system_name": "AWS production"}
    tabletop = recs[1]
    assert tabletop.performed_on == date(2026, 3, 15)
    assert tabletop.title == "Ransomware on the billing database"
    assert tabletop.participants == ("priya@acme.io", "tomas@acme.io", "julia@acme.io")
    assert tabletop.performed_by == "Priya Raman"
    risk = recs[3]
    assert risk.details == {"likelihood_recorded": True, "treatment": "mitigate"}
    [err] = res.errors
    assert (err.line, err.field) == (7, "date")


def test_records_yaml_lists() -> None:
    res = run("process_records", (FIX / "records" / "records.yaml").read_bytes(), "records.yaml")
    kinds = [r.kind for r in res.facts]
    assert kinds == ["access_review", "backup_restore_test", "dr_test", "risk_assessment", "background_check"]
    okta = res.facts[0]
    assert okta.subject == "okta"
    assert okta.participants == ("priya@acme.io", "marcus@acme.io")
    assert okta.details == {"users_reviewed": 57, "changes": 2}
    restore = res.facts[1]
    assert restore.outcome == "passed" and restore.details["rto_achieved"] == 0.75  # "45m", in hours
    dr = res.facts[2]
    assert dr.title == "Region failover" and dr.participants == ("tomas@acme.io", "ken@acme.io")
    risk = res.facts[3]
    assert risk.details["likelihood_and_impact"] is True and risk.details["risks"] == 23
    bg = res.facts[4]
    assert bg.subject == "jane.doe@acme.io" and bg.outcome == "clear" and bg.performed_by == "Checkr"
    [err] = res.errors
    assert err.line == 27 and err.field == "risk_assessments[1].date"


def test_background_check_export_recognised_by_headers() -> None:
    data = (FIX / "records" / "checkr-reports.csv").read_bytes()
    parser = recognise(data, "export (3).csv")
    assert parser is not None and parser.name == "background_checks"  # the screening export's own format
    res = run("background_checks", data, "export (3).csv")
    assert res.errors == []
    jane, bob, carl = res.facts
    assert all(isinstance(r, Record) and r.kind == "background_check" for r in res.facts)
    assert (jane.subject, jane.outcome, jane.performed_on) == ("jane.doe@acme.io", "clear", date(2025, 11, 24))
    assert (bob.subject, bob.outcome, bob.performed_on) == ("bob@acme.io", "pending", date(2026, 2, 2))
    assert bob.details["date_from"] == "created_at"
    assert carl.outcome == "consider"


def test_records_kind_from_file_name_or_scope() -> None:
    data = b"Date,System,Reviewer,Users Reviewed\n2026-06-30,GitHub,Sofia,31\n"
    res = run("process_records", data, "records/access-reviews-2026.csv")
    assert res.facts[0].kind == "access_review" and res.facts[0].performed_by == "Sofia"
    data = b"Date,Scenario,Attendees\n2026-02-02,Lost laptop,a@x.io; b@x.io\n"
    res = run("process_records", data, "q1.csv", {"kind": "tabletop"})
    assert res.facts[0].kind == "tabletop_exercise" and res.facts[0].participants == ("a@x.io", "b@x.io")


def test_records_of_unknown_kind_are_an_input_error() -> None:
    res = run("process_records", b"Date,Notes\n2026-01-01,something\n", "misc.csv")
    assert res.facts == []
    assert res.errors[0].field == "record_type" and "misc.csv" in str(res.errors[0])


def test_records_recognised_under_misleading_name() -> None:
    data = (FIX / "records" / "records.yaml").read_bytes()
    assert recognise(data, "trivy.json").name == "process_records"  # type: ignore[union-attr]
    data = (FIX / "records" / "process-records.csv").read_bytes()
    assert recognise(data, "vendors.csv").name == "process_records"  # type: ignore[union-attr]


def test_vendor_row_without_name_is_a_collection_issue() -> None:
    res = run("vendor_inventory", (FIX / "vendors" / "vendor-inventory.csv").read_bytes(), "vendors.csv")
    [issue] = [f for f in res.facts if isinstance(f, CollectionIssue)]
    assert issue.source == "vendors"
    assert "vendors.csv" in issue.reason and "line 5" in issue.reason


def test_vendor_csv_that_is_not_text_names_the_line_of_the_first_bad_byte() -> None:
    data = b"Vendor,Tier,DPA\nAcme Mail,High,Yes\nBeta Pay,Critical,No\n" + b"\x81\x8d broken,x,y\n"
    res = run("vendor_inventory", data, "v.csv")
    # neither UTF-8 nor cp1252 can decode 0x81: the file is not text
    assert res.facts == []
    [err] = res.errors
    assert err.line == 4 and "v.csv:4" in str(err)


def test_vendor_csv_unreadable_from_a_line_keeps_the_rows_before_it() -> None:
    data = ("Vendor,Tier,DPA\nAcme Mail,High,Yes\nBeta Pay,Critical,No\nGamma,\"" + "x" * 200_000 + "\",Yes\n"
            "Delta,Low,No\n").encode()
    res = run("vendor_inventory", data, "v.csv")
    assert [v.name for v in res.facts if isinstance(v, Vendor)] == ["Acme Mail", "Beta Pay"]
    [err] = res.errors
    assert err.line == 4 and "field larger than field limit" in err.message
    [issue] = [f for f in res.facts if isinstance(f, CollectionIssue)]
    assert issue.source == "vendors" and "line 4" in issue.reason


def test_access_review_systems_become_system_tokens_one_record_each() -> None:
    data = (b"Review Date,Systems,Reviewer,Users Reviewed\n"
            b"2026-03-27,Okta; AWS production account; GitHub (acme) and Google Workspace,Ken,40\n")
    res = run("process_records", data, "uar.csv")
    assert [r.subject for r in res.facts] == ["okta", "aws", "github", "google"]
    assert all(r.kind == "access_review" and r.performed_by == "Ken" and r.src.locator == "row 2" for r in res.facts)
    assert res.facts[1].details == {"users_reviewed": 40, "system_name": "AWS production account"}
    yaml_doc = b"access_reviews:\n  - date: 2026-06-30\n    systems: [okta, aws, Jira]\n    reviewer: ken@acme.io\n"
    res = run("process_records", yaml_doc, "uar.yaml")
    assert [r.subject for r in res.facts] == ["okta", "aws", "Jira"]
    assert res.facts[0].performed_by == "ken@acme.io"


def test_records_yaml_with_a_control_character_names_its_line() -> None:
    res = run("process_records", b"records:\n  - type: dr_test\n    date: 2026-01-01\n    title: a\x01b\n", "r.yaml")
    assert res.facts == []
    [err] = res.errors
    assert err.line == 4 and "control character" in err.message


def test_records_binary_content_names_its_line() -> None:
    res = run("process_records", b"record_type,date\ndr_test,2026-01-01\n\x00\x00\x00", "r.csv")
    [err] = res.errors
    assert err.line == 3 and "binary" in err.message


def test_records_of_every_process_kind_in_one_yaml() -> None:
    doc = b"""\
penetration_tests:
  - date: 2026-04-02
    target: app.acme.io
    firm: Cobalt
    result: completed
    findings_high: 1
incidents:
  - occurred_on: 2026-05-03
    summary: Support laptop stolen from a car
    rca: disk encrypted; device wiped remotely
governance_meetings:
  - date: 2026-06-12
    title: Quarterly security review
    attendees: [ceo@acme.io, cto@acme.io]
restore_tests:
  - date: 2026-07-01
    system: RDS billing
    result: passed
records:
  - type: Security committee
    date: 2026-09-10
"""
    res = run("process_records", doc, "programme.yaml")
    assert res.errors == []
    assert [(r.kind, r.performed_on) for r in res.facts] == [
        ("penetration_test", date(2026, 4, 2)), ("incident", date(2026, 5, 3)), ("board_meeting", date(2026, 6, 12)),
        ("backup_restore_test", date(2026, 7, 1)), ("board_meeting", date(2026, 9, 10)),
    ]
    pentest, incident, meeting, restore, _ = res.facts
    assert (pentest.subject, pentest.performed_by, pentest.details) == ("app.acme.io", "Cobalt", {"findings_high": 1})
    assert incident.title == "Support laptop stolen from a car"
    assert incident.details == {"root_cause": "disk encrypted; device wiped remotely"}
    assert meeting.participants == ("ceo@acme.io", "cto@acme.io")
    assert (restore.subject, restore.outcome) == ("RDS billing", "passed")


def test_vendor_exports_with_other_platforms_headers() -> None:
    """A compliance-platform export (critical flag, PII flag, report date) and a hand-kept sheet."""
    platform = (b"Name,Category,Risk,Is Critical,Stores PII,Contract Renewal Date,Last Reviewed Date,"
                b"Security Report,Report Date,DPA\n"
                b"Stripe,Payments,HIGH,Yes,Yes,2027-01-01,2026-04-01,SOC 2 Type II,2026-03-01,Signed\n"
                b"Notion,Productivity,LOW,No,No,,2024-02-01,None,,Not signed\n")
    sheet = (b"Supplier,What they do,Criticality,Customer data?,SOC2 received,Data Processing Agreement,Reviewed\n"
             b"AWS,Hosting,Critical,Yes,2026-05-01,2021-01-01,2026-05-10\n")
    for data in (platform, sheet):
        assert recognise(data, "export.csv").name == "vendor_inventory"  # type: ignore[union-attr]
    res = run("vendor_inventory", platform, "vendors.csv")
    assert res.errors == []
    v = {x.name: x for x in res.facts if isinstance(x, Vendor)}
    stripe, notion = v["Stripe"], v["Notion"]
    assert (stripe.tier, stripe.processes_customer_data, stripe.soc2_report_date, stripe.dpa_signed,
            stripe.last_review_date) == ("critical", True, date(2026, 3, 1), True, date(2026, 4, 1))
    assert (notion.tier, notion.processes_customer_data, notion.dpa_signed) == ("low", False, False)
    (aws,) = [x for x in run("vendor_inventory", sheet, "vendors.csv").facts if isinstance(x, Vendor)]
    assert (aws.service, aws.tier, aws.soc2_report_date, aws.dpa_date, aws.last_review_date) == (
        "Hosting", "critical", date(2026, 5, 1), date(2021, 1, 1), date(2026, 5, 10))


def test_per_user_access_review_export_and_dr_test_by_its_recovery_columns() -> None:
    uar = (b"User,Email,Application,Reviewer,Decision,Reviewed At\n"
           b"Ann Lee,ann@acme.io,AWS,priya@acme.io,Keep,2026-09-28T10:00:00Z\n"
           b"Bob Ray,bob@acme.io,AWS,priya@acme.io,Revoke,2026-09-28T10:05:00Z\n")
    # read by the access-review decisions spec: the decisions per account, and the dated review per system and day
    assert recognise(uar, "export.csv").name == "access_review_decisions"  # type: ignore[union-attr]
    res = run("access_review_decisions", uar, "export.csv")
    assert res.errors == []
    recs = [r for r in res.facts if isinstance(r, Record)]
    assert [(r.kind, r.subject, r.performed_on, r.participants) for r in recs] == [
        ("access_review", "aws", date(2026, 9, 28), ("priya@acme.io",))]
    decisions = {d.account: d.decision for d in res.facts if isinstance(d, AccessDecision)}
    assert decisions == {"ann@acme.io": "keep", "bob@acme.io": "revoke"}
    dr = (b"Test Date,Scenario,Result,RTO Achieved (h),RPO Achieved (min),Participants\n"
          b"2026-04-12,Restore production DB from backup,Passed,3,15,tom@acme.io; priya@acme.io\n")
    assert recognise(dr, "results.csv").name == "process_records"  # type: ignore[union-attr]
    (test,) = run("process_records", dr, "results.csv").facts
    assert (test.kind, test.performed_on, test.participants) == ("dr_test", date(2026, 4, 12),
                                                                 ("tom@acme.io", "priya@acme.io"))
