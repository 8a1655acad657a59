"""Check results kept between runs, so a re-run judges again only what reads changed evidence.

A check is a pure function of the facts it reads and of its context. While a check runs, it sees the run's facts
and thresholds through views that note what it reads: the kinds of facts (``facts.of(Vendor)``, and everything
that goes through it), the identity graph (people and account events), the time a piece of evidence was observed,
the thresholds by name. Anything else it may read (the reconciled conflicts, every fact at once, the thresholds as
a whole) is noted as "everything". What was read is kept with the result; the next run recomputes a digest of the
same inputs, and gives the kept result when it is the same, without running the check.

The digest of a kind of fact never looks at the facts themselves: it names the evidence they came from. Facts of
one kind are the output of the formats (parsers) that read them, and a format's output after its ``finalize``
join is decided by the files it read (bytes, name, how obtained, when observed), the as-of date, its options
and the code. So a kind's digest is made of the digests of the formats that produced its facts, each over all the
files it read; a fact that no parsed file accounts for (a live collector's own facts, a note about a withheld
file) is digested by its content. Reconciling several sources is per kind, so it is covered too.

Every key also holds a digest of the package's code, of the check's own function and metadata, and of the check's
context (as-of date, audit period, systems, service-account owners, options, identity settings): a new version of
any of it never reuses an older result.

Entries live next to the evidence store under ``<store>/checks/``: a small record of what a check read (keyed by
the code and context), and the result under a key of those inputs' digests; both are pickled with a header that
repeats the key, and written atomically. Each run lists the entries it used; only those of the last few runs are
kept. An entry that cannot be read is a miss: the check runs.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import marshal
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from trustgap.engine.check_reads import EVERYTHING, FactsView, Reads, ThresholdsView
from trustgap.facts import FactSet, Src

if TYPE_CHECKING:
    from trustgap.checks.base import Check, CheckContext, CheckResult
    from trustgap.evidence.store import EvidenceStore
    from trustgap.evidence_items import EvidenceItem
    from trustgap.thresholds import ResolvedThresholds

CACHE_FORMAT = 1
FOLDER = "checks"
KEPT_RUNS = 4
# a check that judged fewer entities than this is judged again next time rather than kept: running it costs less
# than writing its entry and reading it back (a small organisation's run keeps almost nothing; a large one keeps
# the checks over its people, pull requests and vulnerabilities, where the time goes)
MIN_KEPT_ENTITIES = 200

RunOne = Callable[["CheckContext", "Check"], "CheckResult"]


def _h(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()


# ---------------------------------------------------------------------------------------------- digests


class _Inputs:
    """The digests of what checks may read in one run, each computed once, when first asked for."""

    def __init__(self, facts: FactSet, thresholds: ResolvedThresholds, items: Iterable[EvidenceItem]) -> None:
        self.facts = facts
        self.thresholds = thresholds
        self._done: dict[str, str] = {}
        by_format: dict[str, list[tuple[str, ...]]] = {}
        formats_of: dict[str, set[str]] = {}
        for i in items:
            if i.sha256 and i.format:
                by_format.setdefault(i.format, []).append((i.sha256, i.name, i.source, i.collected_at,
                                                           i.status, str(facts.observed.get(i.sha256))))
                formats_of.setdefault(i.sha256, set()).add(i.format)
        self._formats = {f: _h(f, sorted(rows)) for f, rows in by_format.items()}
        # a file read by two formats (the same bytes under two names): its facts are digested by their content
        self._format_of = {sha: next(iter(fs)) if len(fs) == 1 else "" for sha, fs in formats_of.items()}

    def digest(self, token: str) -> str:
        hit = self._done.get(token)
        if hit is None:
            hit = self._done[token] = self._compute(token)
        return hit

    def _compute(self, token: str) -> str:
        kind, _, name = token.partition(":")
        if kind == "type":
            return self._type_digest(name)
        if kind == "observed":
            return str(self.facts.observed.get(name))
        if kind == "threshold":
            try:
                return repr(self.thresholds.get(name))
            except KeyError:
                return "absent"
        if kind == "identity":
            return repr(self.facts.identity_config)
        raise ValueError(token)

    def _type_digest(self, name: str) -> str:
        facts = next((v for t, v in self.facts._by_type.items() if f"{t.__module__}.{t.__qualname__}" == name), [])
        formats: set[str] = set()
        loose = hashlib.sha256()
        format_of = self._format_of
        for f in facts:
            src = getattr(f, "src", None)
            fmt = format_of.get(src.sha256, "") if src is not None else ""
            if fmt:
                formats.add(fmt)
            else:  # no parsed file accounts for it: its content (and when it was observed) decides
                seen = self.facts.observed.get(src.sha256) if src is not None else None
                loose.update(f"{f!r}\0{seen}\n".encode("utf-8", "surrogateescape"))
        return _h(len(facts), sorted((f, self._formats[f]) for f in formats), loose.hexdigest())


def _function_digest(fn: Any, depth: int = 0) -> str:
    """A function's code, defaults and the values it closes over (a check made by a factory differs by them)."""
    code = getattr(fn, "__code__", None)
    if code is None or depth > 3:
        return repr(fn)
    cells = []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            value = None
        cells.append(_function_digest(value, depth + 1) if callable(value) else repr(value))
    return _h(getattr(fn, "__module__", ""), getattr(fn, "__qualname__", ""),
              hashlib.sha256(marshal.dumps(code)).hexdigest(), repr(getattr(fn, "__defaults__", None)),
              repr(getattr(fn, "__kwdefaults__", None)), cells)


def _code_digest(chk: Check) -> str:
    return _h(_function_digest(chk.fn), repr(chk.meta))


def _context_digest(ctx: CheckContext) -> str:
    f = ctx.facts
    return _h(ctx.as_of, ctx.period_start, ctx.period_end, ctx.systems_in_scope, ctx.mfa_systems,
              sorted(ctx.service_account_owners.items()), sorted(ctx.options.items(), key=lambda kv: kv[0]),
              repr(f.identity_config), sorted(f.aliases.items()))


# ---------------------------------------------------------------------------------------------- results kept


def _pack(res: CheckResult) -> tuple[Any, ...]:
    """A result as plain columns (pickled several times faster than its objects); any other shape as it is."""
    from trustgap.checks.base import CheckResult, EntityResult

    if (type(res) is not CheckResult or not all(map(dataclasses.is_dataclass, (CheckResult, EntityResult, Src)))
            or any(type(e) is not EntityResult for e in res.entities)):
        return ("object", res)
    head = {f.name: getattr(res, f.name) for f in dataclasses.fields(res) if f.name != "entities"}
    names = tuple(f.name for f in dataclasses.fields(EntityResult))
    cols: list[list[Any]] = [[getattr(e, n) for e in res.entities] for n in names]
    src_names = tuple(f.name for f in dataclasses.fields(Src))
    sources = []
    for i, col in enumerate(cols):
        if all(type(v) is tuple and all(type(s) is Src for s in v) for v in col):
            cols[i] = [tuple(tuple(getattr(s, n) for n in src_names) for s in v) for v in col]
            sources.append(i)
    return ("columns", head, names, cols, tuple(sources), src_names)


def _unpack(packed: tuple[Any, ...]) -> CheckResult:
    from trustgap.checks.base import CheckResult, EntityResult

    if packed[0] == "object":
        return cast("CheckResult", packed[1])
    _, head, names, cols, sources, src_names = packed
    new, put = object.__new__, object.__setattr__

    def src(values: tuple[Any, ...]) -> Src:
        s = new(Src)
        for n, v in zip(src_names, values, strict=True):
            put(s, n, v)
        return s

    for i in sources:
        cols[i] = [tuple([src(s) for s in v]) for v in cols[i]]
    entities: list[Any] = []
    if "__slots__" in EntityResult.__dict__:
        for row in zip(*cols, strict=True):
            e = new(EntityResult)
            for n, v in zip(names, row, strict=True):
                put(e, n, v)
            entities.append(e)
    else:  # state set as unpickling sets it, without the frozen class's checks per field
        for row in zip(*cols, strict=True):
            e = new(EntityResult)
            put(e, "__dict__", dict(zip(names, row, strict=True)))
            entities.append(e)
    return CheckResult(**head, entities=entities)


# ---------------------------------------------------------------------------------------------- the cache


class CheckCache:
    """The check-result cache of one evidence store."""

    def __init__(self, store: EvidenceStore) -> None:
        from trustgap.evidence.cache import package_fingerprint

        self.root = store.root / FOLDER if store.root is not None else None
        self.code = package_fingerprint() if self.root is not None else ""

    def session(self, ctx: CheckContext, items: Iterable[EvidenceItem], parse_options: Any = None, *,
                passing_kept: int | None = None) -> CheckSession | None:
        """The cache as seen by one run's checks (None when the store keeps nothing). ``parse_options``: the
        scope's options of the formats (they decide what a file's facts are, as its bytes do). ``passing_kept``:
        results are kept (and given) compacted so (see :func:`trustgap.checks.base.compact`)."""
        if self.root is None:
            return None
        return CheckSession(self, ctx, list(items), parse_options, passing_kept)

    # storage: <root>/<key[:2]>/<key>, a pickled (format, key, payload)

    def _path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / key[:2] / key

    def load(self, key: str) -> Any:
        try:
            with self._path(key).open("rb") as fh:
                head, stored, payload = pickle.load(fh)
            return payload if head == CACHE_FORMAT and stored == key else None
        except Exception:  # noqa: BLE001 - a damaged or foreign entry is only a miss: the check runs
            return None

    def save(self, key: str, payload: Any) -> None:
        self._write(self._path(key), pickle.dumps((CACHE_FORMAT, key, payload), protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self, target: Path, data: bytes) -> None:
        from trustgap.evidence.store import _private_dir

        try:
            _private_dir(target.parent)  # owner-only, as the evidence store
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except Exception:  # noqa: BLE001 - an entry that cannot be kept only costs a run of the check next time
            return

    def keep_only(self, used: set[str]) -> None:
        """Note the entries one run used; remove those no recent run used."""
        if self.root is None:
            return
        runs = self.root / "runs"
        self._write(runs / f"{time.time_ns():020d}-{os.getpid()}", "\n".join(sorted(used)).encode())
        try:
            lists = sorted(runs.iterdir(), reverse=True)
            for old in lists[KEPT_RUNS:]:
                old.unlink(missing_ok=True)
            keep: set[str] = set()
            for p in lists[:KEPT_RUNS]:
                keep.update(p.read_text(encoding="utf-8").split())
            for entry in self.root.glob("??/*"):
                if entry.name not in keep and not entry.name.startswith(".tmp-"):
                    entry.unlink(missing_ok=True)
        except OSError:
            return


class CheckSession:
    """One run's checks: each given from the cache when what it read last time is unchanged, else run."""

    def __init__(self, cache: CheckCache, ctx: CheckContext, items: list[EvidenceItem], parse_options: Any,
                 passing_kept: int | None = None) -> None:
        from trustgap.evidence import limits

        self.cache = cache
        self.passing_kept = passing_kept
        self.inputs = _Inputs(ctx.facts, ctx.thresholds, items)
        # what decides how every file reads: the organisation's own formats, the formats' options, the limits
        specs = sorted(i.sha256 for i in items if i.status == "format_spec")
        self.context = _h(_context_digest(ctx), specs, repr(parse_options), repr(limits.current()), passing_kept)
        self.made_from: dict[Any, frozenset[str]] = {}
        self.used: set[str] = set()
        self.ran: list[str] = []  # ids of the checks that ran (the others were given from the cache)

    def run(self, ctx: CheckContext, chk: Check, run_one: RunOne) -> CheckResult:
        inputs_key = _h("reads", self.cache.code, chk.meta.id, _code_digest(chk), self.context)
        reads = self.cache.load(inputs_key)
        if isinstance(reads, tuple) and EVERYTHING not in reads:
            key = self._result_key(inputs_key, reads)
            with paused_collection():
                hit = self.cache.load(key)
                res = _unpack(hit) if isinstance(hit, tuple) else None
            if res is not None:
                self.used.update((inputs_key, key))
                return res
        seen = Reads()
        view = FactsView(ctx.facts, seen, self.made_from)
        res = run_one(_with(ctx, view, ThresholdsView(ctx.thresholds, seen)), chk)
        if self.passing_kept is not None:
            from trustgap.checks.base import compact

            res = compact(res, self.passing_kept)
        self.ran.append(chk.meta.id)
        if res.total < MIN_KEPT_ENTITIES:
            return res
        read = tuple(sorted(seen.tokens))
        self.cache.save(inputs_key, read)
        self.used.add(inputs_key)
        if EVERYTHING not in read:
            key = self._result_key(inputs_key, read)
            with paused_collection():
                self.cache.save(key, _pack(res))
            self.used.add(key)
        return res

    def _result_key(self, inputs_key: str, reads: tuple[str, ...]) -> str:
        return _h("result", inputs_key, [(t, self.inputs.digest(t)) for t in reads])

    def close(self) -> None:
        self.cache.keep_only(self.used)


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cycle collection while many objects that all live on are made (kept results read back, the facts of
    every file loaded): each full collection would walk every object made so far again, several times the cost of
    the reading itself. What the paused stretch left unreachable is collected after it, as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _with(ctx: CheckContext, facts: FactSet, thresholds: Any) -> CheckContext:
    from dataclasses import replace

    return replace(ctx, facts=facts, thresholds=cast("ResolvedThresholds", thresholds))
