"""One document read (metadata + body) into facts: a :class:`Document` for a policy, or :class:`Record` facts
for a narrative record (minutes, test reports, reviews); with the retention rules and processing activities
its tables state (:mod:`._doc_tables`). A record of processing activities written as a document gives its
activities only.

Where the fields of a policy come from, first found wins: the document's own metadata (Markdown front matter,
DOCX custom properties, PDF custom info entries), then its body (:mod:`._doc_statements`: statement lines,
then sentences, then the revision history), then the file's standard properties (DOCX core properties). When
two places disagree on the status (one says approved or records an approval, another says draft or in
review) or on a date or the version, every statement of that field goes to ``Document.conflicts`` with where
it is written, so the checks can say "cannot tell" instead of trusting whichever came first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from trustgap.evidence.detect import ParseContext
from trustgap.evidence.parsers import _document_fields as fields
from trustgap.evidence.parsers import _record_fields as rf
from trustgap.evidence.parsers._doc_dates import DateReader, DateTextError, day_first_signal
from trustgap.evidence.parsers._doc_statements import Stated, read_body
from trustgap.evidence.parsers._doc_tables import is_processing_register, processing_activities, retention_rules
from trustgap.evidence.parsers._doc_text import DocBody
from trustgap.evidence.parsers._doc_topics import document_topics
from trustgap.evidence.parsers._narrative import read_record, record_kind
from trustgap.facts import Document, Record, Statement

CONFLICT_FIELDS = ("approved_on", "last_reviewed", "next_review", "effective_date", "version")
_APPROVED_STATUSES = frozenset({"approved", "published", "active", "final", "in effect"})


@dataclass
class DocumentInput:
    """What a format reader found in one file."""

    body: DocBody
    locator: str  # the fact's locator ("line 5", "docProps/core.xml", "info dictionary")
    title: str | None = None  # the document's own title (metadata, first heading, first line)
    metadata: dict[str, Any] = field(default_factory=dict)  # canonical field -> value (front matter / custom)
    metadata_where: dict[str, str] = field(default_factory=dict)  # canonical field -> "front matter line 4"
    metadata_lines: dict[str, int] = field(default_factory=dict)  # canonical field -> file line
    properties: dict[str, Any] = field(default_factory=dict)  # standard file properties (weakest)
    properties_where: str = ""
    extra_titles: tuple[str | None, ...] = ()  # subject, category, keywords properties
    has_metadata: bool = False  # front matter or custom properties present


def _day_first(ctx: ParseContext, doc: DocumentInput) -> bool:
    sample = "\n".join([*(str(v) for v in doc.metadata.values()), doc.body.text[:100_000]])
    return day_first_signal(sample, ctx.options.get("day_first"))


def build(ctx: ParseContext, doc: DocumentInput) -> list[Any]:
    """The facts of one document: Records for a narrative record, else one Document."""
    reader = DateReader(_day_first(ctx, doc))
    title = fields.text_value(doc.title)
    kind = rf.kind_of(doc.metadata.get("doc_type")) if doc.metadata.get("doc_type") else None
    kind = kind or record_kind(title) or (None if title else record_kind(fields.title_from_filename(ctx.path)))
    if kind is not None:
        return _records(ctx, doc, kind, title or fields.title_from_filename(ctx.path), reader)
    rules = retention_rules(doc.body, ctx.src)
    activities = processing_activities(doc.body, ctx.src)
    if activities and is_processing_register(title or fields.title_from_filename(ctx.path)):
        return [*activities, *rules]  # a record of processing activities is evidence, not a policy
    return [_policy(ctx, doc, title, reader), *rules, *activities]


# --------------------------------------------------------------------------- narrative records


def _records(ctx: ParseContext, doc: DocumentInput, kind: str, title: str, reader: DateReader) -> list[Any]:
    front_date: Any = None
    raw = doc.metadata.get("date")
    if isinstance(raw, datetime):
        front_date = raw.date()
    elif isinstance(raw, date):
        front_date = raw
    elif isinstance(raw, str):
        try:
            front_date = reader.parse(raw)
        except DateTextError:
            front_date = None
    reading = read_record(doc.body, kind, title, reader, front_date)
    for message, line, where in reading.errors:
        ctx.error(message, line=line, field=where)
    return [Record(src=ctx.src(r.pop("locator")), **r) for r in reading.records]


# --------------------------------------------------------------------------- policies


def _metadata_statements(ctx: ParseContext, doc: DocumentInput, reader: DateReader) -> list[Stated]:
    out: list[Stated] = []
    for name, value in doc.metadata.items():
        where = doc.metadata_where.get(name, "metadata")
        line = doc.metadata_lines.get(name)
        if name in fields.DATE_FIELDS:
            if isinstance(value, bool):
                if name == "approved_on":
                    out.append(Stated("approved_flag", value, where, line, "metadata"))
                continue
            day = _metadata_date(ctx, name, value, line, reader)
            if day is not None:
                out.append(Stated(name, day, where, line, "metadata"))
        elif name == "status":
            text = fields.text_value(value)
            if text:
                out.append(Stated("status", fields.status_of(text) or text.strip().lower(), where, line, "metadata"))
        elif name in ("owner", "version", "approved_by"):
            text = fields.text_value(value)
            if text:
                out.append(Stated(name, text, where, line, "metadata"))
    return out


def _metadata_date(ctx: ParseContext, name: str, value: Any, line: int | None, reader: DateReader) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        day = reader.parse(str(value)) if not isinstance(value, int | float) else None
    except DateTextError:
        day = None
    if day is None:
        ctx.error(f"{name}: not a date: {value!r}", line=line, field=name)
    return day


def _property_statements(doc: DocumentInput) -> list[Stated]:
    out: list[Stated] = []
    where = doc.properties_where
    status = fields.text_value(doc.properties.get("content_status"))
    if status and (known := fields.status_of(status)):
        out.append(Stated("status", known, f"{where} (content status)", None, "properties"))
    version = fields.text_value(doc.properties.get("version"))
    if version:
        out.append(Stated("version", version, f"{where} (version)", None, "properties"))
    return out


def _source_rank(s: Stated) -> tuple[int, int]:
    """Metadata first, then the body's statement lines, its sentences, its revision history; properties last."""
    if s.unit == "metadata":
        return 0, 0
    if s.unit == "properties":
        return 4, 0
    order = 3 if s.unit.startswith("revision history") else 2 if s.unit.startswith("sentence") else 1
    return order, int(s.unit.rsplit(" ", 1)[-1]) if s.unit.rsplit(" ", 1)[-1].isdigit() else 0


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _conflicts(stated: list[Stated]) -> list[Statement]:
    out: list[Statement] = []
    for name in CONFLICT_FIELDS:
        items = [s for s in stated if s.field == name]
        values = {_text(s.value).lower().lstrip("v") for s in items}
        if len(values) > 1 and len({s.unit for s in items}) > 1:
            out.extend(Statement(name, _text(s.value), s.where) for s in items)
    approved = [s for s in stated if (s.field == "status" and s.value in _APPROVED_STATUSES)
                or s.field in ("approved_on", "approved_by") or (s.field == "approved_flag" and s.value is True)]
    against = [s for s in stated if (s.field == "status" and s.value not in _APPROVED_STATUSES)
               or (s.field == "approved_flag" and s.value is False)]
    if any(a.unit != b.unit for a in approved for b in against):
        for s in [*against, *approved]:
            value = (f"approved on {_text(s.value)}" if s.field == "approved_on" else
                     f"approved by {s.value}" if s.field == "approved_by" else
                     ("approved" if s.value else "not approved") if s.field == "approved_flag" else _text(s.value))
            out.append(Statement("status", value, s.where))
    seen: set[tuple[str, str, str]] = set()
    unique: list[Statement] = []
    for c in out:
        if (c.field, c.value, c.where) not in seen:
            seen.add((c.field, c.value, c.where))
            unique.append(c)
    return unique


def _explicit_topics(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else str(value).split(",") if value is not None else []
    out: list[str] = []
    for item in items:
        key = fields.explicit_policy_key(item)
        if key and key not in out:
            out.append(key)
    return out


def _policy(ctx: ParseContext, doc: DocumentInput, title: str | None, reader: DateReader) -> Document:
    body_reading = read_body(doc.body, reader)
    for message, line, where in body_reading.errors:
        ctx.error(message, line=line, field=where)
    stated = [*_metadata_statements(ctx, doc, reader), *body_reading.statements, *_property_statements(doc)]
    stated.sort(key=_source_rank)
    chosen: dict[str, Any] = {}
    for s in stated:
        chosen.setdefault(s.field, s.value)
    owner = chosen.get("owner") or fields.text_value(doc.properties.get("author"))
    approved_by = fields.text_value(chosen.get("approved_by"))
    approved_flag = chosen.get("approved_flag")
    status = fields.resolve_status(chosen.get("status"), chosen.get("approved_on"), approved_flag, approved_by,
                                   doc.has_metadata)
    file_title = fields.title_from_filename(ctx.path)
    shown_title = title or file_title
    topics, basis = document_topics(
        explicit=_explicit_topics(doc.metadata.get("policy")), title=title, title_is_file_name=title is None,
        body=doc.body, extra_titles=doc.extra_titles, file_title=file_title,
    )
    return Document(
        src=ctx.src(doc.locator),
        path=ctx.path,
        title=shown_title,
        doc_type=fields.doc_type_from(doc.metadata.get("doc_type"), shown_title),
        policy_key=topics[0] if topics and not basis[topics[0]].startswith("section") else None,
        owner=fields.text_value(owner),
        version=fields.text_value(chosen.get("version")),
        approved_on=chosen.get("approved_on"),
        approved_by=approved_by,
        last_reviewed=chosen.get("last_reviewed"),
        effective_date=chosen.get("effective_date"),
        next_review=chosen.get("next_review"),
        status=status,
        text=doc.body.text,
        topics=topics,
        topic_basis=basis,
        conflicts=tuple(_conflicts(stated)),
    )


def front_matter_fields(items: Iterable[tuple[Any, Any]], line_of: Mapping[Any, int | None], offset: int,
                        ) -> tuple[dict[str, Any], dict[str, str], dict[str, int]]:
    """Front matter keys -> canonical fields, with "front matter line N" and the file line of each."""
    meta: dict[str, Any] = {}
    where: dict[str, str] = {}
    lines: dict[str, int] = {}
    for raw_key, value in items:
        label = str(raw_key)
        canon = fields.canonical_field(label)
        if canon is None and fields.norm_header(label) == "type":
            # "type: procedure" says what the document is; "type: access_control" names its topic;
            # "type: tabletop" says it is a record
            v = str(value).strip().lower()
            canon = "doc_type" if v in fields.DOC_TYPES or rf.kind_of(v) else "policy"
        if canon is None and fields.norm_header(label) == "date":
            canon = "date"
        if canon is None or canon in meta:
            continue
        meta[canon] = value
        line = line_of.get(raw_key)
        lines[canon] = line + offset if line is not None else offset
        where[canon] = f"front matter line {lines[canon]}"
    return meta, where, lines
