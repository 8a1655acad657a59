"""Documents the five-category checks need: retention schedules, records of processing written as a
document table, privacy notices with their "last updated" date, processing specifications."""

from __future__ import annotations

from datetime import date

import pytest
from tests.evidence.document_files import make_docx, run_parser

from trustgap.facts import Document, ProcessingActivity, RetentionRule


def test_retention_schedule_table_in_markdown() -> None:
    md = b"""---
title: Data Retention Schedule
status: Approved
approved_on: 2026-02-02
---

# Data Retention Schedule

| Data class | Retention | Disposal |
|---|---|---|
| Claims records | 7 years | purge job |
| Support tickets | 2 years | purge-support-tickets job |
| Application logs | 400 days | purge-app-logs job |
| Customer contracts | Duration of the contract | returned or shredded |

Customer data is deleted within 30 days of contract end.
"""
    res = run_parser(md, "confidentiality/data-retention-schedule.md")
    assert res.errors == []
    [doc] = [f for f in res.facts if isinstance(f, Document)]
    assert doc.topics == ("data_retention",) and doc.status == "approved"
    rules = [f for f in res.facts if isinstance(f, RetentionRule)]
    assert [(r.data_class, r.period_days, r.disposal) for r in rules] == [
        ("Claims records", 2555, "purge job"), ("Support tickets", 730, "purge-support-tickets job"),
        ("Application logs", 400, "purge-app-logs job"), ("Customer contracts", None, "returned or shredded")]
    assert rules[3].period_text == "Duration of the contract"
    assert rules[1].src.locator == "line 12"


def test_retention_schedule_in_a_german_docx_with_a_system_column() -> None:
    data = make_docx([("title", "Löschkonzept"), "Stand: 01.03.2026",
                      ("table", [["Datenkategorie", "Speicherort", "Aufbewahrungsfrist", "Löschung"],
                                 ["Bewerbungsunterlagen", "Personio", "6 Monate", "automatische Löschung"],
                                 ["Buchhaltungsbelege", "DATEV", "10 Jahre", "Vernichtung"]])])
    res = run_parser(data, "Loeschkonzept.docx")
    rules = [f for f in res.facts if isinstance(f, RetentionRule)]
    assert [(r.data_class, r.system, r.period_days, r.disposal) for r in rules] == [
        ("Bewerbungsunterlagen", "Personio", 180, "automatische Löschung"),
        ("Buchhaltungsbelege", "DATEV", 3650, "Vernichtung")]
    assert rules[0].src.locator == "paragraph 4"


ROPA_ROWS = [
    ["Processing activity", "Purpose", "Lawful basis", "Data subjects", "Personal data categories", "Recipients",
     "Third-country transfer", "Transfer safeguard", "Retention"],
    ["Claims processing", "Adjudicate health claims", "Contract; Art. 9(2)(h)", "Patients", "Identity, health data",
     "Claimbridge", "No", "", "7 years"],
    ["Support ticket triage", "Answer customer questions", "Legitimate interests", "Clinic staff", "Contact data",
     "HelpHive (US)", "Yes (United States)", "", "2 years"],
    ["Marketing analytics", "Product analytics", "", "Clinic staff", "Usage data", "MailBlast", "No", "", "14 months"],
]
RECORD_OF_PROCESSING = ("# Record of Processing Activities\n\nController: Lumen Care Ltd\n\n"
                        + "| " + " | ".join(ROPA_ROWS[0]) + " |\n" + "|---" * len(ROPA_ROWS[0]) + "|\n"
                        + "".join("| " + " | ".join(r) + " |\n" for r in ROPA_ROWS[1:])).encode()


def test_record_of_processing_written_as_a_document_table() -> None:
    res = run_parser(RECORD_OF_PROCESSING, "privacy/ropa.md")
    assert res.errors == []
    assert all(isinstance(f, ProcessingActivity) for f in res.facts)  # the register itself is no policy
    claims, support, marketing = res.facts
    assert (claims.name, claims.lawful_basis, claims.data_categories, claims.transfers) == (
        "Claims processing", "Contract; Art. 9(2)(h)", ("Identity", "health data"), ())
    assert (support.transfers, support.transfer_safeguard, support.recipients) == (
        ("United States",), None, ("HelpHive (US)",))
    assert marketing.lawful_basis is None and marketing.retention == "14 months"
    assert support.src.locator == "line 8"


def test_a_privacy_policy_with_an_embedded_processing_table_is_both() -> None:
    md = RECORD_OF_PROCESSING.replace(b"# Record of Processing Activities", b"# Data Protection Policy\n\n"
                                      b"Approved by the DPO on 3 March 2026.")
    res = run_parser(md, "privacy/dp-policy.md")
    kinds = [type(f).__name__ for f in res.facts]
    assert kinds == ["Document", "ProcessingActivity", "ProcessingActivity", "ProcessingActivity"]
    assert res.facts[0].topics == ("privacy",) and res.facts[0].approved_on == date(2026, 3, 3)


def test_record_of_processing_in_a_german_docx() -> None:
    data = make_docx([("title", "Verzeichnis von Verarbeitungstätigkeiten"),
                      ("table", [["Verarbeitungstätigkeit", "Zweck", "Rechtsgrundlage", "Empfänger",
                                  "Drittlandübermittlung", "Garantien"],
                                 ["Lohnabrechnung", "Gehaltszahlung", "Art. 6 Abs. 1 lit. c DSGVO", "DATEV",
                                  "Nein", ""],
                                 ["Newsletter", "Marketing", "Einwilligung", "Mailchimp", "USA",
                                  "Standardvertragsklauseln"]])])
    res = run_parser(data, "VVT.docx")
    payroll, news = res.facts
    assert (payroll.name, payroll.lawful_basis, payroll.transfers) == (
        "Lohnabrechnung", "Art. 6 Abs. 1 lit. c DSGVO", ())
    assert (news.transfers, news.transfer_safeguard) == (("USA",), "Standardvertragsklauseln")


@pytest.mark.parametrize("line", ["Last updated: March 1, 2026", "This notice was last updated on 1 March 2026.",
                                  "_Last updated 2026-03-01_", "Zuletzt aktualisiert: 01.03.2026"])
def test_privacy_notice_last_updated(line: str) -> None:
    md = f"# Privacy Notice\n\n{line}\n\nWe process your personal data to provide the service.\n".encode()
    [doc] = run_parser(md, "privacy-notice.md").facts
    assert doc.topics == ("privacy",) and doc.last_reviewed == date(2026, 3, 1)


def test_processing_specification_is_its_own_topic() -> None:
    md = (b"# Claims Processing Specification\n\nApproved by the Operations Board on 2 February 2026.\n\n"
          b"Inputs: clinic claim files. Outputs: adjudicated claims reconciled daily.\n")
    [doc] = run_parser(md, "spec.md").facts
    assert doc.topics == ("processing_specification",) and doc.approved_on == date(2026, 2, 2)
