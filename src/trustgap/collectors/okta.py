"""Live Okta collection: Users API and Factors API.

- ``GET {base}/api/v1/users?limit=200`` and the pages its ``Link: <...>; rel="next"`` header names
  (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers);
  without a ``search``/``filter`` the list leaves out DEPROVISIONED users, so a second listing
  ``filter=status eq "DEPROVISIONED"`` is made too (deprovisioning time matters for offboarding checks);
- ``GET {base}/api/v1/users/{id}/factors`` for every user
  (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/).

Each users page is stored as it came and read by the ``okta`` file parser; each user's factors answer is
stored as ``{"trustgap_okta": "factors", "user_id": ..., "factors": [...]}`` and read by the same parser,
so facts equal those of exported files. Authentication: ``Authorization: SSWS <token>`` with the API token
from the environment variable named by ``token_env`` (default ``OKTA_API_TOKEN``); never stored. Okta's
``X-Rate-Limit-*`` headers and 429 answers are honoured by :class:`~trustgap.collectors.http.HttpClient`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from trustgap.collectors.base import CollectConfig, OktaConfig, Progress, Recorder, run_tasks, safe_name
from trustgap.collectors.http import HttpClient, HttpError
from trustgap.collectors.registry import Collector, CollectRun
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore

PARSER = "okta"


def collect_okta(
    cfg: CollectConfig,
    *,
    store: EvidenceStore,
    as_of: date,
    progress: Progress | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    options: dict[str, dict[str, Any]] | None = None,
) -> SourceOutput:
    o = cfg.okta
    if o is None:
        raise ValueError("collect.okta is not configured")
    environ = env if env is not None else os.environ
    token = environ.get(o.token_env) or ""
    rec = Recorder(store, as_of=as_of, collector="okta", secrets=[token], progress=progress, options=options)
    if not token:
        rec.issue("okta.users", f"no token: set the environment variable {o.token_env}", call="auth",
                  name="live/okta/auth-error.json")
        return rec.output
    headers = {"Authorization": f"SSWS {token}", "Accept": "application/json", "User-Agent": "trustgap"}
    with HttpClient(o.url(), headers=headers, timeout=cfg.timeout_seconds, max_retries=cfg.max_retries,
                    max_wait=cfg.max_wait_seconds, max_connections=o.max_workers, sleep=sleep, clock=clock,
                    on_wait=lambda s, why: rec.note(f"waiting {s:.0f} s ({why})")) as http:
        user_ids: list[str] = []
        listings: list[tuple[str, dict[str, Any]]] = [("users", {"limit": o.limit}),
                    ("users-deprovisioned", {"limit": o.limit, "filter": 'status eq "DEPROVISIONED"'})]
        for label, params in listings:
            n = 0
            url: str | None = None
            while True:
                n += 1
                try:
                    answer = http.get(url or "/api/v1/users", params=None if url else params)
                except HttpError as exc:
                    rec.issue("okta.users", f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                              name=f"live/okta/{label}-{n}-error.json")
                    break
                rec.put(answer.content or b"[]", name=f"live/okta/{label}-{n}.json",
                        source=f"okta:GET {answer.target}", parser=PARSER)
                rec.note(f"{label} page {n}")
                user_ids.extend(str(u["id"]) for u in answer.data or [] if isinstance(u, dict) and u.get("id"))
                if not answer.next_url:
                    break
                url = answer.next_url
        if o.factors:
            tasks = [("okta.users.factors", _factors_task(http, rec, uid)) for uid in dict.fromkeys(user_ids)]
            run_tasks(tasks, rec, max_workers=o.max_workers)
    return rec.output


def _factors_task(http: HttpClient, rec: Recorder, user_id: str) -> Callable[[], None]:
    def run() -> None:
        try:
            answer = http.get(f"/api/v1/users/{user_id}/factors")
        except HttpError as exc:
            rec.issue("okta.users.factors", f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                      name=f"live/okta/factors-{safe_name(user_id)}-error.json")
            return
        rec.put(answer.content or b"[]", name=f"live/okta/factors-{safe_name(user_id)}-raw.json",
                source=f"okta:GET {answer.target}")
        doc = {"trustgap_okta": "factors", "user_id": user_id, "factors": answer.data or []}
        rec.put_json(doc, name=f"live/okta/factors-{safe_name(user_id)}.json", source=f"okta:GET {answer.target}",
                     parser=PARSER)

    return run


def _okta_check(section: OktaConfig) -> tuple[str, str] | None:
    if not (section.domain or section.base_url):
        return "collect.okta", "okta needs 'domain' or 'base_url'"
    return None


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    return collect_okta(cfg, store=run.store, as_of=run.as_of, progress=run.progress, env=run.env,
                       sleep=run.sleep, options=run.options)


COLLECTOR = Collector(
    name="okta", description="Okta users and their enrolled factors",
    options=OktaConfig, fetch=_fetch, topic="okta", check=_okta_check,
)
