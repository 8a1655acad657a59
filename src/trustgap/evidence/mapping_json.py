"""Records of a JSON answer, found and flattened into a table the column scoring can read.

Where the records are: a spec's ``records.path`` (dotted, ``data.users``), else the paging wrappers APIs use
(``values`` with ``next`` as Bitbucket and Jira write it, ``results``, ``data``, ``items``, ``value`` as Microsoft
Graph writes it, ...), else a bare array, else the document itself as one record. Pages written back to back
(``gh api --paginate`` without ``--slurp``) and JSON lines are joined first (:func:`load_json`).

Each record is flattened to dotted keys (``profile.login``; a list of objects gives ``labels[*].name`` holding
the list of names), so that a spec's paths and an unknown export's keys are columns like any other.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from trustgap.evidence.mapping_table import Table
from trustgap.evidence.parsers._json_input import head_text, load_json

MAX_DEPTH = 4
MAX_KEYS = 400


@dataclass
class JsonRecords:
    records: list[Any]
    base: str  # JSON path of the list ("$", "$.values"); records are base[i]
    top_keys: frozenset[str]  # keys of the document (of each page, joined)
    pages: int = 1


def looks_json(data: bytes) -> bool:
    return head_text(data, 4096).lstrip().startswith(("{", "["))


def _walk(doc: Any, path: str) -> Any:
    cur = doc
    for part in [p for p in path.split(".") if p]:
        if isinstance(cur, dict):
            cur = cur.get(part)
        else:
            return None
    return cur


def _unwrap(doc: Any, wrappers: list[str]) -> tuple[list[Any] | None, str]:
    if isinstance(doc, list):
        return doc, ""
    if not isinstance(doc, dict):
        return None, ""
    for w in wrappers:
        if isinstance(doc.get(w), list):
            return doc[w], w
    lists = [k for k, v in doc.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    if len(lists) == 1 and len(doc) <= 6:  # {"count": 3, "next": ..., "things": [...]}
        return doc[lists[0]], lists[0]
    return None, ""


def find_records(doc: Any, path: str | None, wrappers: list[str]) -> JsonRecords:
    """The records of a document (see the module docstring)."""
    top: set[str] = set()
    pages = doc if isinstance(doc, list) and doc and all(isinstance(p, dict) for p in doc) and \
        _is_pages(doc, path, wrappers) else None
    if pages is not None:
        out: list[Any] = []
        base = ""
        for page in pages:
            top.update(page)
            items = _walk(page, path) if path else _unwrap(page, wrappers)[0]
            base = path or _unwrap(page, wrappers)[1]
            out.extend(items if isinstance(items, list) else [])
        return JsonRecords(out, f"$.{base}" if base else "$", frozenset(top), len(pages))
    if isinstance(doc, dict):
        top.update(doc)
    if path:
        items = _walk(doc, path)
        if isinstance(items, list):
            return JsonRecords(items, f"$.{path}", frozenset(top))
        return JsonRecords([items] if isinstance(items, dict) else [], f"$.{path}", frozenset(top))
    items, key = _unwrap(doc, wrappers)
    if items is not None:
        return JsonRecords(items, f"$.{key}" if key else "$", frozenset(top))
    return JsonRecords([doc] if isinstance(doc, dict) else [], "$", frozenset(top))


def _is_pages(doc: list[Any], path: str | None, wrappers: list[str]) -> bool:
    """Several pages of a wrapped listing joined by :func:`load_json` (each a dict holding the list)."""
    if path:
        return all(isinstance(_walk(p, path), list) for p in doc)
    return all(_unwrap(p, wrappers)[1] in wrappers for p in doc)


def flatten(record: Any, prefix: str = "", depth: int = 0, out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Dotted keys -> values; lists of scalars stay lists; lists of objects give ``key[*].sub`` lists."""
    out = {} if out is None else out
    if not isinstance(record, dict):
        if prefix:
            out[prefix] = record
        return out
    for k, v in record.items():
        name = f"{prefix}.{k}" if prefix else str(k)
        if len(out) >= MAX_KEYS:
            break
        if isinstance(v, dict) and depth < MAX_DEPTH:
            if v:
                flatten(v, name, depth + 1, out)
            else:
                out[name] = None
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and depth < MAX_DEPTH:
            subs: dict[str, list[Any]] = {}
            for x in v:
                for sk, sv in flatten(x, "", depth + 1).items():
                    subs.setdefault(sk, []).append(sv)
            for sk, values in subs.items():
                out[f"{name}[*].{sk}"] = values
            out[name] = v
        else:
            out[name] = v
    return out


def _flat(record: Any) -> dict[str, Any]:
    return flatten(record) if isinstance(record, dict) else {"value": record}


class FlatRows(Sequence[tuple[int, list[Any]]]):
    """The rows of JSON records, each flattened when it is read: recognising a file reads a few dozen rows of
    each format's view of it, and only the format that reads it goes through all of them (once, never holding a
    second copy of the records)."""

    def __init__(self, records: list[Any], headers: list[str]) -> None:
        self._records = records
        self._headers = headers

    def _row(self, i: int) -> tuple[int, list[Any]]:
        f = _flat(self._records[i])
        return i, [f.get(h) for h in self._headers]

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, i: int) -> tuple[int, list[Any]]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[int, list[Any]]]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self._row(n) for n in range(*i.indices(len(self._records)))]
        return self._row(range(len(self._records))[i])

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        headers = self._headers
        for i, r in enumerate(self._records):
            f = _flat(r)
            yield i, [f.get(h) for h in headers]


def json_table(records: JsonRecords, sample: int = 200) -> Table:
    """The records as a table: one column per flattened key (in first-seen order in the first ``sample`` records),
    one row per record (flattened as it is read)."""
    headers: list[str] = []
    seen: set[str] = set()
    for r in records.records[:sample]:
        for k in _flat(r):
            if k not in seen:
                seen.add(k)
                headers.append(k)
    return Table(headers=headers, rows=FlatRows(records.records, headers), header_line=0, sheet=None)


def read_json_records(data: bytes, path: str, records_path: str | None, wrappers: list[str]) -> JsonRecords:
    return find_records(load_json(data, path), records_path, wrappers)
