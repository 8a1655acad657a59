"""Parsed facts kept by the evidence file's content, so an unchanged file is not parsed again.

What one file gives a run (its evidence item, the format that read it, its facts) depends only on: its bytes
(sha256), its name (recognition and error messages use it), how it was obtained (``source``), the as-of date, the
scope's parser options, the format forced by a collector, and the formats known to the run (the code of the
built-in parsers and specs, and the content of the organisation's own specs). All of these make up the key of a
cache entry; the file's collection time is not part of it (it is written back into the item on a hit), so a
re-run over a folder whose files were merely touched or copied still reads every entry.

Entries live next to the evidence store, under ``<store>/facts/<k[:2]>/<key>``: a pickled tuple headed by the
cache format and the full key. An entry that cannot be read, or whose header does not match, is ignored (and the
file parsed again); writing is atomic (temporary file, then rename), so a run never sees half an entry. The
store with ``root=None`` (tests) keeps no cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from trustgap import __version__
from trustgap.evidence import limits
from trustgap.evidence.compact import slotted_fields
from trustgap.evidence.detect import ParseContext
from trustgap.evidence.store import _private_dir

if TYPE_CHECKING:
    from trustgap.evidence.detect import Parser
    from trustgap.evidence.store import EvidenceStore
    from trustgap.evidence_items import EvidenceItem

CACHE_FORMAT = 1
FOLDER = "facts"
# the parts of the package a parsed file depends on: every parser, spec and mapping, the fact classes,
# date handling, and the evidence item's shape
_CODE = ("evidence", "facts.py", "dates.py", "errors.py", "identity.py", "evidence_items.py", "yamlfile.py")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code that turns bytes into facts (so a new parser version never reads an old entry)."""
    root = Path(str(resources.files("trustgap")))
    h = hashlib.sha256(f"trustgap {__version__} cache {CACHE_FORMAT}\n".encode())
    for part in _CODE:
        base = root / part
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for p in files:
            if p.suffix not in (".py", ".yaml", ".yml", ".json", ".txt", ".csv") or "__pycache__" in p.parts:
                continue
            h.update(p.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


class _ParserSet:
    """A set of parsers compared by identity (held here, so their ids cannot be reused while memoised)."""

    def __init__(self, parsers: dict[str, Parser]) -> None:
        self.parsers = tuple(sorted(parsers.items()))
        self._hash = hash(tuple((n, id(p)) for n, p in self.parsers))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ParserSet) and len(other.parsers) == len(self.parsers) and all(
            a[0] == b[0] and a[1] is b[1] for a, b in zip(self.parsers, other.parsers, strict=True))


@lru_cache(maxsize=8)
def _parsers_fingerprint(pset: _ParserSet) -> str:
    h = hashlib.sha256(code_fingerprint().encode())
    for name, p in pset.parsers:
        spec = p.spec.model_dump_json() if p.spec is not None else ""  # an organisation's spec: its content
        h.update(f"{name}\0{p.title}\0{getattr(p.parse, '__module__', '')}.{getattr(p.parse, '__qualname__', '')}"
                 f"\0{','.join(p.sources)}\0".encode())
        h.update(spec.encode() + b"\n")
    return h.hexdigest()


def parsers_fingerprint(parsers: dict[str, Parser]) -> str:
    """A digest of the formats a run knows (built-in code, and the content of every spec)."""
    return _parsers_fingerprint(_ParserSet(parsers))


def _field_names(cls: Any) -> tuple[str, ...] | None:
    """The fields of a slotted dataclass (facts, their ``Src``), or None for any other class."""
    return slotted_fields(cls)


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    """A fact exactly as it was pickled (state set directly, as unpickling does, without ``fields()`` per object)."""
    obj: Any = object.__new__(cls)
    setter = object.__setattr__
    for name, value in zip(_field_names(cast(Hashable, cls)) or (), values, strict=True):
        setter(obj, name, value)
    return obj


class _Pickler(pickle.Pickler):
    """Pickles slotted dataclasses as (class, values): read back about ten times faster than their default state."""

    def reducer_override(self, obj: Any) -> Any:
        names = _field_names(cast(Hashable, type(obj)))
        if names is None:
            return NotImplemented
        return _rebuild, (type(obj), tuple(getattr(obj, n) for n in names))


def _dumps(payload: Any) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(payload)
    return buf.getvalue()


class DatedContext(ParseContext):
    """A parse context that notes whether the parser read the as-of date (most formats never do, and then their
    facts serve a run as of any date: a daily snapshot parses only what changed)."""

    as_of_read = False

    @property  # type: ignore[override]
    def as_of(self) -> date:
        self.as_of_read = True
        return self._as_of

    @as_of.setter
    def as_of(self, value: date) -> None:
        self._as_of = value


@dataclass(frozen=True)
class Parsed:
    """What one file gave a run."""

    item: EvidenceItem
    parser: str | None
    facts: list[Any]


class FactCache:
    """The parsed-facts cache of one evidence store, for one set of formats, options and as-of date."""

    def __init__(self, store: EvidenceStore, parsers: dict[str, Parser], *, as_of: date,
                 options: dict[str, dict[str, Any]] | None) -> None:
        self.root = store.root / FOLDER if store.root is not None else None
        self.as_of = as_of.isoformat()  # not in the key: an entry names the date only when its parser read it
        self._base = "" if self.root is None else json.dumps(
            [CACHE_FORMAT, parsers_fingerprint(parsers), options or {}, repr(limits.current())], sort_keys=True,
            default=str)

    def key(self, sha256: str, *, name: str, source: str, forced: str | None) -> str:
        return hashlib.sha256(json.dumps([self._base, sha256, name, source, forced]).encode()).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / key

    def load(self, key: str, collected_at: str) -> Parsed | None:
        """The entry for ``key`` with the item's collection time set, or None (absent, unreadable, other format)."""
        if self.root is None:
            return None
        try:
            with self._path(key).open("rb") as fh:
                head, stored_key, dated, item, parser, facts = pickle.load(fh)
            if head != CACHE_FORMAT or stored_key != key or dated not in (None, self.as_of):
                return None
            return Parsed(item.model_copy(update={"collected_at": collected_at}), parser, facts)
        except Exception:  # noqa: BLE001 - any damaged entry is only a miss: the file is parsed again
            return None

    def save(self, key: str, parsed: Parsed, *, dated: bool = True) -> None:
        """Keep an entry (best effort: a cache that cannot be written only costs a parse next time). ``dated``: the
        facts depend on the as-of date (the parser read it), so only a run as of the same date may use them."""
        if self.root is None:
            return
        target = self._path(key)
        try:
            _private_dir(target.parent)  # owner-only, as the evidence store
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_dumps((CACHE_FORMAT, key, self.as_of if dated else None, parsed.item, parsed.parser,
                                     parsed.facts)))
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except Exception:  # noqa: BLE001 - an entry that cannot be written or pickled only costs a parse next time
            return


RESULTS = "results"
KEPT_RESULTS = 4


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """A digest of all of trustgap's code and data (checks, catalog, engine, plan): a new version never reuses a
    result an older one decided."""
    root = Path(str(resources.files("trustgap")))
    h = hashlib.sha256(f"trustgap {__version__} results {CACHE_FORMAT}\n".encode())
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".yaml", ".yml", ".json", ".txt"):
            rel = p.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
            h.update(rel + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


class ResultCache:
    """Whole results of assessments from files alone, keyed by everything such a run reads.

    The key covers the code, the as-of date, the scope, answers and the organisation's format specs (bytes and
    modification times), and every evidence file (path, modification time, sha256 of its bytes). A run whose
    inputs are all unchanged gives the result stored under it, byte for byte, without parsing or evaluating."""

    def __init__(self, store: EvidenceStore, key: str) -> None:
        self.root = store.root / RESULTS if store.root is not None else None
        self.key = key

    @classmethod
    def for_files(cls, store: EvidenceStore, *, as_of: date, inputs: list[Path], evidence: list[tuple[str, Path]]
                  ) -> ResultCache:
        h = hashlib.sha256(f"{package_fingerprint()}\0{as_of.isoformat()}\0{limits.current()!r}\n".encode())
        for rel, path in [*((str(p), p) for p in inputs), *evidence]:
            try:
                st = path.stat()
                with path.open("rb") as fh:  # hashed as it is read: a large file is never held whole
                    digest = hashlib.file_digest(fh, "sha256").hexdigest()
                line = f"{rel}\0{int(st.st_mtime)}\0{st.st_size}\0{digest}\n"
            except OSError as exc:  # an unreadable file: never a reuse (the run reports it)
                line = f"{rel}\0unreadable\0{exc}\0{os.urandom(16).hex()}\n"
            h.update(line.encode("utf-8", "surrogateescape"))  # a file name that is not UTF-8 keeps its bytes
        return cls(store, h.hexdigest())

    def _path(self) -> Path:
        assert self.root is not None
        return self.root / self.key[:2] / f"{self.key}.json"

    def load(self) -> str | None:
        """The result JSON stored under this key, when it is there whole (it names its own digest)."""
        body = self.load_bytes()
        try:
            return None if body is None else body.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def load_bytes(self) -> bytes | None:
        """:meth:`load` as the UTF-8 bytes kept (their digest checked), not decoded into a string."""
        if self.root is None:
            return None
        try:
            with self._path().open("rb") as fh:
                head = fh.readline().rstrip(b"\n")
                body = fh.read()
            if head.decode() != f"{CACHE_FORMAT} {self.key} {hashlib.sha256(body).hexdigest()}":
                return None
            return body
        except (OSError, UnicodeDecodeError):
            return None

    def save(self, text: str | bytes | bytearray) -> None:
        """Keep a result JSON (text, or its UTF-8 encoding as :meth:`AssessmentResult.to_json_bytes` gives it)."""
        if self.root is None:
            return
        body = text.encode("utf-8") if isinstance(text, str) else text
        target = self._path()
        try:
            _private_dir(target.parent)  # owner-only, as the evidence store
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(f"{CACHE_FORMAT} {self.key} {hashlib.sha256(body).hexdigest()}\n".encode())
                    fh.write(body)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            kept = sorted(self.root.glob("*/*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[KEPT_RESULTS:]:  # results are large: only the newest few are kept
                old.unlink(missing_ok=True)
        except OSError:
            return
