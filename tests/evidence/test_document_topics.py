"""Which policy topics a document covers, from its title and its text, and how sure that is."""

from __future__ import annotations

import pytest
from tests.evidence.document_files import make_docx, make_pdf, run_parser

from trustgap.evidence.parsers._doc_topics import heading_topic, title_topics
from trustgap.facts import Document


def doc_of(data: bytes, path: str) -> Document:
    res = run_parser(data, path)
    [doc] = res.facts
    assert isinstance(doc, Document)
    return doc


@pytest.mark.parametrize(("title", "topics"), [
    ("Data Classification and Encryption Standard", ["data_classification", "encryption"]),
    ("Incident Response and Business Continuity Plan", ["incident_response", "business_continuity"]),
    ("Third-Party Risk Management Policy", ["vendor_management"]),
    ("Vendor Risk Management", ["vendor_management"]),
    ("Information Security Incident Management Policy", ["incident_response"]),
    ("Information Security Risk Management", ["risk_management"]),
    ("Information Security and Acceptable Use Policy", ["information_security", "acceptable_use"]),
    ("Business Continuity and Disaster Recovery Plan", ["business_continuity"]),
    ("Identity and Access Management (IAM) Standard", ["access_control"]),
    ("Informationssicherheitsrichtlinie", ["information_security"]),
    ("Richtlinie zur Verschlüsselung und Datenklassifizierung", ["encryption", "data_classification"]),
    ("Politique de gestion des fournisseurs", ["vendor_management"]),
    ("Claims Processing Specification", ["processing_specification"]),
    ("Quarterly newsletter", []),
])
def test_every_topic_a_title_names(title: str, topics: list[str]) -> None:
    assert title_topics(title) == topics


@pytest.mark.parametrize(("heading", "topic"), [
    ("4. Access Control", "access_control"), ("Encryption of data at rest and in transit", "encryption"),
    ("5.2 Password requirements", "access_control"), ("Vendor Management", "vendor_management"),
    ("Communication with vendors and regulators", None), ("Roles and responsibilities", None),
    ("Incident response and logging", None),
])
def test_a_section_heading_is_about_one_topic_or_none(heading: str, topic: str | None) -> None:
    assert heading_topic(heading) == topic


def test_a_combined_standard_covers_both_topics_by_its_title() -> None:
    md = b"# Data Classification and Encryption Standard\n\nStatus: Approved\n\nRestricted data is encrypted.\n"
    doc = doc_of(md, "policies/dc-enc.md")
    assert doc.policy_key == "data_classification"
    assert doc.topics == ("data_classification", "encryption")
    assert doc.topic_basis == {"data_classification": "title", "encryption": "title"}


def test_an_information_security_policy_with_an_access_control_chapter() -> None:
    md = b"""# Information Security Policy

## 1. Purpose

This policy sets out how Acme protects the information it holds.

## 2. Access Control

Access to production systems follows least privilege. Every account uses MFA and single sign-on, user
access rights are reviewed quarterly, and leavers are deprovisioned within one day.

## 3. Communication with vendors

Vendors are told about incidents that affect them.
"""
    doc = doc_of(md, "isp.md")
    assert doc.topics == ("information_security", "access_control")
    assert doc.policy_key == "information_security"
    assert doc.topic_basis["information_security"] == "title"
    assert doc.topic_basis["access_control"] == "section: 2. Access Control (line 7)"


def test_a_chapter_heading_without_its_vocabulary_is_no_coverage() -> None:
    md = b"# Information Security Policy\n\n## Encryption\n\nSee the separate standard.\n"
    assert doc_of(md, "isp.md").topics == ("information_security",)


def test_docx_heading_styles_give_the_sections() -> None:
    data = make_docx([("title", "Security Handbook"), ("h1", "Encryption"),
                      "All customer data is encrypted at rest with AES-256 and in transit with TLS 1.2 or later; "
                      "keys are held in KMS and rotated every year by the platform team.",
                      ("h1", "Logging and monitoring"),
                      "Audit logs from every production system go to the SIEM and are kept for one year; alerts "
                      "page the on-call engineer and logs are reviewed weekly."], title="Security Handbook")
    doc = doc_of(data, "handbook.docx")
    assert doc.policy_key is None  # the title names no topic; its sections cover two
    assert doc.topics == ("encryption", "logging_monitoring")
    assert doc.topic_basis["encryption"] == "section: Encryption (paragraph 2)"


def test_a_generic_title_is_read_through_its_purpose() -> None:
    md = b"""# POL-07 Standard

## Purpose

This document defines how vulnerabilities are found, rated and patched across Acme's systems.
"""
    doc = doc_of(md, "pol7.md")
    assert doc.topics == ("vulnerability_management",)
    assert doc.topic_basis == {"vulnerability_management": "purpose"}


def test_the_dominant_vocabulary_names_the_topic_of_an_untitled_pdf() -> None:
    lines = ["Security Standard 3", "Customer data is encrypted at rest with AES-256.",
             "Data in transit uses TLS 1.2 or later.", "Encryption keys live in KMS and are rotated yearly.",
             "Backups are encrypted with separate keys.", "Certificates are renewed before expiry."]
    doc = doc_of(make_pdf([lines], {}), "std3.pdf")
    assert doc.topics == ("encryption",) and doc.topic_basis == {"encryption": "text"}


def test_the_file_name_never_decides_a_topic_the_content_names() -> None:
    md = b"# Incident Response Plan\n\nIncidents are triaged within one hour.\n"
    doc = doc_of(md, "policies/encryption-policy.md")
    assert doc.topics == ("incident_response",)


def test_the_file_name_stands_in_for_a_missing_title_only() -> None:
    data = make_docx(["Laptops must be locked when unattended."])  # no title, no heading
    doc = doc_of(data, "policies/Acceptable Use Policy.docx")
    assert doc.title == "Laptops must be locked when unattended."  # the first paragraph stands as the title
    untitled = make_pdf([[""]], {})
    doc = doc_of(untitled, "policies/acceptable-use-policy.pdf")
    assert doc.topics == ("acceptable_use",) and doc.topic_basis == {"acceptable_use": "file name"}
