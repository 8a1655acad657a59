"""Reading DOCX and PDF files into plain values: properties, body text, two-cell table rows.

Both libraries raise many exception types on damaged files; each call into them is wrapped so that a
broken document becomes one :class:`InputError` naming the file, never a crash of the run.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext
from trustgap.evidence.limits import zip_error
from trustgap.evidence.parsers._document_fields import canonical_field

MAX_PDF_PAGES = 300
MAX_TEXT_CHARS = 4_000_000  # text kept from one DOCX or PDF (a 1,500-page policy is about 4 million characters)
# A Word package is a ZIP file that python-docx inflates part by part: its parts are checked first against the
# limits of trustgap.evidence.limits (the one place they are set), from the ZIP directory, before anything inflates.
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _custom_docx_properties(data: bytes) -> dict[str, Any]:
    """``docProps/custom.xml`` name -> value, for names that map to a document field."""
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "docProps/custom.xml" not in zf.namelist():
                return {}
            raw = zf.read("docProps/custom.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(raw, parser=parser)
    except Exception:  # a damaged custom part only loses the custom properties
        return {}
    out: dict[str, Any] = {}
    for prop in root.iter(f"{_CUSTOM_NS}property"):
        canon = canonical_field(prop.get("name") or "")
        if canon is None or canon in out:
            continue
        value = next((child.text for child in prop if child.text and child.text.strip()), None)
        if value is not None:
            out[canon] = value.strip()
    return out


def docx_content(data: bytes, path: str) -> dict[str, Any]:
    """Core and custom properties, the first heading, paragraphs, two-cell table rows and the full text."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            members = {i.filename for i in infos}
    except Exception as exc:  # zipfile raises BadZipFile, ValueError, NotImplementedError, ...
        raise InputError(path, f"not a readable Word document: the ZIP container is damaged or truncated "
                         f"({type(exc).__name__}: {exc})") from None
    refused = zip_error(data, path)
    if refused is not None:
        raise refused
    if "word/document.xml" not in members:
        raise InputError(path, "not a Word document: the package has no main document part", field="word/document.xml")
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        cp = document.core_properties
        core = {
            "title": cp.title, "author": cp.author, "last_modified_by": cp.last_modified_by,
            "revision": cp.revision, "created": cp.created, "modified": cp.modified, "version": cp.version,
            "content_status": cp.content_status, "subject": cp.subject, "category": cp.category,
            "keywords": cp.keywords,
        }
        paragraphs: list[str] = []
        table_rows: list[tuple[str, str]] = []
        lines: list[str] = []
        headings: list[tuple[int, int, str]] = []  # (line index, level, text)
        tables: list[tuple[int, list[list[str]]]] = []  # (line index of the first row, rows of cells)
        heading: str | None = None
        size = 0
        for child in document.element.body.iterchildren():
            if size > MAX_TEXT_CHARS:
                break
            if child.tag == f"{_W_NS}p":
                para = Paragraph(child, document)
                text = para.text.strip()
                if not text:
                    continue
                style = (para.style.name if para.style is not None else "") or ""
                level = _heading_level(style)
                if heading is None and (level is not None or len(paragraphs) == 0):
                    heading = text if len(text) <= 150 else None
                paragraphs.append(text)
                if level is not None:
                    headings.append((len(lines), level, text))
                    lines.append("#" * level + " " + text)
                elif style.startswith("List"):
                    lines.append("- " + text)
                else:
                    lines.append(text)
                size += len(text)
            elif child.tag == f"{_W_NS}tbl":
                rows: list[list[str]] = []
                start = len(lines)
                for row in Table(child, document).rows:
                    cells = _unique_cells(row.cells)
                    rows.append(cells)
                    if len(cells) >= 2 and cells[0] and cells[1]:
                        table_rows.append((cells[0], cells[1]))
                    lines.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
                    size += sum(len(c) for c in cells)
                tables.append((start, rows))
    except InputError:
        raise
    except Exception as exc:  # python-docx / lxml / zipfile raise many types for damaged files
        raise InputError(path, f"not a readable Word document: {type(exc).__name__}: {exc}") from None
    return {
        "core": {k: v for k, v in core.items() if v not in (None, "")},
        "custom": _custom_docx_properties(data),
        "heading": heading,
        "paragraphs": paragraphs,
        "table_rows": table_rows,
        "headings": headings,
        "tables": tables,
        "text": "\n".join(lines),
    }


def _heading_level(style: str) -> int | None:
    """The outline level of a paragraph style: Title 1, "Heading N" N (python-docx gives built-in style
    names in English whatever the language of Word)."""
    if style == "Title":
        return 1
    if style.startswith("Heading "):
        rest = style[8:].strip()
        return int(rest) if rest.isdigit() and 1 <= int(rest) <= 9 else None
    return None


def _unique_cells(cells: Any) -> list[str]:
    """Cell texts of one row; a merged cell (python-docx repeats it once per grid column) counts once."""
    out: list[str] = []
    previous: Any = None
    for cell in cells:
        if previous is not None and cell._tc is previous:
            continue
        previous = cell._tc
        out.append(cell.text.strip())
    return out


def pdf_content(data: bytes, path: str, ctx: ParseContext) -> dict[str, Any]:
    """Standard info entries (title, author, subject, keywords), custom entries that map to document
    fields, and the text of the pages (a page whose text cannot be extracted is reported and skipped)."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(path, "the PDF is encrypted with a password; export an unprotected copy")
        raw_info: Any = reader.metadata or {}
        info_items = {str(k): raw_info[k] for k in list(raw_info.keys())}
        pages = list(reader.pages)
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise InputError(path, f"not a readable PDF: {type(exc).__name__}: {exc}") from None
    info: dict[str, str] = {}
    custom: dict[str, str] = {}
    for key, value in info_items.items():
        name = key.lstrip("/")
        text = str(value).strip() if value is not None else ""
        if not text:
            continue
        std = {"Title": "title", "Author": "author", "Subject": "subject", "Keywords": "keywords"}.get(name)
        if std:
            info[std] = text
            continue
        canon = canonical_field(name)
        if canon and canon not in custom and name not in ("CreationDate", "ModDate", "Producer", "Creator"):
            custom[canon] = text
    texts: list[str] = []
    if len(pages) > MAX_PDF_PAGES:
        ctx.error(f"only the first {MAX_PDF_PAGES} of {len(pages)} pages were read")
    size = 0
    for n, page in enumerate(pages[:MAX_PDF_PAGES], start=1):
        try:
            page_text = page.extract_text() or ""
        except Exception as exc:  # one damaged page loses only its own text
            ctx.error(f"page {n}: text could not be extracted ({type(exc).__name__})", field=f"page {n}")
            continue
        size += len(page_text)
        if size > MAX_TEXT_CHARS:
            ctx.error(f"only the text up to page {n - 1} was read: the text passes {MAX_TEXT_CHARS} characters",
                      field=f"page {n}")
            break
        texts.append(page_text)
    return {"info": info, "custom": custom, "text": "\n".join(texts), "pages": texts}
