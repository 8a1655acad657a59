"""A fake GitHub REST API (shapes as documented at https://docs.github.com/en/rest: orgs, repos, branch
protection, rules for a branch, pulls, pull request reviews), served by :class:`FakeApi`."""

from __future__ import annotations

import threading
import time
from typing import Any

from tests.collectors.fake_api import FakeApi, Reply, link_header

ORG = "acme"
PLANTED_GITHUB_TOKEN = "ghp_TESTSECRET1234567890abcdefTRUSTGAP"


def _user(login: str) -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10**8, "type": "User", "site_admin": False}


def _pull(base: str, repo: str, number: int, *, author: str, updated: str, merged: str | None,
          merged_by: str | None = None) -> dict[str, Any]:
    return {
        "url": f"{base}/repos/{ORG}/{repo}/pulls/{number}", "id": 900000 + number, "number": number,
        "state": "closed", "locked": False, "title": f"Change {number}", "user": _user(author), "body": None,
        "labels": [{"name": "emergency"}] if number == 5 else [], "created_at": updated, "updated_at": updated,
        "closed_at": updated, "merged_at": merged, "merge_commit_sha": f"{number:040d}" if merged else None,
        "draft": False, "html_url": f"https://github.example/{ORG}/{repo}/pull/{number}",
        "head": {"ref": f"feature/{number}", "sha": f"{number + 1000:040d}"},
        "base": {"ref": "main", "sha": f"{number + 2000:040d}", "repo": {"full_name": f"{ORG}/{repo}"}},
        "author_association": "MEMBER",
        "merged_by": _user(merged_by) if merged_by else None,
    }


def _review(number: int, reviewer: str, state: str, at: str) -> dict[str, Any]:
    return {"id": 700000 + number, "node_id": f"PRR_{number}", "user": _user(reviewer), "body": "",
            "state": state, "html_url": f"https://github.example/{ORG}/api/pull/{number}#review",
            "pull_request_url": f"https://api.github.example/repos/{ORG}/api/pulls/{number}",
            "author_association": "MEMBER", "submitted_at": at, "commit_id": f"{number + 1000:040d}"}


class GithubApi:
    """Organisation ``acme`` with two repositories: ``api`` (protected, ten closed pull requests of which
    five were merged in the period) and ``web`` (main not protected, no pull requests)."""

    def __init__(self, *, per_page_limit: int = 100, rate_limit_on_page: int | None = None,
                 prefix: str = "", owner_token: bool = True, dependabot: bool = True) -> None:
        self.api = FakeApi()
        self.dependabot = dependabot  # False: 403 as for a token without the security_events scope
        self.owner_token = owner_token  # False: the 2fa_disabled filter is refused, as for a non-owner
        self.prefix = prefix  # "/api/v3" for GitHub Enterprise Server
        self.rate_limit_on_page = rate_limit_on_page
        self.rate_limited = 0
        self._lock = threading.Lock()
        self.per_page_limit = per_page_limit
        p = prefix
        r = self.api.routes
        r[f"{p}/orgs/{ORG}"] = self.org
        r[f"{p}/orgs/{ORG}/repos"] = self.repos
        r[f"{p}/orgs/{ORG}/members"] = self.members
        r[f"{p}/orgs/{ORG}/dependabot/alerts"] = self.dependabot_alerts
        for item in self.repo_items():
            r[f"{p}/repos/{item['full_name']}"] = lambda q, h, item=item: (200, {}, item)
        r[f"{p}/repos/{ORG}/api/branches/main/protection"] = self.protected
        r[f"{p}/repos/{ORG}/web/branches/main/protection"] = self.unprotected
        r[f"{p}/repos/{ORG}/api/rules/branches/main"] = lambda q, h: (200, {}, [])
        r[f"{p}/repos/{ORG}/web/rules/branches/main"] = self.rules
        r[f"{p}/repos/{ORG}/api/pulls"] = self.pulls
        r[f"{p}/repos/{ORG}/web/pulls"] = lambda q, h: (200, {}, [])
        for n in range(1, 11):
            r[f"{p}/repos/{ORG}/api/pulls/{n}/reviews"] = lambda q, h, n=n: self.reviews(n)

    @property
    def base_url(self) -> str:
        return self.api.url + self.prefix

    def start(self) -> GithubApi:
        self.api.start()
        return self

    def stop(self) -> None:
        self.api.stop()

    # ---- answers -------------------------------------------------------------------------------

    def org(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        return 200, {}, {"login": ORG, "id": 4242, "url": f"{self.base_url}/orgs/{ORG}", "name": "Acme",
                         "type": "Organization", "two_factor_requirement_enabled": False,
                         "default_repository_permission": "read", "members_can_create_public_repositories": True,
                         "public_repos": 0, "total_private_repos": 2}

    def members(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        """dana is the owner; erin has no 2FA; gina is a bot; two members per page to exercise ``Link``."""
        role, filter_ = q.get("role", "all"), q.get("filter", "all")
        everyone = ["dana", "erin", "frank", "gina"]
        if filter_ == "2fa_disabled":
            if not self.owner_token:
                return 422, {}, {"message": "Only owners can use this filter.",
                                 "documentation_url": "https://docs.github.com/rest/orgs/members"
                                                      "#list-organization-members", "status": "422"}
            logins = ["erin"]
        else:
            logins = {"admin": ["dana"], "member": everyone[1:]}.get(role, everyone)
        items = [_user(x) | ({"type": "Bot"} if x == "gina" else {}) for x in logins]
        per_page = min(int(q.get("per_page", 30)), 2)
        page = int(q.get("page", 1))
        last = max(1, -(-len(items) // per_page))
        query = {k: v for k, v in q.items() if k != "page"}
        headers = link_header(self.base_url, f"/orgs/{ORG}/members", query, page, last)
        return 200, headers, items[(page - 1) * per_page: page * per_page]

    def dependabot_alerts(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        """Three alerts over two pages (cursor pagination through ``Link``, as GitHub pages this listing)."""
        if not self.dependabot:
            return 403, {}, {"message": "Resource not accessible by personal access token",
                             "documentation_url": "https://docs.github.com/rest/dependabot/alerts", "status": "403"}

        def alert(n: int, state: str, sev: str, created: str, fixed: str | None = None) -> dict[str, Any]:
            return {"number": n, "state": state, "created_at": created, "updated_at": fixed or created,
                    "fixed_at": fixed, "dismissed_at": None, "dismissed_reason": None, "auto_dismissed_at": None,
                    "dependency": {"package": {"ecosystem": "npm", "name": f"pkg{n}"},
                                   "manifest_path": "package-lock.json", "scope": "runtime"},
                    "security_advisory": {"ghsa_id": f"GHSA-000{n}-aaaa-bbbb", "cve_id": f"CVE-2026-900{n}",
                                          "summary": f"pkg{n} flaw", "severity": sev,
                                          "published_at": "2026-07-01T00:00:00Z"},
                    "security_vulnerability": {"package": {"ecosystem": "npm", "name": f"pkg{n}"}, "severity": sev,
                                               "vulnerable_version_range": "< 2.0.0",
                                               "first_patched_version": {"identifier": "2.0.0"}},
                    "html_url": f"https://github.example/{ORG}/api/security/dependabot/{n}",
                    "repository": {"full_name": f"{ORG}/api", "name": "api"}}
        items = [alert(1, "open", "critical", "2026-08-01T00:00:00Z"),
                 alert(2, "fixed", "high", "2026-08-05T00:00:00Z", "2026-08-20T00:00:00Z"),
                 alert(3, "open", "low", "2026-09-01T00:00:00Z")]
        page = 2 if q.get("after") == "cursor2" else 1
        headers = {}
        if page == 1:
            query = "&".join(f"{k}={v}" for k, v in {**q, "after": "cursor2"}.items())
            headers["Link"] = f'<{self.base_url}/orgs/{ORG}/dependabot/alerts?{query}>; rel="next"'
        return 200, headers, items[:2] if page == 1 else items[2:]

    def repo_items(self) -> list[dict[str, Any]]:
        return [
            {"id": 1, "name": "api", "full_name": f"{ORG}/api", "private": True, "archived": False,
             "default_branch": "main", "owner": {"login": ORG, "type": "Organization"}},
            {"id": 2, "name": "web", "full_name": f"{ORG}/web", "private": True, "archived": False,
             "default_branch": "main", "owner": {"login": ORG, "type": "Organization"}},
            {"id": 3, "name": "old", "full_name": f"{ORG}/old", "private": True, "archived": True,
             "default_branch": "master", "owner": {"login": ORG, "type": "Organization"}},
        ]

    def repos(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        return 200, {}, self.repo_items()

    def protected(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        url = f"{self.base_url}/repos/{ORG}/api/branches/main/protection"
        return 200, {}, {
            "url": url,
            "required_status_checks": {"url": f"{url}/required_status_checks", "strict": True,
                                       "contexts": ["ci/test"], "checks": [{"context": "ci/test", "app_id": None}]},
            "required_pull_request_reviews": {"url": f"{url}/required_pull_request_reviews",
                                              "dismiss_stale_reviews": True, "require_code_owner_reviews": False,
                                              "required_approving_review_count": 1,
                                              "require_last_push_approval": False},
            "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": True},
            "required_linear_history": {"enabled": False}, "allow_force_pushes": {"enabled": False},
            "allow_deletions": {"enabled": False},
        }

    def unprotected(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        return 404, {}, {"message": "Branch not protected",
                         "documentation_url": "https://docs.github.com/rest/branches/branch-protection"
                                              "#get-branch-protection", "status": "404"}

    def rules(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        return 200, {}, [{"type": "deletion", "ruleset_source_type": "Organization", "ruleset_source": ORG,
                          "ruleset_id": 17}]

    def all_pulls(self) -> list[dict[str, Any]]:
        b = self.base_url
        merged = [  # newest first (sort=updated, direction=desc)
            _pull(b, "api", 1, author="dana", updated="2026-10-20T10:00:00Z", merged="2026-10-20T10:00:00Z",
                  merged_by="dana"),
            _pull(b, "api", 2, author="erin", updated="2026-10-10T10:00:00Z", merged="2026-10-10T09:00:00Z",
                  merged_by="frank"),
            _pull(b, "api", 3, author="frank", updated="2026-09-30T10:00:00Z", merged="2026-09-30T10:00:00Z",
                  merged_by="frank"),
            _pull(b, "api", 4, author="dana", updated="2026-09-01T10:00:00Z", merged="2026-09-01T10:00:00Z",
                  merged_by="erin"),
            _pull(b, "api", 5, author="erin", updated="2026-08-15T10:00:00Z", merged="2026-08-15T10:00:00Z",
                  merged_by="erin"),
        ]
        closed = [_pull(b, "api", 6, author="dana", updated="2026-08-10T10:00:00Z", merged=None)]
        old = [_pull(b, "api", n, author="erin", updated=f"2025-0{n - 5}-01T10:00:00Z",
                     merged=f"2025-0{n - 5}-01T10:00:00Z", merged_by="dana") for n in (7, 8, 9, 10)]
        return merged + closed + old

    def pulls(self, q: dict[str, str], h: dict[str, str]) -> Reply:
        per_page = min(int(q.get("per_page", 30)), self.per_page_limit)
        page = int(q.get("page", 1))
        if self.rate_limit_on_page == page:
            with self._lock:
                first = self.rate_limited == 0
                if first:
                    self.rate_limited += 1
            if first:
                reset = int(time.time()) + 7
                return 403, {"Retry-After": "7", "X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0",
                             "X-RateLimit-Reset": str(reset), "X-RateLimit-Resource": "core"}, {
                    "message": "API rate limit exceeded for user ID 1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}
        items = self.all_pulls()
        last = max(1, -(-len(items) // per_page))
        query = {k: v for k, v in q.items() if k != "page"}
        headers = link_header(self.base_url, f"/repos/{ORG}/api/pulls", query, page, last)
        headers.update({"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4000"})
        return 200, headers, items[(page - 1) * per_page: page * per_page]

    def reviews(self, n: int) -> Reply:
        when = {1: "2026-10-20T09:00:00Z", 2: "2026-10-10T08:00:00Z", 4: "2026-09-01T09:00:00Z"}
        if n == 1:
            return 200, {}, [_review(n, "dana", "COMMENTED", when[1])]  # only the author: not an approval
        if n == 2:
            return 200, {}, [_review(n, "frank", "CHANGES_REQUESTED", "2026-10-09T08:00:00Z"),
                             _review(n, "frank", "APPROVED", when[2])]
        if n == 4:
            return 200, {}, [_review(n, "frank", "APPROVED", when[4])]
        return 200, {}, []
