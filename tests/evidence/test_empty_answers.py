"""Empty API answers are evidence: ``[]`` for a pull request's reviews means "no reviews", for a user's factors "no
factors", for the members without two-factor authentication "nobody"; a 404 "Branch not protected" means an
unprotected branch. The answer names none of them: the path it was saved under does."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence.detect import ParseContext, load_parsers, parse_with, recognise
from trustgap.evidence.parsers._api_paths import branch_protection, member_filter, okta_factors_user, pull_reviews
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Account, BranchProtection, Change, CollectionIssue

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"
EMPTY = b"[]\n"


def _read(parser: str, files: list[tuple[str, bytes]]) -> list[Any]:
    facts: list[Any] = []
    for name, data in files:
        chosen = recognise(data, name)
        assert chosen is not None and chosen.name == parser, name
        ref = EvidenceRef(sha256_bytes(data), name, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
        res = parse_with(chosen, data, ParseContext(ref=ref, path=name, as_of=date(2026, 3, 1)))
        assert res.errors == [], res.errors
        facts.extend(res.facts)
    finalize = load_parsers()[parser].finalize
    assert finalize is not None
    return finalize(facts)


@pytest.mark.parametrize(("path", "expected"), [
    ("acme-corp/web/pulls/13/reviews.json", ("acme-corp/web", "13")),
    ("github/web/13/reviews.json", ("web", "13")),
    ("github/reviews/web-13-reviews.json", ("web", "13")),
    ("reviews-web-13.json", ("web", "13")),
    ("github/web/pulls.json", None),
])
def test_reviews_answer_paths(path: str, expected: tuple[str, str] | None) -> None:
    assert pull_reviews(path) == expected


def test_path_hints_for_members_factors_and_protection() -> None:
    assert member_filter("github/members-2fa-disabled.json") == ("all", "2fa_disabled")
    assert member_filter("github/owners.json") == ("admin", "all")
    assert member_filter("github/repos.json") is None
    assert okta_factors_user("okta/factors/00u5c248619c6d507569.json") == "00u5c248619c6d507569"
    assert okta_factors_user("okta/users/00u5c248619c6d507569/factors.json") == "00u5c248619c6d507569"
    assert okta_factors_user("okta/users/00u5c248619c6d507569.json") is None
    assert branch_protection("github/web-main-protection.json") == ("web", "main")
    assert branch_protection("acme/web/branches/main/protection.json") == ("acme/web", "main")


def test_an_empty_reviews_answer_is_a_pull_request_without_reviews() -> None:
    pulls = (FIX / "github" / "pulls-web.json").read_bytes()
    reviews_12 = (FIX / "github" / "reviews-web-12.json").read_bytes()
    without = _read("github", [("github/pulls-web.json", pulls), ("github/reviews-web-12.json", reviews_12)])
    (issue,) = [f for f in without if isinstance(f, CollectionIssue)]
    assert "#13" in issue.reason  # no reviews answer for #13: approval cannot be judged
    with_empty = _read("github", [("github/pulls-web.json", pulls), ("github/reviews-web-12.json", reviews_12),
                                  ("github/web/pulls/13/reviews.json", EMPTY)])
    assert not [f for f in with_empty if isinstance(f, CollectionIssue)]
    changes = {c.change_id: c for c in with_empty if isinstance(c, Change)}
    assert changes["13"].reviews == () and changes["13"].repository == "acme-corp/web"
    assert len(changes["12"].reviews) == 2


def test_an_empty_factors_answer_is_a_user_without_factors() -> None:
    users = (FIX / "identity" / "okta-users.json").read_bytes()
    uid = json.loads(users)[1]["id"]
    accounts = {a.account_id: a for a in _read("okta", [("okta/users.json", users)]) if isinstance(a, Account)}
    assert accounts[uid].mfa_enabled is None  # nothing said
    facts = _read("okta", [("okta/users.json", users), (f"okta/factors/{uid}.json", EMPTY)])
    accounts = {a.account_id: a for a in facts if isinstance(a, Account)}
    assert accounts[uid].mfa_enabled is False


def test_an_empty_2fa_disabled_listing_clears_every_member() -> None:
    members = (FIX / "github" / "members-all.json").read_bytes()
    before = {a.account_id: a for a in _read("github", [("github/members.json", members)])
              if isinstance(a, Account)}
    assert before and all(a.mfa_enabled is None for a in before.values())
    after = {a.account_id: a for a in _read("github", [("github/members.json", members),
                                                       ("github/members-2fa-disabled.json", EMPTY)])
             if isinstance(a, Account)}
    assert set(after) == set(before) and all(a.mfa_enabled is True for a in after.values())


def test_a_404_not_protected_answer_named_by_its_path() -> None:
    body = json.dumps({"message": "Branch not protected",
                       "documentation_url": "https://docs.github.com/rest/branches/branch-protection"
                                            "#get-branch-protection", "status": "404"}).encode()
    repos = (FIX / "github" / "repos.json").read_bytes()
    facts = _read("github", [("github/repos.json", repos), ("github/web-main-protection.json", body)])
    (bp,) = [f for f in facts if isinstance(f, BranchProtection) and f.repository.endswith("web")]
    assert bp.protected is False and bp.branch == "main" and "/" in bp.repository
    assert recognise(body, "answer.json") is None  # nothing says which branch


def test_an_empty_list_with_no_telling_path_stays_unrecognised() -> None:
    assert recognise(EMPTY, "export.json") is None
    assert recognise(EMPTY, "github/pulls.json") is None
