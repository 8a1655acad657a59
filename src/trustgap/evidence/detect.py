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
"""

from __future__ import annotations

import importlib
import pkgutil
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
    sniff: Callable[[bytes, str], int]
    parse: Callable[[bytes, ParseContext], ParseResult]
    finalize: Callable[[list[Any]], list[Any]] | None = None
    reference: str = ""  # where the format is documented
    # collection topics (check ``sources``) a file of this format feeds: when a file fails entirely, the
    # checks reading these topics become Not assessed instead of judging on partial evidence
    sources: tuple[str, ...] = ()


_REGISTRY: dict[str, Parser] = {}
_LOADED = False


def register(parser: Parser) -> Parser:
    if parser.name in _REGISTRY and _REGISTRY[parser.name] is not parser:
        raise ValueError(f"parser {parser.name!r} registered twice")
    _REGISTRY[parser.name] = parser
    return parser


def load_parsers() -> dict[str, Parser]:
    """Import every module under ``trustgap.evidence.parsers`` (once) and return the registry."""
    global _LOADED
    if not _LOADED:
        from trustgap.evidence import parsers as pkg

        for mod in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{pkg.__name__}.{mod.name}")
        _LOADED = True
    return dict(sorted(_REGISTRY.items()))


def recognise(data: bytes, name: str) -> Parser | None:
    """The parser whose sniff scores highest for these bytes (ties broken by parser name), or None."""
    best: tuple[int, str] | None = None
    for pname, parser in load_parsers().items():
        try:
            score = parser.sniff(data, name)
        except Exception:  # a sniff must never break recognition of other formats
            score = 0
        if score > 0 and (best is None or score > best[0]):
            best = (score, pname)
    return _REGISTRY[best[1]] if best else None


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
