"""The regular expressions of the text readers cannot backtrack badly, checked on their structure.

Timing tests only catch the inputs someone thought of; these rules hold for every input:

- no nested variable-length quantifier (``(a+)+``, ``(\\s*x)*``): exponential on a near miss;
- no unanchored pattern that starts with an unbounded repeat (``\\s*\\[...``): ``search`` retries the whole run of
  blanks at every position, quadratic on a long line of spaces;
- a few patterns that were slow on real hostile lines are run on them, under a generous guard.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from re import _constants as sc  # type: ignore[attr-defined]
from re import _parser as sp  # type: ignore[attr-defined]
from types import FrameType
from typing import Any

import pytest

from trustgap.evidence.ingest import ingest_bytes
from trustgap.evidence.store import EvidenceStore

PACKAGES = ("trustgap.evidence.parsers", "trustgap.policies")
MODULES = ("trustgap.evidence.secrets", "trustgap.evidence.columns", "trustgap.evidence.tabular",
           "trustgap.evidence.limits", "trustgap.evidence.folder")
REPEATS = {sc.MAX_REPEAT, sc.MIN_REPEAT} | ({sc.POSSESSIVE_REPEAT} if hasattr(sc, "POSSESSIVE_REPEAT") else set())
UNBOUNDED = sc.MAXREPEAT
WIDE = 100  # an outer repeat allowing more than this many turns counts as unbounded


def _collect(obj: Any, where: str, out: dict[str, tuple[re.Pattern[Any], str]], seen: set[int]) -> None:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, re.Pattern):
        out.setdefault(f"{obj.pattern!r}/{obj.flags}", (obj, where))
    elif isinstance(obj, tuple | list | set | frozenset):
        for x in obj:
            _collect(x, where, out, seen)
    elif isinstance(obj, dict):
        for x in obj.values():
            _collect(x, where, out, seen)


def reader_patterns() -> list[tuple[re.Pattern[Any], str]]:
    names = list(MODULES)
    for pkg in PACKAGES:
        mod = importlib.import_module(pkg)
        names += [pkg, *(i.name for i in pkgutil.walk_packages(mod.__path__, pkg + "."))]
    out: dict[str, tuple[re.Pattern[Any], str]] = {}
    for name in names:
        mod = importlib.import_module(name)
        for attr, value in vars(mod).items():
            _collect(value, f"{name}.{attr}", out, set())
    return sorted(out.values(), key=lambda pw: pw[1])


def _nested(items: Any, outer_unbounded: bool) -> list[str]:
    found: list[str] = []
    for op, av in items:
        if op in REPEATS:
            lo, hi, sub = av
            if outer_unbounded and hi > 1 and lo != hi:
                found.append("nested variable-length quantifier")
            found += _nested(sub, outer_unbounded or hi == UNBOUNDED or hi > WIDE)
        elif op == sc.SUBPATTERN:
            found += _nested(av[-1], outer_unbounded)
        elif op == sc.BRANCH:
            for branch in av[1]:
                found += _nested(branch, outer_unbounded)
        elif op in (sc.ASSERT, sc.ASSERT_NOT):
            found += _nested(av[1], outer_unbounded)
        elif hasattr(sc, "ATOMIC_GROUP") and op == sc.ATOMIC_GROUP:
            found += _nested(av, outer_unbounded)
    return found


def _leading_unbounded(tree: list[Any], flags: int) -> bool:
    first = tree[0] if tree else None
    while first is not None and first[0] == sc.SUBPATTERN:
        inner = list(first[1][-1])
        first = inner[0] if inner else None
    if first is None:
        return False
    if first[0] == sc.AT and (first[1] == sc.AT_BEGINNING_STRING or
                              (first[1] == sc.AT_BEGINNING and not flags & re.MULTILINE)):
        return False
    return first[0] in REPEATS and first[1][1] == UNBOUNDED


def problems(pattern: re.Pattern[Any]) -> list[str]:
    tree = list(sp.parse(pattern.pattern, pattern.flags))
    found = _nested(tree, False)
    if _leading_unbounded(tree, pattern.flags):
        found.append("unanchored pattern starting with an unbounded repeat")
    return found


def test_rules_catch_the_known_bad_shapes() -> None:
    assert problems(re.compile(r"(a+)+$"))
    assert problems(re.compile(r"(?:\s*x)*y"))
    assert problems(re.compile(r"\s*\[[^\]]*\]\s*$"))
    assert problems(re.compile(r"[ \t]*,?[ \t]*by"))
    assert not problems(re.compile(r"\A[ \t]*(?:,[ \t]*)?by"))
    assert not problems(re.compile(r"(\d{1,3}(,\d{3})+|\d+)"))  # fixed-length inner repeat: one way to match


def test_reader_patterns_have_no_bad_shapes() -> None:
    pats = reader_patterns()
    assert len(pats) > 100  # the readers' patterns were found
    bad = [(where, p.pattern[:80], problems(p)) for p, where in pats if problems(p)]
    assert bad == []


@contextmanager
def guard(what: str, seconds: int = 60) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"{what}: still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("name", "data"), [
    ("notes.txt", b"Access review policy\n" + b" " * 4096 + b"x\n"),
    ("policy.md", b"# Access Control Policy\n\n" + b"\t" * 5120 + b"\n"),
    ("policy.md", b"# Access Control Policy\n\nApproved on: 2026-01-05" + b" \t," * 3000 + b"\n"),
    ("users.csv", b"[" * 50_000 + b",email\nx,ann@acme.example\n"),
    ("users.csv", b"Email [" + b" " * 50_000 + b"],Name\nann@acme.example,Ann\n"),
])
def test_hostile_lines_read_in_bounded_time(name: str, data: bytes) -> None:
    """Inputs that took from 34 s to hours before; a linear reader needs well under a second for each. The guard
    is generous (60 s) so a loaded machine never fails it, while a quadratic or worse reader still would."""
    with guard(name):
        item, *_ = ingest_bytes(data, name=name, source="file", collected_at=datetime(2026, 3, 1, tzinfo=UTC),
                                store=EvidenceStore(None), as_of=date(2026, 3, 1))
    assert item.name == name
