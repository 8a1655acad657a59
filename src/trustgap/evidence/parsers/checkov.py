"""Checkov results (``checkov -d <dir> -o json``).

Format reference: Checkov's documentation on scan results (https://www.checkov.io/2.Basics/Reviewing%20Scan%20Results.html)
and its JSON report (``checkov/common/output/report.py`` in https://github.com/bridgecrewio/checkov). With one
framework the output is one report object ``{"check_type", "results": {"passed_checks", "failed_checks",
"skipped_checks", "parsing_errors"}, "summary": {...}}``; with several it is a list of such reports; with
nothing to scan it is a bare summary (``{"passed": 0, "failed": 0, ..., "checkov_version"}``) or ``[]``.
Every check record has ``check_id``, ``check_name``, ``resource``, ``file_path``, ``file_line_range``
``[start, end]``, ``severity`` (null without a platform key) and ``guideline``.

Facts: one :class:`ScanFinding` (tool ``checkov``) per passed, failed and skipped check record (status
pass / fail / skipped), ``location`` = ``file_path:start-end``, ``resource_type`` = the resource's type read
from its address (``module.db.aws_db_instance.main`` -> ``aws_db_instance``; CloudFormation
``AWS::S3::Bucket.Logs`` -> ``AWS::S3::Bucket``; else the report's ``check_type``). Criteria and topics come
from our own table ``data/checkov_map.yaml`` (common CKV_AWS, CKV2_AWS, CKV_GCP and CKV_AZURE ids); an id it
does not know keeps topics read from its check name (secrets reports: ``secrets``; package scans:
``vulnerability``) and no criteria. Checkov writes no scan time, so ``observed_at`` is left empty.

Files Checkov could not parse (``results.parsing_errors``) were not checked at all: they are listed in the
parse notes and recorded as a :class:`CollectionIssue` of source ``scans.checkov``, as are check records that
cannot be read (reported with their JSON path), so that no topic passes on a partial scan.
"""

from __future__ import annotations

from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._data_tables import load_table
from trustgap.evidence.parsers._json_input import as_list, head_text, load_json, text_or_none
from trustgap.evidence.parsers._scanner_topics import normalise_severity, topics_from_text
from trustgap.facts import CollectionIssue, ScanFinding

TOOL = "checkov"
_BUCKETS = (("failed_checks", "fail"), ("passed_checks", "pass"), ("skipped_checks", "skipped"))
_SUMMARY_KEYS = {"passed", "failed", "skipped", "parsing_errors", "resource_count", "checkov_version"}
_TYPE_TOPICS = {"secrets": ("secrets",), "sca_package": ("vulnerability",), "sca_image": ("vulnerability",)}


def sniff(data: bytes, name: str) -> int:
    head = head_text(data)
    stripped = head.lstrip()
    if not stripped.startswith(("[", "{")):
        return 0
    if '"check_type"' in head and ('"results"' in head or '"summary"' in head):
        return 10
    if '"checkov_version"' in head and '"resource_count"' in head:
        return 10
    if stripped.rstrip() == "[]" and "checkov" in name.lower():
        return 3
    return 0


def _is_summary_only(report: dict[str, Any]) -> bool:
    return "results" not in report and bool(set(report) & _SUMMARY_KEYS) and "check_type" not in report


def _mapping(check_id: str, name: str | None, check_type: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    table: dict[str, dict[str, Any]] = load_table("checkov_map.yaml") or {}
    entry = table.get(check_id)
    if entry:
        return tuple(entry.get("criteria") or ()), tuple(entry.get("topics") or ())
    if check_type in _TYPE_TOPICS:
        return (), _TYPE_TOPICS[check_type]
    return (), topics_from_text(check_id, name)


_TERRAFORM_TYPES = {"terraform", "terraform_plan", "terraform_json"}


def _resource_type(resource: str | None, check_type: str | None) -> str | None:
    """The type part of a resource address, when the framework's addresses carry one."""
    if resource:
        if check_type in _TERRAFORM_TYPES:
            parts = [p for p in resource.split(".") if p]
            while len(parts) >= 2 and parts[0] == "module":
                parts = parts[2:]
            if parts and parts[0] == "data":
                parts = parts[1:]
            if len(parts) >= 2:
                return parts[0]
        elif check_type == "cloudformation" and "::" in resource and "." in resource:
            return resource.rsplit(".", 1)[0]
    return check_type


def _location(record: dict[str, Any]) -> str | None:
    path = text_or_none(record.get("file_path"))
    lines = record.get("file_line_range")
    if path and isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) for n in lines):
        return f"{path}:{lines[0]}-{lines[1]}"
    return path


def _report_findings(report: dict[str, Any], prefix: str, ctx: ParseContext, notes: list[str]) -> list[Any]:
    out: list[Any] = []
    check_type = text_or_none(report.get("check_type"))
    results = report.get("results")
    if results is None:
        return out
    if not isinstance(results, dict):
        ctx.error(f"{prefix}.results is not an object", field=f"{prefix}.results")
        return out
    for bucket, status in _BUCKETS:
        records = results.get(bucket)
        if records is not None and not isinstance(records, list):
            ctx.error(f"{prefix}.results.{bucket} is not a list", field=f"{prefix}.results.{bucket}")
            continue
        for i, rec in enumerate(as_list(records)):
            where = f"{prefix}.results.{bucket}[{i}]"
            if not isinstance(rec, dict):
                ctx.error(f"{where} is not a check record", field=where)
                continue
            check_id = text_or_none(rec.get("check_id"))
            if check_id is None:
                ctx.error(f"{where} has no check_id", field=f"{where}.check_id")
                continue
            name = text_or_none(rec.get("check_name"))
            criteria, topics = _mapping(check_id, name, check_type)
            resource = text_or_none(rec.get("resource"))
            out.append(
                ScanFinding(
                    src=ctx.src(where),
                    tool=TOOL,
                    check_id=check_id,
                    title=name,
                    status=status,  # type: ignore[arg-type]
                    severity=normalise_severity(rec.get("severity")),
                    resource=resource or text_or_none(rec.get("file_path")) or "unknown",
                    resource_type=_resource_type(resource, check_type),
                    location=_location(rec),
                    criteria=criteria,
                    topics=topics,
                )
            )
    errors = [text_or_none(p) or "?" for p in as_list(results.get("parsing_errors"))]
    if errors:
        shown = ", ".join(errors[:5]) + (f" and {len(errors) - 5} more" if len(errors) > 5 else "")
        message = f"checkov could not parse {len(errors)} file(s) ({check_type or 'unknown'}): {shown}"
        notes.append(message)
        out.append(CollectionIssue(src=ctx.src(f"{prefix}.results.parsing_errors"), source="scans.checkov",
                                   reason=f"{ctx.path}: {message}"))
    return out


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    if isinstance(doc, dict):
        reports: list[Any] = [doc]
        prefixes = ["$"]
    elif isinstance(doc, list):
        reports = doc
        prefixes = [f"$[{i}]" for i in range(len(doc))]
    else:
        raise InputError(ctx.path, "not a Checkov report: expected a JSON object or a list of reports", line=1)
    facts: list[Any] = []
    notes: list[str] = []
    recognised = 0
    for report, prefix in zip(reports, prefixes, strict=True):
        if not isinstance(report, dict):
            ctx.error(f"{prefix} is not a report object", field=prefix)
            continue
        if _is_summary_only(report):
            recognised += 1
            continue
        if "results" not in report and "check_type" not in report:
            ctx.error(f"{prefix} is not a Checkov report (no check_type or results)", field=prefix)
            continue
        recognised += 1
        facts.extend(_report_findings(report, prefix, ctx, notes))
    if reports and not recognised:
        raise InputError(ctx.path, "not a Checkov report: no report object with check_type or results", line=1)
    if ctx.errors:  # every error above dropped a record, a bucket or a report
        facts.append(CollectionIssue(src=ctx.src("$"), source="scans.checkov",
                                     reason=f"{ctx.path}: {len(ctx.errors)} part(s) of the report could not be read"))
    return ParseResult(facts=facts, notes=notes)


PARSER = register(
    Parser(
        name="checkov",
        title="Checkov JSON report",
        sniff=sniff,
        parse=parse,
        sources=("scans.checkov",),
        reference="https://www.checkov.io/2.Basics/Reviewing%20Scan%20Results.html",
    )
)
