"""Reading CSV and XLSX exports as they come: BOM, CRLF, extra and reordered columns, header aliases."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from trustgap.errors import InputError


def decode_text(data: bytes, path: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:  # a UTF-16 BOM followed by a cut-off or odd-length body
            raise InputError(path, f"not a text file ({exc.reason} at byte {exc.start})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not a text file ({exc.reason} at byte {exc.start})") from exc


def norm_header(name: str) -> str:
    """'Work E-mail ' -> 'work_e_mail'; used to compare header names across vendors."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass
class Row:
    line: int  # 1-based physical line in the file where the row starts
    values: dict[str, str]  # canonical field -> raw value ('' when absent)
    raw: dict[str, str]  # original header -> raw value

    def get(self, key: str) -> str:
        return (self.values.get(key) or "").strip()


def first_line(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        text = head.decode("utf-8", errors="replace")
    except Exception:
        return ""
    return text.splitlines()[0] if text else ""


_DELIMITERS = (",", ";", "\t", "|")


def delimiter_of(header_line: str) -> str:
    """The field separator of a delimited export, read from its header row: the comma, or the semicolon that
    spreadsheet programs write where the comma is the decimal mark, a tab (TSV) or a pipe, whichever splits
    the header into the most fields (outside quoted names)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 0 else ","


def header_fields(data: bytes) -> list[str]:
    """Normalised header names of a CSV's first line ([] if it does not look like CSV)."""
    line = first_line(data)
    if not line or "\x00" in line:
        return []
    try:
        cells = next(csv.reader([line], delimiter=delimiter_of(line)))
    except (csv.Error, StopIteration):
        return []
    return [norm_header(c) for c in cells]


def map_headers(
    headers: Iterable[str], aliases: Mapping[str, Iterable[str]], override: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Canonical field -> original header. ``aliases`` lists accepted header names per canonical field
    (compared normalised); ``override`` (canonical -> header, from the scope file) wins."""
    by_norm = {norm_header(h): h for h in headers}
    out: dict[str, str] = {}
    for canon, names in aliases.items():
        for n in [canon, *names]:
            if norm_header(n) in by_norm:
                out[canon] = by_norm[norm_header(n)]
                break
    for canon, header in (override or {}).items():
        if norm_header(header) in by_norm:
            out[canon] = by_norm[norm_header(header)]
    return out


def read_csv(
    data: bytes,
    path: str,
    aliases: Mapping[str, Iterable[str]],
    required: Iterable[str] = (),
    override: Mapping[str, str] | None = None,
) -> Iterator[Row]:
    """Yield rows with canonical keys. Raises InputError (line 1) when a required column is missing."""
    text = decode_text(data, path)
    head = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(head))
    try:
        headers = next(reader)
    except StopIteration:
        raise InputError(path, "file is empty", line=1) from None
    except csv.Error as exc:
        raise InputError(path, f"not valid CSV: {exc}", line=1) from exc
    mapping = map_headers(headers, aliases, override)
    missing = [f for f in required if f not in mapping]
    if missing:
        raise InputError(path, f"missing required column(s) {', '.join(missing)}; found {headers}", line=1)
    index = {h: i for i, h in enumerate(headers)}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(path, f"not valid CSV: {exc}", line=reader.line_num) from exc
        if not any(c.strip() for c in cells):
            continue
        raw = {h: (cells[i] if i < len(cells) else "") for h, i in index.items()}
        values = {canon: raw.get(h, "") for canon, h in mapping.items()}
        yield Row(line=line, values=values, raw=raw)


def parse_bool(value: str | None) -> bool | None:
    if value is None:
        return None
    v = str(value).strip().lower()
    if v in {"true", "yes", "y", "1", "enabled", "on", "active", "signed", "x", "✓", "done", "complete", "ja",
             "unterzeichnet", "oui", "sí", "si"}:
        return True
    if v in {"false", "no", "n", "0", "disabled", "off", "inactive", "none", "not signed", "nein", "non",
             "nicht unterzeichnet"}:
        return False
    return None
