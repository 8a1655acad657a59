"""A fake self-managed GitLab (REST API v4 under a relative URL root, shapes as documented at
https://docs.gitlab.com/api/ : users, group members, group projects, protected branches, approval rules and
settings, merge requests, merge request approvals), served by :class:`FakeApi`.

The answers are the fixture files of ``tests/fixtures/gitlab`` (written from GitLab's documentation). Lists are
cut into pages of ``per_page``: the users listing announces the next page only with ``X-Next-Page`` (as GitLab does
for offset pagination behind proxies that strip ``Link``), every other list with a ``Link`` header and
``X-Next-Page`` both.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from tests.collectors.fake_api import FakeApi, Reply, link_header

PLANTED_GITLAB_TOKEN = "glpat-TRUSTGAPplantedTOKEN0123456789"
FIX = Path(__file__).parent.parent / "fixtures" / "gitlab"
ROOT = "/gitlab/api/v4"  # an instance installed under https://host/gitlab


def _load(rel: str) -> Any:
    return json.loads((FIX / rel).read_text())


class GitlabApi:
    """Group ``acme`` with projects ``acme/api`` (id 42, main protected, approval rules) and ``acme/infra``
    (id 43, only ``release/*`` protected, approval rules refused as on GitLab Free)."""

    def __init__(self, *, rate_limit_members_page: int | None = None, failing_approvals: tuple[int, ...] = ()) -> None:
        self.api = FakeApi()
        self.rate_limit_members_page = rate_limit_members_page
        self.rate_limited = 0
        self.failing_approvals = failing_approvals
        self._lock = threading.Lock()
        r = self.api.routes
        users = _load("v15/users.json")
        members = _load("v17/group-members.json")["items"]
        projects = _load("v17/group-projects.json")
        r[f"{ROOT}/users"] = lambda q, h: self.page(f"{ROOT}/users", users, q, h, link=False)
        r[f"{ROOT}/groups/acme/members/all"] = self.members(members)
        r[f"{ROOT}/groups/acme/projects"] = lambda q, h: self.page(f"{ROOT}/groups/acme/projects", projects, q, h)
        for pid, rel in ((42, "v15/protected-branches-api.json"), (43, "v17/protected-branches-infra.json")):
            path = f"{ROOT}/projects/{pid}/protected_branches"
            r[path] = self.listing(path, _load(rel)["items"])
        path = f"{ROOT}/projects/42/approval_rules"
        r[path] = self.listing(path, _load("v15/approval-rules-api.json")["items"])
        r[f"{ROOT}/projects/43/approval_rules"] = self.forbidden
        r[f"{ROOT}/projects/42/approvals"] = self.one({"approvals_before_merge": 0, "reset_approvals_on_push": True,
                                                       "merge_requests_author_approval": False})
        r[f"{ROOT}/projects/43/approvals"] = self.one(_load("v17/approval-settings-infra.json")["settings"])
        for pid, rel in ((42, "v15/merge_requests.json"), (43, "v17/merge-requests-infra.json")):
            path = f"{ROOT}/projects/{pid}/merge_requests"
            r[path] = self.merged(path, _load(rel))
        for iid in (7, 8, 10):
            r[f"{ROOT}/projects/42/merge_requests/{iid}/approvals"] = self.approvals(42, iid,
                                                                                  _load(f"v15/approvals-{iid}.json"))
        for iid in (3, 4):
            r[f"{ROOT}/projects/43/merge_requests/{iid}/approvals"] = self.approvals(
                43, iid, _load(f"v17/approvals-infra-{iid}.json"))

    @property
    def base_url(self) -> str:
        return f"{self.api.url}/gitlab"

    def start(self) -> GitlabApi:
        self.api.start()
        return self

    def stop(self) -> None:
        self.api.stop()

    # ---- answers -------------------------------------------------------------------------------

    def authorised(self, headers: dict[str, str]) -> bool:
        return headers.get("private-token") == PLANTED_GITLAB_TOKEN

    def page(self, path: str, items: list[Any], query: dict[str, str], headers: dict[str, str], *,
             link: bool = True) -> Reply:
        if not self.authorised(headers):
            return 401, {}, {"message": "401 Unauthorized"}
        per_page = int(query.get("per_page", "20"))
        page = int(query.get("page", "1"))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        extra = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(items)),
                 "X-Total-Pages": str(last), "X-Next-Page": str(page + 1) if page < last else "",
                 "X-Prev-Page": str(page - 1) if page > 1 else ""}
        if link:
            extra.update(link_header(self.api.url, path, {k: v for k, v in query.items() if k != "page"}, page, last))
        return 200, extra, chunk

    def listing(self, path: str, items: list[Any]) -> Any:
        def answer(query: dict[str, str], headers: dict[str, str]) -> Reply:
            return self.page(path, items, query, headers)

        return answer

    def members(self, items: list[Any]) -> Any:
        def answer(query: dict[str, str], headers: dict[str, str]) -> Reply:
            with self._lock:
                limited = (query.get("page") == str(self.rate_limit_members_page) and self.rate_limited == 0)
                if limited:
                    self.rate_limited += 1
            if limited:
                return 429, {"Retry-After": "7", "RateLimit-Remaining": "0"}, {"message": "Retry later"}
            return self.page(f"{ROOT}/groups/acme/members/all", items, query, headers)

        return answer

    def merged(self, path: str, items: list[Any]) -> Any:
        def answer(query: dict[str, str], headers: dict[str, str]) -> Reply:
            state = query.get("state", "all")
            chosen = [m for m in items if state == "all" or m["state"] == state]
            return self.page(path, chosen, query, headers)

        return answer

    def approvals(self, project: int, iid: int, body: Any) -> Any:
        def answer(query: dict[str, str], headers: dict[str, str]) -> Reply:
            if not self.authorised(headers):
                return 401, {}, {"message": "401 Unauthorized"}
            if iid in self.failing_approvals:
                return 500, {}, {"message": "500 Internal Server Error"}
            return 200, {}, body

        return answer

    def one(self, body: Any) -> Any:
        def answer(query: dict[str, str], headers: dict[str, str]) -> Reply:
            return (200, {}, body) if self.authorised(headers) else (401, {}, {"message": "401 Unauthorized"})

        return answer

    def forbidden(self, query: dict[str, str], headers: dict[str, str]) -> Reply:
        return 403, {}, {"message": "403 Forbidden"}
