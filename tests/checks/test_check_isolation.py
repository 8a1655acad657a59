"""A running check's metadata travels with its context, never through shared state: two checks running at
the same moment on two threads each see their own id and default gap kind."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date

import pytest

from trustgap.checks.base import Check, CheckContext, CheckMeta, CheckResult, EntityResult, load_checks
from trustgap.facts import FactSet
from trustgap.thresholds import ResolvedThresholds


def _meta(check_id: str, gap_kind: str) -> CheckMeta:
    return CheckMeta(id=check_id, title=check_id, controls=("AC-01",), criteria=("CC6.1",), severity="low",
                     effort="S", category="process", remediation="-", gap_kind=gap_kind)  # type: ignore[arg-type]


def test_two_checks_running_at_once_keep_their_own_metadata() -> None:
    both_started = threading.Barrier(2, timeout=10)

    def fn(ctx: CheckContext) -> CheckResult:
        both_started.wait()  # the other check has started too before this one builds its result
        # two failing entities of different kinds: the result falls back on the check's default kind
        return ctx.result([EntityResult("user", "a", "fail", "x", gap_kind="missing"),
                           EntityResult("user", "b", "fail", "y", gap_kind="stale")])

    checks = [Check(_meta("first.check", "undocumented"), fn), Check(_meta("second.check", "insufficient_evidence"),
                                                                     fn)]
    ctx = CheckContext(facts=FactSet([]), thresholds=ResolvedThresholds({}), as_of=date(2026, 11, 1))
    got: dict[str, CheckResult] = {}

    def run(c: Check) -> None:
        got[c.meta.id] = c.run(ctx)

    threads = [threading.Thread(target=run, args=(c,)) for c in checks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got["first.check"].check_id == "first.check" and got["first.check"].gap_kind == "undocumented"
    assert got["second.check"].check_id == "second.check"
    assert got["second.check"].gap_kind == "insufficient_evidence"
    assert ctx.meta is None  # the caller's context is left as it was


def test_a_result_built_inside_a_check_names_the_check() -> None:
    def fn(ctx: CheckContext) -> CheckResult:
        res = ctx.not_assessed("nothing")
        assert res.check_id == "inner.check"  # known while the check runs, not only after
        return res

    ctx = CheckContext(facts=FactSet([]), thresholds=ResolvedThresholds({}), as_of=date(2026, 11, 1))
    assert Check(_meta("inner.check", "missing"), fn).run(ctx).check_id == "inner.check"


def test_the_registry_is_loaded_once_and_read_only() -> None:
    loaded: list[Mapping[str, Check]] = []
    threads = [threading.Thread(target=lambda: loaded.append(load_checks())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in loaded}) == 1  # one registry, whoever asked first
    registry = loaded[0]
    assert list(registry) == sorted(registry)
    with pytest.raises(TypeError):
        registry["x"] = registry[next(iter(registry))]  # type: ignore[index]
