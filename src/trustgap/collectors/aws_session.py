"""AWS sessions, clients and the one wrapper every read-only call goes through.

Credentials come from boto3's standard chain (environment, shared config and credentials files, named
profiles, IAM Identity Center / SSO profiles, container and instance roles); an account entry of the
scope may add a role assumed with ``sts:AssumeRole``. The temporary credentials live in memory only:
they are handed to boto3 and never written to evidence, logs or reports.

Every client uses botocore's *adaptive* retry mode (standard retries with exponential backoff plus
client-side rate limiting on throttling errors) and the scope's ``endpoint_url`` when one is set (a
local moto server in tests). See https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trustgap.collectors.base import AwsAccountConfig, AwsConfig, Recorder, safe_name

# Every API operation the collector may call, per service: all read-only. The IAM actions behind them are
# the policy in docs/aws-iam-policy.json (sts:AssumeRole is granted by the audit role's trust policy).
# Clients are built from service models cut down to these operations (:class:`TrimmedLoader`), so no other
# operation can be called by mistake, and the models take a few MiB instead of ~45 MiB.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "sts": ("GetCallerIdentity", "AssumeRole"),
    "iam": ("GenerateCredentialReport", "GetCredentialReport", "GetAccountPasswordPolicy", "GetAccountSummary",
            "ListUsers", "ListMFADevices", "ListRoles"),
    "s3": ("ListBuckets", "GetBucketLocation", "GetBucketEncryption", "GetPublicAccessBlock", "GetBucketVersioning",
           "GetBucketLogging", "GetBucketPolicy", "GetBucketPolicyStatus"),
    "s3control": ("GetPublicAccessBlock",),
    "rds": ("DescribeDBInstances",),
    "ec2": ("GetEbsEncryptionByDefault", "DescribeVolumes", "DescribeSecurityGroups"),
    "elbv2": ("DescribeLoadBalancers", "DescribeListeners", "DescribeSSLPolicies"),
    "kms": ("ListKeys", "ListAliases", "DescribeKey", "GetKeyRotationStatus"),
    "cloudtrail": ("DescribeTrails", "GetTrailStatus"),
    "logs": ("DescribeLogGroups",),
    "guardduty": ("ListDetectors", "GetDetector"),
    "backup": ("ListBackupPlans", "GetBackupPlan"),
    "config": ("DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus"),
}

# Error codes that mean "not allowed" or "this service is not turned on here": recorded as a
# collection issue for the service; collection of everything else goes on.
DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken",
    "ExpiredTokenException", "SignatureDoesNotMatch",
})
NOT_SUBSCRIBED_CODES = frozenset({
    "SubscriptionRequiredException", "OptInRequired", "InvalidAction", "UnsupportedOperation",
    "UnsupportedOperationException", "NoSuchSubscription",
})


def trim_model(model: dict[str, Any], operations: tuple[str, ...]) -> dict[str, Any]:
    """A botocore service model (``service-2``) with only ``operations`` and the shapes they reach
    (input, output, errors, recursively), without documentation strings."""
    ops = {name: _undocumented(model["operations"][name]) for name in operations if name in model["operations"]}
    shapes: dict[str, Any] = model.get("shapes", {})
    keep: set[str] = set()
    todo = [ref["shape"] for op in ops.values() for ref in (op.get("input"), op.get("output"), *op.get("errors", ()))
            if ref]
    while todo:
        name = todo.pop()
        if name in keep or name not in shapes:
            continue
        keep.add(name)
        shape = shapes[name]
        todo.extend(shape[k]["shape"] for k in ("member", "key", "value") if k in shape)
        todo.extend(m["shape"] for m in shape.get("members", {}).values())
    out = {k: v for k, v in model.items() if k not in ("operations", "shapes", "documentation")}
    out["operations"] = ops
    out["shapes"] = {name: _undocumented(shapes[name]) for name in keep}
    return out


def _undocumented(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _undocumented(v) for k, v in value.items() if k != "documentation"}
    if isinstance(value, list):
        return [_undocumented(v) for v in value]
    return value


_LOADER: Any = None
_LOADER_LOCK = threading.Lock()


def trimmed_loader() -> Any:
    """One botocore data loader for every session of the process, serving trimmed service models."""
    global _LOADER
    from botocore.loaders import Loader

    class TrimmedLoader(Loader):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self._trimmed: dict[tuple[str, str | None], Any] = {}
            self._trim_lock = threading.Lock()

        def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
            if type_name != "service-2" or service_name not in OPERATIONS:
                return super().load_service_model(service_name, type_name, api_version)
            with self._trim_lock:
                key = (service_name, api_version)
                if key not in self._trimmed:
                    full = super().load_service_model(service_name, type_name, api_version)
                    self._trimmed[key] = trim_model(full, OPERATIONS[service_name])
                    # drop the full model from botocore's per-loader cache (load_service_model, load_data)
                    for k in [k for k, v in self._cache.items()
                              if v is full or (isinstance(v, tuple) and v and v[0] is full)]:
                        del self._cache[k]
                return self._trimmed[key]

    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = TrimmedLoader()
        return _LOADER


def new_session(**kwargs: Any) -> Any:
    """A boto3 session (standard credential chain, ``kwargs`` as for ``boto3.Session``) whose clients are
    built from the trimmed models."""
    import boto3
    import botocore.session

    core = botocore.session.Session(profile=kwargs.pop("profile_name", None))
    loader = trimmed_loader()
    core.register_component("data_loader", loader)
    session = boto3.Session(botocore_session=core, **kwargs)
    with _LOADER_LOCK:  # every boto3 session appends its data folder to the (shared) loader's search path
        loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


class CallFailed(Exception):
    """A call that could not be answered; already recorded as a CollectionIssue."""


@dataclass
class AwsAccount:
    """One account reached through one set of credentials."""

    config: AwsAccountConfig
    session: Any  # boto3.Session
    account_id: str
    regions: list[str]
    endpoint_url: str | None
    client_config: Any  # botocore.config.Config
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def system(self) -> str:
        return f"aws:{self.account_id}"

    @property
    def home_region(self) -> str:
        return self.regions[0]

    def client(self, service: str, region: str | None = None) -> Any:
        """A cached client (creating clients from one session is not thread-safe, so it is locked)."""
        key = (service, region or self.home_region)
        with self._lock:
            if key not in self._clients:
                client = self.session.client(
                    service, region_name=key[1], endpoint_url=self.endpoint_url, config=self.client_config
                )
                if service == "s3control" and self.endpoint_url:
                    client.meta.events.register("before-sign.s3-control.*", _strip_account_host)
                self._clients[key] = client
            return self._clients[key]


def _strip_account_host(request: Any, **_: Any) -> None:
    """s3control addresses ``<account id>.<endpoint>``; a local endpoint (moto) answers on the bare host."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(request.url)
    first, _, rest = parts.netloc.partition(".")
    if rest and first.isdigit() and len(first) == 12:
        request.url = urlunsplit(parts._replace(netloc=rest))


def client_config(cfg: AwsConfig, timeout: float, max_retries: int) -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": "adaptive", "max_attempts": max(1, max_retries) + 1},
        connect_timeout=timeout,
        read_timeout=timeout,
        max_pool_connections=max(10, cfg.max_workers * 2),
        user_agent_extra="trustgap",
    )


def open_account(acct: AwsAccountConfig, cfg: AwsConfig, rec: Recorder, *, timeout: float, max_retries: int,
                 env_region: str | None = None) -> AwsAccount | None:
    """Build the session for one scope entry (profile, then role), find the account id.

    Returns None (after recording an ``aws.sts`` issue) when no credentials work."""
    from botocore.exceptions import BotoCoreError, ClientError

    label = acct.role_arn or acct.profile or "default credentials"
    conf = client_config(cfg, timeout, max_retries)
    endpoint = acct.endpoint_url or cfg.endpoint_url
    try:
        session = new_session(profile_name=acct.profile)
        region = (acct.regions[0] if acct.regions else None) or session.region_name or env_region or "us-east-1"
        if acct.role_arn:
            sts = session.client("sts", region_name=region, endpoint_url=endpoint, config=conf)
            kwargs: dict[str, Any] = {"RoleArn": acct.role_arn, "RoleSessionName": acct.session_name}
            if acct.external_id:
                kwargs["ExternalId"] = acct.external_id
            creds = sts.assume_role(**kwargs)["Credentials"]
            session = new_session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=region,
            )
        creds_now = session.get_credentials()
        if creds_now is not None:
            frozen = creds_now.get_frozen_credentials()
            rec.add_secret(frozen.secret_key)
            rec.add_secret(frozen.token)
        sts = session.client("sts", region_name=region, endpoint_url=endpoint, config=conf)
        ident = sts.get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        rec.issue("aws", f"no working credentials for {label}: {_describe(exc)}", call="sts.GetCallerIdentity",
                  name=f"live/aws/{safe_name(label)}/sts-error.json")
        return None
    account_id = str(ident["Account"])
    # The identity answer names the account and principal (no secret); keep it as evidence of who collected.
    rec.put_json({"Account": account_id, "Arn": ident.get("Arn"), "UserId": ident.get("UserId")},
                 name=f"live/aws/{account_id}/sts-get-caller-identity.json", source="aws:sts.GetCallerIdentity")
    regions = list(dict.fromkeys(acct.regions or [region]))
    return AwsAccount(acct, session, account_id, regions, endpoint, conf)


def _describe(exc: BaseException) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code", "Error")
        msg = err.get("Message") or ""
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        kind = ("access denied" if code in DENIED_CODES
                else "service not enabled" if code in NOT_SUBSCRIBED_CODES
                else f"HTTP {status}" if status else "error")
        return f"{kind} ({code}: {msg})" if msg else f"{kind} ({code})"
    return f"{type(exc).__name__}: {exc}"


def error_code(exc: BaseException) -> str | None:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code"))
    return None


class Caller:
    """Runs one API call of one account and region; stores the answer as evidence.

    ``call(...)`` returns the answer (dict without ResponseMetadata) and its Src, or raises
    :class:`CallFailed` after recording a CollectionIssue for ``source``. ``tolerate`` lists error codes
    that are an answer, not a failure (``NoSuchEntity`` for a missing password policy): the caller gets
    ``None`` for them, with the error stored as the evidence.
    """

    def __init__(self, rec: Recorder, account: AwsAccount) -> None:
        self.rec = rec
        self.account = account

    def call(
        self,
        source: str,
        service: str,
        operation: str,
        *,
        region: str | None = None,
        name_extra: str = "",
        tolerate: frozenset[str] = frozenset(),
        record: bool = True,
        **kwargs: Any,
    ) -> tuple[dict[str, Any] | None, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        from trustgap.facts import Src

        region = region or self.account.home_region
        client = self.account.client(service, region)
        op_name = _op_name(client, operation)
        call_id = f"{service}.{op_name}"
        where = f"{self.account.account_id}/{region}"
        base = f"live/aws/{self.account.account_id}/{region}/{service}-{_snake(operation)}"
        if name_extra:
            base += f"-{safe_name(name_extra)}"
        locator = f"{call_id} {where}" + (f" {name_extra}" if name_extra else "")
        try:
            answer = getattr(client, operation)(**kwargs)
        except ClientError as exc:
            code = error_code(exc)
            if code in tolerate:
                body = {"call": call_id, "region": region, "error": exc.response.get("Error", {})}
                ref, _ = self.rec.put_json(body, name=base + ".json", source=f"aws:{call_id}")
                return None, Src(ref.sha256, locator)
            self.rec.issue(source, f"{call_id} in {where}: {_describe(exc)}", call=call_id, name=base + "-error.json")
            raise CallFailed(call_id) from exc
        except BotoCoreError as exc:
            self.rec.issue(source, f"{call_id} in {where}: {_describe(exc)}", call=call_id, name=base + "-error.json")
            raise CallFailed(call_id) from exc
        answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
        if not record:
            return answer, Src("", locator)
        ref, _ = self.rec.put_json(answer, name=base + ".json", source=f"aws:{call_id}")
        return answer, Src(ref.sha256, locator)

    def pages(
        self, source: str, service: str, operation: str, result_key: str, *, region: str | None = None,
        name_extra: str = "", **kwargs: Any,
    ) -> tuple[list[tuple[dict[str, Any], Any]], Any]:
        """Every item of a paginated list call with the Src of the page it came on (one evidence per page),
        and the Src of the first page (the evidence that the list is empty, when it is)."""
        from botocore.exceptions import BotoCoreError, ClientError

        from trustgap.facts import Src

        region = region or self.account.home_region
        client = self.account.client(service, region)
        op_name = _op_name(client, operation)
        call_id = f"{service}.{op_name}"
        where = f"{self.account.account_id}/{region}"
        base = f"live/aws/{self.account.account_id}/{region}/{service}-{_snake(operation)}"
        if name_extra:
            base += f"-{safe_name(name_extra)}"
        out: list[tuple[dict[str, Any], Any]] = []
        first = Src("", f"{call_id} {where}")
        try:
            for n, page in enumerate(client.get_paginator(operation).paginate(**kwargs), start=1):
                page = {k: v for k, v in page.items() if k != "ResponseMetadata"}
                ref, _ = self.rec.put_json(page, name=f"{base}-page{n}.json", source=f"aws:{call_id}")
                if n == 1:
                    first = Src(ref.sha256, f"{call_id} {where} page 1")
                for i, item in enumerate(page.get(result_key) or []):
                    out.append((item, Src(ref.sha256, f"{call_id} {where} page {n} $.{result_key}[{i}]")))
        except (ClientError, BotoCoreError) as exc:
            self.rec.issue(source, f"{call_id} in {where}: {_describe(exc)}", call=call_id, name=base + "-error.json")
            raise CallFailed(call_id) from exc
        return out, first


def _op_name(client: Any, operation: str) -> str:
    try:
        return str(client.meta.method_to_api_mapping[operation])
    except (AttributeError, KeyError):
        return "".join(p.capitalize() for p in operation.split("_"))


def _snake(operation: str) -> str:
    return operation.replace("_", "-")


# A unit of work for the thread pool; it may hand back follow-up tasks (one per bucket, key, ...).
Task = Callable[[], "list[Task] | None"]
