"""Policy documents: Markdown with YAML front matter, Word (DOCX) and PDF.

Format references
- Markdown front matter: a YAML block between ``---`` lines at the top of the file, as Jekyll and most static
  site generators define it (https://jekyllrb.com/docs/front-matter/). Keys read (spellings in
  ``_document_fields.FIELD_ALIASES``): title, owner, version, approved_on / approved / approval_date,
  approved_by, last_reviewed / reviewed, effective_date, next_review, status, policy (topic) and type.
- DOCX: core properties (``docProps/core.xml``: title, author, last_modified_by, revision, created, modified,
  content status...) read with python-docx (https://python-docx.readthedocs.io/en/latest/api/document.html#coreproperties-objects),
  custom properties from ``docProps/custom.xml`` (ECMA-376 Part 1, 22.3 Custom File Properties) and the body
  text, paragraphs and tables in order.
- PDF: the document information dictionary (``/Title``, ``/Author``, ``/CreationDate``, ``/ModDate`` and any
  custom entries, ISO 32000-1 14.3.3) and the page text, read with pypdf
  (https://pypdf.readthedocs.io/en/stable/user/metadata.html, .../extract-text.html).

Without front matter or properties, a "document control" block in the text (``Owner: ...``,
``| Approved on | 2026-03-01 |``) fills the gaps. File creation and modification times are not taken as
review or approval dates: saving a file is not reviewing a policy.

One :class:`Document` per file. ``status`` is the written status (lower-cased); else "approved" when an
approval date or approver is recorded; else "draft" when the file carries metadata but no approval; else
None (unknown): a Markdown file without front matter, or a DOCX / PDF without custom properties, that
records no approval says nothing about its status. ``text`` holds the full text, for the promises a
policy makes ("reviewed quarterly").
"""

from __future__ import annotations

import re
from typing import Any

from trustgap.dates import DateParseError
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _document_fields as fields
from trustgap.evidence.parsers._doc_text import MAX_LINE, first_heading, opens_with_heading
from trustgap.evidence.parsers._json_input import decode, head_text, reject_binary, yaml_bad_character
from trustgap.evidence.parsers._office import docx_content, pdf_content
from trustgap.evidence.parsers._sheets import zip_members
from trustgap.evidence.tabular import norm_header
from trustgap.facts import Document
from trustgap.yamlfile import LocatedYaml

MD_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mdx")
_FRONT_KEY = re.compile(r"[A-Za-z][\w -]{0,59}")


def _front_keys(front: str) -> list[str]:
    """The top-level keys of a front matter block (``title:``, ``Approved On:``), read line by line."""
    keys: list[str] = []
    for line in front.split("\n"):
        key, sep, _ = line[:MAX_LINE].partition(":")
        key = key.rstrip(" \t")
        if sep and _FRONT_KEY.fullmatch(key):
            keys.append(key)
    return keys


def _heading(text: str) -> str | None:
    """The first ATX (``# Title``) or Setext (``Title`` over ``=====``) heading of a Markdown text."""
    return first_heading(text)


_DOC_WORDS = re.compile(r"\b(polic(y|ies)|plan|procedures?|standards?|handbook|code of conduct)\b", re.I)
_POLICY_LIKE = {"title", "policy", "approved_on", "last_reviewed", "owner", "version", "effective_date",
                "next_review", "approved_by"}


def _split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, min(len(lines), 500)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return None, text, 1


def _md_score(data: bytes, name: str) -> int:
    is_md = name.lower().endswith(MD_SUFFIXES)
    head = head_text(data, 16384)
    if not head or head.lstrip().startswith(("{", "[", "<")):
        return 0
    front, body, _ = _split_front_matter(head.replace("\r\n", "\n"))
    if front is not None:
        keys = {fields.canonical_field(k) for k in _front_keys(front)}
        if keys & _POLICY_LIKE:
            if is_md:
                return 9
            if "title" in keys and _heading(body):
                return 7
        return 0
    title = _heading(head)
    if not (title and _DOC_WORDS.search(title)):
        return 0
    if is_md:
        return 7
    # Any other name: the document's title heading on its first line and a document-control block below it
    control = fields.labelled_values(head.splitlines()[:60])
    if opens_with_heading(head) and set(control) & {"owner", "approved_on", "last_reviewed", "version", "approved_by"}:
        return 6
    return 0


def sniff(data: bytes, name: str) -> int:
    if data[:1024].lstrip().startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and not data.startswith(b"PK")):
        return 8
    if data.startswith(b"PK\x03\x04"):
        return 8 if "word/document.xml" in zip_members(data) else 0
    return _md_score(data, name)


def _document(ctx: ParseContext, meta: dict[str, Any], text: str, extra_topic_texts: tuple[str | None, ...],
              locator: str, lines: dict[str, int] | None = None, has_metadata: bool = False) -> Document:
    dates: dict[str, Any] = {}
    approved_flag: bool | None = None
    raw_approved = meta.get("approved_on")
    if isinstance(raw_approved, bool):
        approved_flag = raw_approved
        meta = {**meta, "approved_on": None}
    for name in fields.DATE_FIELDS:
        try:
            dates[name] = fields.as_date(meta.get(name))
        except (DateParseError, ValueError, OverflowError):
            ctx.error(f"{name}: not a date: {meta.get(name)!r}", line=(lines or {}).get(name), field=name)
            dates[name] = None
    title = fields.text_value(meta.get("title")) or fields.title_from_filename(ctx.path)
    key = fields.explicit_policy_key(meta.get("policy")) or fields.policy_key_from_text(
        title, *extra_topic_texts, fields.title_from_filename(ctx.path)
    )
    approved_by = fields.text_value(meta.get("approved_by"))
    status = fields.resolve_status(fields.text_value(meta.get("status")), dates["approved_on"], approved_flag,
                                   approved_by, has_metadata)
    return Document(
        src=ctx.src(locator),
        path=ctx.path,
        title=title,
        doc_type=fields.doc_type_from(meta.get("doc_type"), title),
        policy_key=key,
        owner=fields.text_value(meta.get("owner")),
        version=fields.text_value(meta.get("version")),
        approved_on=dates["approved_on"],
        approved_by=approved_by,
        last_reviewed=dates["last_reviewed"],
        effective_date=dates["effective_date"],
        next_review=dates["next_review"],
        status=status,
        text=text,
    )


def _front_fields(front: Any, located: LocatedYaml, offset: int) -> tuple[dict[str, Any], dict[str, int]]:
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for raw_key, value in front.items():
        label = str(raw_key)
        canon = fields.canonical_field(label)
        if canon is None and norm_header(label) == "type":
            # "type: procedure" says what the document is; "type: access_control" names its topic
            canon = "doc_type" if str(value).strip().lower() in fields.DOC_TYPES else "policy"
        if canon is None or canon in meta:
            continue
        meta[canon] = value
        line = located.line_of((raw_key,))
        lines[canon] = line + offset if line is not None else offset
    return meta, lines


def _parse_markdown(data: bytes, ctx: ParseContext) -> ParseResult:
    text = decode(data, ctx.path).replace("\r\n", "\n")
    front_text, body, body_line = _split_front_matter(text)
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    has_front = False
    if front_text is not None:
        bad = yaml_bad_character(front_text)
        try:
            if bad is not None:
                raise InputError(ctx.path, bad[1], line=bad[0])
            located: LocatedYaml | None = LocatedYaml(ctx.path, front_text)
        except InputError as exc:  # the front matter starts on line 2 of the file
            ctx.error(f"front matter: {exc.message}", line=exc.line + 1 if exc.line else 1)
            located = None
        if located is not None:
            if isinstance(located.data, dict):
                has_front = True
                meta, lines = _front_fields(located.data, located, 1)
            elif located.data is not None:
                ctx.error("front matter is not a set of key: value pairs", line=2)
    labelled = fields.labelled_values(body.split("\n"))
    meta = fields.merge(meta, {"title": _heading(body)}, labelled)
    doc = _document(ctx, meta, body if front_text is not None else text, (), f"line {body_line}" if has_front
                    else "line 1", lines, has_metadata=has_front)
    return ParseResult(facts=[doc])


def _parse_docx(data: bytes, ctx: ParseContext) -> ParseResult:
    content = docx_content(data, ctx.path)
    core = content["core"]
    meta = fields.merge(
        content["custom"],
        fields.table_values(content["table_rows"]),
        fields.labelled_values(content["paragraphs"]),
        {"title": core.get("title") or content.get("heading"), "version": core.get("version"),
         "status": core.get("content_status"), "owner": core.get("author")},
    )
    has_metadata = bool(content["custom"]) or any(meta.get(k) for k in ("approved_on", "approved_by", "status"))
    doc = _document(ctx, meta, content["text"], (core.get("subject"), core.get("category"), core.get("keywords")),
                    "docProps/core.xml", has_metadata=has_metadata)
    return ParseResult(facts=[doc])


def _parse_pdf(data: bytes, ctx: ParseContext) -> ParseResult:
    content = pdf_content(data, ctx.path, ctx)
    info = content["info"]
    text_lines = content["text"].split("\n")
    first_line = next((ln.strip() for ln in text_lines if ln.strip()), None)
    meta = fields.merge(
        content["custom"],
        fields.labelled_values(text_lines),
        {"title": info.get("title") or (first_line if first_line and len(first_line) <= 120 else None),
         "owner": info.get("author")},
    )
    has_metadata = bool(content["custom"]) or any(meta.get(k) for k in ("approved_on", "approved_by", "status"))
    doc = _document(ctx, meta, content["text"], (info.get("subject"), info.get("keywords")), "info dictionary",
                    has_metadata=has_metadata)
    return ParseResult(facts=[doc])


def parse(data: bytes, ctx: ParseContext) -> ParseResult:
    if b"%PDF-" in data[:1024] and not data.startswith(b"PK"):
        return _parse_pdf(data, ctx)
    if data.startswith(b"PK\x03\x04"):
        return _parse_docx(data, ctx)
    reject_binary(data, ctx.path, "a text, DOCX or PDF document")
    return _parse_markdown(data, ctx)


PARSER = register(
    Parser(
        name="policy_document",
        title="Policy document (Markdown, DOCX, PDF)",
        sniff=sniff,
        parse=parse,
        reference="https://jekyllrb.com/docs/front-matter/",
    )
)
