"""GitHub Dependabot alerts: REST JSON of ``GET /orgs/{org}/dependabot/alerts`` or
``GET /repos/{owner}/{repo}/dependabot/alerts`` (https://docs.github.com/en/rest/dependabot/alerts).

Each alert (fields read): ``number``, ``state`` (``open``, ``fixed``, ``dismissed``, ``auto_dismissed``),
``dependency.package.{ecosystem,name}``, ``dependency.manifest_path``, ``security_advisory.{ghsa_id,cve_id,
summary,severity,published_at}``, ``security_vulnerability.{severity,first_patched_version.identifier}``,
``created_at``, ``updated_at``, ``fixed_at``, ``dismissed_at``, ``dismissed_reason`` (``fix_started``,
``inaccurate``, ``no_bandwidth``, ``not_used``, ``tolerable_risk``), ``auto_dismissed_at``, ``html_url`` and, in
organisation listings, ``repository.full_name``.

Accepted shapes: the array one page returns, a list of such pages, or ``{"alerts": [...]}``.

Facts: one :class:`Vulnerability` per alert, ``tool="dependabot"``, ``target`` = the repository
(``owner/repo``, from ``repository.full_name`` or the alert's URL), ``vuln_id`` = the CVE id when there is one,
else the GHSA id; ``first_seen`` = ``created_at`` (when Dependabot raised it), ``last_seen`` = ``updated_at``.
``fixed_at`` is the fix date; a dismissal counts as resolved only when it says the alert did not apply
(``inaccurate``, ``not_used``) or GitHub dismissed it automatically; dismissing as ``tolerable_risk``,
``no_bandwidth`` or ``fix_started`` is a decision to live with it, not a fix, so the alert stays open (its
title says it was dismissed and why). No :class:`Scan` facts: Dependabot watches continuously rather than in
scan runs, so it says nothing about the quarterly cadence of scheduled scans (Trivy, Prowler). An alert without
an advisory or a creation date is reported with its path.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import (
    as_dict,
    head_text,
    json_field,
    json_when,
    load_json,
    looks_like_json,
    text_or_none,
)
from trustgap.facts import Vulnerability

TOOL = "dependabot"
_NOT_APPLICABLE = frozenset({"inaccurate", "not_used"})
_REPO_IN_URL = re.compile(r"https?://[^/]+/(?:repos/)?([^/]+/[^/]+)/(?:security/)?dependabot")
_SEVERITIES = {"critical": "critical", "high": "high", "medium": "medium", "moderate": "medium", "low": "low"}


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not looks_like_json(head):
        return 0
    if '"security_advisory"' in head and '"security_vulnerability"' in head and '"dependency"' in head:
        return 10
    return 0


def _alerts(doc: Any, path: str) -> list[tuple[str, list[Any]]]:
    if isinstance(doc, dict) and isinstance(doc.get("alerts"), list):
        return [("$.alerts", doc["alerts"])]
    if isinstance(doc, list):
        if doc and all(isinstance(x, list) for x in doc):
            return [(f"$[{i}]", page) for i, page in enumerate(doc)]
        return [("$", doc)]
    raise InputError(path, "not a Dependabot alerts listing: expected an array of alerts", line=1)


def _repo(alert: dict[str, Any], fallback: str) -> str:
    repo = alert.get("repository")
    if isinstance(repo, dict) and text_or_none(repo.get("full_name")):
        return str(repo["full_name"])
    for key in ("html_url", "url"):
        m = _REPO_IN_URL.match(str(alert.get(key) or ""))
        if m:
            return m.group(1)
    return fallback


def _alert(alert: Any, where: str, ctx: ParseContext) -> Vulnerability | None:
    if not isinstance(alert, dict):
        ctx.error(f"{where} is not an alert object", field=json_field(where))
        return None
    advisory = alert.get("security_advisory")
    vuln = as_dict(alert.get("security_vulnerability"))
    if not isinstance(advisory, dict):
        ctx.error(f"{where} has no security_advisory", field=f"{json_field(where)}.security_advisory")
        return None
    created = json_when(alert, "created_at", where, ctx)
    if created is None:
        if alert.get("created_at") in (None, ""):
            ctx.error(f"{where} has no created_at", field=f"{json_field(where)}.created_at")
        return None
    vuln_id = (text_or_none(advisory.get("cve_id")) or text_or_none(advisory.get("ghsa_id"))
               or f"alert {alert.get('number')}")
    raw_sev = (text_or_none(vuln.get("severity")) or text_or_none(advisory.get("severity")) or "").lower()
    dependency = as_dict(alert.get("dependency"))
    package = as_dict(dependency.get("package"))
    patched = as_dict(vuln.get("first_patched_version"))
    state = (text_or_none(alert.get("state")) or "").lower()
    reason = (text_or_none(alert.get("dismissed_reason")) or "").lower()
    fixed = json_when(alert, "fixed_at", where, ctx)
    dismissed = json_when(alert, "dismissed_at", where, ctx)
    auto = json_when(alert, "auto_dismissed_at", where, ctx)
    title = text_or_none(advisory.get("summary"))
    resolved: datetime | None = None
    if state == "fixed":
        resolved = fixed or json_when(alert, "updated_at", where, ctx)
    elif state == "auto_dismissed":
        resolved = auto or dismissed
    elif state == "dismissed":
        if reason in _NOT_APPLICABLE:
            resolved = dismissed
        else:
            on = f" on {dismissed.date().isoformat()}" if dismissed else ""
            title = f"{title or vuln_id} (dismissed as {reason or 'unspecified'}{on}, not fixed)"
    manifest = text_or_none(dependency.get("manifest_path"))
    name = text_or_none(package.get("name"))
    return Vulnerability(
        src=ctx.src(where), tool=TOOL, target=_repo(alert, ctx.path), vuln_id=vuln_id,
        package=f"{name} ({manifest})" if name and manifest else name, installed_version=None,
        fixed_version=text_or_none(patched.get("identifier")), severity=_SEVERITIES.get(raw_sev, "unknown"),
        first_seen=created, last_seen=json_when(alert, "updated_at", where, ctx) or created, fixed_at=resolved,
        published_at=json_when(advisory, "published_at", f"{where}.security_advisory", ctx), title=title,
    )


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    facts: list[Any] = []
    for base, alerts in _alerts(doc, ctx.path):
        for i, alert in enumerate(alerts):
            v = _alert(alert, f"{base}[{i}]", ctx)
            if v is not None:
                facts.append(v)
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="dependabot",
        title="GitHub Dependabot alerts (REST JSON)",
        sniff=sniff,
        parse=parse,
        sources=("scans.dependabot",),
        reference="https://docs.github.com/en/rest/dependabot/alerts",
    )
)
