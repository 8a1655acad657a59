"""What every live collector shares: the ``collect`` section of the scope file, and the recorder that
turns each API answer into stored evidence and facts.

The ``collect`` section (validated by :class:`CollectConfig`)::

    collect:
      aws:
        accounts:
          - profile: prod                       # a named profile of the standard credential chain (optional)
            role_arn: arn:aws:iam::123456789012:role/trustgap-audit   # assumed with sts:AssumeRole (optional)
            external_id: null
            regions: [us-east-1, eu-west-1]
        services: [iam, s3, rds, ec2, elbv2, kms, cloudtrail, logs, guardduty, backup, config]   # default: all
        endpoint_url: null                      # e.g. a local moto server; applies to every client
        max_workers: 8
      github:
        org: acme
        repositories: all                       # or [api, infra] (names inside the org, or owner/name)
        base_url: https://api.github.com         # GitHub Enterprise Server: https://ghe.example.com/api/v3
        token_env: GITHUB_TOKEN
        parts: [org, protection, pulls]          # default: all
      gitlab:
        base_url: https://git.acme.io             # gitlab.com or a self-managed instance
        group: acme                              # or projects: [acme/api, acme/infra]
        token_env: GITLAB_TOKEN
      google:
        customer: my_customer
        base_url: https://admin.googleapis.com
        token_env: TRUSTGAP_GOOGLE_TOKEN
      okta:
        domain: acme.okta.com                   # or base_url: https://acme.okta.com
        token_env: OKTA_API_TOKEN
      iac:
        paths: [infra/terraform]

Secrets are named, never written: the scope holds the *name* of the environment variable that holds a
token, and the recorder refuses to store any bytes containing a known secret (see :meth:`Recorder.put`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trustgap.errors import InputError
from trustgap.evidence.detect import load_parsers
from trustgap.evidence.ingest import SourceOutput, ingest_bytes
from trustgap.evidence.store import EvidenceRef, EvidenceStore
from trustgap.facts import CollectionIssue, Src

Progress = Callable[[str, int, int], None]  # (what, done, total)
M = TypeVar("M", bound=BaseModel)

AWS_SERVICES = ("iam", "s3", "rds", "ec2", "elbv2", "kms", "cloudtrail", "logs", "guardduty", "backup", "config")
# organisation settings, members (owners, members without 2FA), default-branch protection, pull requests,
# Dependabot alerts
GITHUB_PARTS = ("org", "members", "protection", "pulls", "dependabot")
# instance users (self-managed, administrator token), group members, projects with their protected branches, approval
# rules and settings, merged merge requests with their approvals
GITLAB_PARTS = ("users", "members", "protection", "merge_requests")


class AwsAccountConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: str | None = None
    role_arn: str | None = Field(None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")
    external_id: str | None = None
    session_name: str = "trustgap"
    regions: list[str] = Field(default_factory=list, description="empty: the profile's default region")
    endpoint_url: str | None = Field(None, description="this account's endpoint (a VPC endpoint, a local test "
                                     "server); default: collect.aws.endpoint_url")


class AwsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accounts: list[AwsAccountConfig] = Field(default_factory=lambda: [AwsAccountConfig()])
    services: list[str] = Field(default_factory=lambda: list(AWS_SERVICES))
    endpoint_url: str | None = None
    max_workers: int = Field(8, ge=1, le=64)
    credential_report_wait_seconds: float = Field(60, gt=0)

    @field_validator("services")
    @classmethod
    def _services(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in AWS_SERVICES]
        if bad:
            raise ValueError(f"unknown AWS service(s) {', '.join(bad)}; use some of {', '.join(AWS_SERVICES)}")
        return v


class GithubConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    org: str = Field(min_length=1)
    repositories: Literal["all"] | list[str] = "all"
    base_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"
    max_workers: int = Field(6, ge=1, le=32)
    per_page: int = Field(100, ge=1, le=100)
    since: date | None = Field(None, description="first day of merged pull requests collected "
                               "(default: the audit period start, else lookback_days before the as-of date)")
    lookback_days: int = Field(90, ge=1)
    include_archived: bool = False
    parts: list[Literal["org", "members", "protection", "pulls", "dependabot"]] = Field(
        default_factory=lambda: list(GITHUB_PARTS),  # type: ignore[arg-type]  # the same literals
        description="what to collect: organisation settings, default-branch protection and rules, merged pull "
        "requests with reviews (default: all; an assessment leaves out what no check in scope needs)",
    )


class GitlabConfig(BaseModel):
    """GitLab.com or self-managed GitLab through REST API v4 (see :mod:`trustgap.collectors.gitlab`)."""

    model_config = ConfigDict(extra="forbid")
    base_url: str = Field("https://gitlab.com", description="the instance (https://git.acme.io); /api/v4 is added")
    group: str | None = Field(None, description="full path (acme/platform) or id of the group whose projects and "
                              "members are collected")
    projects: Literal["all"] | list[str] = Field("all", description="all projects of the group (subgroups "
                                                 "included), or these paths (group/name)")
    token_env: str = "GITLAB_TOKEN"
    instance_users: bool | None = Field(None, description="list the instance's users (GET /users; needs an "
                                        "administrator token for e-mails and 2FA); default: on unless gitlab.com")
    since: date | None = None
    lookback_days: int = Field(90, ge=1)
    per_page: int = Field(100, ge=1, le=100)
    max_workers: int = Field(6, ge=1, le=32)
    include_archived: bool = False
    parts: list[Literal["users", "members", "protection", "merge_requests"]] = Field(
        default_factory=lambda: list(GITLAB_PARTS),  # type: ignore[arg-type]  # the same literals
    )

    def api_url(self) -> str:
        base = self.base_url.rstrip("/")
        return base if base.endswith("/api/v4") else f"{base}/api/v4"

    def lists_instance_users(self) -> bool:
        if self.instance_users is not None:
            return self.instance_users
        return "://gitlab.com" not in self.base_url.lower()


class GoogleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer: str = "my_customer"
    domain: str | None = None
    base_url: str = "https://admin.googleapis.com"
    token_env: str = "TRUSTGAP_GOOGLE_TOKEN"
    credentials_file_env: str = Field(
        "GOOGLE_APPLICATION_CREDENTIALS",
        description="service-account key file used through google-auth when no token is in token_env",
    )
    subject: str | None = Field(None, description="admin user the service account impersonates")
    max_results: int = Field(500, ge=1, le=500)


class OktaConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    domain: str | None = None
    base_url: str | None = None
    token_env: str = "OKTA_API_TOKEN"
    factors: bool = True
    max_workers: int = Field(6, ge=1, le=32)
    limit: int = Field(200, ge=1, le=200)

    def url(self) -> str:
        if self.base_url:
            return self.base_url.rstrip("/")
        if self.domain:
            return f"https://{self.domain.strip('/')}"
        raise ValueError("okta needs 'domain' or 'base_url'")


class EntraConfig(BaseModel):
    """Microsoft Entra ID through Microsoft Graph (see :mod:`trustgap.collectors.entra`)."""

    model_config = ConfigDict(extra="forbid")
    tenant_id: str | None = None
    base_url: str = "https://graph.microsoft.com/v1.0"
    login_url: str = "https://login.microsoftonline.com"
    scope: str = "https://graph.microsoft.com/.default"
    token_env: str = "TRUSTGAP_ENTRA_TOKEN"
    tenant_env: str = "AZURE_TENANT_ID"
    client_id_env: str = "AZURE_CLIENT_ID"
    client_secret_env: str = "AZURE_CLIENT_SECRET"
    sign_in_activity: bool = Field(True, description="ask for last sign-ins (Entra ID P1, AuditLog.Read.All)")
    registration: bool = Field(True, description="collect MFA registration details (AuditLog.Read.All)")


class IacConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paths: list[str] = Field(default_factory=list)
    frameworks: list[str] = Field(default_factory=list, description="checkov --framework values; empty: all")


class CollectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    aws: AwsConfig | None = None
    github: GithubConfig | None = None
    gitlab: GitlabConfig | None = None
    google: GoogleConfig | None = None
    okta: OktaConfig | None = None
    entra: EntraConfig | None = None
    iac: IacConfig | None = None
    timeout_seconds: float = Field(30, gt=0)
    max_retries: int = Field(5, ge=0, le=20)
    max_wait_seconds: float = Field(120, ge=0, description="longest single rate-limit pause honoured")
    # sections of collectors found by the registry that have no field above, validated by their own model
    sections: dict[str, Any] = Field(default_factory=dict, exclude=True)

    def section(self, name: str) -> Any:
        """The validated ``collect.<name>`` section (None when the scope file has none)."""
        if name != "sections" and name in type(self).model_fields:
            return getattr(self, name)
        return self.sections.get(name)


_SETTINGS = ("timeout_seconds", "max_retries", "max_wait_seconds")


def parse_collect_config(section: Mapping[str, Any] | None, *, path: str = "scope.yaml") -> CollectConfig:
    """Validate the scope's ``collect`` section; errors name the field (``collect.github.org``). Each collector's
    section is validated by the model the collector declares (:mod:`trustgap.collectors.registry`)."""
    from trustgap.collectors.registry import collectors

    known = collectors()
    data = dict(section or {})
    for key in data:
        if key not in known and key not in _SETTINGS:
            raise InputError(path, f"unknown collector {key!r}; use one of {', '.join(known)}", field=f"collect.{key}")
    untyped = {k: data.pop(k) for k in list(data) if k in known and k not in CollectConfig.model_fields}
    cfg = _validated(CollectConfig, data, path, ("collect",))
    for name, value in untyped.items():
        cfg.sections[name] = _validated(known[name].options, value or {}, path, ("collect", name))
    for name, c in known.items():
        sec = cfg.section(name)
        problem = c.check(sec) if c.check is not None and sec is not None else None
        if problem is not None:
            raise InputError(path, problem[1], field=problem[0])
    return cfg


def _validated(model: type[M], data: Any, path: str, where: tuple[str, ...]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(path, err["msg"], field=".".join(str(p) for p in (*where, *err["loc"]))) from None


class SecretLeak(RuntimeError):
    """Raised instead of storing bytes that contain a secret."""


class Recorder:
    """Stores API answers as evidence and gathers the facts of one collection run (thread-safe).

    ``secrets`` are values (tokens, keys) that must never be written: :meth:`put` refuses bytes that
    contain one, so a mistake shows as an error instead of a leaked credential.
    """

    def __init__(
        self,
        store: EvidenceStore,
        *,
        as_of: date,
        collector: str,
        secrets: Iterable[str] = (),
        options: dict[str, dict[str, Any]] | None = None,
        progress: Progress | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.as_of = as_of
        self.collector = collector
        self.options = options or {}
        self.output = SourceOutput()
        self._secrets = [s for s in secrets if s and len(s) >= 6]
        self._secret_bytes = [s.encode() for s in self._secrets]
        self._lock = threading.Lock()
        self._progress = progress
        self._now = now or (lambda: datetime.now(UTC))
        self._done = 0
        self._total = 0

    def add_secret(self, value: str | None) -> None:
        """Also refuse to store this value (a credential obtained during collection)."""
        if value and len(value) >= 6:
            with self._lock:
                self._secrets.append(value)
                self._secret_bytes.append(value.encode())

    # ---- progress ------------------------------------------------------------------------------

    def plan(self, n: int) -> None:
        with self._lock:
            self._total += n
        self._report("")

    def step(self, what: str) -> None:
        with self._lock:
            self._done += 1
        self._report(what)

    def note(self, what: str) -> None:
        """Say what is happening (a rate-limit pause) without counting a step."""
        self._report(what)

    def _report(self, what: str) -> None:
        if self._progress is not None:
            self._progress(f"{self.collector}: {what}" if what else self.collector, self._done,
                           max(self._total, self._done))

    # ---- evidence ------------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, "***")
        return text

    def put(self, data: bytes, *, name: str, source: str, media_type: str = "application/json",
            parser: str | None = None) -> tuple[EvidenceRef, list[Any]]:
        """Store one answer; with ``parser`` also parse it with that file parser (facts go to the output)."""
        for s in self._secret_bytes:
            if s in data or s in name.encode() or s in source.encode():
                raise SecretLeak(f"refusing to store evidence {name!r}: it contains a credential")
        collected_at = self._now()
        if parser is None:
            ref = self.store.put(data, name=name, source=source, collected_at=collected_at, media_type=media_type)
            from trustgap.engine.models import EvidenceItem

            item = EvidenceItem(sha256=ref.sha256, name=name, source=source,
                                collected_at=collected_at.astimezone(UTC).isoformat(), size=ref.size,
                                format=f"live:{self.collector}", format_title=f"live {self.collector} API answer")
            with self._lock:
                self.output.items.append(item)
            return ref, []
        chosen = load_parsers().get(parser)
        if chosen is None:
            raise RuntimeError(f"parser {parser!r} is not installed")
        item, pname, facts, ref = ingest_bytes(
            data, name=name, source=source, collected_at=collected_at, store=self.store, as_of=self.as_of,
            options=self.options, parser=chosen, media_type=media_type,
        )
        with self._lock:
            self.output.items.append(item)
            if pname:
                self.output.facts_by_parser.setdefault(pname, []).extend(facts)
        return ref, facts

    def put_json(self, obj: Any, *, name: str, source: str, parser: str | None = None) -> tuple[EvidenceRef, list[Any]]:
        data = json.dumps(obj, indent=1, sort_keys=True, default=_json_default).encode()
        return self.put(data, name=name, source=source, parser=parser)

    # ---- facts ---------------------------------------------------------------------------------

    def add(self, *facts: Any) -> None:
        with self._lock:
            self.output.facts.extend(facts)

    def issue(self, source: str, reason: str, *, call: str, name: str, detail: Any = None) -> CollectionIssue:
        """Record that ``source`` could not be read fully; the failed call is kept as evidence too."""
        reason = self.redact(reason)
        body = {"call": call, "failed": True, "reason": reason}
        if detail is not None:
            body["detail"] = detail
        data = self.redact(json.dumps(body, indent=1, sort_keys=True, default=_json_default)).encode()
        ref, _ = self.put(data, name=name, source=f"{self.collector}:{call}")
        fact = CollectionIssue(src=Src(ref.sha256, call), source=source, reason=reason)
        self.add(fact)
        return fact


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def safe_name(part: str) -> str:
    """A path segment for an evidence name (no slashes, no spaces)."""
    out = "".join(c if c.isalnum() or c in "-_.@" else "-" for c in part)
    return out.strip("-") or "_"


def run_tasks(tasks: list[tuple[str, Callable[[], Any]]], rec: Recorder, *, max_workers: int) -> None:
    """Run tasks (and the follow-up tasks they return) on a bounded pool; an unexpected error in one task
    becomes a CollectionIssue for its source and the others go on."""
    rec.plan(len(tasks))

    def guarded(source: str, fn: Callable[[], Any]) -> tuple[str, list[Any]]:
        try:
            more = fn()
        except Exception as exc:  # a bug or an unexpected answer must not lose the rest of the collection
            rec.issue(source, f"unexpected error: {type(exc).__name__}: {exc}", call=source,
                      name=f"live/{rec.collector}/{source}-unexpected-error.json")
            more = None
        return source, list(more or [])

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=f"trustgap-{rec.collector}") as pool:
        pending: set[Future[tuple[str, list[Any]]]] = {pool.submit(guarded, s, t) for s, t in tasks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                source, more = fut.result()
                if more:
                    rec.plan(len(more))
                    pending |= {pool.submit(guarded, source, t) for t in more}
                rec.step(source)
