"""Values from evidence and scope files written into spreadsheets, CSV files and Markdown, made inert.

Entity names, titles and organisation names come from files we do not control. In a spreadsheet, a cell that
starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) is taken as a formula when the
file is opened or a cell is edited, and a formula can run commands or send data away ("CSV injection", see
https://owasp.org/www-community/attacks/CSV_Injection). In Markdown, raw HTML is passed through to the page
by most renderers, so ``<script>`` in a name would run in the reader's browser.

- CSV: such a cell is written with a leading apostrophe (OWASP's advice); the text stays readable.
- XLSX: such a cell is stored as text with Excel's "quote prefix" set, so it shows unchanged and stays text
  when edited.
- Markdown: every ``<`` is written as ``&lt;`` (Markdown itself needs no ``<``), so no tag survives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """True for a text value a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would read as a formula gets a leading apostrophe;
    numbers, dates and other text are unchanged."""
    return "'" + value if is_formula_like(value) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def markdown_text(text: str) -> str:
    """Markdown with no raw HTML: ``<`` becomes ``&lt;`` (shown as ``<`` by every renderer)."""
    return text.replace("<", "&lt;")
