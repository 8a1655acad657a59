"""Type I vs Type II cadence windows of the check context."""

from __future__ import annotations

from datetime import date

from trustgap.checks.base import CheckContext
from trustgap.facts import FactSet
from trustgap.thresholds import ResolvedThresholds


def ctx(as_of: date, start: date | None = None, end: date | None = None) -> CheckContext:
    return CheckContext(facts=FactSet(), thresholds=ResolvedThresholds(), as_of=as_of, period_start=start,
                        period_end=end)


def test_type1_single_window_ending_on_as_of():
    c = ctx(date(2026, 11, 16))
    (w,) = c.windows(3)
    assert (w.start, w.end) == (date(2026, 8, 17), date(2026, 11, 16))
    _, missing = c.missing_windows([date(2026, 9, 1)], 3)
    assert missing == []


def test_type2_quarters_due_up_to_as_of_and_missing_named():
    c = ctx(date(2026, 11, 16), date(2026, 1, 1), date(2026, 12, 31))
    due, missing = c.missing_windows([date(2026, 2, 10)], 3)
    assert [w.label for w in due] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert [w.label for w in missing] == ["2026-Q2", "2026-Q3"]


def test_type2_after_period_end_covers_whole_period():
    c = ctx(date(2027, 2, 1), date(2026, 1, 1), date(2026, 12, 31))
    assert len(c.windows(3)) == 4 and len(c.windows(12)) == 1


def test_thresholds_precedence_default_promise_scope():
    from trustgap.thresholds import Promise

    p = Promise(key="offboarding_hours", value=48, quote="within 48 hours", source="p.md", origin="policy")
    t = ResolvedThresholds({}, [p])
    assert t.offboarding_hours == 48 and t.get("offboarding_hours").origin == "policy"
    t2 = ResolvedThresholds({"offboarding_hours": 12}, [p])
    assert t2.offboarding_hours == 12 and t2.get("offboarding_hours").origin == "scope"
    assert t2.access_review_cadence_months == 3


def test_stub_at_period_end_shorter_than_half_the_cadence_is_not_due():
    # a four-month period and a quarterly cadence: one full quarter, then a one-month stub that is not due
    c = ctx(date(2026, 11, 16), date(2026, 7, 1), date(2026, 10, 31))
    assert [(w.start, w.end) for w in c.windows(3)] == [(date(2026, 7, 1), date(2026, 9, 30))]
    # a five-month period: the two-month stub is more than half a quarter, so a review is due in it too
    c = ctx(date(2026, 12, 16), date(2026, 7, 1), date(2026, 11, 30))
    assert [w.end for w in c.windows(3)] == [date(2026, 9, 30), date(2026, 11, 30)]
    # a period shorter than the cadence still has its one window
    c = ctx(date(2026, 9, 30), date(2026, 8, 1), date(2026, 9, 15))
    assert len(c.windows(3)) == 1
