"""Live Microsoft Entra ID (Azure AD) collection through Microsoft Graph v1.0.

- ``GET {base}/users?$select=...&$top=999`` and the pages its ``@odata.nextLink`` names
  (https://learn.microsoft.com/en-us/graph/api/user-list). ``signInActivity`` is asked for too; Graph refuses it
  (403) without an Entra ID P1 licence or the ``AuditLog.Read.All`` permission, in which case the users are
  listed again without it and the refusal is recorded (``azuread.signins``), so last sign-ins stay unknown;
- ``GET {base}/reports/authenticationMethods/userRegistrationDetails`` and its pages
  (https://learn.microsoft.com/en-us/graph/api/authenticationmethodsroot-list-userregistrationdetails): MFA
  registration and admin roles per user.

Every page is stored as Graph returned it and read by the ``entra_users`` file parser, so facts equal those of
exported files. Authentication: a bearer token from the environment variable named by ``token_env``
(default ``TRUSTGAP_ENTRA_TOKEN``), else the client-credentials grant of an app registration with the
standard ``AZURE_TENANT_ID`` / ``AZURE_CLIENT_ID`` / ``AZURE_CLIENT_SECRET`` variables
(``POST {login}/{tenant}/oauth2/v2.0/token``, scope ``https://graph.microsoft.com/.default``,
https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow). The app needs the
``User.Read.All`` and ``AuditLog.Read.All`` application permissions; nothing is written. Neither the secret nor
the token is ever stored. Graph's 429 answers with ``Retry-After`` are honoured by
:class:`~trustgap.collectors.http.HttpClient`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from trustgap.collectors.base import CollectConfig, EntraConfig, Progress, Recorder
from trustgap.collectors.http import HttpClient, HttpError
from trustgap.collectors.registry import Collector, CollectRun
from trustgap.evidence.ingest import SourceOutput
from trustgap.evidence.store import EvidenceStore

PARSER = "entra_users"
USER_FIELDS = ("id", "userPrincipalName", "mail", "displayName", "givenName", "surname", "accountEnabled",
               "userType", "createdDateTime")


def _token(e: EntraConfig, environ: Mapping[str, str], rec: Recorder, timeout: float) -> str | None:
    """A bearer token: given in the environment, else obtained with the app's client credentials."""
    given = environ.get(e.token_env)
    if given:
        return given
    tenant = e.tenant_id or environ.get(e.tenant_env)
    client_id, secret = environ.get(e.client_id_env), environ.get(e.client_secret_env)
    if not (tenant and client_id and secret):
        rec.issue("azuread.users", f"no credentials: set {e.token_env}, or {e.tenant_env}, {e.client_id_env} and "
                  f"{e.client_secret_env} for an app registration", call="auth", name="live/entra/auth-error.json")
        return None
    rec.add_secret(secret)
    import httpx

    url = f"{e.login_url.rstrip('/')}/{tenant}/oauth2/v2.0/token"
    try:
        resp = httpx.post(url, data={"client_id": client_id, "client_secret": secret, "grant_type":
                                     "client_credentials", "scope": e.scope}, timeout=timeout)
        body = resp.json() if resp.content else {}
    except (httpx.HTTPError, ValueError) as exc:
        rec.issue("azuread.users", f"token request failed: {type(exc).__name__}", call="POST token",
                  name="live/entra/auth-error.json")
        return None
    token = body.get("access_token") if isinstance(body, dict) else None
    if resp.status_code != 200 or not token:
        why = body.get("error") if isinstance(body, dict) else None
        rec.issue("azuread.users", f"token request refused: HTTP {resp.status_code} {why or ''}".strip(),
                  call="POST token", name="live/entra/auth-error.json")
        return None
    rec.add_secret(str(token))
    return str(token)


def _listing(http: HttpClient, rec: Recorder, path: str, params: Mapping[str, Any] | None, label: str,
             source: str) -> HttpError | None:
    """Every page of a Graph collection, each stored for the parser; the error that stopped it, if any."""
    url: str | None = None
    n = 0
    while True:
        n += 1
        try:
            answer = http.get(url or path, params=None if url else params)
        except HttpError as exc:
            return exc
        rec.put(answer.content or b"{}", name=f"live/entra/{label}-{n}.json", source=f"entra:GET {answer.target}",
                parser=PARSER)
        rec.note(f"{label} page {n}")
        nxt = answer.data.get("@odata.nextLink") if isinstance(answer.data, dict) else None
        if not nxt:
            return None
        url = str(nxt)


def collect_entra(
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
    e = cfg.entra
    if e is None:
        raise ValueError("collect.entra is not configured")
    environ = env if env is not None else os.environ
    rec = Recorder(store, as_of=as_of, collector="entra", secrets=[environ.get(e.token_env) or ""],
                   progress=progress, options=options)
    token = _token(e, environ, rec, cfg.timeout_seconds)
    if token is None:
        return rec.output
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": "trustgap"}
    with HttpClient(e.base_url, headers=headers, timeout=cfg.timeout_seconds, max_retries=cfg.max_retries,
                    max_wait=cfg.max_wait_seconds, max_connections=2, sleep=sleep, clock=clock,
                    on_wait=lambda s, why: rec.note(f"waiting {s:.0f} s ({why})")) as http:
        fields = ",".join(USER_FIELDS)
        failed = _listing(http, rec, "/users", {"$select": f"{fields},signInActivity", "$top": 999}, "users",
                          "azuread.users") if e.sign_in_activity else HttpError("GET", "/users", 403, "not asked")
        if failed is not None and failed.status == 403:
            if e.sign_in_activity:
                rec.issue("azuread.signins", f"GET {failed.target}: {failed.reason} (last sign-ins need Entra ID P1 "
                          "and AuditLog.Read.All); users listed without them", call=f"GET {failed.target}",
                          name="live/entra/signins-error.json")
            failed = _listing(http, rec, "/users", {"$select": fields, "$top": 999}, "users-basic", "azuread.users")
        if failed is not None:
            rec.issue("azuread.users", f"GET {failed.target}: {failed.reason}", call=f"GET {failed.target}",
                      name="live/entra/users-error.json")
        if e.registration:
            failed = _listing(http, rec, "/reports/authenticationMethods/userRegistrationDetails", None,
                              "registration", "azuread.users")
            if failed is not None:
                rec.issue("azuread.users", f"GET {failed.target}: {failed.reason}", call=f"GET {failed.target}",
                          name="live/entra/registration-error.json")
    return rec.output


def _fetch(cfg: CollectConfig, run: CollectRun) -> SourceOutput:
    return collect_entra(cfg, store=run.store, as_of=run.as_of, progress=run.progress, env=run.env,
                       sleep=run.sleep, options=run.options)


COLLECTOR = Collector(
    name="entra", description="Microsoft Entra ID users and their MFA registration (Microsoft Graph)",
    options=EntraConfig, fetch=_fetch, topic="azuread",
)
