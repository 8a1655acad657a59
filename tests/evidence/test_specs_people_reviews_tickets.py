"""Access-review decisions and Jira change tickets, read by their format specs (two variants each: Okta Identity
Governance's campaign details and a plain review sheet; Jira Service Management change requests and Jira Software
issues)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import AccessDecision, Change

FIX = Path(__file__).parent.parent / "fixtures"
FILES = {
    "access_review_decisions": ("access_reviews/okta-past-campaign-details.csv",
                                "access_reviews/github-access-review-q1.csv"),
    "jira_changes": ("jira/jsm-change-requests.csv", "jira/jira-software-issues.csv"),
}


def run(fmt: str, rel: str) -> ParseResult:
    data = (FIX / rel).read_bytes()
    ref = EvidenceRef(sha256_bytes(data), rel, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()[fmt], data, ParseContext(ref=ref, path=rel, as_of=date(2026, 3, 1)))


@pytest.mark.parametrize(("fmt", "rel"), [(f, r) for f, rels in FILES.items() for r in rels])
def test_recognised_by_content(fmt: str, rel: str) -> None:
    parser = recognise((FIX / rel).read_bytes(), "export.csv")
    assert parser is not None and parser.name == fmt


def test_okta_campaign_decisions() -> None:
    res = run("access_review_decisions", FILES["access_review_decisions"][0])
    assert res.errors == []
    got = {d.account: d for d in res.facts if isinstance(d, AccessDecision)}
    eli = got["eli@acme.io"]
    assert (eli.decision, eli.reviewed_on, eli.reviewer, eli.system, eli.entitlement, eli.review) == (
        "keep", date(2026, 1, 20), "dana@acme.io", "AWS IAM Identity Center", "AdministratorAccess",
        "Q1 2026 AWS access review")
    assert got["fay@acme.io"].decision == "revoke"
    assert got["gus@contractors.acme.io"].system == "Engineering - Prod Access"


def test_plain_review_sheet() -> None:
    res = run("access_review_decisions", FILES["access_review_decisions"][1])
    got = {d.account: d for d in res.facts if isinstance(d, AccessDecision)}
    assert {a: d.decision for a, d in got.items()} == {"hal@acme.io": "modify", "ivy@acme.io": "keep",
                                                       "old.intern@acme.io": "revoke"}
    assert got["hal@acme.io"].reviewed_on == date(2026, 2, 3) and got["hal@acme.io"].entitlement == "Owner"


def test_jira_service_management_change_requests() -> None:
    res = run("jira_changes", FILES["jira_changes"][0])
    assert res.errors == []
    got = {c.change_id: c for c in res.facts if isinstance(c, Change)}
    normal, emergency = got["CHG-104"], got["CHG-107"]
    assert (normal.kind, normal.system, normal.repository, normal.emergency) == ("ticket", "jira", "CHG", False)
    assert normal.approvers == ("dana@acme.io",) and normal.approved_at == datetime(2026, 2, 4, 11, 0, tzinfo=UTC)
    assert normal.created_at == datetime(2026, 2, 3, 9, 12, tzinfo=UTC) and normal.status == "Completed"
    assert normal.links == ("https://git.acme.io/acme/infra/-/merge_requests/3",)
    assert emergency.emergency is True and emergency.approvers == ()


def test_jira_software_hotfix_label() -> None:
    got = {c.change_id: c for c in run("jira_changes", FILES["jira_changes"][1]).facts if isinstance(c, Change)}
    assert got["API-311"].emergency is True and got["API-298"].emergency is False
    assert got["API-311"].repository == "API" and got["API-311"].closed_at == datetime(2026, 2, 15, 23, 2, tzinfo=UTC)
