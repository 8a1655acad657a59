"""What a policy's body says about itself: status, version, owner, approval, review, revision history,
in Markdown (with and without front matter), DOCX (with and without core properties) and PDF, in the
date shapes and languages companies write them."""

from __future__ import annotations

from datetime import date

import pytest
from tests.evidence.document_files import make_docx, make_pdf, run_parser

from trustgap.facts import Document


def only_doc(data: bytes, path: str, **kw: object) -> Document:
    res = run_parser(data, path, **kw)  # type: ignore[arg-type]
    assert res.errors == [], res.errors
    [doc] = res.facts
    assert isinstance(doc, Document)
    return doc


# --------------------------------------------------------------------------- status

@pytest.mark.parametrize(("line", "status"), [
    ("Status: Draft", "draft"),
    ("**Status:** In review", "in review"),
    ("| Status | Entwurf |", "draft"),
    ("Statut : Brouillon", "draft"),
    ("- Status: Approved (v2.1)", "approved"),
    ("Estado: Aprobado", "approved"),
])
def test_status_written_in_the_body(line: str, status: str) -> None:
    md = f"# Change Management Policy\n\n{line}\n\nEvery change is reviewed by a second person.\n".encode()
    assert only_doc(md, "change.md").status == status


def test_prose_starting_with_status_is_not_a_status() -> None:
    md = b"# Access Control Policy\n\nStatus: the project to roll out SSO is on track.\n"
    assert only_doc(md, "acp.md").status is None


def test_a_sentence_saying_the_policy_is_not_approved_yet() -> None:
    md = b"# Vendor Management Policy\n\nThis policy has not yet been approved by management.\n"
    doc = only_doc(md, "vendors.md")
    assert doc.status == "pending approval" and doc.approved_on is None


# --------------------------------------------------------------------------- approval

@pytest.mark.parametrize(("text", "who", "day"), [
    ("Approved by Dana Lee on 2 February 2026.", "Dana Lee", date(2026, 2, 2)),
    ("This policy was approved by the Board of Directors on Feb 2, 2026 after review.",
     "the Board of Directors", date(2026, 2, 2)),
    ("This policy was approved on 2026-02-02 by Dana Lee (CEO).", "Dana Lee (CEO)", date(2026, 2, 2)),
    ("Freigegeben von: Dr. Katrin Vogel am 05.02.2026", "Dr. Katrin Vogel", date(2026, 2, 5)),
    ("Approuvé par la direction générale le 2 février 2026.", "la direction générale", date(2026, 2, 2)),
    ("Aprobado por el Comité de Dirección el 2 de febrero de 2026.", "Comité de Dirección", date(2026, 2, 2)),
    ("| Approved by | Dana Lee, 2nd February 2026 |", "Dana Lee", date(2026, 2, 2)),
    ("Approval date: February 2, 2026", None, date(2026, 2, 2)),
])
def test_approval_written_in_the_body(text: str, who: str | None, day: date) -> None:
    md = f"# Encryption Policy\n\nData is encrypted at rest.\n\n{text}\n".encode()
    doc = only_doc(md, "enc.md")
    assert (doc.approved_by, doc.approved_on, doc.status) == (who, day, "approved")


@pytest.mark.parametrize("text", [
    "Exceptions must be approved by the CISO.",
    "Changes are approved by the CAB on the weekly call.",
    "Approved by: ____________________   Date: ____________",
    "Access requests are approved by managers; see the 2026 audit plan.",
])
def test_sentences_that_record_no_approval_of_the_document(text: str) -> None:
    md = f"# Access Control Policy\n\n{text}\n".encode()
    doc = only_doc(md, "acp.md")
    assert doc.approved_on is None and doc.status is None


# --------------------------------------------------------------------------- version, owner, review

@pytest.mark.parametrize(("line", "version"), [("Version 2.1", "2.1"), ("Version: 3.0", "3.0"),
                                               ("**Version** 1.4 – 12 January 2026", "1.4"), ("Fassung: 5", "5")])
def test_version_in_the_body(line: str, version: str) -> None:
    assert only_doc(f"# Logging Policy\n\n{line}\n".encode(), "log.md").version == version


@pytest.mark.parametrize(("line", "owner"), [("Owner: CISO", "CISO"), ("Document owner: Dana Lee", "Dana Lee"),
                                             ("| Verantwortlich | Jörg Weiß |", "Jörg Weiß"),
                                             ("Responsable : Claire Martin", "Claire Martin")])
def test_owner_in_the_body(line: str, owner: str) -> None:
    assert only_doc(f"# Logging Policy\n\n{line}\n".encode(), "log.md").owner == owner


@pytest.mark.parametrize(("line", "field", "day"), [
    ("Last reviewed: 2026-03-01", "last_reviewed", date(2026, 3, 1)),
    ("This policy was last reviewed on 1 March 2026.", "last_reviewed", date(2026, 3, 1)),
    ("Zuletzt überprüft: 01.03.2026", "last_reviewed", date(2026, 3, 1)),
    ("Last updated: March 1, 2026", "last_reviewed", date(2026, 3, 1)),
    ("Next review: March 2027", "next_review", date(2027, 3, 1)),
    ("Nächste Überprüfung: 03/2027", "next_review", date(2027, 3, 1)),
    ("Review due: 2027-03-01", "next_review", date(2027, 3, 1)),
    ("Effective date: 15 Jan 2026", "effective_date", date(2026, 1, 15)),
    ("Gültig ab: 15.01.2026", "effective_date", date(2026, 1, 15)),
])
def test_review_and_effective_dates_in_the_body(line: str, field: str, day: date) -> None:
    doc = only_doc(f"# Risk Management Policy\n\n{line}\n".encode(), "risk.md")
    assert getattr(doc, field) == day


# --------------------------------------------------------------------------- dates: day or month first

def test_slash_dates_read_day_first_in_a_european_document() -> None:
    md = ("# Richtlinie zur Zugriffskontrolle\n\nFreigegeben am: 02/03/2026\n\nDer Zugriff wird von der "
          "Geschäftsführung genehmigt und ist für alle Mitarbeiter verbindlich.\n").encode()
    assert only_doc(md, "zugriff.md").approved_on == date(2026, 3, 2)


def test_slash_dates_read_month_first_without_a_signal_and_day_first_with_one() -> None:
    us = b"# Access Control Policy\n\nApproved on: 02/03/2026\n"
    assert only_doc(us, "acp.md").approved_on == date(2026, 2, 3)
    unambiguous_elsewhere = b"# Access Control Policy\n\nApproved on: 02/03/2026\nEffective date: 25/03/2026\n"
    assert only_doc(unambiguous_elsewhere, "acp.md").approved_on == date(2026, 3, 2)
    written_day_first = b"# Access Control Policy\n\nApproved on: 02/03/2026\nNext review: 2 March 2027\n"
    assert only_doc(written_day_first, "acp.md").approved_on == date(2026, 3, 2)
    assert only_doc(us, "acp.md", options={"day_first": True}).approved_on == date(2026, 3, 2)


# --------------------------------------------------------------------------- revision history

def test_markdown_revision_history_latest_row_gives_version_approval_and_review() -> None:
    md = b"""# Access Control Policy

Owner: Security team

## Revision history

| Version | Date | Author | Change | Approved by |
|---|---|---|---|---|
| 1.0 | 10 January 2025 | J. Weiss | First version | K. Vogel |
| 1.2 | 14 January 2026 | J. Weiss | Annual review | K. Vogel |
| 1.1 | 3 June 2025 | J. Weiss | MFA section | |
"""
    doc = only_doc(md, "acp.md")
    assert (doc.version, doc.approved_by, doc.approved_on, doc.last_reviewed, doc.status) == (
        "1.2", "K. Vogel", date(2026, 1, 14), date(2026, 1, 14), "approved")


def test_docx_revision_history_newest_first_without_core_properties() -> None:
    data = make_docx([
        ("title", "Information Security Policy"),
        ("h1", "Document control"),
        ("table", [["Version", "Datum", "Autor", "Änderung", "Freigegeben von"],
                   ["2.0", "14.01.2026", "J. Weiß", "Jährliche Überprüfung", "K. Vogel"],
                   ["1.0", "10.01.2025", "J. Weiß", "Erste Fassung", "K. Vogel"]]),
        "Security is everyone's job.",
    ])
    doc = only_doc(data, "isp.docx")
    assert (doc.title, doc.version, doc.approved_on, doc.last_reviewed, doc.status) == (
        "Information Security Policy", "2.0", date(2026, 1, 14), date(2026, 1, 14), "approved")


def test_pdf_revision_lines_without_table_markup() -> None:
    data = make_pdf([["Encryption Standard", "Data is encrypted at rest with AES-256."],
                     ["Revision history", "Version Date Author Description",
                      "0.9 01.12.2025 A. Bauer Draft for comment",
                      "1.0 15.01.2026 A. Bauer Approved by the management board"]],
                    {"/Title": "Encryption Standard"})
    doc = only_doc(data, "enc.pdf")
    assert (doc.version, doc.approved_on, doc.status) == ("1.0", date(2026, 1, 15), "approved")


def test_a_revision_without_approval_or_review_records_only_the_version() -> None:
    md = b"""# Logging Policy

| Rev | Date | Author | Change |
|---|---|---|---|
| 3 | 2026-05-01 | Ops | Added the SIEM |
"""
    doc = only_doc(md, "log.md")
    assert (doc.version, doc.approved_on, doc.last_reviewed, doc.status) == ("3", None, None, None)


# --------------------------------------------------------------------------- formats: DOCX and PDF

def test_docx_with_core_properties_and_an_approval_paragraph() -> None:
    data = make_docx([("title", "Vendor Management Policy"), "Owner: Procurement",
                      "Critical vendors are reviewed every year.",
                      "Approved by Dana Lee on 2 February 2026."],
                     title="Vendor Management Policy", author="Sam Writer")
    doc = only_doc(data, "vendors.docx")
    assert (doc.owner, doc.approved_by, doc.approved_on, doc.status) == (
        "Procurement", "Dana Lee", date(2026, 2, 2), "approved")


def test_docx_file_dates_are_never_review_dates() -> None:
    data = make_docx([("title", "Backup Policy"), "Backups run daily."], title="Backup Policy")
    doc = only_doc(data, "backup.docx")
    assert (doc.approved_on, doc.last_reviewed, doc.effective_date, doc.status) == (None, None, None, None)


def test_pdf_body_statements_on_the_second_page() -> None:
    data = make_pdf([["Business Continuity Plan", "RTO 8 hours, RPO 4 hours."],
                     ["Status: Approved", "Approved by Katrin Vogel on 20 January 2026.",
                      "Next review: January 2027"]], {"/Title": "Business Continuity Plan"})
    doc = only_doc(data, "bcp.pdf")
    assert (doc.status, doc.approved_on, doc.approved_by, doc.next_review) == (
        "approved", date(2026, 1, 20), "Katrin Vogel", date(2027, 1, 1))


# --------------------------------------------------------------------------- conflicts and bad values

def test_front_matter_approved_and_body_draft_is_a_conflict() -> None:
    md = b"""---
title: Change Management Policy
status: approved
approved_on: 2026-02-02
---
# Change Management Policy

Status: Draft
"""
    doc = only_doc(md, "change.md")
    assert doc.status == "approved"  # the metadata's value, but the disagreement is kept
    statuses = {(c.value, c.where) for c in doc.conflicts if c.field == "status"}
    assert ("draft", "line 8") in statuses
    assert ("approved", "front matter line 3") in statuses
    assert ("approved on 2026-02-02", "front matter line 4") in statuses


def test_two_review_dates_are_a_conflict_and_one_source_is_not() -> None:
    md = b"# Risk Policy\n\nLast reviewed: 2026-03-01\n\nThis policy was last reviewed on 5 May 2024.\n"
    doc = only_doc(md, "risk.md")
    assert doc.last_reviewed == date(2026, 3, 1)
    assert {(c.value, c.where) for c in doc.conflicts} == {("2026-03-01", "line 3"), ("2024-05-05", "line 5")}
    one_place = b"---\nstatus: draft\napproved_on: 2025-01-01\n---\n# Risk Policy\n"
    assert only_doc(one_place, "risk.md").conflicts == ()


def test_bad_body_dates_name_the_line_and_the_document_is_kept() -> None:
    md = b"# Risk Policy\n\nOwner: Risk team\nLast reviewed: 31/02/2026\nNext review: soon\n"
    res = run_parser(md, "risk.md")
    [doc] = res.facts
    assert doc.owner == "Risk team" and doc.last_reviewed is None
    assert sorted((e.line, e.field) for e in res.errors) == [(4, "last_reviewed"), (5, "next_review")]
    assert all("risk.md" in str(e) for e in res.errors)


def test_bad_dates_in_a_docx_name_the_paragraph() -> None:
    data = make_docx([("title", "Risk Policy"), "Last reviewed: 2026-13-45"])
    res = run_parser(data, "risk.docx")
    [err] = res.errors
    assert err.field == "paragraph 2: Last reviewed" and "risk.docx" in str(err)
    assert isinstance(res.facts[0], Document)


def test_two_digit_years_are_reported_not_guessed() -> None:
    res = run_parser(b"# Risk Policy\n\nApproved on: 02/02/26\n", "risk.md")
    [err] = res.errors
    assert err.line == 3 and "two-digit year" in err.message
    assert res.facts[0].approved_on is None
