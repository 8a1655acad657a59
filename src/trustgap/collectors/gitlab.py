"""Live GitLab collection (REST API v4, gitlab.com or a self-managed instance at any base URL).

Calls (https://docs.gitlab.com/api/rest/), every list followed page by page (``Link: <...>; rel="next"``, or the
``X-Next-Page`` header when an instance sends no ``Link``; https://docs.gitlab.com/api/rest/#pagination):

- ``GET /users`` (part ``users``; on by default for self-managed instances only, since on gitlab.com it would list
  the whole site): an administrator's token shows e-mails, 2FA, admin flags and sign-in times;
- ``GET /groups/:id/members/all`` (part ``members``): direct and inherited members with their access level;
- ``GET /groups/:id/projects?include_subgroups=true`` or ``GET /projects/:path`` for each configured project;
- per project (part ``protection``): ``GET /projects/:id/protected_branches``, ``GET /projects/:id/approval_rules``
  and ``GET /projects/:id/approvals`` (approval rules and settings are GitLab Premium: a 403 or 404 there is
  recorded as ``gitlab.approval_rules`` and the required number of approvals stays unknown);
- per project (part ``merge_requests``): ``GET /projects/:id/merge_requests?state=merged&updated_after=<since>``,
  then ``GET /projects/:id/merge_requests/:iid/approvals`` for each one merged in the period.

Every answer is stored as evidence (source ``gitlab:GET <path and query>``) and read by the ``gitlab`` file parser,
so the facts equal those of exported files: users, projects, merge requests and approvals as they come; protected
branches, approval rules and settings and the member listing in the parser's ``trustgap_gitlab`` wrapper (those
answers do not name their project or group). The token comes from the environment variable named by ``token_env``
(``PRIVATE-TOKEN`` header, read_api scope) and is never stored; ``Retry-After`` and ``RateLimit-*`` are honoured by
:class:`~trustgap.collectors.http.HttpClient`.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from trustgap.collectors.base import CollectConfig, GitlabConfig, Progress, Recorder, run_tasks, safe_name
from trustgap.collectors.http import Answer, HttpClient, HttpError
from trustgap.collectors.registry import Collector, CollectRun
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore

PARSER = "gitlab"
WRAPPER = "trustgap_gitlab"


def _ts(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


class GitlabRun:
    def __init__(self, cfg: GitlabConfig, http: HttpClient, rec: Recorder, since: date, until: date) -> None:
        self.cfg = cfg
        self.http = http
        self.rec = rec
        self.since = datetime.combine(since, datetime.min.time(), UTC)
        self.until = datetime.combine(until, datetime.min.time(), UTC) + timedelta(days=1)

    # ---- plumbing ------------------------------------------------------------------------------

    def pages(self, source: str, path: str, params: dict[str, Any], name: str,
              parser: str | None = PARSER) -> Iterator[Answer]:
        """Every page of a list, each stored (and parsed with ``parser``); stops after recording an issue."""
        params = {**params, "per_page": self.cfg.per_page}
        url: str | None = None
        n = 0
        while True:
            n += 1
            try:
                answer = self.http.get(url or path, params=None if url else params)
            except HttpError as exc:
                self.rec.issue(source, f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                               name=f"{name}-{n}-error.json")
                raise
            self.rec.put(answer.content or b"[]", name=f"{name}-{n}.json", source=f"gitlab:GET {answer.target}",
                         parser=parser)
            yield answer
            if answer.next_url:
                url = answer.next_url
                continue
            nxt = (answer.headers.get("x-next-page") or "").strip()
            if not nxt.isdigit():
                return
            params = {**params, "page": int(nxt)}
            url = None

    def listing(self, source: str, path: str, params: dict[str, Any], name: str) -> tuple[list[Any], str] | None:
        """Every item of a list whose raw pages are stored unparsed (they go to the parser in a wrapper)."""
        items: list[Any] = []
        target = ""
        try:
            for answer in self.pages(source, path, params, name, parser=None):
                target = target or answer.target
                items.extend(answer.data if isinstance(answer.data, list) else [])
        except HttpError:
            return None
        return items, target

    def base(self, project: str) -> str:
        return "live/gitlab/" + "/".join(safe_name(p) for p in project.split("/"))

    # ---- users, members, projects ---------------------------------------------------------------

    def users_task(self) -> None:
        try:
            for _ in self.pages("gitlab.users", "/users", {}, "live/gitlab/users"):
                pass
        except HttpError:
            return

    def members_task(self) -> None:
        group = str(self.cfg.group)
        got = self.listing("gitlab.members", f"/groups/{quote(group, safe='')}/members/all", {},
                           f"live/gitlab/groups/{safe_name(group)}/members-raw")
        if got is None:
            return
        items, target = got
        doc = {WRAPPER: "members", "group": group, "items": items}
        self.rec.put_json(doc, name=f"live/gitlab/groups/{safe_name(group)}/members.json",
                          source=f"gitlab:GET {target}", parser=PARSER)

    def projects_task(self) -> list[Callable[[], Any]]:
        projects: list[dict[str, Any]] = []
        if self.cfg.projects == "all":
            group = str(self.cfg.group)
            params: dict[str, Any] = {"include_subgroups": "true", "order_by": "id", "sort": "asc"}
            if not self.cfg.include_archived:
                params["archived"] = "false"
            try:
                for answer in self.pages("gitlab.projects", f"/groups/{quote(group, safe='')}/projects", params,
                                         f"live/gitlab/groups/{safe_name(group)}/projects"):
                    projects.extend(p for p in answer.data or [] if isinstance(p, dict))
            except HttpError:
                pass
        else:
            for path in self.cfg.projects:
                try:
                    answer = self.http.get(f"/projects/{quote(path, safe='')}")
                except HttpError as exc:
                    self.rec.issue("gitlab.projects", f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                                   name=f"{self.base(path)}/project-error.json")
                    continue
                self.rec.put(answer.content, name=f"{self.base(path)}/project.json",
                             source=f"gitlab:GET {answer.target}", parser=PARSER)
                if isinstance(answer.data, dict):
                    projects.append(answer.data)
        tasks: list[Callable[[], Any]] = []
        for p in projects:
            pid, full = p.get("id"), p.get("path_with_namespace")
            if not isinstance(pid, int) or not isinstance(full, str):
                continue
            path = full
            if p.get("archived") and not self.cfg.include_archived:
                continue
            if "protection" in self.cfg.parts:
                tasks.append(functools.partial(self.wrapped_task, pid, path, "protected_branches",
                                               "protected_branches", "gitlab.protection"))
                tasks.append(functools.partial(self.wrapped_task, pid, path, "approval_rules", "approval_rules",
                                               "gitlab.approval_rules"))
                tasks.append(functools.partial(self.settings_task, pid, path))
            if "merge_requests" in self.cfg.parts:
                tasks.append(functools.partial(self.merge_requests_task, pid, path))
        return tasks

    # ---- per project ---------------------------------------------------------------------------

    def wrapped_task(self, pid: int, path: str, endpoint: str, kind: str, source: str) -> None:
        got = self.listing(source, f"/projects/{pid}/{endpoint}", {}, f"{self.base(path)}/{endpoint}-raw")
        if got is None:
            return
        items, target = got
        self.rec.put_json({WRAPPER: kind, "project": path, "items": items}, name=f"{self.base(path)}/{endpoint}.json",
                          source=f"gitlab:GET {target}", parser=PARSER)

    def settings_task(self, pid: int, path: str) -> None:
        try:
            answer = self.http.get(f"/projects/{pid}/approvals")
        except HttpError as exc:
            self.rec.issue("gitlab.approval_rules", f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                           name=f"{self.base(path)}/approvals-settings-error.json")
            return
        self.rec.put(answer.content, name=f"{self.base(path)}/approval-settings-raw.json",
                     source=f"gitlab:GET {answer.target}")
        doc = {WRAPPER: "approval_settings", "project": path,
               "settings": answer.data if isinstance(answer.data, dict) else {}}
        self.rec.put_json(doc, name=f"{self.base(path)}/approval-settings.json", source=f"gitlab:GET {answer.target}",
                          parser=PARSER)

    def merge_requests_task(self, pid: int, path: str) -> list[Callable[[], Any]]:
        params = {"state": "merged", "updated_after": self.since.isoformat().replace("+00:00", "Z"),
                  "order_by": "updated_at", "sort": "desc"}
        tasks: list[Callable[[], Any]] = []
        try:
            for answer in self.pages("gitlab.merge_requests", f"/projects/{pid}/merge_requests", params,
                                     f"{self.base(path)}/merge-requests"):
                for mr in answer.data or []:
                    merged = _ts(mr.get("merged_at")) if isinstance(mr, dict) else None
                    if merged is not None and self.since <= merged < self.until and isinstance(mr.get("iid"), int):
                        tasks.append(functools.partial(self.approvals_task, pid, path, mr["iid"]))
        except HttpError:
            pass  # recorded; the merge requests read so far are still judged, the rest is an issue
        return tasks

    def approvals_task(self, pid: int, path: str, iid: int) -> None:
        try:
            answer = self.http.get(f"/projects/{pid}/merge_requests/{iid}/approvals")
        except HttpError as exc:
            self.rec.issue("gitlab.merge_requests", f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                           name=f"{self.base(path)}/mr-{iid}-approvals-error.json")
            return
        self.rec.put(answer.content, name=f"{self.base(path)}/mr-{iid}-approvals.json",
                     source=f"gitlab:GET {answer.target}", parser=PARSER)


def collect_gitlab(
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
    """Collect users, group members, protected branches with approval rules, and merged merge requests with their
    approvals."""
    gl = cfg.gitlab
    if gl is None:
        raise ValueError("collect.gitlab is not configured")
    environ = env if env is not None else os.environ
    token = environ.get(gl.token_env) or ""
    rec = Recorder(store, as_of=as_of, collector="gitlab", secrets=[token], progress=progress, options=options)
    if not token:
        rec.issue("gitlab", f"no token: set the environment variable {gl.token_env}", call="auth",
                  name="live/gitlab/auth-error.json")
        return rec.output
    since = gl.since or (period[0] if period else as_of - timedelta(days=gl.lookback_days))
    until = min(period[1], as_of) if period else as_of
    headers = {"PRIVATE-TOKEN": token, "Accept": "application/json", "User-Agent": "trustgap"}
    with HttpClient(gl.api_url(), headers=headers, timeout=cfg.timeout_seconds, max_retries=cfg.max_retries,
                    max_wait=cfg.max_wait_seconds, max_connections=gl.max_workers, sleep=sleep, clock=clock,
                    on_wait=lambda s, why: rec.note(f"waiting {s:.0f} s ({why})")) as http:
        run = GitlabRun(gl, http, rec, since, until)
        tasks: list[tuple[str, Callable[[], Any]]] = []
        if "users" in gl.parts and gl.lists_instance_users():
            tasks.append(("gitlab.users", run.users_task))
        if "members" in gl.parts and gl.group is not None:
            tasks.append(("gitlab.members", run.members_task))
        if "protection" in gl.parts or "merge_requests" in gl.parts:
            tasks.append(("gitlab.projects", run.projects_task))
        run_tasks(tasks, rec, max_workers=gl.max_workers)
    return rec.output


def _gitlab_check(section: GitlabConfig) -> tuple[str, str] | None:
    if section.group is None and section.projects == "all":
        return "collect.gitlab", "gitlab needs 'group' or a list of 'projects'"
    return None


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    return collect_gitlab(cfg, store=run.store, as_of=run.as_of, period=run.period, progress=run.progress, env=run.env,
                       sleep=run.sleep, options=run.options)


COLLECTOR = Collector(
    name="gitlab", description="GitLab: users, group members, protected branches, approval rules, merge requests",
    options=GitlabConfig, fetch=_fetch, topic="gitlab", check=_gitlab_check,
)
