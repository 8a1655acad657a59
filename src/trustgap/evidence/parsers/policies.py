"""Documents: policies, standards, plans and procedures, and narrative records (minutes, test reports,
reviews), in Markdown with or without YAML front matter, Word (DOCX) and PDF.

Format references
- Markdown front matter: a YAML block between ``---`` lines at the top of the file, as Jekyll and most static
  site generators define it (https://jekyllrb.com/docs/front-matter/). Keys read (spellings in
  ``_document_fields.FIELD_ALIASES``): title, owner, version, approved_on / approved / approval_date,
  approved_by, last_reviewed / reviewed, effective_date, next_review, status, policy (topic), type and date.
- DOCX: core properties (``docProps/core.xml``: title, author, version, content status, subject, category,
  keywords) read with python-docx
  (https://python-docx.readthedocs.io/en/latest/api/document.html#coreproperties-objects), custom properties
  from ``docProps/custom.xml`` (ECMA-376 Part 1, 22.3 Custom File Properties), and the body in order:
  paragraphs (heading styles give the outline), and tables with every cell.
- PDF: the document information dictionary (``/Title``, ``/Author``, ``/Subject``, ``/Keywords`` and custom
  entries, ISO 32000-1 14.3.3) and the page text, read with pypdf
  (https://pypdf.readthedocs.io/en/stable/user/metadata.html, .../extract-text.html).

A title that names a record (``_narrative.record_kind``: "Tabletop exercise minutes", "DR test report",
"Post-incident review INC-42") makes the file a narrative record: :class:`Record` facts (``_narrative``).
Anything else is one :class:`Document` (``_doc_build``): its topics from its title and text
(``_doc_topics``), its status, version, owner, approval and review from its metadata and from what its body
says (``_doc_statements``: "Status: Draft", "Approved by Dana Lee on 2 February 2026", a revision history
table), conflicting statements kept in ``Document.conflicts``. File creation and modification times are
never taken as review, approval or activity dates: saving a file is not reviewing a policy.

``status`` is the written status, normalised ("Freigegeben" -> "approved"); else "approved" when an approval
is recorded; else "draft" when the file carries metadata (front matter, custom properties) but no approval;
else None: a document that records nothing about its approval says nothing about its status. ``text`` holds
the full text, for the promises a policy makes ("reviewed quarterly").
"""

from __future__ import annotations

import re
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, Parser, ParseResult, register
from trustgap.evidence.parsers import _document_fields as fields
from trustgap.evidence.parsers._doc_build import DocumentInput, build, front_matter_fields
from trustgap.evidence.parsers._doc_tables import is_processing_register
from trustgap.evidence.parsers._doc_text import (
    MAX_LINE,
    DocBody,
    Heading,
    Table,
    first_heading,
    label_values,
    markdown_body,
    opens_with_heading,
    plain_headings,
)
from trustgap.evidence.parsers._json_input import decode, head_text, reject_binary, yaml_bad_character
from trustgap.evidence.parsers._narrative import record_kind
from trustgap.evidence.parsers._office import docx_content, pdf_content
from trustgap.evidence.parsers._sheets import zip_members
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


_DOC_WORDS = re.compile(r"\b(polic(y|ies)|plan|procedures?|standards?|handbook|code of conduct|notice|schedule|"
                        r"specifications?|politique|pol[ií]tica|procédure|procedimiento|beleid|richtlijn|norme)\b"
                        r"|(richtlinie|leitlinie|verfahren|konzept|handbuch|standard)\b", re.I)
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
    if title and record_kind(title) and not is_md:
        # a record written as text (minutes, a test report): its title on the first line and a dated label
        dated = any(fields.fold(label).startswith(("date", "datum", "fecha", "held", "review held"))
                    for _, label, _ in label_values(head.splitlines()[:40]))
        return 6 if opens_with_heading(head) and dated else 0
    if not (title and (_DOC_WORDS.search(title) or record_kind(title) or is_processing_register(title))):
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


def _parse_markdown(data: bytes, ctx: ParseContext) -> ParseResult:
    text = decode(data, ctx.path).replace("\r\n", "\n")
    front_text, body_text, body_line = _split_front_matter(text)
    meta: dict[str, Any] = {}
    where: dict[str, str] = {}
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
                front = located.data
                meta, where, lines = front_matter_fields(
                    front.items(), {k: located.line_of((k,)) for k in front}, 1)
            elif located.data is not None:
                ctx.error("front matter is not a set of key: value pairs", line=2)
    body = markdown_body(body_text if front_text is not None else text, body_line if front_text is not None else 1)
    title = fields.text_value(meta.get("title")) or _heading(body.text)
    doc = DocumentInput(body=body, locator=f"line {body.first_line}" if has_front else "line 1", title=title,
                        metadata=meta, metadata_where=where, metadata_lines=lines, has_metadata=has_front)
    return ParseResult(facts=build(ctx, doc))


def _parse_docx(data: bytes, ctx: ParseContext) -> ParseResult:
    content = docx_content(data, ctx.path)
    core = content["core"]
    lines = content["text"].split("\n")
    headings = tuple(Heading(i, level, text) for i, level, text in content["headings"])
    tables = tuple(Table(i, tuple(tuple(r) for r in rows), tuple(range(i, i + len(rows))))
                   for i, rows in content["tables"] if len(rows) >= 2)
    body = DocBody(tuple(lines), headings, tables, unit="paragraph")
    custom = content["custom"]
    doc = DocumentInput(
        body=body, locator="docProps/core.xml", title=custom.get("title") or core.get("title") or content["heading"],
        metadata=custom, metadata_where={k: f"docProps/custom.xml ({k})" for k in custom},
        properties=core, properties_where="docProps/core.xml",
        extra_titles=(core.get("subject"), core.get("category"), core.get("keywords")), has_metadata=bool(custom),
    )
    return ParseResult(facts=build(ctx, doc))


def _parse_pdf(data: bytes, ctx: ParseContext) -> ParseResult:
    content = pdf_content(data, ctx.path, ctx)
    info = content["info"]
    lines: list[str] = []
    starts: list[int] = []
    for page in content["pages"]:
        starts.append(len(lines))
        lines.extend(page.split("\n"))
    body = DocBody(tuple(lines), tuple(plain_headings(lines)), (), unit="page", page_starts=tuple(starts))
    first_line = next((ln.strip() for ln in lines if ln.strip()), None)
    custom = content["custom"]
    doc = DocumentInput(
        body=body, locator="info dictionary",
        title=custom.get("title") or info.get("title") or (first_line if first_line and len(first_line) <= 120
                                                           else None),
        metadata=custom, metadata_where={k: f"PDF info entry {k}" for k in custom},
        properties={"author": info.get("author")}, properties_where="PDF info dictionary",
        extra_titles=(info.get("subject"), info.get("keywords")), has_metadata=bool(custom),
    )
    return ParseResult(facts=build(ctx, doc))


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
        title="Policy document or narrative record (Markdown, DOCX, PDF)",
        sniff=sniff,
        parse=parse,
        reference="https://jekyllrb.com/docs/front-matter/",
    )
)
