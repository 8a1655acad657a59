"""Live Google Workspace collection: Admin SDK Directory API ``users.list``.

``GET {base_url}/admin/directory/v1/users?customer=my_customer&projection=full&maxResults=500`` and the
following pages (``pageToken`` = the previous answer's ``nextPageToken``), as documented at
https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list . Each page is stored as
it came (``live/google/users-<n>.json``, source ``google:GET /admin/directory/v1/users?...``) and read
by the ``google_users`` file parser, so the facts equal those of an exported users listing.

Credentials: an OAuth 2.0 access token with the scope
``https://www.googleapis.com/auth/admin.directory.user.readonly`` in the environment variable named by
``token_env`` (default ``TRUSTGAP_GOOGLE_TOKEN``; e.g. from ``gcloud auth print-access-token``). Without
one, and when the optional ``google-auth`` package is installed, a service-account key file named by
``GOOGLE_APPLICATION_CREDENTIALS`` with domain-wide delegation is used to mint a token for the admin
user given as ``subject``. Tokens are held in memory only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from trustgap.collectors.base import CollectConfig, GoogleConfig, Progress, Recorder
from trustgap.collectors.http import HttpClient, HttpError
from trustgap.collectors.registry import Collector, CollectRun
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore

PARSER = "google_users"
SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"


def _service_account_token(cfg: GoogleConfig, environ: Mapping[str, str]) -> str | None:
    """Mint an access token with google-auth (optional dependency) from a service-account key file."""
    key_file = environ.get(cfg.credentials_file_env)
    if not key_file:
        return None
    try:
        from google.auth.transport.requests import Request  # type: ignore[import-not-found]
        from google.oauth2 import service_account  # type: ignore[import-not-found]
    except ImportError:
        return None
    creds = service_account.Credentials.from_service_account_file(key_file, scopes=[SCOPE], subject=cfg.subject)
    creds.refresh(Request())
    return str(creds.token)


def collect_google(
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
    g = cfg.google
    if g is None:
        raise ValueError("collect.google is not configured")
    environ = env if env is not None else os.environ
    token = environ.get(g.token_env) or ""
    rec = Recorder(store, as_of=as_of, collector="google", secrets=[token], progress=progress, options=options)
    if not token:
        try:
            token = _service_account_token(g, environ) or ""
        except Exception as exc:  # google-auth raises many kinds; the reason is what matters
            rec.issue("google.users", f"could not obtain a token from the service account: {type(exc).__name__}",
                      call="auth", name="live/google/auth-error.json")
            return rec.output
        rec.add_secret(token)
    if not token:
        rec.issue("google.users", f"no token: set the environment variable {g.token_env} (an OAuth access token "
                  f"with the {SCOPE} scope)", call="auth", name="live/google/auth-error.json")
        return rec.output
    params: dict[str, Any] = {"projection": "full", "maxResults": g.max_results}
    if g.domain:
        params["domain"] = g.domain
    else:
        params["customer"] = g.customer
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "trustgap"}
    with HttpClient(g.base_url, headers=headers, timeout=cfg.timeout_seconds, max_retries=cfg.max_retries,
                    max_wait=cfg.max_wait_seconds, max_connections=2, sleep=sleep, clock=clock,
                    on_wait=lambda s, why: rec.note(f"waiting {s:.0f} s ({why})")) as http:
        n = 0
        rec.plan(1)
        while True:
            n += 1
            try:
                answer = http.get("/admin/directory/v1/users", params=params)
            except HttpError as exc:
                rec.issue("google.users", f"GET {exc.target}: {exc.reason}", call=f"GET {exc.target}",
                          name=f"live/google/users-{n}-error.json")
                break
            rec.put(answer.content, name=f"live/google/users-{n}.json", source=f"google:GET {answer.target}",
                    parser=PARSER)
            rec.step(f"users page {n}")
            next_token = (answer.data or {}).get("nextPageToken") if isinstance(answer.data, dict) else None
            if not next_token:
                break
            rec.plan(1)
            params = {**params, "pageToken": next_token}
    return rec.output


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    return collect_google(cfg, store=run.store, as_of=run.as_of, progress=run.progress, env=run.env,
                       sleep=run.sleep, options=run.options)


COLLECTOR = Collector(
    name="google", description="Google Workspace users (Admin SDK Directory API)",
    options=GoogleConfig, fetch=_fetch, topic="google",
)
