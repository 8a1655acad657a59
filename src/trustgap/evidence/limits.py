"""What one evidence file may cost to read: every bound on time and memory, in one place.

An evidence folder holds whatever people drop into it, including files that are huge, broken or built to
hurt (a YAML "billion laughs", a ZIP bomb disguised as a workbook). Each reader checks these limits *before* it
does the expensive work (reading, inflating, expanding aliases); a file past a limit is not read, the run names
the file and the limit it broke, and goes on with the other files.

=====================  =======================================================  ==============================
limit                  what it bounds                                           environment variable
=====================  =======================================================  ==============================
``file_bytes``         size of one evidence file read from the folder           ``TRUSTGAP_MAX_FILE_MB``
``zip_members``        parts of one Office document (XLSX, DOCX)               ``TRUSTGAP_MAX_ZIP_MEMBERS``
``zip_member_bytes``   one part once inflated                                   ``TRUSTGAP_MAX_ZIP_MEMBER_MB``
``zip_total_bytes``    all parts of one document once inflated                  ``TRUSTGAP_MAX_ZIP_TOTAL_MB``
``zip_ratio``          inflated / compressed size of a part over 1 MiB          ``TRUSTGAP_MAX_ZIP_RATIO``
``yaml_nodes``         YAML values once every alias is expanded                 ``TRUSTGAP_MAX_YAML_NODES``
``sheet_cells``        cells read from one workbook (empty padding included)    ``TRUSTGAP_MAX_SHEET_CELLS``
=====================  =======================================================  ==============================

Compressed archives (``.zip``, ``.tar``, ``.gz``) have their own limits with the same names in
:mod:`trustgap.evidence.archives` (they are read member by member, each member then a file of its own).
The defaults allow any real export we know of (a 500,000-row CSV is about 100 MB; a long policy DOCX a few MB);
raise one through its environment variable (a whole number) when a genuine file is refused.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds on reading one evidence file (see the module docstring)."""

    file_bytes: int = 128 * MIB
    zip_members: int = 5000
    zip_member_bytes: int = 256 * MIB
    zip_total_bytes: int = 512 * MIB
    zip_ratio: int = 200
    yaml_nodes: int = 200_000
    sheet_cells: int = 5_000_000


# field -> (environment variable, multiplier applied to its value)
_ENV: dict[str, tuple[str, int]] = {
    "file_bytes": ("TRUSTGAP_MAX_FILE_MB", MIB),
    "zip_members": ("TRUSTGAP_MAX_ZIP_MEMBERS", 1),
    "zip_member_bytes": ("TRUSTGAP_MAX_ZIP_MEMBER_MB", MIB),
    "zip_total_bytes": ("TRUSTGAP_MAX_ZIP_TOTAL_MB", MIB),
    "zip_ratio": ("TRUSTGAP_MAX_ZIP_RATIO", 1),
    "yaml_nodes": ("TRUSTGAP_MAX_YAML_NODES", 1),
    "sheet_cells": ("TRUSTGAP_MAX_SHEET_CELLS", 1),
}


def current(env: dict[str, str] | None = None) -> Limits:
    """The limits in force: the defaults, each overridden by its environment variable when set to a positive
    whole number (other values are ignored)."""
    source: Any = os.environ if env is None else env
    changes: dict[str, int] = {}
    for f in fields(Limits):
        var, unit = _ENV[f.name]
        raw = source.get(var, "").strip()
        if raw.isdigit() and int(raw) > 0:
            changes[f.name] = int(raw) * unit
    return replace(Limits(), **changes) if changes else Limits()


def size_text(n: int) -> str:
    return f"{n // MIB} MB" if n >= MIB else f"{n} bytes"


def file_refusal(size: int, limits: Limits | None = None) -> str | None:
    """Why a file of ``size`` bytes is not read, or None."""
    lim = limits or current()
    if size > lim.file_bytes:
        return (f"not read: {size_text(size)} is past the {size_text(lim.file_bytes)} file-size limit "
                f"(raise it with {_ENV['file_bytes'][0]})")
    return None


def is_office_package(data: bytes) -> bool:
    """An Office Open XML package (XLSX, DOCX, PPTX): a ZIP with ``[Content_Types].xml``, found in its central
    directory without inflating anything."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        import io

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "[Content_Types].xml" in {i.filename for i in zf.infolist()}
    except Exception:  # not a readable ZIP: the parsers name the problem
        return False


def zip_refusal(data: bytes, limits: Limits | None = None) -> str | None:
    """Why an Office package is not opened (too many parts, a part or the whole too big once inflated, a part
    inflating past the ratio limit), decided from the ZIP central directory before anything is inflated.

    The sizes in the central directory bound what :mod:`zipfile` inflates (it stops at the declared size and then
    fails the CRC check), so checking them first bounds memory even when they lie."""
    import io

    lim = limits or current()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except Exception:  # not a readable ZIP: the parsers name the problem
        return None
    if len(infos) > lim.zip_members:
        return f"not read: {len(infos)} parts inside, past the {lim.zip_members}-part limit"
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > lim.zip_member_bytes:
            return (f"not read: part {info.filename} inflates to {size_text(info.file_size)}, past the "
                    f"{size_text(lim.zip_member_bytes)} part-size limit")
        if info.file_size > MIB and info.file_size > lim.zip_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return (f"not read: part {info.filename} inflates {ratio} times its compressed size, past the "
                    f"compression-ratio limit of {lim.zip_ratio}")
    if total > lim.zip_total_bytes:
        return (f"not read: its parts inflate to {size_text(total)}, past the {size_text(lim.zip_total_bytes)} "
                "total-size limit")
    return _cells_refusal(data, infos, lim)


def _cells_refusal(data: bytes, infos: list[zipfile.ZipInfo], lim: Limits) -> str | None:
    """Why a workbook is not read: more cells (``<c`` elements of SpreadsheetML, ECMA-376 Part 1 18.3.1.4) in its
    worksheets than ``sheet_cells``. Counted on the inflated XML a megabyte at a time, at the speed of zlib,
    before any parser builds a cell."""
    import io

    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    if sum(i.file_size for i in sheets) < lim.sheet_cells:  # a cell takes more than one byte of XML
        return None
    cells = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in sheets:
                tail = b""
                with zf.open(info) as fh:
                    while chunk := fh.read(MIB):
                        block = tail + chunk
                        cells += block.count(b"<c ") + block.count(b"<c>") - tail.count(b"<c ") - tail.count(b"<c>")
                        tail = block[-2:]
                        if cells > lim.sheet_cells:
                            return (f"not read: its sheets hold more than {lim.sheet_cells:,} cells (the sheet-size "
                                    f"limit; raise it with {_ENV['sheet_cells'][0]})")
    except Exception:  # damaged: the parsers name the problem
        return None
    return None


def yaml_refusal(node: Any, limits: Limits | None = None) -> str | None:
    """Why a composed YAML document (a node tree) is not built into values: an alias that refers to itself, or
    more than ``yaml_nodes`` values once every alias is expanded (the "billion laughs" a few hundred bytes
    long). Shared nodes are counted once per use but visited once, so the check is linear in the text."""
    import yaml

    lim = (limits or current()).yaml_nodes
    sizes: dict[int, int] = {}
    if node is None:
        return None
    # iterative post-order walk: (node, children done?)
    stack: list[tuple[Any, bool]] = [(node, False)]
    on_path: set[int] = set()
    while stack:
        n, done = stack.pop()
        key = id(n)
        if done:
            on_path.discard(key)
            total = 1
            for child in _children(n, yaml):
                total += sizes[id(child)]
            sizes[key] = min(total, lim + 1)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return f"not read: an alias refers to the value that contains it (line {n.start_mark.line + 1})"
        on_path.add(key)
        stack.append((n, True))
        for child in _children(n, yaml):
            if id(child) in on_path:
                return ("not read: an alias refers to the value that contains it "
                        f"(line {child.start_mark.line + 1})")
            if id(child) not in sizes:
                stack.append((child, False))
    if sizes.get(id(node), 0) > lim:
        return (f"not read: its aliases expand to more than {lim:,} values (the YAML alias limit; raise it with "
                f"{_ENV['yaml_nodes'][0]})")
    return None


def _children(node: Any, yaml: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def sheet_rows(ws: Any, path: str, budget: list[int], **kwargs: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of an openpyxl worksheet (values only), charging each row's cells, padding included, to
    ``budget[0]`` (start it at ``current().sheet_cells``, one budget for a whole workbook): a sheet that
    declares itself 16,384 columns by a million rows around two real cells is refused after a few thousand
    rows, not read for hours."""
    from trustgap.errors import InputError

    declared = (ws.max_row or 0) * (ws.max_column or 0)
    if declared > budget[0] and hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # rows as written, not padded out to the area the sheet claims
    for n, cells in enumerate(ws.iter_rows(values_only=True, **kwargs), start=1):
        budget[0] -= len(cells) + 1
        if budget[0] < 0:
            lim = current().sheet_cells
            raise InputError(path, f"not read: sheet {ws.title!r} goes past {lim:,} cells at row {n} (the sheet-size "
                             f"limit; raise it with {_ENV['sheet_cells'][0]})", line=n)
        yield cells
