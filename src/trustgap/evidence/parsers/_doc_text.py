"""Line-oriented reading of document text (Markdown, and the text of DOCX and PDF files): headings,
``Label: value`` lines, sections.

Everything here runs in time linear in the size of the text. Documents are hand-written and arrive from
anywhere, so a line may be 100,000 spaces or tabs long; the rules that keep reading linear:

* no regular expression with two adjacent or nested quantifiers over characters both could match
  (``\\s*[|\\s-]*``, ``(.+?)\\s*$``); a pattern that starts with a quantifier is never used to search
  (every start position would rescan the run);
* headings and labels are found by string operations on one line at a time, and only the first
  :data:`MAX_LINE` characters of a line are looked at for them (a heading or a label is short);
* whitespace around values is removed with ``str.strip``, never with a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_LINE = 500  # characters of one line considered for a heading or a "Label: value" statement
_LABEL = re.compile(r"[^\W\d_][\w /.()'’-]{0,47}")
_LABEL_LEAD = "|>*_#-+ \t"
_VALUE_TRIM = "|*_ \t"
_LABEL_TRIM = "*_ \t"


@dataclass(frozen=True, slots=True)
class Heading:
    index: int  # 0-based line index of the heading text
    level: int  # 1-6 (Setext: 1 for ===, 2 for ---; DOCX: the outline level of the style)
    text: str


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, text) of a Markdown ATX heading line (``## Scope``, ``# Title #``), else None.

    CommonMark: up to three spaces of indentation, one to six ``#``, then a space or tab (or the end); an
    optional closing run of ``#`` preceded by a space is not part of the text."""
    head = line[:MAX_LINE]
    stripped = head.lstrip(" ")
    if len(head) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    rest = stripped.lstrip("#")
    level = len(stripped) - len(rest)
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    text = rest.strip(" \t")
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1] in " \t"):
        text = closed.rstrip(" \t")
    return level, text


def _setext_level(line: str) -> int | None:
    """1 or 2 when ``line`` underlines a Setext heading (``====`` or ``----``, at least three dashes)."""
    head = line[:MAX_LINE]
    body = head.lstrip(" ")
    if len(head) - len(body) > 3:
        return None
    body = body.rstrip(" \t")
    if body and body == "=" * len(body):
        return 1
    if len(body) >= 3 and body == "-" * len(body):
        return 2
    return None


def markdown_headings(lines: list[str]) -> list[Heading]:
    """The ATX and Setext headings of Markdown lines, outside fenced code blocks."""
    out: list[Heading] = []
    fence = False
    for i, line in enumerate(lines):
        bare = line[:MAX_LINE].strip()
        if bare.startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            continue
        atx = atx_heading(line)
        if atx is not None:
            if atx[1]:
                out.append(Heading(i, atx[0], atx[1]))
            continue
        if (bare and i + 1 < len(lines) and not bare.startswith(("|", "-", "*", ">", "+"))
                and (level := _setext_level(lines[i + 1])) is not None):
            out.append(Heading(i, level, bare))
    return out


def first_heading(text: str, max_lines: int = 400) -> str | None:
    """The text of the first heading (ATX of level 1-3, or Setext) in the first ``max_lines`` lines."""
    for h in markdown_headings(text.split("\n", max_lines)[:max_lines]):
        if h.level <= 3:
            return h.text
    return None


def opens_with_heading(text: str) -> bool:
    """The first non-blank line is a heading (ATX, or a line underlined by the next one)."""
    lines = [ln for ln in text.split("\n", 200)[:200] if ln.strip()]
    if not lines:
        return False
    atx = atx_heading(lines[0])
    if atx is not None:
        return atx[0] <= 3 and bool(atx[1])
    return len(lines) > 1 and _setext_level(lines[1]) is not None


def label_value(line: str) -> tuple[str, str] | None:
    """``(label, value)`` of a statement line: ``Owner: Jane``, ``**Status:** Draft``, ``- Version: 2``,
    ``| Approved on | 2026-03-01 |`` (a two-cell table row), ``> Next review: March 2027``; else None.

    The label is the text before the first ``:`` or ``|``: a letter (any alphabet), then up to 47 letters,
    digits, spaces and ``/ _ . ( ) ' -``."""
    head = line[:MAX_LINE].lstrip(_LABEL_LEAD)
    cut = min((p for p in (head.find(":"), head.find("|")) if p >= 0), default=-1)
    if cut <= 0:
        return None
    label = head[:cut].strip(_LABEL_TRIM)
    if not _LABEL.fullmatch(label):
        return None
    value = head[cut + 1:].strip(_VALUE_TRIM)
    if head[cut] == ":" and value.startswith("//"):  # a URL ("https://..."), not a label
        return None
    return label, value


def label_values(lines: Iterable[str], limit: int = 120) -> list[tuple[int, str, str]]:
    """``(line index, label, value)`` of the statement lines among the first ``limit`` lines."""
    out: list[tuple[int, str, str]] = []
    for n, line in enumerate(lines):
        if n >= limit:
            break
        found = label_value(line)
        if found is not None:
            out.append((n, *found))
    return out


def table_cells(line: str) -> list[str] | None:
    """The cells of a Markdown pipe-table row (``| a | b |``), or None for any other line; a delimiter row
    (``|---|:--:|``) gives an empty list."""
    s = line.strip()
    if not s.startswith("|") and s.count("|") < 2:
        return None
    inner = s.strip("|")
    cells = [c.strip() for c in inner.split("|")]
    if all(c and set(c) <= set("-: ") for c in cells):
        return []
    return cells


@dataclass(frozen=True, slots=True)
class Table:
    index: int  # line index of the first row
    rows: tuple[tuple[str, ...], ...]  # the first row is the header as written
    row_index: tuple[int, ...] = ()  # line index of each row (a Markdown delimiter row takes a line)

    def line_of(self, n: int) -> int:
        return self.row_index[n] if n < len(self.row_index) else self.index + n


@dataclass(frozen=True, slots=True)
class DocBody:
    """A document's text as lines, with its headings and tables (indexes into ``lines``).

    ``line_no(i)`` is the number a reader of the file uses for line ``i`` (Markdown: the file's line;
    DOCX: the paragraph; PDF: ``page P, line L``); ``where(i)`` says it in words."""

    lines: tuple[str, ...]
    headings: tuple[Heading, ...]
    tables: tuple[Table, ...]
    first_line: int = 1  # file line of lines[0] (Markdown after front matter)
    unit: str = "line"  # "line" (text files), "paragraph" (DOCX), "page" (PDF)
    page_starts: tuple[int, ...] = ()  # PDF: line index where each page starts

    def line_no(self, i: int) -> int | None:
        return self.first_line + i if self.unit == "line" else None

    def where(self, i: int) -> str:
        if self.unit == "line":
            return f"line {self.first_line + i}"
        if self.unit == "page" and self.page_starts:
            page = max((n for n, start in enumerate(self.page_starts) if start <= i), default=0)
            return f"page {page + 1}, line {i - self.page_starts[page] + 1}"
        return f"paragraph {i + 1}"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def markdown_tables(lines: list[str] | tuple[str, ...]) -> list[Table]:
    """Pipe tables: runs of two or more table rows (the delimiter row dropped)."""
    out: list[Table] = []
    rows: list[tuple[str, ...]] = []
    at: list[int] = []
    for i, line in enumerate([*lines, ""]):
        cells = table_cells(line) if i < len(lines) else None
        if cells is None:
            if len(rows) >= 2:
                out.append(Table(at[0], tuple(rows), tuple(at)))
            rows, at = [], []
            continue
        if cells:
            rows.append(tuple(cells))
            at.append(i)
    return out


def markdown_body(text: str, first_line: int = 1) -> DocBody:
    lines = text.split("\n")
    return DocBody(tuple(lines), tuple(markdown_headings(lines)), tuple(markdown_tables(lines)), first_line)


_NUMBERED_HEADING = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,3})\.?[ \t]+[^\W\d_]")


def plain_headings(lines: list[str] | tuple[str, ...]) -> list[Heading]:
    """Headings of text without markup (PDF text): short numbered lines (``4. Access Control``,
    ``4.2 Reviews``) that do not end like a sentence; the level is the depth of the number."""
    out: list[Heading] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or len(s) > 90 or s[-1] in ".,;:":
            continue
        m = _NUMBERED_HEADING.match(s)
        if m and len(s.split()) <= 10:
            out.append(Heading(i, m.group(1).count(".") + 1, s[len(m.group(1)):].lstrip(". \t")))
    return out
