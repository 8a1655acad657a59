"""E-signature exports read by their format specs: DocuSign envelopes (listStatusChanges with recipients, and one
envelope), Dropbox Sign signature requests; one policy-acknowledgement record per signer."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, Record

FIX = Path(__file__).parent.parent / "fixtures"
FILES = {"docusign_envelopes": ("docusign/envelopes-list-status-changes.json", "docusign/envelope-get-onboarding.json"),
         "dropbox_sign_requests": ("dropbox_sign/signature-request-list.json",)}


def run(fmt: str, data: bytes, path: str) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()[fmt], data, ParseContext(ref=ref, path=path, as_of=date(2026, 3, 1)))


def records(fmt: str, rel: str) -> dict[str, Record]:
    res = run(fmt, (FIX / rel).read_bytes(), rel)
    assert res.errors == [], res.errors
    return {r.subject or "": r for r in res.facts if isinstance(r, Record)}


@pytest.mark.parametrize(("fmt", "rel"), [(f, r) for f, rels in FILES.items() for r in rels])
def test_recognised_by_content(fmt: str, rel: str) -> None:
    parser = recognise((FIX / rel).read_bytes(), "download.json")
    assert parser is not None and parser.name == fmt


def test_docusign_signers_signed_declined_and_waiting() -> None:
    got = records("docusign_envelopes", FILES["docusign_envelopes"][0])
    assert (got["eli@acme.io"].outcome, got["eli@acme.io"].performed_on) == ("completed", date(2026, 1, 13))
    assert got["eli@acme.io"].kind == "policy_acknowledgement"
    assert got["eli@acme.io"].title == "Please sign: Information Security Policy v4 and Acceptable Use"
    assert (got["hal@acme.io"].outcome, got["hal@acme.io"].performed_on) == ("declined", date(2026, 1, 13))
    gus = got["gus@contractors.acme.io"]
    assert (gus.outcome, gus.performed_on, gus.details["date_from"]) == ("not signed", date(2026, 1, 12), "sent")
    one = records("docusign_envelopes", FILES["docusign_envelopes"][1])
    assert one["ivy@acme.io"].performed_on == date(2026, 2, 2) and one["ivy@acme.io"].outcome == "completed"


def test_dropbox_sign() -> None:
    got = records("dropbox_sign_requests", FILES["dropbox_sign_requests"][0])
    assert (got["eli@acme.io"].outcome, got["eli@acme.io"].performed_on) == ("completed", date(2026, 2, 2))
    assert got["jo@acme.io"].outcome == "not signed" and got["jo@acme.io"].title == "Acceptable Use Policy 2026"


def test_envelopes_without_recipients_are_lost_evidence_not_silence() -> None:
    doc = json.loads((FIX / FILES["docusign_envelopes"][0]).read_text())
    for e in doc["envelopes"]:
        e.pop("recipients")
    res = run("docusign_envelopes", json.dumps(doc).encode(), "envelopes.json")
    assert not [r for r in res.facts if isinstance(r, Record)]
    assert "include=recipients" in res.errors[0].message and "envelopes.json" in str(res.errors[0])
    assert [i.source for i in res.facts if isinstance(i, CollectionIssue)] == ["records.policy_acknowledgement"]
