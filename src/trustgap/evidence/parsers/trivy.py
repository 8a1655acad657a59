"""Trivy JSON reports (``trivy image|fs|repo --format json``, ``SchemaVersion`` 2).

Format reference: the report types in Trivy's source, ``pkg/types/report.go`` and
``pkg/types/vulnerability.go`` (https://github.com/aquasecurity/trivy/tree/main/pkg/types), and the JSON
example in Trivy's documentation (https://trivy.dev/latest/docs/configuration/reporting/#json).
A report is one object: ``SchemaVersion``, ``CreatedAt`` (RFC 3339, written since Trivy 0.48),
``ArtifactName``, ``ArtifactType``, ``Metadata`` and ``Results[]``; each result has ``Target``, ``Class``,
``Type`` and ``Vulnerabilities[]`` (``VulnerabilityID``, ``PkgName``, ``InstalledVersion``,
``FixedVersion``, ``Status``, ``Severity``, ``Title``, ``PublishedDate``...).

Facts
- one :class:`Scan` (tool ``trivy``, target = ``ArtifactName``, scanned_at = ``CreatedAt``) per report. Trivy
  reads the package databases inside the artifact (it never probes from the network), so the scan counts
  as authenticated;
- one :class:`Vulnerability` observation per (vulnerability id, package) found in the report, with
  ``first_seen = last_seen = CreatedAt``. Entries with ``Status: not_affected`` are not vulnerabilities and
  are skipped. The same id and package listed under two results of one report count once.

Dating across a series (``finalize``): observations of the same artifact, vulnerability id and package
merge into one Vulnerability whose ``first_seen`` is the earliest scan it appears in and ``last_seen`` the
latest; ``fixed_at`` is the first later scan of the same artifact in which it no longer appears (None while
it is still present in the latest scan); :mod:`trustgap.evidence.parsers._scan_series` does this for every scanner.

Series by repository: CI pipelines often scan each build under its own tag (``api:sha-1a2b3c``), which would
make every report its own artifact. With ``parsers: {trivy: {target: repository}}`` in the scope file the tag
or digest of a container image is dropped (``ghcr.io/acme/api``), so the builds of one image form one series.

Entries that cannot be read (not an object, no ``VulnerabilityID``) are reported with their JSON path and also
recorded as a :class:`CollectionIssue` of source ``scans.trivy``: a vulnerability that could not be read must
not let a "fixed within SLA" verdict pass.

A report without a usable ``CreatedAt`` (older Trivy versions) cannot be dated: it is rejected with an
error naming the field, and yields no facts. Dating it by the file's modification time would make old
findings look new and hide missed remediation deadlines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._json_input import as_list, head_text, load_json, text_or_none
from trustgap.evidence.parsers._scan_series import date_series
from trustgap.facts import CollectionIssue, Scan, Vulnerability

TOOL = "trivy"
_SEVERITIES = {"critical", "high", "medium", "low", "unknown"}
_NOT_VULNERABLE = {"not_affected"}


def sniff(data: bytes, name: str) -> int:
    head = head_text(data, 8192)
    if not head.lstrip().startswith("{") or '"SchemaVersion"' not in head:
        return 0
    if '"ArtifactName"' in head or '"Results"' in head or '"ArtifactType"' in head:
        return 10
    return 0


def _date(value: Any, ctx: ParseContext, where: str) -> datetime | None:
    try:
        return parse_datetime(value) if isinstance(value, str | int | float) else None
    except DateParseError:
        ctx.error(f"{where}: not a date: {value!r}", field=where)
        return None


def repository_of(artifact: str) -> str:
    """A container image reference without its tag or digest (``reg:5000/team/api:1.2@sha256:..`` ->
    ``reg:5000/team/api``)."""
    name = artifact.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    if not isinstance(doc, dict):
        raise InputError(ctx.path, "not a Trivy report: the top level is not a JSON object", line=1)
    version = doc.get("SchemaVersion")
    if version is None:
        raise InputError(ctx.path, "not a Trivy report: no SchemaVersion", field="SchemaVersion")
    if version != 2:
        raise InputError(ctx.path, f"unsupported Trivy SchemaVersion {version!r} (expected 2)", field="SchemaVersion")
    artifact = text_or_none(doc.get("ArtifactName"))
    if artifact is None:
        raise InputError(ctx.path, "no ArtifactName: the scanned artifact is unknown", field="ArtifactName")
    raw_created = doc.get("CreatedAt")
    try:
        scanned_at = parse_datetime(raw_created) if isinstance(raw_created, str) else None
    except DateParseError:
        scanned_at = None
    if scanned_at is None:
        raise InputError(
            ctx.path,
            f"CreatedAt missing or not a date ({raw_created!r}): the scan cannot be dated "
            "(Trivy writes it since version 0.48; re-run the scan with a current Trivy)",
            field="CreatedAt",
        )
    artifact_type = text_or_none(doc.get("ArtifactType"))
    if ctx.options.get("target") == "repository" and artifact_type == "container_image":
        artifact = repository_of(artifact)
    facts: list[Any] = [Scan(src=ctx.src("$"), tool=TOOL, target=artifact, scanned_at=scanned_at,
                             authenticated=True)]
    lost = 0
    seen: set[tuple[str, str]] = set()
    results = doc.get("Results")
    if results is not None and not isinstance(results, list):
        ctx.error("Results is not a list", field="Results")
        results = []
        lost += 1
    for ri, result in enumerate(as_list(results)):
        if not isinstance(result, dict):
            ctx.error(f"$.Results[{ri}] is not an object", field=f"Results[{ri}]")
            lost += 1
            continue
        vulns = result.get("Vulnerabilities")
        if vulns is not None and not isinstance(vulns, list):
            ctx.error(f"$.Results[{ri}].Vulnerabilities is not a list", field=f"Results[{ri}].Vulnerabilities")
            lost += 1
            continue
        for vi, v in enumerate(as_list(vulns)):
            where = f"Results[{ri}].Vulnerabilities[{vi}]"
            if not isinstance(v, dict):
                ctx.error(f"$.{where} is not an object", field=where)
                lost += 1
                continue
            vuln_id = text_or_none(v.get("VulnerabilityID"))
            if vuln_id is None:
                ctx.error(f"$.{where} has no VulnerabilityID", field=f"{where}.VulnerabilityID")
                lost += 1
                continue
            status = (text_or_none(v.get("Status")) or "").lower()
            if status in _NOT_VULNERABLE:
                continue
            package = text_or_none(v.get("PkgName")) or text_or_none(v.get("PkgID"))
            key = (vuln_id, package or "")
            if key in seen:
                continue
            seen.add(key)
            severity = (text_or_none(v.get("Severity")) or "unknown").lower()
            facts.append(
                Vulnerability(
                    src=ctx.src(f"$.{where}"),
                    tool=TOOL,
                    target=artifact,
                    vuln_id=vuln_id,
                    package=package,
                    installed_version=text_or_none(v.get("InstalledVersion")),
                    fixed_version=text_or_none(v.get("FixedVersion")),
                    severity=severity if severity in _SEVERITIES else "unknown",
                    first_seen=scanned_at,
                    last_seen=scanned_at,
                    published_at=_date(v.get("PublishedDate"), ctx, f"{where}.PublishedDate"),
                    title=text_or_none(v.get("Title")),
                )
            )
    if lost:
        reason = f"{ctx.path}: {lost} part(s) of the report for {artifact} could not be read"
        facts.append(CollectionIssue(src=ctx.src("$.Results"), source="scans.trivy", reason=reason))
    return ParseResult(facts=facts)


def finalize(facts: list[Any]) -> list[Any]:
    """Merge per-scan observations into dated vulnerabilities (see the module docstring)."""
    return date_series(facts)


PARSER = register(
    Parser(
        name="trivy",
        title="Trivy JSON report",
        sniff=sniff,
        parse=parse,
        finalize=finalize,
        sources=("scans.trivy",),
        reference="https://trivy.dev/latest/docs/configuration/reporting/#json",
    )
)
