"""A year of snapshots with planted lapses: the Type II verdicts and deviations match the plan exactly.

Real snapshots: each day's evidence folder (yeargen) goes through the monitor job (ingest, checks, verdicts,
stored run, hashed snapshot), then the period is judged from the store. The default run takes the audit
period daily (with a week either side) and the months around it weekly plus every planted change
(yeargen.sampled_days: 233 snapshots); the run marked slow takes all 365 days. Both must give the same
period.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from tests.monitor import yeargen as yg
from typer.testing import CliRunner

from trustgap.dates import add_months
from trustgap.engine.timeline import PeriodResult
from trustgap.evidence.store import EvidenceStore
from trustgap.monitor.jobs import run_snapshot
from trustgap.monitor.period import period_report
from trustgap.store.snapshots import SnapshotStore

Year = tuple[Path, str, PeriodResult, list[date]]


@pytest.fixture(scope="module", params=[pytest.param("sampled"), pytest.param("daily", marks=pytest.mark.slow)])
def year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Year]:
    snapshot_days = yg.days() if request.param == "daily" else yg.sampled_days()
    home = tmp_path_factory.mktemp("year-home")
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):  # 365 commits: in memory when the machine offers it
        home = Path(tempfile.mkdtemp(prefix="trustgap-year-", dir=shm))
    url = f"sqlite:///{home / 'runs.db'}"
    store = EvidenceStore(home / "evidence")
    folder = home / "yearly"
    for day in snapshot_days:
        yg.write_day(folder, day)
        at = datetime.combine(day, time(6), UTC)
        out = run_snapshot(folder, "daily", scheduled_for=at, store_url=url, evidence_store=store,
                           clock=lambda at=at: at + timedelta(minutes=3))
        assert out.created and out.snapshot.status == "ok", (day, out.snapshot.error)
    result, _ = period_report(folder, store_url=url)
    yield folder, url, result, snapshot_days
    shutil.rmtree(home, ignore_errors=True)


def _key(x: object) -> tuple[str, str, str, date, date | None, str]:
    entity = (getattr(x, "entity", "") or "").split("@")[0]
    check = getattr(x, "check_id", "") or ""
    fixed = x.fixed_in.day if x.fixed_in else None  # type: ignore[attr-defined]
    return (x.control_id, check, entity, x.first_seen.day, fixed, x.outcome)  # type: ignore[attr-defined]


def expected_lapses() -> set[tuple[str, str, str, date, date | None, str]]:
    """The plan, in the period's terms (rules of trustgap.engine.timeline)."""
    mfa = "mfa.enabled_on_every_system"
    out = {(p.control, mfa, p.entity, p.start, p.fixed if p.fixed and p.fixed <= date(2026, 10, 1) else None,
            p.expected) for p in yg.MFA_LAPSES if p.expected != "outside"}
    out.add((yg.ORPHAN.control, "accounts.owned_by_person", yg.ORPHAN.entity, yg.ORPHAN.start, yg.ORPHAN.fixed,
             yg.ORPHAN.expected))
    # Q3 without an access review: due when Q3 ends (performed_on_cadence) and, for "every system reviewed
    # within its quarterly cadence", from the day the Q2 review turned three months old (cover_every_system);
    # neither can be fixed later, and both checks compare against the cadence threshold (deadline 0)
    stale_from = add_months(yg.REVIEWS[1], 3) + timedelta(days=1)
    for system in ("aws", "google"):
        out.add(("AC-08", "access_reviews.performed_on_cadence", system, yg.PERIOD[1], None, "deviation_open"))
        out.add(("AC-08", "access_reviews.cover_every_system", system, stale_from, None, "deviation_open"))
    return out


def test_lapses_and_deviations_match_the_plan_exactly(year: Year) -> None:
    _, _, result, _ = year
    got = {_key(x) for c in result.controls.values() for x in c.lapses}
    assert got == expected_lapses()
    deviations = {_key(x) for x in result.deviations}
    assert deviations == {k for k in expected_lapses() if k[-1].startswith("deviation")}
    # the lapse before the period (alice) is counted apart; the one after it (erin) cannot change the period
    assert result.controls["AC-04"].lapses_outside == 1
    frank = next(x for x in result.deviations if x.entity and x.entity.startswith("frank"))
    assert (frank.days_open, frank.deadline_days) == (5, 3)
    carol = next(x for x in result.deviations if x.entity and x.entity.startswith("carol"))
    assert carol.days_open == 14  # the broken Google export on 2026-06-05 neither ended nor split the lapse


def test_period_verdicts(year: Year) -> None:
    _, _, result, _ = year
    c = result.controls
    assert (c["AC-04"].status, c["AC-04"].gap_kind) == ("gap", "not_operating")
    assert (c["AC-08"].status, c["AC-08"].gap_kind) == ("gap", "not_operating")
    assert c["AC-13"].status == "implemented" and "1 lapse(s) remediated within the deadline" in c["AC-13"].reason
    gaps = {k for k, v in c.items() if v.status == "gap"}
    assert gaps == {"AC-04", "AC-08"}
    # the three weeks without an AWS credential report: a hole wherever a check reads it, never a pass
    partial = {k: v for k, v in c.items() if v.status == "partial"}
    assert set(partial) == {"AC-05", "AC-09", "AC-12"}
    for v in partial.values():
        assert v.gap_kind == "insufficient_evidence"
        assert {(h.start, h.end, h.days) for h in v.holes} == {(yg.AWS_MISSING[0], yg.AWS_MISSING[1], 22)}
    # AC-04 is a Gap for its deviations, and still names the AWS accounts it could not see for 22 days
    assert [(h.check_id, h.days) for h in c["AC-04"].holes] == [("mfa.enabled_on_every_system (aws)", 22)]
    assert result.snapshots_in_period == (yg.PERIOD[1] - yg.PERIOD[0]).days + 1


def test_deviations_name_the_snapshots_that_prove_them(year: Year) -> None:
    _, url, result, _ = year
    with SnapshotStore.open(url) as snaps:
        for x in result.deviations:
            first = snaps.get(x.first_seen.snapshot_id)
            assert first.as_of == x.first_seen.day and first.manifest_sha256 == x.first_seen.manifest_sha256
            assert first.run_id == x.first_seen.run_id
            if x.last_clean is not None:
                assert x.last_clean.day < x.first_seen.day
            if x.fixed_in is not None:
                assert snaps.get(x.fixed_in.snapshot_id).as_of == x.fixed_in.day
            assert x.evidence, x
    carol = next(x for x in result.deviations if x.entity and x.entity.startswith("carol"))
    assert carol.last_clean is not None and carol.last_clean.day == date(2026, 5, 31)


def test_timeline_segments_follow_the_snapshots(year: Year) -> None:
    _, _, result, _ = year
    segs = result.controls["AC-04"].segments
    assert segs[0].start == yg.PERIOD[0] and segs[-1].end == yg.PERIOD[1]
    assert sum(s.snapshots for s in segs) == result.snapshots_in_period
    failing = {s.start for s in segs if s.status in ("gap", "partial")}
    assert {date(2026, 5, 10), date(2026, 6, 1), date(2026, 9, 25)} <= failing
    assert {s.status for s in segs if s.start == date(2026, 5, 12)} == {"implemented"}


def test_cli_timeline_json_html_and_table(year: Year, tmp_path: Path) -> None:
    from trustgap.cli import app

    folder, url, result, _ = year
    env = {**os.environ, "TRUSTGAP_DATABASE_URL": url}
    runner = CliRunner()
    out = runner.invoke(app, ["timeline", str(folder), "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == json.loads(json.dumps(result.as_dict()))
    html = tmp_path / "type2.html"
    out = runner.invoke(app, ["timeline", str(folder), "--format", "html", "-o", str(html)], env=env)
    assert out.exit_code == 0, out.output
    page = html.read_text()
    assert "<script" not in page and page.count("<svg") >= 6
    assert "carol@yearly.example (google)" in page and "deviation: still open" in page
    assert "Readiness over time" in page and "<polyline" in page and "Burn-down against the roadmap" in page
    out = runner.invoke(app, ["timeline", str(folder), "--control", "AC-04"], env={**env, "COLUMNS": "250"})
    assert out.exit_code == 0, out.output
    assert "dave@yearly.example" in out.output and "AC-08" not in out.output


def test_rerunning_a_day_changes_nothing(year: Year) -> None:
    folder, url, _, _ = year
    with SnapshotStore.open(url) as snaps:
        before = snaps.history("Yearly Ltd")
    at = datetime.combine(date(2026, 6, 1), time(6), UTC)
    out = run_snapshot(folder, "daily", scheduled_for=at, store_url=url, clock=lambda: at)
    assert not out.created and out.snapshot.id == next(s.id for s in before if s.as_of == date(2026, 6, 1))
    with SnapshotStore.open(url) as snaps:
        assert snaps.history("Yearly Ltd") == before


def test_trend_over_the_year(year: Year) -> None:
    from trustgap.monitor.trend import trend_report

    folder, url, _, snapshot_days = year
    report = trend_report(folder, store_url=url)
    assert [p.as_of for p in report.points] == snapshot_days and snapshot_days[0] == date(2026, 1, 1)
    assert set(report.points[0].categories) == {"security"}
    by_day = {p.as_of: p for p in report.points}
    # bob's lapse costs readiness on the days it lasts, and it comes back when he is fixed
    assert by_day[date(2026, 5, 10)].readiness < by_day[date(2026, 5, 9)].readiness  # type: ignore[operator]
    assert by_day[date(2026, 5, 12)].readiness == by_day[date(2026, 5, 9)].readiness
    assert by_day[date(2026, 5, 9)].categories["security"] == by_day[date(2026, 5, 9)].readiness
    assert report.baseline_run == report.points[0].run_id and report.burn_down
    assert report.burn_down[0].open_tasks == report.baseline_tasks
    assert report.forecast is not None and report.forecast.target == 90
