"""A pytest plugin that records, for every registered check run by the check tests, the entity statuses it
produced.

It is loaded two ways:

- by tests/conftest.py, in every test session: it records what the checks produce while a test of
  CHECK_TESTS (not marked slow) runs, and knows whether the session ran all of those tests and they passed,
  so that tests/test_check_coverage.py can read this record instead of running the check tests again;
- with ``-p tests.check_recorder`` in a process of its own (test_check_coverage's fallback when the session
  did not run all the check tests), where it also writes the record to ``$TRUSTGAP_CHECK_RECORD`` at exit.
"""

from __future__ import annotations

import atexit
import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from trustgap.checks import base

# the tests that must give every check a passing and a failing entity (paths from the project root)
CHECK_TESTS = ("tests/checks", "tests/collectors/test_aws_checks.py", "tests/collectors/test_aws.py")

_SEEN: dict[str, set[str]] = {}
_active: list[bool] = [False]  # a test of CHECK_TESTS is running (checks may run on the test's threads)
_original = base.Check.run


def _recording_run(self: base.Check, ctx: base.CheckContext) -> Any:
    res = _original(self, ctx)
    if _active[0]:
        _SEEN.setdefault(self.meta.id, set()).update(e.status for e in res.entities)
    return res


if getattr(base.Check.run, "__name__", "") != "_recording_run":  # once, however the module is imported
    base.Check.run = _recording_run  # type: ignore[method-assign]


class _Session:
    """What this test session collected, ran and recorded of CHECK_TESTS."""

    def __init__(self) -> None:
        self.expected: set[str] = set()  # node ids of the check tests the session will run
        self.done: set[str] = set()
        self.failed: set[str] = set()
        self.deselected = False  # a check test (not marked slow) was left out by -k, -m or --deselect
        self.whole_paths = False  # the session's arguments take in every path of CHECK_TESTS whole


_SESSION = _Session()


def is_check_test(item: pytest.Item) -> bool:
    rel = Path(os.path.relpath(Path(item.path).resolve(), Path(item.config.rootpath).resolve())).as_posix()
    return item.get_closest_marker("slow") is None and any(
        rel == p or rel.startswith(p + "/") for p in CHECK_TESTS)


def _takes_in_whole(config: pytest.Config) -> bool:
    root = Path(config.rootpath).resolve()
    args = [Path(config.invocation_params.dir, a).resolve() for a in config.args if "::" not in a]
    if len(args) != len(config.args):
        return False
    return all(any(a == root / p or a in (root / p).parents for a in args) for p in CHECK_TESTS)


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(is_check_test(i) for i in items):
        _SESSION.deselected = True


def pytest_collection_finish(session: pytest.Session) -> None:
    _SESSION.expected = {i.nodeid for i in session.items if is_check_test(i)}
    _SESSION.whole_paths = _takes_in_whole(session.config)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    _active[0] = item.nodeid in _SESSION.expected
    try:
        return (yield)
    finally:
        _active[0] = False


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid in _SESSION.expected:
        if report.failed:
            _SESSION.failed.add(report.nodeid)
        if report.when == "teardown":
            _SESSION.done.add(report.nodeid)


def session_record() -> dict[str, list[str]] | None:
    """The statuses each check produced in the check tests of this session, once the session has run every
    one of them (none left out, all finished, none failed); None otherwise."""
    s = _SESSION
    if not s.whole_paths or s.deselected or not s.expected or s.failed or s.done != s.expected:
        return None
    return {k: sorted(v) for k, v in _SEEN.items()}


def _dump() -> None:
    path = os.environ.get("TRUSTGAP_CHECK_RECORD")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({k: sorted(v) for k, v in _SEEN.items()}, fh)


atexit.register(_dump)
