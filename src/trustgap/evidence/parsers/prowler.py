"""Prowler findings: the OCSF JSON output (``prowler <provider> -M json-ocsf``) and the Prowler 3 JSON output.

Format references
- OCSF (Prowler 4 and later): ``prowler/lib/outputs/ocsf/ocsf.py`` in https://github.com/prowler-cloud/prowler
  builds one OCSF Detection Finding per result and writes them as a JSON array: ``status_code``
  (PASS / FAIL / MANUAL), ``status`` (``Suppressed`` for muted findings), ``severity``, ``status_detail``,
  ``metadata.event_code`` (the check id), ``finding_info.title`` / ``uid``, ``resources[].uid / type /
  region / name``, ``cloud.account.uid``, ``cloud.region``, ``time`` / ``time_dt`` and
  ``unmapped.compliance`` (framework -> requirement ids, e.g. ``{"SOC2": ["cc_6_1"]}``).
- The earlier OCSF shape of Prowler 3 (``finding.title``, ``metadata.product.feature.uid``,
  ``compliance.requirements`` as ``"SOC2: ['cc_6_7']"`` strings) is read too (docs/tutorials/reporting.md).
- Prowler 3 ``-M json``: an array of objects with ``CheckID``, ``CheckTitle``, ``Status``, ``StatusExtended``,
  ``Severity``, ``ResourceId``, ``ResourceArn``, ``ResourceType``, ``Region``, ``AccountId``,
  ``AssessmentStartTime`` and ``Compliance`` (https://docs.prowler.com/projects/prowler-open-source/en/v3/tutorials/reporting/).

SOC 2 ids: Prowler's ``compliance/aws/soc2_aws.json`` names requirements ``cc_6_1``, ``cc_a_1_1``,
``cc_c_1_2``, ``pi_1_2`` ...; they are normalised to AICPA ids (CC6.1, A1.1, C1.2, PI1.2) by
:func:`~trustgap.evidence.parsers._scanner_topics.normalise_soc2`, following the id (Prowler's own title for
``cc_a_1_1`` reads "A1.2"; the id is what findings carry, so A1.1 is kept).

Facts: one :class:`ScanFinding` (tool ``prowler``) per finding and resource. Status: PASS -> pass,
FAIL -> fail, MANUAL / INFO -> manual; a muted (``Suppressed``) finding -> skipped, as an accepted exception.
Topics come from ``data/prowler_topics.yaml``, else from the words of the check id and title; criteria from
the finding's SOC 2 mapping, else (when Prowler maps none) from the topics. No Scan fact is emitted: posture
runs are not vulnerability scans. A finding that cannot be read (not an object, no check id, unknown status)
is reported with its JSON path and recorded as a :class:`CollectionIssue` of source ``scans.prowler``, so that
a topic is not judged as passing on a partial report.
"""

from __future__ import annotations

import ast
from datetime import datetime
from typing import Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers._data_tables import load_table
from trustgap.evidence.parsers._json_input import as_dict, as_list, head_text, load_json, text_or_none
from trustgap.evidence.parsers._scanner_topics import (
    criteria_for_topics,
    is_soc2_framework,
    normalise_severity,
    normalise_soc2,
    topics_from_text,
)
from trustgap.facts import CollectionIssue, ScanFinding

TOOL = "prowler"

_STATUS = {
    "pass": "pass",
    "passed": "pass",
    "success": "pass",
    "fail": "fail",
    "failed": "fail",
    "failure": "fail",
    "manual": "manual",
    "info": "manual",
    "warning": "manual",
    "muted": "skipped",
}


def sniff(data: bytes, name: str) -> int:
    head = head_text(data)
    stripped = head.lstrip()
    if not stripped.startswith(("[", "{")):
        return 0
    if '"event_code"' in head and ('"status_code"' in head or '"finding_info"' in head):
        return 10
    if '"CheckID"' in head and ('"StatusExtended"' in head or '"AssessmentStartTime"' in head):
        return 10
    if '"Prowler' in head and '"feature"' in head and '"resources"' in head:
        return 9
    if stripped.rstrip() == "[]" and "prowler" in name.lower():
        return 3
    return 0


def _topics(check_id: str, title: str | None) -> tuple[str, ...]:
    table: dict[str, list[str]] = load_table("prowler_topics.yaml") or {}
    known = table.get(check_id)
    return tuple(known) if known else topics_from_text(check_id, title)


def _soc2_from_mapping(compliance: Any) -> list[str]:
    out: list[str] = []
    for framework, ids in as_dict(compliance).items():
        if not is_soc2_framework(framework):
            continue
        for raw in ids if isinstance(ids, list) else [ids]:
            crit = normalise_soc2(raw)
            if crit and crit not in out:
                out.append(crit)
    return out


def _soc2_from_requirements(requirements: Any) -> list[str]:
    """Prowler 3 OCSF: ``["SOC2: ['cc_6_7', 'cc_7_2']", ...]``."""
    out: list[str] = []
    for item in as_list(requirements):
        if not isinstance(item, str) or ":" not in item:
            continue
        framework, _, rest = item.partition(":")
        if not is_soc2_framework(framework.strip()):
            continue
        try:
            ids = ast.literal_eval(rest.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            ids = [p.strip(" '\"[]") for p in rest.split(",")]
        for raw in ids if isinstance(ids, list | tuple) else [ids]:
            crit = normalise_soc2(raw)
            if crit and crit not in out:
                out.append(crit)
    return out


def _time(value: Any) -> datetime | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    try:
        return parse_datetime(value)
    except (DateParseError, ValueError, OverflowError, OSError):
        return None


def _finding_ocsf(item: dict[str, Any]) -> dict[str, Any]:
    meta = as_dict(item.get("metadata"))
    info = as_dict(item.get("finding_info")) or as_dict(item.get("finding"))
    check_id = text_or_none(meta.get("event_code")) or text_or_none(
        as_dict(as_dict(meta.get("product")).get("feature")).get("uid")
    )
    raw_status = text_or_none(item.get("status_code")) or text_or_none(as_dict(item.get("compliance")).get("status"))
    muted = (text_or_none(item.get("status")) or "").lower() == "suppressed"
    cloud = as_dict(item.get("cloud"))
    criteria = _soc2_from_mapping(as_dict(item.get("unmapped")).get("compliance")) or _soc2_from_requirements(
        as_dict(item.get("compliance")).get("requirements")
    )
    resources = [
        (text_or_none(r.get("uid")) or text_or_none(r.get("name")), text_or_none(r.get("type")),
         text_or_none(r.get("region")))
        for r in as_list(item.get("resources"))
        if isinstance(r, dict)
    ]
    when = _time(item.get("time_dt")) or _time(item.get("time")) or _time(info.get("created_time_dt"))
    return {
        "check_id": check_id,
        "title": text_or_none(info.get("title")),
        "raw_status": raw_status,
        "muted": muted,
        "severity": item.get("severity"),
        "account": text_or_none(as_dict(cloud.get("account")).get("uid")),
        "region": text_or_none(cloud.get("region")),
        "resources": resources,
        "criteria": criteria,
        "observed_at": when,
    }


def _finding_v3(item: dict[str, Any]) -> dict[str, Any]:
    resource = text_or_none(item.get("ResourceArn")) or text_or_none(item.get("ResourceId"))
    status = text_or_none(item.get("Status"))
    return {
        "check_id": text_or_none(item.get("CheckID")),
        "title": text_or_none(item.get("CheckTitle")),
        "raw_status": status,
        "muted": item.get("Muted") is True,
        "severity": item.get("Severity"),
        "account": text_or_none(item.get("AccountId")),
        "region": text_or_none(item.get("Region")),
        "resources": [(resource, text_or_none(item.get("ResourceType")), text_or_none(item.get("Region")))],
        "criteria": _soc2_from_mapping(item.get("Compliance")),
        "observed_at": _time(item.get("AssessmentStartTime")),
    }


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    doc = load_json(data, ctx.path)
    if isinstance(doc, dict):
        items: list[Any] = doc["findings"] if isinstance(doc.get("findings"), list) else [doc]
        base = "$.findings" if isinstance(doc.get("findings"), list) else "$"
    elif isinstance(doc, list):
        items, base = doc, "$"
    else:
        raise InputError(ctx.path, "not a Prowler report: expected a JSON array of findings", line=1)
    facts: list[Any] = []
    lost = 0
    for i, item in enumerate(items):
        where = f"{base}[{i}]" if base != "$" or isinstance(doc, list) else "$"
        if not isinstance(item, dict):
            ctx.error(f"{where} is not a finding object", field=where)
            lost += 1
            continue
        f = _finding_v3(item) if "CheckID" in item else _finding_ocsf(item)
        if not f["check_id"]:
            ctx.error(f"{where} has no check id (metadata.event_code / CheckID)", field=f"{where}.metadata.event_code")
            lost += 1
            continue
        status = "skipped" if f["muted"] else _STATUS.get((f["raw_status"] or "").strip().lower())
        if status is None:
            ctx.error(f"{where}: unknown status {f['raw_status']!r}", field=f"{where}.status_code")
            lost += 1
            continue
        topics = _topics(f["check_id"], f["title"])
        criteria = tuple(f["criteria"]) or (criteria_for_topics(topics) if topics != ("configuration",) else ())
        location = "/".join(p for p in (f["account"], f["region"]) if p) or None
        resources = f["resources"] or [(None, None, None)]
        for ri, (uid, rtype, region) in enumerate(resources):
            loc = location
            if region and region != f["region"]:
                loc = "/".join(p for p in (f["account"], region) if p)
            facts.append(
                ScanFinding(
                    src=ctx.src(where if len(resources) == 1 else f"{where}.resources[{ri}]"),
                    tool=TOOL,
                    check_id=f["check_id"],
                    title=f["title"],
                    status=status,  # type: ignore[arg-type]
                    severity=normalise_severity(f["severity"]),
                    resource=uid or f["account"] or "unknown",
                    resource_type=rtype,
                    location=loc,
                    criteria=criteria,
                    topics=topics,
                    observed_at=f["observed_at"],
                )
            )
    if lost:
        facts.append(CollectionIssue(src=ctx.src(base), source="scans.prowler",
                                     reason=f"{ctx.path}: {lost} finding(s) could not be read"))
    return ParseResult(facts=facts)


PARSER = register(
    Parser(
        name="prowler",
        title="Prowler findings (OCSF JSON)",
        sniff=sniff,
        parse=parse,
        sources=("scans.prowler",),
        reference="https://docs.prowler.com/user-guide/cli/tutorials/reporting",
    )
)
