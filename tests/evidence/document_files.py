"""Writers of real DOCX (python-docx) and PDF (pypdf) files for the document tests, and a parse helper.

The DOCX files are built the way Word users build them: a Title or Heading paragraph, Normal paragraphs,
list paragraphs, tables with a header row, core properties filled in or left empty. The PDF files draw
each line with a Helvetica text operator, page by page, and carry an information dictionary.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import docx
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes

Block = str | tuple[str, Any]  # "text" | ("h1".."h3" | "title" | "bullet", text) | ("table", rows)


def run_parser(data: bytes, path: str, options: dict[str, Any] | None = None,
               as_of: date = date(2026, 11, 1)) -> ParseResult:
    """Recognise the file by its content (it must be the document parser) and parse it."""
    parser = recognise(data, path)
    assert parser is not None and parser.name == "policy_document", (path, parser)
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 11, 1, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=as_of, options=dict(options or {}))
    return parse_with(load_parsers()["policy_document"], data, ctx)


def make_docx(blocks: Sequence[Block], *, title: str | None = None, status: str | None = None,
              author: str | None = None, created: datetime | None = None) -> bytes:
    d = docx.Document()
    cp = d.core_properties
    cp.title = title or ""
    cp.author = author or ""
    cp.content_status = status or ""
    cp.created = created or datetime(2025, 1, 1, 9, 0)
    cp.modified = datetime(2026, 10, 30, 9, 0)  # saving the file is no review, approval or activity date
    for block in blocks:
        if isinstance(block, str):
            d.add_paragraph(block)
            continue
        kind, value = block
        if kind == "title":
            d.add_heading(value, level=0)
        elif kind in ("h1", "h2", "h3"):
            d.add_heading(value, level=int(kind[1]))
        elif kind == "bullet":
            d.add_paragraph(value, style="List Bullet")
        elif kind == "table":
            rows = value
            table = d.add_table(rows=len(rows), cols=len(rows[0]))
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, cells, strict=True):
                    cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: Sequence[Sequence[str]], info: dict[str, str] | None = None) -> bytes:
    """One PDF page per list of lines (Latin-1 text, WinAnsi encoded Helvetica)."""
    w = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    font_ref = w._add_object(font)
    for lines in pages:
        page = w.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})})
        body = " 0 -16 Td ".join(f"({_escape(ln)}) Tj" for ln in lines)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 11 Tf 60 740 Td {body} ET".encode("cp1252"))
        page[NameObject("/Contents")] = w._add_object(stream)
    if info:
        w.add_metadata(info)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
