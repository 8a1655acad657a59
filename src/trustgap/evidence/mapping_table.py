"""Tables as they come: CSV (comma, semicolon, tab, pipe; BOM, CRLF, UTF-16, cp1252) and XLSX with several sheets,
the header row found among the first rows (exports often put a title and a date above the table).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.limits import current, sheet_rows
from trustgap.evidence.shapes import ColumnProfile, profile_columns, shapes_of
from trustgap.evidence.tabular import decode_text, delimiter_of

HEADER_SCAN_ROWS = 10
_HEADER_SHAPES = frozenset({"text", "name", "id", "status", "severity", "bool"})


@dataclass
class Table:
    """One table: its header row and data rows, each with its line (CSV) or row number (XLSX)."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    header_line: int = 1
    sheet: str | None = None
    tail_error: InputError | None = None  # the rows from this error's line on could not be read
    _profiles: list[ColumnProfile] | None = field(default=None, repr=False)

    @property
    def profiles(self) -> list[ColumnProfile]:
        if self._profiles is None:
            self._profiles = profile_columns(self.headers, (cells for _, cells in self.rows))
        return self._profiles

    def where(self, line: int) -> str:
        return f"{self.sheet}!row {line}" if self.sheet else f"row {line}"

    def label(self) -> str:
        at = f"header on row {self.header_line}"
        return f"sheet {self.sheet!r}, {at}" if self.sheet else at


def is_xlsx(data: bytes) -> bool:
    from trustgap.evidence.parsers._sheets import is_xlsx as _is_xlsx

    return _is_xlsx(data)


def looks_tabular(data: bytes) -> bool:
    """Cheap test before reading: an XLSX workbook, or text whose first lines have field separators."""
    if is_xlsx(data):
        return True
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head[:1024]:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[", "<", "---", "%PDF")):
        return False
    lines = [ln for ln in text.splitlines()[:HEADER_SCAN_ROWS] if ln.strip()]
    return any(sum(ln.count(d) for d in (",", ";", "\t", "|")) >= 1 for ln in lines)


def header_index(rows: Sequence[Sequence[Any]]) -> int:
    """Index of the header row among the first rows: the first row of several short text cells, about as wide
    as the table, where a title row above it has one or two cells."""
    head = list(rows[:HEADER_SCAN_ROWS])
    widths = [sum(1 for c in r if c not in (None, "") and str(c).strip()) for r in head]
    if not widths:
        return 0
    widest = max(widths)
    for i, row in enumerate(head):
        cells = [c for c in row if c not in (None, "") and str(c).strip()]
        if len(cells) < 2 or len(cells) < 0.6 * widest:
            continue
        texty = sum(1 for c in cells if isinstance(c, str) and len(c) <= 80 and shapes_of(c) <= _HEADER_SHAPES)
        if texty >= 0.8 * len(cells):
            return i
    return 0


def _sniff_delimiter(text: str) -> str:
    best_line, best_count = "", -1
    for line in text.splitlines()[:HEADER_SCAN_ROWS]:
        d = delimiter_of(line)
        n = line.count(d)
        if n > best_count:
            best_line, best_count = line, n
    return delimiter_of(best_line)


def read_csv_table(data: bytes, path: str, header_line: int | None = None) -> Table:
    """The table of a delimited text file; an unreadable file is an error naming the line."""
    try:
        text = decode_text(data, path)
    except InputError:
        from trustgap.evidence.parsers._json_input import decode

        decode(data, path)  # raises with the line of the first undecodable byte
        raise
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    raw: list[tuple[int, list[str]]] = []
    tail: InputError | None = None
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            tail = InputError(path, f"not valid CSV: {exc}", line=reader.line_num)
            break
        raw.append((line, cells))
    raw = [(n, c) for n, c in raw if any(x.strip() for x in c)]
    if tail is not None and len(raw) < 2:
        raise tail
    if not raw:
        raise InputError(path, "file is empty", line=1)
    if header_line is not None:
        idx = next((i for i, (n, _) in enumerate(raw) if n >= header_line), 0)
    else:
        idx = header_index([c for _, c in raw])
    line, headers = raw[idx]
    return Table(headers=[h.strip() for h in headers], rows=raw[idx + 1:], header_line=line, tail_error=tail)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime | date | int | float | bool) or value is None:
        return value
    return str(value)


def read_xlsx_tables(data: bytes, path: str, sheet: str | None = None, header_line: int | None = None) -> list[Table]:
    """One table per sheet that has one (read-only, cached values of formulas)."""
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl / zipfile raise many types for damaged files
        raise InputError(path, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from None
    out: list[Table] = []
    budget = [current().sheet_cells]
    try:
        for ws in wb.worksheets:
            if sheet is not None and ws.title != sheet:
                continue
            rows = [(n, [_cell(c) for c in cells]) for n, cells in enumerate(sheet_rows(ws, path, budget), start=1)]
            rows = [(n, c) for n, c in rows if any(v not in (None, "") for v in c)]
            if not rows:
                continue
            if header_line is not None:
                idx = next((i for i, (n, _) in enumerate(rows) if n >= header_line), 0)
            else:
                idx = header_index([c for _, c in rows])
            line, cells = rows[idx]
            headers = [str(c).strip() if c is not None else "" for c in cells]
            if sum(1 for h in headers if h) < 2:
                continue
            out.append(Table(headers=headers, rows=rows[idx + 1:], header_line=line, sheet=ws.title))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(path, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from None
    finally:
        wb.close()
    if sheet is not None and not out:
        raise InputError(path, f"no sheet named {sheet!r} with a table", field="records.sheet")
    return out


def read_tables(data: bytes, path: str, sheet: str | None = None, header_line: int | None = None) -> list[Table]:
    """Every table of a CSV or XLSX file."""
    if is_xlsx(data):
        return read_xlsx_tables(data, path, sheet, header_line)
    from trustgap.evidence.parsers._json_input import reject_binary

    reject_binary(data, path, "a CSV or XLSX table")
    return [read_csv_table(data, path, header_line)]
