"""The accuracy benchmark's local GitHub REST server (bench/accuracy/live/github_api.py): the documented answer
shapes the GitHub collector relies on, with authentication, page-number and cursor pagination, and the 404 of
an unprotected branch."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from bench.accuracy import vendors as v
from bench.accuracy.live.github_api import GithubApi

TOKEN = "local-test-token"


def _data() -> dict[str, Any]:
    members = [{"user": v.gh_user(f"user{i}"), "role": "admin" if i == 0 else "member", "two_factor": i != 3}
               for i in range(5)]
    alerts = [{"number": n, "state": "open" if n % 2 else "fixed"} for n in range(1, 6)]
    return {
        "org": v.gh_org("acme", two_factor=False),
        "members": members,
        "repos": [{"name": "api", "full_name": "acme/api", "default_branch": "main"}],
        "protection": {"api": None},
        "rules": {"api": [{"type": "deletion"}]},
        "pulls": {"api": []},
        "reviews": {"api#1": []},
        "dependabot": alerts,
    }


@pytest.fixture()
def api() -> Iterator[GithubApi]:
    server = GithubApi(_data(), token=TOKEN).start()
    yield server
    server.stop()


def _get(url: str, token: str | None = TOKEN) -> tuple[int, dict[str, str], Any]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 - a local test server
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


def test_a_request_without_the_token_is_refused(api: GithubApi) -> None:
    status, _, body = _get(f"{api.url}/orgs/acme", token=None)
    assert status == 401 and body["message"] == "Requires authentication"
    assert _get(f"{api.url}/orgs/acme")[2]["two_factor_requirement_enabled"] is False


def test_members_are_filtered_and_paged_with_link_headers(api: GithubApi) -> None:
    status, headers, page1 = _get(f"{api.url}/orgs/acme/members?role=all&filter=all&per_page=2")
    assert status == 200 and [m["login"] for m in page1] == ["user0", "user1"]
    assert 'rel="next"' in headers["Link"] and 'rel="last"' in headers["Link"]
    nxt = headers["Link"].split(";")[0].strip("<>")
    assert [m["login"] for m in _get(nxt)[2]] == ["user2", "user3"]
    assert [m["login"] for m in _get(f"{api.url}/orgs/acme/members?filter=2fa_disabled")[2]] == ["user3"]
    assert [m["login"] for m in _get(f"{api.url}/orgs/acme/members?role=admin")[2]] == ["user0"]
    assert _get(f"{api.url}/orgs/acme/members?filter=bogus")[0] == 422


def test_unprotected_branch_answers_404_branch_not_protected(api: GithubApi) -> None:
    status, _, body = _get(f"{api.url}/repos/acme/api/branches/main/protection")
    assert status == 404 and body["message"] == "Branch not protected"
    assert _get(f"{api.url}/repos/acme/api/rules/branches/main")[2] == [{"type": "deletion"}]
    assert _get(f"{api.url}/repos/acme/nothing/branches/main/protection")[2]["message"] == "Not Found"
    assert _get(f"{api.url}/repos/acme/api/pulls/1/reviews")[2] == []


def test_dependabot_alerts_use_cursor_pagination(api: GithubApi) -> None:
    status, headers, page = _get(f"{api.url}/orgs/acme/dependabot/alerts?per_page=2")
    numbers = [a["number"] for a in page]
    while "Link" in headers:
        assert "after=" in headers["Link"] and "&page=" not in headers["Link"] and "?page=" not in headers["Link"]
        status, headers, page = _get(headers["Link"].split(";")[0].strip("<>"))
        numbers += [a["number"] for a in page]
    assert status == 200 and numbers == [1, 2, 3, 4, 5]
    assert [a["number"] for a in _get(f"{api.url}/orgs/acme/dependabot/alerts?state=fixed")[2]] == [2, 4]
