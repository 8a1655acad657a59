"""Live GitHub collection (REST API v3, github.com or GitHub Enterprise Server).

Calls (https://docs.github.com/en/rest):

- ``GET /orgs/{org}`` (organisation settings: ``two_factor_requirement_enabled`` needs an owner's token);
- ``GET /orgs/{org}/members`` three ways, every page: ``role=all`` (who is a member), ``role=admin`` (the
  owners) and ``filter=2fa_disabled`` (members without two-factor authentication; owners' tokens only: for
  anyone else GitHub answers 422, recorded as ``github.members_2fa`` so that 2FA stays unknown, never
  assumed). Docs: https://docs.github.com/en/rest/orgs/members#list-organization-members;
- ``GET /orgs/{org}/dependabot/alerts`` (every page, all states; needs the ``security_events`` scope or, for
  fine-grained tokens, "Dependabot alerts: read"): stored as one array for the ``dependabot`` parser;
  https://docs.github.com/en/rest/dependabot/alerts;
- ``GET /orgs/{org}/repos?type=all`` (every page) when ``repositories: all``, else ``GET /repos/{o}/{r}``;
- ``GET /repos/{o}/{r}/branches/{default}/protection``: a 404 whose message is "Branch not protected"
  means the default branch is unprotected; other 404s and 403s mean the token may not read it;
- ``GET /repos/{o}/{r}/rules/branches/{default}``: rules of repository and organisation rulesets;
- ``GET /repos/{o}/{r}/pulls?state=closed&sort=updated&direction=desc`` page by page, stopping after the
  page that reaches pull requests last updated before the period start; for each pull request merged in
  the period, ``GET /repos/{o}/{r}/pulls/{n}/reviews``.

Only the ``parts`` of the configuration are collected (``org``, ``members``, ``protection``, ``pulls``,
``dependabot``; default all).
Every answer is stored as evidence, source ``github:GET <path and query>``. The answers a file export
would hold are also stored in the shapes the ``github`` file parser reads, and parsed by it, so facts are
the same as for exported files: the organisation and repository answers as they come; branch protection
as ``{"trustgap_github": "branch_protection", "repository", "branch", "status", "body"}``; rules as
``{"trustgap_github": "branch_rules", "repository", "branch", "rules"}``; each member listing (all pages)
as ``{"trustgap_github": "members", "org", "role", "filter", "members"}``; each page of pull requests as
``{"trustgap_github": "pulls_with_reviews", "repository", "pulls": [... each with "reviews": [...]]}``.

The token comes from the environment variable named by ``token_env`` (``Authorization: Bearer``); it is
never stored. Rate limits are honoured by :class:`~trustgap.collectors.http.HttpClient`.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from trustgap.collectors.base import CollectConfig, GithubConfig, Progress, Recorder, run_tasks, safe_name
from trustgap.collectors.http import HttpClient, HttpError
from trustgap.collectors.registry import Collector, CollectRun
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore

PARSER = "github"
API_VERSION = "2022-11-28"
# A secondary rate-limit answer without Retry-After or an exhausted budget: wait at least a minute, then
# exponentially longer (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
SECONDARY_LIMIT_WAIT = 60.0


def _ts(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


class GithubRun:
    def __init__(self, cfg: GithubConfig, http: HttpClient, rec: Recorder, since: date, until: date) -> None:
        self.cfg = cfg
        self.http = http
        self.rec = rec
        self.since = datetime.combine(since, datetime.min.time(), UTC)
        self.until = datetime.combine(until, datetime.min.time(), UTC) + timedelta(days=1)
        self.org = cfg.org

    # ---- plumbing ------------------------------------------------------------------------------

    def fetch(self, source: str, path: str, name: str, *, params: Mapping[str, Any] | None = None,
              accept: tuple[int, ...] = (200,), parser: str | None = None, url: str | None = None) -> Any:
        """GET one answer and store it; returns the Answer or None after recording an issue."""
        try:
            answer = self.http.get(url or path, params=params, accept=accept)
        except HttpError as exc:
            self.rec.issue(source, f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                           name=f"{name}-error.json")
            return None
        if answer.status == 200:
            self.rec.put(answer.content or b"null", name=f"{name}.json", source=f"github:GET {answer.target}",
                         parser=parser)
        return answer

    def base(self, repo: str) -> str:
        return f"live/github/{safe_name(self.org)}/{'/'.join(safe_name(p) for p in repo.split('/'))}"

    # ---- org and repositories ------------------------------------------------------------------

    def org_task(self) -> None:
        self.fetch("github.org", f"/orgs/{self.org}", f"live/github/{safe_name(self.org)}/org", parser=PARSER)

    def members_task(self, role: str, filter_: str) -> None:
        """One member listing, every page, stored raw and as one ``members`` document for the parser."""
        source = "github.members_2fa" if filter_ == "2fa_disabled" else "github.members"
        params = {"role": role, "filter": filter_, "per_page": self.cfg.per_page}
        label = f"members-{role}" + ("-2fa-disabled" if filter_ == "2fa_disabled" else "")
        members: list[Any] = []
        url: str | None = None
        n = 0
        target = ""
        while True:
            n += 1
            answer = self.fetch(source, f"/orgs/{self.org}/members", f"live/github/{safe_name(self.org)}/{label}-{n}",
                                params=None if url else params, url=url)
            if answer is None:
                return  # the issue is recorded; a partial listing would claim what it cannot
            target = target or answer.target
            members.extend(m for m in answer.data or [] if isinstance(m, dict))
            if not answer.next_url:
                break
            url = answer.next_url
        doc = {"trustgap_github": "members", "org": self.org, "role": role, "filter": filter_, "members": members}
        self.rec.put_json(doc, name=f"live/github/{safe_name(self.org)}/{label}.json",
                          source=f"github:GET {target}", parser=PARSER)

    def dependabot_task(self) -> None:
        """Every Dependabot alert of the organisation, every page, stored raw and as one array."""
        alerts: list[Any] = []
        url: str | None = None
        n = 0
        target = ""
        while True:
            n += 1
            answer = self.fetch("scans.dependabot", f"/orgs/{self.org}/dependabot/alerts",
                                f"live/github/{safe_name(self.org)}/dependabot-alerts-{n}",
                                params=None if url else {"state": "open,fixed,dismissed,auto_dismissed",
                                                         "per_page": self.cfg.per_page}, url=url)
            if answer is None:
                return  # recorded against scans.dependabot: the vulnerability checks cannot pass on half a list
            target = target or answer.target
            alerts.extend(a for a in answer.data or [] if isinstance(a, dict))
            if not answer.next_url:
                break
            url = answer.next_url
        if alerts:
            self.rec.put_json(alerts, name=f"live/github/{safe_name(self.org)}/dependabot-alerts.json",
                              source=f"github:GET {target}", parser="dependabot")

    def repos_task(self) -> list[Callable[[], Any]]:
        repos: list[dict[str, Any]] = []
        if self.cfg.repositories == "all":
            params = {"type": "all", "per_page": self.cfg.per_page}
            url = None
            n = 0
            while True:
                n += 1
                answer = self.fetch("github.repos", f"/orgs/{self.org}/repos",
                                    f"live/github/{safe_name(self.org)}/repos-{n}", params=None if url else params,
                                    parser=PARSER, url=url)
                if answer is None:
                    break
                repos.extend(r for r in answer.data or [] if isinstance(r, dict))
                if not answer.next_url:
                    break
                url = answer.next_url
        else:
            for name in self.cfg.repositories:
                full = name if "/" in name else f"{self.org}/{name}"
                answer = self.fetch("github.repos", f"/repos/{full}", f"{self.base(full)}/repo", parser=PARSER)
                if answer is not None and isinstance(answer.data, dict):
                    repos.append(answer.data)
        tasks: list[Callable[[], Any]] = []
        for repo in repos:
            if repo.get("archived") and not self.cfg.include_archived:
                continue
            full = repo.get("full_name") or f"{self.org}/{repo.get('name')}"
            branch = repo.get("default_branch") or "main"
            if "protection" in self.cfg.parts:
                tasks.append(functools.partial(self.protection_task, full, branch))
                tasks.append(functools.partial(self.rules_task, full, branch))
            if "pulls" in self.cfg.parts:
                tasks.append(functools.partial(self.pulls_page_task, full, 1, None))
        return tasks

    # ---- protection and rules ------------------------------------------------------------------

    def protection_task(self, repo: str, branch: str) -> None:
        path = f"/repos/{repo}/branches/{branch}/protection"
        answer = self.fetch("github.protection", path, f"{self.base(repo)}/protection-raw", accept=(200, 404))
        if answer is None:
            return
        body = answer.data
        if answer.status == 404:
            message = str((body or {}).get("message", "")) if isinstance(body, dict) else ""
            self.rec.put(answer.content or b"null", name=f"{self.base(repo)}/protection-404.json",
                         source=f"github:GET {answer.target}")
            if "not protected" not in message.lower():
                self.rec.issue("github.protection", f"GET {answer.target}: HTTP 404 {message} (the token may lack "
                               "admin rights on the repository)", call=f"GET {answer.target}",
                               name=f"{self.base(repo)}/protection-error.json")
                return
        doc = {"trustgap_github": "branch_protection", "repository": repo, "branch": branch,
               "status": answer.status, "body": body}
        self.rec.put_json(doc, name=f"{self.base(repo)}/protection.json", source=f"github:GET {answer.target}",
                          parser=PARSER)

    def rules_task(self, repo: str, branch: str) -> None:
        rules: list[Any] = []
        url: str | None = None
        n = 0
        target = ""
        while True:
            n += 1
            answer = self.fetch("github.protection", f"/repos/{repo}/rules/branches/{branch}",
                                f"{self.base(repo)}/rules-{n}-raw", params=None if url else
                                {"per_page": self.cfg.per_page}, url=url)
            if answer is None:
                return
            target = target or answer.target
            rules.extend(answer.data or [])
            if not answer.next_url:
                break
            url = answer.next_url
        doc = {"trustgap_github": "branch_rules", "repository": repo, "branch": branch, "rules": rules}
        self.rec.put_json(doc, name=f"{self.base(repo)}/rules.json", source=f"github:GET {target}", parser=PARSER)

    # ---- pull requests -------------------------------------------------------------------------

    def pulls_page_task(self, repo: str, n: int, url: str | None) -> list[Callable[[], Any]]:
        params = None if url else {"state": "closed", "sort": "updated", "direction": "desc",
                                   "per_page": self.cfg.per_page}
        answer = self.fetch("github.pulls", f"/repos/{repo}/pulls", f"{self.base(repo)}/pulls-{n}-raw",
                            params=params, url=url)
        if answer is None:
            return []
        pulls = [p for p in answer.data or [] if isinstance(p, dict)]
        older = any((_ts(p.get("updated_at")) or self.until) < self.since for p in pulls)
        merged = [p for p in pulls if (m := _ts(p.get("merged_at"))) is not None and self.since <= m < self.until]
        page = _Page(self, repo, n, answer.target, merged)
        tasks: list[Callable[[], Any]] = [functools.partial(page.reviews_task, i, pull)
                                          for i, pull in enumerate(merged)]
        if not merged:
            page.finish()
        if answer.next_url and not older:
            tasks.append(lambda: self.pulls_page_task(repo, n + 1, answer.next_url))
        return tasks


class _Page:
    """One page of merged pull requests waiting for their reviews; the last review call stores the page."""

    def __init__(self, run: GithubRun, repo: str, n: int, target: str, pulls: list[dict[str, Any]]) -> None:
        self.run = run
        self.repo = repo
        self.n = n
        self.target = target
        self.pulls = [dict(p) for p in pulls]
        self.left = len(pulls)
        self.lock = threading.Lock()

    def reviews_task(self, i: int, pull: dict[str, Any]) -> None:
        number = pull.get("number")
        reviews: list[Any] = []
        url: str | None = None
        k = 0
        ok = True
        while True:
            k += 1
            answer = self.run.fetch(
                "github.pulls", f"/repos/{self.repo}/pulls/{number}/reviews",
                f"{self.run.base(self.repo)}/pull-{number}-reviews-{k}",
                params=None if url else {"per_page": self.run.cfg.per_page}, url=url,
            )
            if answer is None:
                ok = False
                break
            reviews.extend(answer.data or [])
            if not answer.next_url:
                break
            url = answer.next_url
        with self.lock:
            if ok:
                self.pulls[i]["reviews"] = reviews
            else:
                self.pulls[i]["reviews_unavailable"] = True
            self.left -= 1
            done = self.left == 0
        if done:
            self.finish()

    def finish(self) -> None:
        if not self.pulls:
            return
        doc = {"trustgap_github": "pulls_with_reviews", "repository": self.repo, "pulls": self.pulls}
        self.run.rec.put_json(doc, name=f"{self.run.base(self.repo)}/pulls-{self.n}.json",
                              source=f"github:GET {self.target} (+ reviews)", parser=PARSER)


def collect_github(
    cfg: CollectConfig,
    *,
    store: EvidenceStore,
    as_of: date,
    period: tuple[date, date] | None = None,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    options: dict[str, dict[str, Any]] | None = None,
) -> SourceOutput:
    """Collect the organisation, its repositories' default-branch protection and rules, and the pull
    requests merged in the period with their reviews."""
    import os

    gh = cfg.github
    if gh is None:
        raise ValueError("collect.github is not configured")
    environ = env if env is not None else os.environ
    token = environ.get(gh.token_env) or ""
    rec = Recorder(store, as_of=as_of, collector="github", secrets=[token], progress=progress, options=options)
    if not token:
        rec.issue("github", f"no token: set the environment variable {gh.token_env}", call="auth",
                  name=f"live/github/{safe_name(gh.org)}/auth-error.json")
        return rec.output
    since = gh.since or (period[0] if period else as_of - timedelta(days=gh.lookback_days))
    until = min(period[1], as_of) if period else as_of
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
               "X-GitHub-Api-Version": API_VERSION, "User-Agent": "trustgap"}
    with HttpClient(gh.base_url, headers=headers, timeout=cfg.timeout_seconds, max_retries=cfg.max_retries,
                    max_wait=cfg.max_wait_seconds, max_connections=gh.max_workers, sleep=sleep, clock=clock,
                    on_wait=lambda s, why: rec.note(f"waiting {s:.0f} s ({why})"),
                    hintless_wait=SECONDARY_LIMIT_WAIT) as http:
        run = GithubRun(gh, http, rec, since, until)
        tasks: list[tuple[str, Callable[[], Any]]] = []
        if "org" in gh.parts:
            tasks.append(("github.org", run.org_task))
        if "dependabot" in gh.parts:
            tasks.append(("scans.dependabot", run.dependabot_task))
        if "members" in gh.parts:
            for role, filter_ in (("all", "all"), ("admin", "all"), ("all", "2fa_disabled")):
                tasks.append(("github.members", functools.partial(run.members_task, role, filter_)))
        if "protection" in gh.parts or "pulls" in gh.parts:
            tasks.append(("github.repos", run.repos_task))
        run_tasks(tasks, rec, max_workers=gh.max_workers)
    return rec.output


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    return collect_github(cfg, store=run.store, as_of=run.as_of, period=run.period, progress=run.progress, env=run.env,
                       sleep=run.sleep, options=run.options)


COLLECTOR = Collector(
    name="github", description="GitHub: organisation settings, members, branch protection, pull requests, Dependabot",
    options=GithubConfig, fetch=_fetch, topic="github",
)
