"""Recognise evidence by its content and dispatch it to the right parser.

A parser module in ``trustgap.evidence.parsers`` registers itself with :func:`register` at import time
(registration is pure: no I/O). :func:`load_parsers` imports every parser module once, on demand.

A parser is three functions:
- ``sniff(data, name) -> int``: 0 when the bytes are not this format, otherwise a confidence score
  (10 = a header row / set of top-level keys that only this format has; 1 = a weak hint such as the
  file name). Sniff only looks at content it needs (the first line, the top-level keys, the zip member
  names) and never raises.
- ``parse(data, ctx) -> ParseResult``: facts plus row-level errors. A row-level problem is recorded with
  ``ctx.error(...)`` and parsing goes on; a problem that makes the whole file unreadable raises
  :class:`~trustgap.errors.InputError` naming the file and line or field.
- optional ``finalize(facts) -> facts``: called once with every fact this parser produced across all
  files of the run (e.g. to date vulnerabilities from a series of Trivy reports, or to join GitHub
  reviews kept in a separate file to their pull requests).

Formats that are plain mappings are not written as parsers but as declarative specs
(``trustgap/evidence/formats/*.yaml``, read by :mod:`trustgap.evidence.mapping`): each becomes a parser here
whose ``examine`` scores a file by its columns or keys. :func:`explain` ranks every format for a file with the
reasons, which ``trustgap inspect`` shows and the run keeps.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trustgap.errors import InputError
from trustgap.evidence.store import EvidenceRef
from trustgap.facts import Src


@dataclass
class ParseContext:
    """What a parser knows about the file it reads."""

    ref: EvidenceRef
    path: str  # display path, relative to the evidence folder
    as_of: date
    options: dict[str, Any] = field(default_factory=dict)  # per-format options from the scope file
    errors: list[InputError] = field(default_factory=list)
    understanding: dict[str, Any] | None = None  # what a mapped format read (columns, rows), for inspect

    def src(self, locator: str = "") -> Src:
        return Src(self.ref.sha256, locator)

    def error(self, message: str, line: int | None = None, field: str | None = None) -> None:
        self.errors.append(InputError(self.path, message, line=line, field=field))


@dataclass
class ParseResult:
    facts: list[Any] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Parser:
    name: str  # stable id: "aws_iam_credential_report"
    title: str  # "AWS IAM credential report"
    sniff: Callable[[bytes, str], float]
    parse: Callable[[bytes, ParseContext], ParseResult]
    finalize: Callable[[list[Any]], list[Any]] | None = None
    reference: str = ""  # where the format is documented
    # collection topics (check ``sources``) a file of this format feeds: when a file fails entirely, the
    # checks reading these topics become Not assessed instead of judging on partial evidence
    sources: tuple[str, ...] = ()
    # formats written as specs: score a file with its reasons (sniff is then only a shortcut to it)
    examine: Callable[..., Any] | None = field(default=None, repr=False)
    spec: Any = field(default=None, repr=False)  # the FormatSpec of a format written as a spec


@dataclass
class Ranked:
    """One format's score for a file, with why."""

    name: str
    title: str
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Recognition:
    """Every format's score for one file, best first; ``chosen`` is the format that reads it (or None)."""

    ranked: list[Ranked] = field(default_factory=list)
    chosen: Parser | None = None
    bound: str | None = None  # the scope file bound the file to this format

    def runners_up(self, n: int = 3) -> list[Ranked]:
        best = self.chosen.name if self.chosen else None
        return [r for r in self.ranked if r.name != best][:n]


_REGISTRY: dict[str, Parser] = {}
_LOADED = False
_LOAD_LOCK = threading.RLock()


def register(parser: Parser) -> Parser:
    if parser.name in _REGISTRY and _REGISTRY[parser.name] is not parser:
        raise ValueError(f"parser {parser.name!r} registered twice")
    _REGISTRY[parser.name] = parser
    return parser


def load_parsers() -> dict[str, Parser]:
    """Import every module under ``trustgap.evidence.parsers`` and register the built-in format specs (once; safe
    when collectors' threads ask at the same time) and return the registry."""
    global _LOADED
    with _LOAD_LOCK:
        if not _LOADED:
            from trustgap.evidence import parsers as pkg

            for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
                if not mod.name.startswith("_"):
                    importlib.import_module(f"{pkg.__name__}.{mod.name}")
            from trustgap.evidence.mapping_registry import builtin_specs, spec_parser

            for spec in builtin_specs():
                register(spec_parser(spec))
            _LOADED = True
        return dict(sorted(_REGISTRY.items()))


def _bound(name: str, options: dict[str, dict[str, Any]], parsers: dict[str, Parser]) -> str | None:
    """The format the scope file binds this file to (``parsers: {fmt: {files: ["hr/*.csv"]}}``)."""
    import fnmatch

    low = name.lower()
    for fmt in sorted(options):
        globs = options[fmt].get("files") if isinstance(options[fmt], dict) else None
        if fmt not in parsers or not globs:
            continue
        for g in globs if isinstance(globs, list) else [globs]:
            if fnmatch.fnmatch(low, str(g).lower()) or fnmatch.fnmatch(low.rsplit("/", 1)[-1], str(g).lower()):
                return fmt
    return None


def explain(data: bytes, name: str, parsers: dict[str, Parser] | None = None,
            options: dict[str, dict[str, Any]] | None = None) -> Recognition:
    """Every format's score for these bytes, best first (ties broken by name), and the one chosen."""
    from trustgap.evidence.mapping import FileView

    parsers = parsers if parsers is not None else load_parsers()
    options = options or {}
    out = Recognition()
    bound = _bound(name, options, parsers)
    view = FileView(data, name)
    for pname, parser in sorted(parsers.items()):
        opts = options.get(pname) if isinstance(options.get(pname), dict) else {}
        try:
            if parser.examine is not None:
                cand = parser.examine(view, opts)
                ranked = Ranked(pname, parser.title, float(cand.score), list(cand.reasons))
            else:
                ranked = Ranked(pname, parser.title, float(parser.sniff(data, name)))
        except Exception as exc:  # a sniff must never break recognition of other formats
            ranked = Ranked(pname, parser.title, 0.0, [f"could not be examined: {type(exc).__name__}"])
        out.ranked.append(ranked)
    out.ranked.sort(key=lambda r: (-r.score, r.name))
    if bound is not None:
        out.chosen, out.bound = parsers[bound], bound
    elif out.ranked and out.ranked[0].score > 0:
        out.chosen = parsers[out.ranked[0].name]
    return out


def recognise(data: bytes, name: str, parsers: dict[str, Parser] | None = None,
              options: dict[str, dict[str, Any]] | None = None) -> Parser | None:
    """The parser whose score is highest for these bytes (ties broken by parser name), or None."""
    return explain(data, name, parsers, options).chosen


def parse_with(parser: Parser, data: bytes, ctx: ParseContext) -> ParseResult:
    """Run a parser; a fatal InputError becomes the file's one error, and nothing else is lost."""
    try:
        result = parser.parse(data, ctx)
    except InputError as exc:
        result = ParseResult(errors=[exc])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        result = ParseResult(errors=[InputError(ctx.path, f"could not be read as {parser.title}: {exc}")])
    result.errors = [*ctx.errors, *result.errors]
    ctx.errors = []
    return result
