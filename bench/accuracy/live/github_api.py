"""A local HTTP server answering the GitHub REST API (v3, version 2022-11-28) for one organisation, from a
data file a generator wrote: the calls trustgap's GitHub collector makes, in their documented shapes.

Endpoints (https://docs.github.com/en/rest):

- ``GET /orgs/{org}``: the organisation (https://docs.github.com/en/rest/orgs/orgs#get-an-organization);
- ``GET /orgs/{org}/members?role=all|admin|member&filter=all|2fa_disabled`` (page-number pagination with
  ``Link``): https://docs.github.com/en/rest/orgs/members#list-organization-members ;
- ``GET /orgs/{org}/repos?type=all`` and ``GET /repos/{owner}/{repo}``:
  https://docs.github.com/en/rest/repos/repos ;
- ``GET /repos/{o}/{r}/branches/{branch}/protection``: the protection, or 404 ``{"message": "Branch not
  protected"}`` for an unprotected branch
  (https://docs.github.com/en/rest/branches/branch-protection#get-branch-protection);
- ``GET /repos/{o}/{r}/rules/branches/{branch}``: the active rules of rulesets for the branch
  (https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch);
- ``GET /repos/{o}/{r}/pulls?state=closed&sort=updated&direction=desc`` (page-number pagination) and
  ``GET /repos/{o}/{r}/pulls/{n}/reviews``: https://docs.github.com/en/rest/pulls ;
- ``GET /orgs/{org}/dependabot/alerts`` (cursor pagination: ``after`` in the ``Link`` next URL):
  https://docs.github.com/en/rest/dependabot/alerts#list-dependabot-alerts-for-an-organization .

Every request needs ``Authorization: Bearer <token>`` (401 ``Requires authentication`` otherwise, as GitHub
answers). Unknown paths answer 404 ``Not Found``. The data file (``Data``) holds the organisation, its members
(with role and two-factor state), repositories, protections (None for an unprotected branch), rules, pull
requests, reviews per pull request and Dependabot alerts.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

Reply = tuple[int, dict[str, str], Any]
DOCS = "https://docs.github.com/rest"


def _not_found() -> Reply:
    return 404, {}, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}


class GithubApi:
    """Serves ``data`` (a dict as :func:`bench.accuracy.orgs.atlas` writes it) on 127.0.0.1, a free port."""

    def __init__(self, data: dict[str, Any], *, token: str) -> None:
        self.data = data
        self.token = token
        self.org: str = data["org"]["login"]
        self.requests: list[str] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server interface
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with api._lock:
                    api.requests.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {api.token}":
                    status, extra, body = 401, {}, {"message": "Requires authentication", "documentation_url": DOCS}
                else:
                    status, extra, body = api.route(parts.path, query)
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        o = re.escape(self.org)
        repo = r"(?P<repo>[A-Za-z0-9_.-]+)"
        self.routes: list[tuple[re.Pattern[str], Callable[..., Reply]]] = [
            (re.compile(rf"^/orgs/{o}$"), self.get_org),
            (re.compile(rf"^/orgs/{o}/members$"), self.members),
            (re.compile(rf"^/orgs/{o}/repos$"), self.repos),
            (re.compile(rf"^/orgs/{o}/dependabot/alerts$"), self.dependabot),
            (re.compile(rf"^/repos/{o}/{repo}$"), self.repo),
            (re.compile(rf"^/repos/{o}/{repo}/branches/(?P<branch>[^/]+)/protection$"), self.protection),
            (re.compile(rf"^/repos/{o}/{repo}/rules/branches/(?P<branch>[^/]+)$"), self.rules),
            (re.compile(rf"^/repos/{o}/{repo}/pulls$"), self.pulls),
            (re.compile(rf"^/repos/{o}/{repo}/pulls/(?P<number>\d+)/reviews$"), self.reviews),
        ]

    # ---- server ------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> GithubApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def route(self, path: str, query: dict[str, str]) -> Reply:
        for pattern, handler in self.routes:
            m = pattern.match(path)
            if m:
                return handler(query, **m.groupdict())
        return _not_found()

    # ---- pagination -----------------------------------------------------------------------------

    def _pages(self, path: str, query: dict[str, str], items: list[Any]) -> Reply:
        """Page-number pagination: ``per_page`` (default 30, at most 100) and ``page``, with a ``Link`` header."""
        per_page = max(1, min(int(query.get("per_page", 30)), 100))
        page = max(1, int(query.get("page", 1)))
        last = max(1, -(-len(items) // per_page))
        rest = {k: v for k, v in query.items() if k != "page"}

        def link(n: int, rel: str) -> str:
            return f'<{self.url}{path}?{urlencode({**rest, "page": n})}>; rel="{rel}"'

        links = []
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, headers, items[(page - 1) * per_page : page * per_page]

    # ---- answers --------------------------------------------------------------------------------

    def get_org(self, query: dict[str, str]) -> Reply:
        return 200, {}, self.data["org"]

    def members(self, query: dict[str, str]) -> Reply:
        role, filter_ = query.get("role", "all"), query.get("filter", "all")
        if role not in ("all", "admin", "member") or filter_ not in ("all", "2fa_disabled"):
            return 422, {}, {"message": "Validation Failed", "documentation_url": DOCS, "status": "422"}
        out = []
        for m in self.data["members"]:
            if role != "all" and m["role"] != role:
                continue
            if filter_ == "2fa_disabled" and m["two_factor"]:
                continue
            out.append(m["user"])
        return self._pages(f"/orgs/{self.org}/members", query, out)

    def repos(self, query: dict[str, str]) -> Reply:
        return self._pages(f"/orgs/{self.org}/repos", query, self.data["repos"])

    def repo(self, query: dict[str, str], repo: str) -> Reply:
        for r in self.data["repos"]:
            if r["name"] == repo:
                return 200, {}, r
        return _not_found()

    def protection(self, query: dict[str, str], repo: str, branch: str) -> Reply:
        if repo not in self.data["protection"]:
            return _not_found()
        body = self.data["protection"][repo]
        if body is None:
            return (
                404,
                {},
                {
                    "message": "Branch not protected",
                    "documentation_url": f"{DOCS}/branches/branch-protection#get-branch-protection",
                    "status": "404",
                },
            )
        return 200, {}, body

    def rules(self, query: dict[str, str], repo: str, branch: str) -> Reply:
        return self._pages(f"/repos/{self.org}/{repo}/rules/branches/{branch}", query, self.data["rules"].get(repo, []))

    def pulls(self, query: dict[str, str], repo: str) -> Reply:
        items = list(self.data["pulls"].get(repo, []))
        if query.get("state", "open") == "closed":
            items = [p for p in items if p["state"] == "closed"]
        elif query.get("state", "open") == "open":
            items = [p for p in items if p["state"] == "open"]
        if query.get("sort") == "updated":
            items.sort(key=lambda p: p["updated_at"], reverse=query.get("direction", "desc") == "desc")
        return self._pages(f"/repos/{self.org}/{repo}/pulls", query, items)

    def reviews(self, query: dict[str, str], repo: str, number: str) -> Reply:
        key = f"{repo}#{number}"
        if key not in self.data["reviews"]:
            return _not_found()
        return self._pages(f"/repos/{self.org}/{repo}/pulls/{number}/reviews", query, self.data["reviews"][key])

    def dependabot(self, query: dict[str, str]) -> Reply:
        """Cursor pagination: the next page's URL carries ``after``, an opaque cursor (GitHub's shape)."""
        items = self.data["dependabot"]
        states = set((query.get("state") or "open,fixed,dismissed,auto_dismissed").split(","))
        items = [a for a in items if a["state"] in states]
        per_page = max(1, min(int(query.get("per_page", 30)), 100))
        start = int(base64.urlsafe_b64decode(query["after"]).decode()) if query.get("after") else 0
        page = items[start : start + per_page]
        headers = {}
        if start + per_page < len(items):
            cursor = base64.urlsafe_b64encode(str(start + per_page).encode()).decode()
            rest = {k: v for k, v in query.items() if k != "after"}
            headers["Link"] = (
                f'<{self.url}/orgs/{self.org}/dependabot/alerts?{urlencode({**rest, "after": cursor})}>; rel="next"'
            )
        return 200, headers, page
