"""Grype JSON reports (``grype <image|dir:path|sbom:file> -o json``), one report or a series of the same target.

Format reference: Grype's JSON presenter models (https://github.com/anchore/grype, ``grype/presenter/models``:
``document.go``, ``match.go``, ``vulnerability.go``, ``vulnerability_metadata.go``, ``package.go``, ``source.go``,
``descriptor.go``). A report is one object: ``matches[]``, ``ignoredMatches[]`` (omitted when empty), ``source``
(``type`` ``image`` with ``target.userInput`` / ``tags`` / ``repoDigests``, or ``directory`` / ``file`` /
``sbom-file`` with ``target`` a path), ``distro`` and ``descriptor`` (``name`` "grype", ``version``, ``db``,
``timestamp``: the scan time in RFC 3339 with the scanning machine's offset, empty when ``GRYPE_TIMESTAMP=false``).
Each match has ``vulnerability`` (``id``, ``dataSource``, ``namespace``, ``severity`` Critical / High / Medium / Low /
Negligible / Unknown, ``description``, ``fix.versions[]``, ``fix.state`` fixed / not-fixed / wont-fix / unknown),
``relatedVulnerabilities[]`` (the same flaw under other ids: a GHSA's or a distribution advisory's CVE, with its own
``severity``), ``matchDetails[]`` and ``artifact`` (``name``, ``version``, ``type``, ``purl``).

Facts
- one :class:`Scan` (tool ``grype``, target = the image as given, or the scanned path; scanned_at =
  ``descriptor.timestamp``) per report; Grype reads the artifact's own package data, so the scan counts as
  authenticated;
- one :class:`Vulnerability` observation per (vulnerability id, package) match: severity from the match (the highest
  related severity when the match's own is Unknown; Negligible reads as low), ``fixed_version`` the first fixed
  version, ``fix_state`` normalised (``not_fixed``, ``wont_fix``), ``aliases`` the related ids. ``ignoredMatches``
  are left out: the organisation's own ignore rules or VEX statements (not affected) removed them.

Dating across a series (``finalize``, :mod:`trustgap.evidence.parsers._scan_series`): observations of the same
target, flaw and package merge into one vulnerability first seen in the earliest scan and fixed by the first later
scan without it. A flaw is one flaw whatever id a run used (a GHSA and its CVE count once). With
``parsers: {grype: {target: repository}}`` the tag or digest of an image is dropped so every build of one image forms
one series.

A report without a timestamp cannot be dated and is rejected with an error naming ``descriptor.timestamp``: dating it
by the file's time would make old findings look new. Matches that cannot be read are reported with their JSON path
and recorded as a ``scans.grype`` collection problem, so a fix-within-SLA check cannot pass on half a report.
"""

from __future__ import annotations

from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import as_dict, as_list, head_text, load_json, text_or_none
from trustgap.evidence.parsers._scan_series import date_series
from trustgap.evidence.parsers.trivy import repository_of
from trustgap.facts import CollectionIssue, Scan, Vulnerability

TOOL = "grype"
_SEVERITY = {"critical": "critical", "high": "high", "medium": "medium", "low": "low", "negligible": "low",
             "unknown": "unknown"}
_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "unknown": 0}
_FIX_STATE = {"fixed": "fixed", "not-fixed": "not_fixed", "wont-fix": "wont_fix", "unknown": "unknown"}


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 4096)
    if not head.lstrip().startswith("{") or '"matches"' not in head:
        return 0
    tail = data[-4096:].decode("utf-8", errors="replace")
    if '"descriptor"' in tail and '"grype"' in tail:
        return 10
    if '"matchDetails"' in head or '"relatedVulnerabilities"' in head:
        return 9
    return 0


def _target(doc: dict[str, Any], ctx: ParseContext) -> str:
    source = doc.get("source")
    if not isinstance(source, dict):
        raise InputError(ctx.path, "no source: the scanned target is unknown", field="source")
    kind = text_or_none(source.get("type")) or "unknown"
    target = source.get("target")
    if kind == "image":
        t = as_dict(target)
        name = text_or_none(t.get("userInput")) or next((text_or_none(x) for x in as_list(t.get("tags"))), None)
        if name is None:
            raise InputError(ctx.path, "image source without userInput or tags", field="source.target.userInput")
        return repository_of(name) if ctx.options.get("target") == "repository" else name
    name = text_or_none(target)
    if name is None or name == "unknown":
        raise InputError(ctx.path, f"{kind} source without a target", field="source.target")
    return name


def _severity(vuln: dict[str, Any], related: list[Any]) -> str:
    own = _SEVERITY.get((text_or_none(vuln.get("severity")) or "unknown").lower(), "unknown")
    if own != "unknown":
        return own
    others = [_SEVERITY.get((text_or_none(as_dict(r).get("severity")) or "").lower(), "unknown") for r in related]
    return max(others, key=lambda s: _RANK[s], default="unknown")


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    if not isinstance(doc, dict) or not isinstance(doc.get("matches"), list):
        raise InputError(ctx.path, "not a Grype report: no matches list", field="matches")
    descriptor = as_dict(doc.get("descriptor"))
    raw = descriptor.get("timestamp")
    try:
        scanned_at = parse_datetime(raw) if isinstance(raw, str) else None
    except DateParseError:
        scanned_at = None
    if scanned_at is None:
        raise InputError(ctx.path, f"descriptor.timestamp missing or not a time ({raw!r}): the scan cannot be dated "
                         "(run Grype without GRYPE_TIMESTAMP=false)", field="descriptor.timestamp")
    target = _target(doc, ctx)
    facts: list[Any] = [Scan(src=ctx.src("$"), tool=TOOL, target=target, scanned_at=scanned_at, authenticated=True)]
    seen: set[tuple[str, str]] = set()
    lost = 0
    for i, match in enumerate(doc["matches"]):
        where = f"matches[{i}]"
        vuln = as_dict(as_dict(match).get("vulnerability"))
        vuln_id = text_or_none(vuln.get("id"))
        if vuln_id is None:
            ctx.error(f"$.{where} has no vulnerability.id", field=f"{where}.vulnerability.id")
            lost += 1
            continue
        artifact = as_dict(as_dict(match).get("artifact"))
        package = text_or_none(artifact.get("name"))
        if (vuln_id, package or "") in seen:
            continue
        seen.add((vuln_id, package or ""))
        related = as_list(as_dict(match).get("relatedVulnerabilities"))
        fix = as_dict(vuln.get("fix"))
        fixed = next((text_or_none(v) for v in as_list(fix.get("versions")) if text_or_none(v)), None)
        state = _FIX_STATE.get((text_or_none(fix.get("state")) or "").lower())
        description = text_or_none(vuln.get("description"))
        facts.append(Vulnerability(
            src=ctx.src(f"$.{where}"), tool=TOOL, target=target, vuln_id=vuln_id, package=package,
            installed_version=text_or_none(artifact.get("version")), fixed_version=fixed,
            severity=_severity(vuln, related), first_seen=scanned_at, last_seen=scanned_at,
            title=description[:200] if description else None,
            aliases=tuple(dict.fromkeys(r for x in related if (r := text_or_none(as_dict(x).get("id")))
                                        and r != vuln_id)),
            fix_state=state,
        ))
    if lost:
        facts.append(CollectionIssue(src=ctx.src("$.matches"), source="scans.grype",
                                     reason=f"{ctx.path}: {lost} match(es) of the report for {target} could not be "
                                     "read"))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="grype",
        title="Grype JSON report",
        sniff=sniff,
        parse=parse,
        finalize=date_series,
        sources=("scans.grype",),
        reference="https://github.com/anchore/grype/tree/main/grype/presenter/models",
    )
)
