"""Records that a process ran: access reviews, tabletop exercises, DR and restore tests, risk assessments,
background checks, penetration tests, vendor reviews, policy acknowledgements, board meetings, incidents.

Accepted shapes (documented here, since these are mostly kept by hand):

CSV, generic: one row per activity, with a ``record_type`` (or ``type`` / ``kind`` / ``activity``) column and
a date column; optional subject (system, vendor, employee email), title (scenario, course, policy),
participants (``;``, ``|`` or ``,`` separated), performed_by, outcome (result / status), and any other
columns, which go to ``Record.details`` under their normalised header (counts as integers, yes/no as
booleans: ``Users Reviewed`` -> ``users_reviewed: 42``, ``Likelihood Recorded`` -> ``likelihood_recorded``;
recovery objectives in hours whatever the column's unit: ``RTO Target (h)`` -> ``rto_target``,
``RPO Achieved (min)`` 15 -> ``rpo_achieved: 0.25``, ``RTO Achieved`` "2h10m" -> ``rto_achieved: 2.1667``)::

    record_type,date,system,reviewers,users_reviewed,changes
    access_review,2026-03-31,AWS production,priya@acme.io;marcus@acme.io,42,3

CSV, one kind per file: without a type column the kind comes from the scope file
(``parsers.process_records.kind``), from recognised headers (a background-check export with candidate e-mail,
result / status and completion date; an access review with reviewer and system columns), or from the file
name (``access-reviews-2026.csv``, ``tabletop.csv``, ``dr-tests.csv``, ``risk-assessment.csv``...).
Background-check exports follow the report fields of Checkr's API (https://docs.checkr.com/use-cases/check-status:
status pending / complete / suspended / dispute / canceled, result clear / consider, completed_at); the
result, when present, is the outcome, else the status.

YAML: ``records: [{type: access_review, date: 2026-03-31, system: AWS, reviewers: [...], users_reviewed: 42}]``,
or one list per kind at the top level (``access_reviews:``, ``tabletop_exercises:``, ``dr_tests:``,
``risk_assessments:``, ``background_checks:`` ...), or a bare list of records with a ``type`` each.

Access reviews: ``subject`` is the reviewed system as a system token (``AWS production`` -> ``aws``,
``Google Workspace`` -> ``google``, ``Okta`` -> ``okta``; other names are kept as written, the written name in
``details["system_name"]``), so that reviews meet the accounts of the same system. A review that covers several
systems (``systems: [okta, aws, github]`` or ``Okta; AWS; GitHub``) gives one Record per system, all pointing
to the same row. The reviewer (``reviewer`` / ``reviewed_by``) is ``performed_by``; the number of accounts
reviewed is ``details["users_reviewed"]``.

One :class:`Record` per row or item; a row without a date or of an unknown kind is reported with its line
and field and skipped (an unknown ``record_type`` value is kept as kind ``other``, its value in
``details["record_type"]``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import yaml

from trustgap.dates import DateParseError, parse_date
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _record_fields as rf
from trustgap.evidence.parsers._json_input import decode, head_text, reject_binary, yaml_bad_character
from trustgap.evidence.parsers._sheets import csv_header_mapping, csv_rows
from trustgap.evidence.tabular import header_fields, map_headers, norm_header
from trustgap.facts import Record
from trustgap.yamlfile import LocatedYaml

YAML_SUFFIXES = (".yaml", ".yml")
_YAML_TOP = re.compile(r"^(records|" + "|".join(rf.LIST_KEYS) + r")\s*:", re.M)
_BG_SIGNALS = ("candidate", "package", "adjudication", "screening", "background", "report_status", "report_result")


def _csv_kind_hint(headers: list[str], mapping: dict[str, str], name: str) -> str | None:
    """The kind of a CSV without a type column, from its headers or its file name."""
    if "subject" in mapping and "outcome" in mapping and any(s in h for h in headers for s in _BG_SIGNALS):
        return "background_check"
    has_reviewer = any(h in ("reviewer", "reviewers", "reviewed_by") for h in headers)
    system_headers = ("system", "systems", "application", "applications", "app", "apps")
    if has_reviewer and any(h in system_headers for h in headers) and "date" in mapping:
        return "access_review"
    if any(h.startswith(("rto", "rpo", "recovery_time", "recovery_point")) for h in headers):
        # recovery objectives measured: a restore test when it names the backup restored, else a DR test
        restored = any(w in h for h in headers for w in ("backup", "snapshot", "restore", "recovery_point_arn"))
        return rf.kind_from_name(name) or ("backup_restore_test" if restored else "dr_test")
    return rf.kind_from_name(name)


def _starts_like_yaml(head: str) -> bool:
    """The first line that is not blank or a comment is a document marker or a top-level ``key:``."""
    for line in head.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped == "---" or bool(re.match(r"^[A-Za-z_][\w-]*\s*:(\s|$)", line))
    return False


def _sniff_yaml(data: bytes, name: str) -> int:
    head = head_text(data, 16384)
    if not head or head.lstrip().startswith(("{", "[{", "<")):
        return 0
    if _YAML_TOP.search(head) and (name.lower().endswith(YAML_SUFFIXES) or _starts_like_yaml(head)):
        return 9
    if name.lower().endswith(YAML_SUFFIXES) and re.search(r"^-\s+(type|record_type|kind)\s*:", head, re.M):
        return 8
    if ((name.lower().endswith(YAML_SUFFIXES) or _starts_like_yaml(head))
            and re.search(r"^(type|record_type|kind|activity)\s*:", head, re.M)
            and re.search(r"^(date|performed_on|completed_on|held_on|conducted_on)\s*:", head, re.M)):
        return 7  # one record per file: its fields at the top level
    return 0


def sniff(data: bytes, name: str) -> int:
    score = _sniff_yaml(data, name)
    if score:
        return score
    headers = header_fields(data)
    if len(headers) < 2:
        return 0
    mapping = map_headers(headers, rf.FIELD_ALIASES)
    if "date" not in mapping:
        return 0
    if "kind" in mapping:
        return 8
    hint = _csv_kind_hint(headers, mapping, name)
    if hint in ("background_check", "access_review") and not rf.kind_from_name(name):
        return 7
    return 5 if hint else 0


def _details(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        k = norm_header(str(key))
        k = rf.DETAIL_ALIASES.get(k, k)
        if (found := rf.objective(k, rf.typed(value))) is not None and found[0] not in out:
            out[found[0]] = found[1]  # recovery objectives in hours, whatever unit the column used
            continue
        if k and k not in out:
            out[k] = rf.typed(value)
    return out


def _fallback_date(details: dict[str, Any]) -> date | None:
    """The date of a record still in progress (a check ordered but not completed)."""
    for key in rf.FALLBACK_DATE_KEYS:
        value = details.get(key)
        try:
            day = rf.as_day(value) or (parse_date(value) if isinstance(value, str) else None)
        except (DateParseError, ValueError, OverflowError):
            continue
        if day is not None:
            details["date_from"] = key
            return day
    return None


def _record(ctx: ParseContext, kind_value: Any, default_kind: str | None, values: dict[str, Any],
            extra: dict[str, Any], line: int | None, locator: str, header: Any) -> list[Record]:
    raw_kind = kind_value if kind_value not in (None, "") else None
    kind = rf.kind_of(raw_kind) if raw_kind is not None else default_kind
    details = _details(extra)
    if kind is None:
        if raw_kind is None:
            ctx.error("no record type (add a record_type column or name the kind in the file name)", line=line,
                      field=header("kind"))
            return []
        kind = "other"
        details["record_type"] = str(raw_kind)
    raw_date = values.get("date")
    try:
        day = rf.as_day(raw_date) or parse_date(raw_date if not isinstance(raw_date, int | float) else str(raw_date))
    except (DateParseError, ValueError, OverflowError):
        ctx.error(f"not a date: {raw_date!r}", line=line, field=header("date"))
        return []
    if day is None:
        day = _fallback_date(details)
    if day is None:
        ctx.error("no date: when did this happen?", line=line, field=header("date"))
        return []
    participants = rf.people(values.get("participants"))
    performed_by = values.get("performed_by")
    performed = str(performed_by).strip() if performed_by not in (None, "") else None
    if performed and "@" in performed:
        performed = performed.lower()
    title = values.get("title")
    outcome = values.get("outcome")
    if outcome in (None, ""):  # a check export's result is empty while the check runs: its status says why
        outcome = details.get("status") or details.get("report_status")
    common: dict[str, Any] = {
        "src": ctx.src(locator),
        "kind": kind,
        "performed_on": day,
        "title": str(title).strip() if title not in (None, "") else None,
        "participants": participants,
        "performed_by": performed,
        "outcome": str(outcome).strip() if outcome not in (None, "") else None,
    }
    if kind == "access_review":
        names = rf.systems(values.get("subject"))
        if names:
            return [Record(subject=rf.system_token(name), details=_with_system(details, name), **common)
                    for name in names]
    return [Record(subject=rf.subject_value(kind, values.get("subject")), details=details, **common)]


def _with_system(details: dict[str, Any], name: str) -> dict[str, Any]:
    """Details of one system's share of an access review, keeping the system's name as written."""
    return {**details, "system_name": name} if rf.system_token(name) != name.lower() else dict(details)


def _parse_csv(data: bytes, ctx: ParseContext) -> ParseResult:
    headers = header_fields(data)
    mapping = csv_header_mapping(data, rf.FIELD_ALIASES)
    forced = rf.kind_of(ctx.options.get("kind")) if ctx.options.get("kind") else None
    default_kind = forced or (None if "kind" in mapping else _csv_kind_hint(headers, mapping, ctx.path))
    if "kind" not in mapping and default_kind is None:
        raise InputError(ctx.path, "cannot tell what these records are: add a record_type column (access_review, "
                         "tabletop_exercise, dr_test, risk_assessment, background_check ...) or set the kind in the "
                         "scope file", line=1, field="record_type")
    override = ctx.options.get("columns") if isinstance(ctx.options.get("columns"), dict) else None
    facts: list[Any] = []
    try:
        for row in csv_rows(data, ctx.path, rf.FIELD_ALIASES, required=("date",), override=override):
            values = {k: row.get(k) for k in rf.FIELD_ALIASES}
            extra = dict(row.extra)
            facts.extend(_record(ctx, None if forced else values.get("kind"), default_kind, values, extra, row.line,
                                 f"row {row.line}", row.header))
    except InputError as exc:  # unreadable from some line on: keep the records read before it
        if not facts:
            raise
        ctx.errors.append(exc)
    return ParseResult(facts=facts)


def _yaml_items(doc: Any) -> list[tuple[str | None, list[Any], tuple[Any, ...]]]:
    """(default kind, items, YAML path of the list) for each list of records in the document."""
    if isinstance(doc, list):
        return [(None, doc, ())]
    if not isinstance(doc, dict):
        return []
    out: list[tuple[str | None, list[Any], tuple[Any, ...]]] = []
    for key, value in doc.items():
        k = norm_header(str(key))
        if k == "records":
            out.append((None, value if isinstance(value, list) else [], (key,)))
        elif k in rf.LIST_KEYS:
            out.append((rf.LIST_KEYS[k], value if isinstance(value, list) else [], (key,)))
    return out


def _single_record(doc: Any) -> bool:
    """A YAML file holding one record as a top-level mapping (``type: tabletop``, ``date: ...``)."""
    if not isinstance(doc, dict):
        return False
    canon = {rf_canon for key in doc if (rf_canon := _CANON.get(norm_header(str(key))))}
    return {"kind", "date"} <= canon


def _yaml_field(where: str) -> Callable[[str], str]:
    return lambda canon: f"{where}.{canon}"


# normalised key name -> the Record field it names (YAML records)
_CANON = {norm_header(a): canon for canon, names in rf.FIELD_ALIASES.items() for a in [canon, *names]}


def _parse_yaml(data: bytes, ctx: ParseContext) -> ParseResult:
    text = decode(data, ctx.path)
    bad = yaml_bad_character(text)
    if bad is not None:
        raise InputError(ctx.path, bad[1], line=bad[0])
    located = LocatedYaml(ctx.path, text)
    groups = _yaml_items(located.data)
    single = not groups and _single_record(located.data)
    if single:
        groups = [(None, [located.data], ())]
    if not groups:
        raise InputError(ctx.path, "no records: expected a 'records:' list or lists such as 'access_reviews:'", line=1)
    facts: list[Any] = []
    for default_kind, items, path in groups:
        for i, item in enumerate(items):
            line = 1 if single else located.line_of((*path, i))
            where = "$" if single else ".".join(str(p) for p in path) + f"[{i}]" if path else f"[{i}]"
            if not isinstance(item, dict):
                ctx.error(f"{where} is not a record (a mapping of keys to values)", line=line, field=where)
                continue
            values: dict[str, Any] = {}
            extra: dict[str, Any] = {}
            for key, value in item.items():
                canon = _CANON.get(norm_header(str(key)))
                if canon and canon not in values:
                    values[canon] = value
                else:
                    extra[str(key)] = value
            key_path: tuple[Any, ...] = () if single else (*path, i)
            fields_line = {canon: located.line_of((*key_path, key)) for key, canon in
                           ((k, _CANON.get(norm_header(str(k)))) for k in item) if canon}
            facts.extend(_record(ctx, values.get("kind"), default_kind, values, extra, fields_line.get("date", line),
                                 f"line {line}" if line else where, _yaml_field(where)))
    return ParseResult(facts=facts)


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    reject_binary(data, ctx.path, "a CSV or YAML file of records")
    if _sniff_yaml(data, ctx.path) or ctx.path.lower().endswith(YAML_SUFFIXES):
        try:
            return _parse_yaml(data, ctx)
        except RecursionError:
            raise InputError(ctx.path, "not readable YAML: nested too deeply", line=1) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(ctx.path, f"not valid YAML: {exc}", line=mark.line + 1 if mark else 1) from None
    return _parse_csv(data, ctx)


PARSER = register(
    Parser(
        name="process_records",
        title="Process records (CSV / YAML)",
        sniff=sniff,
        parse=parse,
        reference="https://docs.checkr.com/use-cases/check-status",
    )
)
