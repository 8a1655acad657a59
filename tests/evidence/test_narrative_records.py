"""Narrative records written as documents: tabletop minutes, DR and restore test reports, risk assessment
memos, post-incident reviews, access review sign-offs, board and management minutes, in Markdown, DOCX and PDF,
read as Record facts with the date the activity happened, who took part and what came of it."""

from __future__ import annotations

from datetime import date

import pytest
from tests.evidence.document_files import make_docx, make_pdf, run_parser

from trustgap.facts import Document, Record


def records_of(data: bytes, path: str) -> list[Record]:
    res = run_parser(data, path)
    assert res.errors == [], res.errors
    assert all(isinstance(r, Record) for r in res.facts), res.facts
    return list(res.facts)


# --------------------------------------------------------------------------- tabletop exercises

def test_tabletop_minutes_in_markdown_with_attendee_list_and_actions() -> None:
    md = b"""# Tabletop Exercise Minutes: Ransomware on the billing database

**Date:** 14 March 2026
**Facilitator:** Dana Lee (CISO)

## Attendees

- Ken Ito (CTO)
- ana.ruiz@acme.io
- Tom Baker, Support lead

## Scenario

An attacker encrypts the billing database on a Friday night.

## Lessons learned

1. The on-call rota had an outdated phone number.

## Action items

| Action | Owner | Due |
|---|---|---|
| Update the contact sheet | Ken Ito | 2026-04-01 |
| Test the restore of billing-db | Tom Baker | 2026-05-01 |
"""
    [r] = records_of(md, "records/ttx-2026-q1.md")
    assert (r.kind, r.performed_on, r.performed_by) == ("tabletop_exercise", date(2026, 3, 14), "Dana Lee")
    assert r.participants == ("Ken Ito", "ana.ruiz@acme.io", "Tom Baker", "Support lead")
    assert r.details["issues"] == ["The on-call rota had an outdated phone number."]
    assert r.details["actions"] == ["Update the contact sheet | Ken Ito | 2026-04-01",
                                    "Test the restore of billing-db | Tom Baker | 2026-05-01"]
    assert r.src.locator == "line 3"


def test_tabletop_minutes_in_german_docx_without_core_properties() -> None:
    data = make_docx([("title", "Protokoll: Tabletop-Übung Ransomware"), "Datum: 22.04.2026",
                      "Teilnehmende: Katrin Vogel, Jörg Weiß und Pavel Neumann",
                      "Szenario: Verschlüsselung des Lager-Servers.",
                      "Ergebnis: Übung erfolgreich; Kontaktliste aktualisiert."])
    [r] = records_of(data, "Protokoll.docx")
    assert (r.kind, r.performed_on, r.title) == ("tabletop_exercise", date(2026, 4, 22),
                                                 "Verschlüsselung des Lager-Servers.")
    assert r.participants == ("Katrin Vogel", "Jörg Weiß", "Pavel Neumann")
    assert r.outcome == "passed" and r.details["outcome_text"].startswith("Übung erfolgreich")


def test_tabletop_dated_by_a_sentence_in_a_pdf() -> None:
    data = make_pdf([["Incident Response Tabletop - Summary",
                      "The exercise was held on 9 September 2026 with the security and support teams.",
                      "Participants: Dana Lee; Ken Ito; Ana Ruiz"]], {"/Title": "Tabletop summary"})
    [r] = records_of(data, "ttx.pdf")
    assert (r.kind, r.performed_on, r.participants) == ("tabletop_exercise", date(2026, 9, 9),
                                                        ("Dana Lee", "Ken Ito", "Ana Ruiz"))
    assert r.src.locator == "page 1, line 2"


# --------------------------------------------------------------------------- DR and restore tests

def test_dr_test_report_objectives_from_sentences() -> None:
    md = b"""---
title: Disaster Recovery Test Report 2025
date: 2025-09-09
---

# Disaster Recovery Test Report 2025

Date of test: 9 September 2025

Participants: Nadia Gallo, Amelie Duarte, Bilal Young

Outcome: services restored in 3 h 20 min (RTO 4 h); data loss 10 min (RPO 1 h). Passed.
"""
    [r] = records_of(md, "dr.md")
    assert (r.kind, r.performed_on, r.outcome) == ("dr_test", date(2025, 9, 9), "passed")
    assert (r.details["rto_target"], r.details["rto_achieved"]) == (4.0, 3.3333)
    assert (r.details["rpo_target"], r.details["rpo_achieved"]) == (1.0, 0.1667)


def test_failover_test_labelled_objectives_and_a_failed_result_in_docx() -> None:
    data = make_docx([("title", "Failover Test Report"), "Test date: 2026-04-22", "System: Ledger service",
                      "RTO target: 2 hours", "Actual RTO: 3h 10m", "RPO target: 15 minutes", "RPO achieved: 5 min",
                      "Result: Failed - the DNS cut-over took longer than planned."])
    [r] = records_of(data, "failover.docx")
    assert (r.kind, r.subject, r.outcome) == ("dr_test", "Ledger service", "failed")
    assert r.details["rto_target"] == 2.0 and r.details["rto_achieved"] == pytest.approx(3.1667, abs=1e-3)
    assert r.details["rpo_target"] == 0.25 and r.details["rpo_achieved"] == pytest.approx(0.0833, abs=1e-3)


def test_restore_test_table_gives_one_record_per_system() -> None:
    md = b"""# Quarterly Backup Restore Test - Q3 2026

Date: 2026-09-15
Tested by: nadia.gallo@lumen.example

| System | RTO target (h) | RTO achieved (h) | RPO target (h) | RPO achieved (h) | Result |
|---|---|---|---|---|---|
| claims-db | 4 | 1.4 | 1 | 0.25 | Pass |
| billing-db | 4 | 6.2 | 1 | 0.5 | Fail |
"""
    claims, billing = records_of(md, "restore-q3.md")
    assert (claims.kind, claims.subject, claims.performed_on, claims.outcome) == (
        "backup_restore_test", "claims-db", date(2026, 9, 15), "passed")
    assert (billing.subject, billing.outcome, billing.details["rto_achieved"]) == ("billing-db", "failed", 6.2)
    assert billing.performed_by == "nadia.gallo@lumen.example"
    assert billing.src.locator == "line 9"


# --------------------------------------------------------------------------- risk, incidents, reviews, minutes

def test_risk_assessment_memo_in_a_german_pdf() -> None:
    data = make_pdf([["Risikobewertung 2026 / Risk assessment 2026", "Datum: 09.03.2026",
                      "Teilnehmende: Katrin Vogel, Jörg Weiß",
                      "31 Risiken bewertet (Eintrittswahrscheinlichkeit x Auswirkung);",
                      "Behandlung je Risiko festgelegt."]],
                    {"/Title": "Risikobewertung 2026"})
    [r] = records_of(data, "Risikobewertung_2026.pdf")
    assert (r.kind, r.performed_on, r.participants) == ("risk_assessment", date(2026, 3, 9),
                                                        ("Katrin Vogel", "Jörg Weiß"))
    assert r.details == {"risks": 31, "likelihood_and_impact": True, "treatment_decided": True}


def test_risk_assessment_memo_in_english_markdown() -> None:
    md = (b"# Annual Risk Assessment - Summary Memo\n\nPrepared by: Risk Committee\n\nThe assessment was "
          b"conducted on March 2, 2026. Risks identified: 23, each scored for likelihood and impact; "
          b"a treatment (accept, mitigate, transfer) was decided for each.\n")
    [r] = records_of(md, "risk-memo.md")
    assert (r.kind, r.performed_on, r.performed_by) == ("risk_assessment", date(2026, 3, 2), "Risk Committee")
    assert r.details["risks"] == 23 and r.details["likelihood_and_impact"] and r.details["treatment_decided"]


def test_post_incident_review_names_the_incident_and_both_dates() -> None:
    data = make_pdf([["Post-incident review INC-2026-03",
                      "Incident: EDI interface outage, 16.06.2026 07:10-09:40 CEST", "Review held: 18.06.2026",
                      "Participants: Jörg Weiß, Pavel Neumann",
                      "Root cause: expired certificate. Actions: certificate monitoring (done 25.06.2026)."]],
                    {"/Title": "Post-incident review INC-2026-03"})
    [r] = records_of(data, "pir.pdf")
    assert (r.kind, r.subject, r.performed_on) == ("post_incident_review", "INC-2026-03", date(2026, 6, 18))
    assert r.details["incident_date"] == "2026-06-16" and r.details["incident_id"] == "INC-2026-03"
    assert r.details["root_cause"] == "expired certificate."
    assert r.details["actions"] == ["certificate monitoring (done 25.06.2026)."]


def test_postmortem_in_markdown_with_pagerduty_style_id() -> None:
    md = (b"# Postmortem: #312 Database failover stalled\n\nDate: 2026-07-02\nIncident date: June 30, 2026\n"
          b"Attendees: Ana Ruiz, Ken Ito\n\n## What went wrong\n\n- The replica lag alarm was muted.\n")
    [r] = records_of(md, "postmortem-312.md")
    assert (r.kind, r.subject, r.performed_on, r.details["incident_date"]) == (
        "post_incident_review", "#312", date(2026, 7, 2), "2026-06-30")
    assert r.details["issues"] == ["The replica lag alarm was muted."]


def test_access_review_sign_off_gives_one_record_per_system() -> None:
    md = (b"# User Access Review Sign-off - Q2 2026\n\nReview date: 2026-06-30\nSystems: Okta, AWS production "
          b"and GitHub\nReviewer: priya@acme.io\n\nAll 57 accounts were reviewed; 3 were removed.\n")
    recs = records_of(md, "uar-q2.md")
    assert [(r.kind, r.subject, r.performed_on, r.performed_by) for r in recs] == [
        ("access_review", s, date(2026, 6, 30), "priya@acme.io") for s in ("okta", "aws", "github")]


@pytest.mark.parametrize(("title", "kind"), [("Board Meeting Minutes", "board_meeting"),
                                             ("Management Review - Information Security", "management_review"),
                                             ("Security Committee Minutes", "management_review"),
                                             ("Protokoll der Vorstandssitzung", "board_meeting")])
def test_meeting_minutes(title: str, kind: str) -> None:
    data = make_docx([("title", title), "Date: 12 June 2026", "Present: Ceo Name, Cto Name",
                      "Agenda: security programme status, risk register, audit readiness."])
    [r] = records_of(data, "minutes.docx")
    assert (r.kind, r.performed_on, r.participants) == (kind, date(2026, 6, 12), ("Ceo Name", "Cto Name"))


# --------------------------------------------------------------------------- precision

@pytest.mark.parametrize("title", ["Incident Response Plan", "Risk Assessment Procedure", "Access Review Policy",
                                   "Disaster Recovery Plan"])
def test_policies_about_an_activity_stay_documents(title: str) -> None:
    res = run_parser(f"# {title}\n\nStatus: Approved\n".encode(), "doc.md")
    assert [type(f) for f in res.facts] == [Document]


def test_a_record_without_an_activity_date_is_reported_not_guessed() -> None:
    data = make_docx([("title", "Disaster Recovery Test Report"), "Participants: Nadia Gallo, Bilal Young",
                      "Outcome: passed."], title="DR Test Report")  # the file has created / modified dates
    res = run_parser(data, "records/dr-report.docx")
    assert res.facts == []
    [err] = res.errors
    assert err.field == "date" and "dr-report.docx" in str(err) and "cannot tell when" in err.message


def test_a_record_with_an_impossible_date_names_the_line() -> None:
    res = run_parser(b"# Tabletop Exercise Minutes\n\nDate: 31/02/2026\nAttendees: A, B\n", "ttx.md")
    assert res.facts == []
    assert [(e.line, e.field) for e in res.errors] == [(3, "Date"), (None, "date")]
