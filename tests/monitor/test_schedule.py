"""The monitor section of the scope, the scheduler's cron arithmetic, and evidence freshness."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from trustgap.errors import InputError
from trustgap.monitor.config import parse_monitor_settings
from trustgap.monitor.schedule import Scheduler
from trustgap.scope import load_scope

SCOPE = """\
organisation: {name: Acme}
monitor:
  timezone: Europe/Berlin
  schedules:
    - {name: daily, cron: "0 6 * * *", collect: [files]}
    - {name: idp, cron: "30 */6 * * *", collect: "files"}
"""


def org(tmp_path: Path, text: str = SCOPE) -> Path:
    (tmp_path / "evidence").mkdir(exist_ok=True)
    (tmp_path / "scope.yaml").write_text(text)
    return tmp_path


def test_schedules_are_validated_with_file_line_and_field(tmp_path: Path) -> None:
    bad = SCOPE.replace('"0 6 * * *"', '"61 6 * * *"')
    with pytest.raises(InputError) as exc:
        load_scope(org(tmp_path, bad) / "scope.yaml")
    assert exc.value.field == "monitor.schedules.0.cron" and exc.value.line == 5
    with pytest.raises(InputError) as exc:
        load_scope(org(tmp_path, SCOPE.replace("[files]", "[files, jira]")) / "scope.yaml")
    assert "unknown source(s) jira" in str(exc.value)
    with pytest.raises(InputError) as exc:
        load_scope(org(tmp_path, SCOPE + "alerts: {slack: {url: https://hooks.slack.com/x}}\n") / "scope.yaml")
    assert exc.value.field == "alerts.slack.url"  # the URL is a secret: only url_env is accepted


def test_max_gap_and_deadlines(tmp_path: Path) -> None:
    mon, alerts = parse_monitor_settings(load_scope(org(tmp_path) / "scope.yaml").scope)
    assert mon.max_gap() == timedelta(days=2)  # twice the longest interval (daily), at least a day
    assert mon.deadline_days("AC-04", "high") == 14 and mon.deadline_days("AC-04", "critical") == 7
    assert alerts.channels == []


def test_scheduler_fires_in_the_scope_time_zone_and_coalesces_missed_times(tmp_path: Path) -> None:
    calls: list[tuple[str, datetime]] = []
    now = [datetime(2026, 3, 2, 4, 0, tzinfo=UTC)]  # 05:00 in Berlin
    sched = Scheduler([org(tmp_path)], dispatch=lambda f, name, at: calls.append((name, at)) or name,
                      clock=lambda: now[0])
    assert [(w, n) for w, _, n in sched.upcoming()] == [
        (datetime(2026, 3, 2, 5, 0, tzinfo=UTC), "daily"),  # 06:00 Berlin (UTC+1 in March)
        (datetime(2026, 3, 2, 5, 30, tzinfo=UTC), "idp"),  # 06:30 Berlin
    ]
    assert sched.run_due() == []
    now[0] = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)  # asleep for a day and a half
    assert sorted(sched.run_due()) == ["daily", "idp"]
    # each schedule ran once, for its latest missed time, not once per missed time
    assert calls == [("daily", datetime(2026, 3, 3, 5, 0, tzinfo=UTC)),
                     ("idp", datetime(2026, 3, 3, 17, 30, tzinfo=UTC))]
    assert min(w for w, _, _ in sched.upcoming()) == datetime(2026, 3, 3, 23, 30, tzinfo=UTC)


def test_scheduler_thread_starts_and_stops(tmp_path: Path) -> None:
    ran = threading.Event()
    now = [datetime.now(UTC)]
    sched = Scheduler([org(tmp_path)], dispatch=lambda f, n, at: ran.set(), clock=lambda: now[0])
    now[0] += timedelta(days=1)  # every schedule is due at once
    sched.start()
    try:
        assert ran.wait(10) and sched.running
    finally:
        sched.stop(10)
    assert not sched.running


def test_a_failing_job_does_not_stop_the_others(tmp_path: Path) -> None:
    errors: list[str] = []

    def dispatch(folder: Path, name: str, at: datetime) -> str:
        if name == "daily":
            raise RuntimeError("collector exploded")
        return name

    sched = Scheduler([org(tmp_path)], dispatch=dispatch, clock=lambda: datetime(2026, 3, 5, tzinfo=UTC),
                      on_error=lambda f, n, at, exc: errors.append(f"{n}: {exc}"))
    assert sched.run_due(datetime(2026, 3, 6, tzinfo=UTC)) == ["idp"]
    assert errors == ["daily: collector exploded"]


def test_freshness_of_the_demo_run() -> None:
    from trustgap.assessment import resolve_inputs, run_assessment
    from trustgap.demo import demo_folder
    from trustgap.engine.freshness import evidence_expiry

    inputs = resolve_inputs(demo_folder())
    result, _ = run_assessment(inputs.scope_path, evidence_dir=inputs.evidence_dir, answers=inputs.answers,
                               as_of=date(2026, 11, 22), save=False)
    items = {(e.control_id, e.entity): e for e in evidence_expiry(result, warn_days=30)}
    # quarterly access reviews per system: the last one plus the resolved three-month cadence
    okta = next(e for (c, ent), e in items.items() if c == "AC-08" and "okta" in ent.lower())
    assert okta.cadence_months == 3 and okta.cadence_from.startswith("access_review_cadence_months")
    assert okta.expires_on.month == (okta.last_on.month + 2) % 12 + 1
    assert okta.days_left == (okta.expires_on - date(2026, 11, 22)).days
    states = {e.state for e in items.values()}
    assert states <= {"expired", "expiring", "expires_before_audit", "fresh"} and len(states) >= 2
    # the target audit date (2027-02-15) is before the next review falls due: warned as such
    soon = [e for e in items.values() if e.state == "expires_before_audit"]
    assert all(e.expires_on <= date(2027, 2, 15) and e.days_left > 30 for e in soon)
