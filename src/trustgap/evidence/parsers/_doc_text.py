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
_LABEL = re.compile(r"[A-Za-z][A-Za-z /_.()-]{0,47}")
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

    The label is the text before the first ``:`` or ``|``: one to 48 letters, spaces and ``/ _ . ( ) -``."""
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
