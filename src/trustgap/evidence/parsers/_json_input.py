"""Reading text and JSON evidence: decoding, errors that name the line and column, a cheap look at the head.

Sniffing a large scanner report must not parse the whole file for every candidate parser, so
:func:`head_text` returns the first bytes as text and sniffers look for the keys only their format has.
:func:`decode` and :func:`reject_binary` turn undecodable or binary content into an error naming the line
where it starts, so a file damaged half-way says where.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustgap.dates import DateParseError, parse_datetime
from trustgap.errors import InputError
from trustgap.evidence.tabular import decode_text

if TYPE_CHECKING:
    from trustgap.evidence.detect import ParseContext

HEAD_BYTES = 65536


def head_text(data: bytes, limit: int = HEAD_BYTES) -> str:
    """The first ``limit`` bytes as text (BOM dropped, undecodable bytes replaced); '' for binary data."""
    head = data[:limit]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"\x00" in head[:1024]:
        return ""
    return head.decode("utf-8", errors="replace")


def _line_at(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, max(pos, 0)) + 1


def decode(data: bytes, path: str) -> str:
    """Bytes to text (:func:`~trustgap.evidence.tabular.decode_text`); an undecodable file names the line
    of its first bad byte."""
    try:
        return decode_text(data, path)
    except InputError as exc:
        try:
            data.decode("utf-8")
            pos = 0
        except UnicodeDecodeError as bad:
            pos = bad.start
        raise InputError(path, exc.message, line=_line_at(data, pos)) from None


def reject_binary(data: bytes, path: str, what: str) -> None:
    """Raise when NUL bytes in the first 4 KiB show binary content (UTF-16 text with a BOM is allowed)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    pos = data.find(b"\x00", 0, 4096)
    if pos >= 0:
        raise InputError(path, f"not {what}: binary content (NUL byte at offset {pos})", line=_line_at(data, pos))


def yaml_bad_character(text: str) -> tuple[int, str] | None:
    """(line, message) for the first character YAML does not allow (control characters), else None.

    PyYAML reports these without a line; this finds it, so the error can name it."""
    import yaml

    m = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if m is None:
        return None
    return text.count("\n", 0, m.start()) + 1, f"not valid YAML: control character #x{ord(m.group()[0]):04x}"


def looks_like_json(head: str) -> bool:
    stripped = head.lstrip()
    return stripped.startswith(("{", "["))


def load_json(data: bytes, path: str) -> Any:
    """Parse JSON, raising :class:`InputError` with the line of the first syntax error."""
    text = decode(data, path)
    if not text.strip():
        raise InputError(path, "file is empty", line=1)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several documents one after another: JSON lines, or `gh api --paginate`
            return _json_stream(text, path)
        raise InputError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise InputError(path, "not readable JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer longer than Python's conversion limit
        raise InputError(path, f"not readable JSON: {exc}") from None


def _json_stream(text: str, path: str) -> list[Any]:
    """Documents written back to back: JSON lines (one object per line, as ``jq -c`` writes them) or the pages
    ``gh api --paginate`` prints without ``--slurp`` (one array per page). Pages of arrays are joined into one
    array; otherwise the documents become the items of one array."""
    decoder = json.JSONDecoder()
    docs: list[Any] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        if pos >= end:
            break
        try:
            doc, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
        docs.append(doc)
    if docs and all(isinstance(d, list) for d in docs):
        return [item for d in docs for item in d]
    return docs


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty dict (absent or null sub-objects)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else an empty list (absent or null arrays)."""
    return value if isinstance(value, list) else []


def text_or_none(value: Any) -> str | None:
    """A non-empty string form of a scalar, else None."""
    if value is None or isinstance(value, dict | list):
        return None
    s = str(value).strip()
    return s or None


def json_field(where: str, key: str | None = None) -> str:
    """A JSON path as an error's field: '$.users[3]' + 'suspended' -> 'users[3].suspended', '$[3]' -> '[3]'."""
    path = where[1:].lstrip(".") if where.startswith("$") else where
    if key:
        path = f"{path}.{key}" if path else key
    return path or "$"


def json_flag(obj: dict[str, Any], key: str, where: str, ctx: ParseContext) -> bool | None:
    """A boolean member (``true`` / ``false``, also as strings); anything else is an error naming the field."""
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    ctx.error(f"{where}.{key}: not true or false: {value!r}", field=json_field(where, key))
    return None


def json_when(obj: dict[str, Any], key: str, where: str, ctx: ParseContext) -> datetime | None:
    """A timestamp member; null or empty is absent, anything unreadable is an error naming the field."""
    value = obj.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except (DateParseError, ValueError, OverflowError):
            pass
    ctx.error(f"{where}.{key}: not a date: {value!r}", field=json_field(where, key))
    return None
