"""Readiness trend, burn-down against the roadmap and the 'on track?' forecast (pure)."""

from __future__ import annotations

from datetime import date, timedelta

from trustgap.monitor.trend import trend_of

CATS = {"AC-01": {"security"}, "AC-02": {"security"}, "A-01": {"security", "availability"}, "A-02": {"availability"}}


def history(days: int, start: date = date(2026, 1, 1), every: int = 10) -> list:
    """Four controls fixed one by one, one every ``every`` days."""
    order = ["AC-01", "A-02", "AC-02", "A-01"]
    out = []
    for i in range(days):
        fixed = set(order[: i // every])
        statuses = {c: "implemented" if c in fixed else "gap" for c in CATS}
        score = round(100 * len(fixed) / 4, 1)
        out.append((f"r{i:03d}", start + timedelta(days=i), score, statuses))
    return out


PLAN = {"tasks": [{"control_id": c, "due": str(date(2026, 1, 1) + timedelta(days=10 * (n + 1)))}
                  for n, c in enumerate(["AC-01", "A-02", "AC-02", "A-01"])]}


def test_category_readiness_burn_down_and_forecast() -> None:
    h = history(25)
    r = trend_of("Acme", h, categories_of=CATS, categories=["security", "availability"], plan=PLAN,
                 baseline_run="r000", target=90, target_audit_date=date(2026, 3, 1))
    p = {x.as_of: x for x in r.points}
    assert p[date(2026, 1, 1)].categories == {"security": 0.0, "availability": 0.0}
    assert p[date(2026, 1, 11)].categories == {"security": 33.3, "availability": 0.0}  # AC-01 of 3 security
    assert p[date(2026, 1, 21)].categories == {"security": 33.3, "availability": 50.0}  # A-02 of 2 availability
    b = {x.day: x for x in r.burn_down}
    assert (b[date(2026, 1, 1)].open_tasks, b[date(2026, 1, 1)].planned_open) == (4, 4)
    assert (b[date(2026, 1, 15)].open_tasks, b[date(2026, 1, 15)].planned_open) == (3, 3)
    f = r.forecast
    assert f is not None and f.on_track is True and f.pace_per_30_days is not None and f.pace_per_30_days > 50
    assert f.reach_on is not None and date(2026, 1, 25) <= f.reach_on <= date(2026, 2, 15)


def test_not_on_track_and_cannot_tell() -> None:
    slow = [(f"r{i}", date(2026, 1, 1) + timedelta(days=30 * i), 10.0 + i, {}) for i in range(4)]
    r = trend_of("Acme", slow, categories_of={}, categories=[], plan=None, baseline_run=None, target=90,
                 target_audit_date=date(2026, 6, 1))
    assert r.forecast is not None and r.forecast.on_track is False and r.forecast.reach_on is not None
    assert r.forecast.reach_on > date(2026, 6, 1) and "days after the target audit date" in r.forecast.reason
    flat = [(f"r{i}", date(2026, 1, 1) + timedelta(days=i), 40.0, {}) for i in range(5)]
    r = trend_of("Acme", flat, categories_of={}, categories=[], plan=None, baseline_run=None, target=90,
                 target_audit_date=date(2026, 6, 1))
    assert r.forecast is not None and r.forecast.on_track is False and r.forecast.reach_on is None
    one = [("r0", date(2026, 1, 1), 40.0, {})]
    r = trend_of("Acme", one, categories_of={}, categories=[], plan=None, baseline_run=None, target=90,
                 target_audit_date=None)
    assert r.forecast is not None and r.forecast.on_track is None
