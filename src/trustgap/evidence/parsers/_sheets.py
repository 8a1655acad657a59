"""Tabular rows from CSV or XLSX with canonical field names, for the vendor and record parsers.

XLSX: the first sheet (in workbook order) with a recognised header row among its first 10 rows is read
(read-only mode, cached values of formulas); the header need not be on row 1, as exports often put a title
and a date above the table.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.limits import current, sheet_rows
from trustgap.evidence.parsers._json_input import decode
from trustgap.evidence.tabular import header_fields, map_headers, read_csv

HEADER_SCAN_ROWS = 10


@dataclass
class SheetRow:
    line: int  # CSV line or XLSX row number (1-based)
    values: dict[str, Any]  # canonical field -> value (str for CSV; str, number, date, bool for XLSX)
    extra: dict[str, Any]  # other columns: original header -> value
    sheet: str | None = None
    headers: dict[str, str] | None = None  # canonical field -> original header

    def header(self, key: str) -> str:
        """The file's own name for a canonical field (for error messages)."""
        return (self.headers or {}).get(key, key)

    def get(self, key: str) -> Any:
        v = self.values.get(key)
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v


def zip_members(data: bytes) -> list[str]:
    """Member names of a ZIP container ([] when the bytes are not a readable ZIP)."""
    if not data.startswith(b"PK\x03\x04"):
        return []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.namelist()
    except Exception:  # zipfile raises BadZipFile, NotImplementedError, ValueError, ... on damaged input
        return []


def is_xlsx(data: bytes) -> bool:
    return "xl/workbook.xml" in zip_members(data)


def csv_header_mapping(data: bytes, aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Canonical field -> header for a CSV's first line ({} when it is not CSV-like)."""
    fields = header_fields(data)
    return map_headers(fields, aliases) if fields else {}


def csv_rows(data: bytes, path: str, aliases: Mapping[str, Iterable[str]], required: Iterable[str] = (),
             override: Mapping[str, str] | None = None) -> Iterator[SheetRow]:
    """Rows of a CSV; an undecodable file names the line of its first bad byte."""
    mapping: dict[str, str] | None = None
    used: set[str] = set()
    try:
        for row in read_csv(data, path, aliases, required, override):
            if mapping is None:
                mapping = map_headers(row.raw.keys(), aliases, override)
                used = set(mapping.values())
            extra = {h: v for h, v in row.raw.items() if h not in used and h.strip() and v.strip()}
            yield SheetRow(line=row.line, values=row.values, extra=extra, headers=mapping)
    except InputError as exc:
        if exc.line is None:
            decode(data, path)  # raises the same error with the line of the first undecodable byte
        raise


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime | date | int | float | bool) or value is None:
        return value
    return str(value)


def xlsx_rows(data: bytes, path: str, aliases: Mapping[str, Iterable[str]],
              accept: Callable[[dict[str, str]], bool]) -> Iterator[SheetRow]:
    """Rows below the first header row ``accept`` approves (given its canonical mapping)."""
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl / zipfile raise many types for damaged files
        raise InputError(path, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from None
    budget = [current().sheet_cells]
    try:
        for ws in wb.worksheets:
            rows = sheet_rows(ws, path, budget)
            header: list[str] | None = None
            mapping: dict[str, str] = {}
            for n, cells in enumerate(rows, start=1):
                if header is None:
                    if n > HEADER_SCAN_ROWS:
                        break
                    names = [str(c).strip() if c is not None else "" for c in cells]
                    candidate = map_headers([h for h in names if h], aliases)
                    if accept(candidate):
                        header, mapping = names, candidate
                    continue
                values = [_cell(c) for c in cells]
                if not any(v not in (None, "") for v in values):
                    continue
                by_header = {h: (values[i] if i < len(values) else None) for i, h in enumerate(header) if h}
                canon = {k: by_header.get(h) for k, h in mapping.items()}
                used = set(mapping.values())
                extra = {h: v for h, v in by_header.items() if h not in used and v not in (None, "")}
                yield SheetRow(line=n, values=canon, extra=extra, sheet=ws.title, headers=mapping)
            if header is not None:
                return
    except InputError:
        raise
    except Exception as exc:
        raise InputError(path, f"not a readable Excel workbook: {type(exc).__name__}: {exc}") from None
    finally:
        wb.close()
    raise InputError(path, "no sheet has a recognised header row in its first 10 rows", line=1)


def xlsx_header_accepted(data: bytes, aliases: Mapping[str, Iterable[str]],
                         accept: Callable[[dict[str, str]], bool]) -> bool:
    """True when some sheet has a header row ``accept`` approves (used by sniffers)."""
    if not is_xlsx(data):
        return False
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                for n, cells in enumerate(ws.iter_rows(values_only=True, max_row=HEADER_SCAN_ROWS), start=1):
                    if n > HEADER_SCAN_ROWS:
                        break
                    names = [str(c).strip() for c in cells if c is not None and str(c).strip()]
                    if accept(map_headers(names, aliases)):
                        return True
        finally:
            wb.close()
    except Exception:  # a sniff never raises
        return False
    return False
