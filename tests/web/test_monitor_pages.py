"""The monitoring pages over real snapshots: the generated organisation of tests/monitor/yeargen.py, taken
every morning from 2026-04-10 to 2026-06-20 by the monitor job, except for ten days in May (a hole).

What the pages must show follows from the plan in yeargen: bob's MFA lapse (05-10 .. 05-12) fixed within
AC-04's 3-day deadline, carol's (06-01 .. 06-15) a deviation fixed late, the May stretch without snapshots a
hole (insufficient evidence, never a pass), and the access review of 04-01 expiring on 07-01."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.monitor import yeargen as yg
from tests.web.conftest import OTHER_ADMIN, World, login

from trustgap.monitor.jobs import run_snapshot
from trustgap.monitor.period import period_report
from trustgap.store.snapshots import SnapshotStore
from trustgap.web.app import create_app
from trustgap.web.organisations import register_folder
from trustgap.web.settings import WebSettings

PASSWORD = "monitoring pages password"
FIRST, LAST = date(2026, 4, 10), date(2026, 6, 20)
SKIPPED = (date(2026, 5, 16), date(2026, 5, 25))
WINDOW = "start=2026-04-15&end=2026-06-20"


@dataclass
class Site:
    client: TestClient
    viewer: TestClient
    folder: Path
    url: str
    snapshots: list[str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("monitor-pages")
    settings = WebSettings(database_url=f"sqlite:///{home / 'trustgap.db'}", evidence_dir=home / "evidence",
                           cookie_secure=False, monitor=False)
    app = create_app(settings)
    svc = app.state.services
    folder = home / "yearly"
    keys = []
    for day in yg.days(FIRST, LAST):
        if SKIPPED[0] <= day <= SKIPPED[1]:
            continue
        yg.write_day(folder, day)
        at = datetime.combine(day, time(6), UTC)
        out = run_snapshot(folder, "daily", scheduled_for=at, store_url=settings.database_url,
                           evidence_store=svc.evidence, clock=lambda at=at: at + timedelta(minutes=2), notify=False)
        assert out.snapshot.status == "ok", (day, out.snapshot.error)
        keys.append(out.snapshot.id)
    org = register_folder(svc.accounts, "yearly", folder, actor="test")
    admin = svc.accounts.add_user("lead@yearly.example", PASSWORD, server_admin=True)
    svc.accounts.grant(admin.id, org, "admin", actor="test")
    viewer = svc.accounts.add_user("viewer@yearly.example", PASSWORD)
    svc.accounts.grant(viewer.id, org, "viewer", actor="test")
    c, v = TestClient(app, follow_redirects=False), TestClient(app, follow_redirects=False)
    login(c, "lead@yearly.example", PASSWORD)
    login(v, "viewer@yearly.example", PASSWORD)
    yield Site(c, v, folder, settings.database_url, keys)
    c.close()
    v.close()
    svc.close()


def rows(html: str, table_id: str) -> list[str]:
    m = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S)
    assert m, f"no table {table_id}"
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in re.findall(r"<tr.*?</tr>", m[1], re.S)][1:]


def test_type2_page_lists_the_deviations_with_the_snapshots_that_prove_them(site: Site) -> None:
    r = site.viewer.get(f"/o/yearly/type2?{WINDOW}")
    assert r.status_code == 200, r.text
    # the page shows what the monitoring core decides for the same window
    result, _ = period_report(site.folder, start=date(2026, 4, 15), end=date(2026, 6, 20), store_url=site.url)
    devs = rows(r.text, "deviation-list")
    assert len(devs) == len(result.deviations) >= 1
    carol = next(d for d in devs if "carol@" in d)
    assert "2026-06-01 → 2026-06-15" in carol and "fixed late" in carol
    lapse = next(x for x in result.deviations if "carol@" in (x.entity or ""))
    for ref in (lapse.first_seen, lapse.last_seen, lapse.fixed_in, lapse.last_clean):
        assert ref is not None and ref.snapshot_id in r.text and f"/o/yearly/runs/{ref.run_id}" in r.text
        assert ref.manifest_sha256 in r.text  # the manifest hash each snapshot was sealed with
    assert not any("bob@" in d for d in devs)  # fixed within the deadline: not a deviation
    controls = rows(r.text, "period-controls")
    ac04 = next(x for x in controls if x.startswith("AC-04"))
    assert "Gap" in ac04 or "gap" in ac04.lower()
    assert re.search(r'id="deviation-count">\s*' + str(len(result.deviations)), r.text)


def test_control_timeline_shows_lapses_in_time_and_the_hole_as_insufficient_evidence(site: Site) -> None:
    r = site.viewer.get(f"/o/yearly/type2/AC-04?{WINDOW}")
    assert r.status_code == 200, r.text
    lapses = rows(r.text, "lapses")
    bob = next(x for x in lapses if "bob@" in x)
    assert "2026-05-10 → 2026-05-12" in bob and "remediated in time" in bob
    holes = rows(r.text, "holes")
    assert any("2026-05-16" in h and "2026-05-25" in h and "insufficient evidence" in h for h in holes), holes
    assert rows(r.text, "segments") and "<svg" in r.text
    # a control with no deviation but the hole is Partial (insufficient evidence), not Implemented
    result, _ = period_report(site.folder, start=date(2026, 4, 15), end=date(2026, 6, 20), store_url=site.url)
    holed = next(cp for cp in result.controls.values() if cp.holes and not cp.deviations)
    r = site.viewer.get(f"/o/yearly/type2/{holed.control_id}?{WINDOW}")
    assert 'id="period-verdict">Partial' in r.text and "insufficient evidence" in r.text.lower()


def test_trend_page_shows_readiness_per_category_and_the_forecast(site: Site) -> None:
    r = site.viewer.get("/o/yearly/trend")
    assert r.status_code == 200, r.text
    table = rows(r.text, "trend-table")
    assert table[0].startswith("2026-06-20") and table[-1].startswith("2026-04-10")  # newest first, spread
    assert len(table) <= 24
    assert 'aria-label="readiness over time"' in r.text
    on_track = re.search(r'id="on-track">(.*?)</div>', r.text, re.S)
    assert on_track and re.search(r"on track|not on track|cannot tell yet", on_track[1])
    assert "2026-11-15" in r.text  # the target audit date of the scope


def test_freshness_page_warns_before_the_access_review_expires(site: Site) -> None:
    r = site.viewer.get("/o/yearly/freshness")
    assert r.status_code == 200, r.text
    items = rows(r.text, "expiry")
    review = [x for x in items if x.split(" ")[2].startswith("AC-08") or " AC-08 " in f" {x} "]
    assert review and all("2026-04-01" in x and "2026-07-01" in x for x in review), items
    assert all("expires soon" in x for x in review)  # 11 days left as of 2026-06-20, inside 30 days
    r = site.viewer.get("/o/yearly/freshness?warn_days=5")
    assert all("expires before the audit" in x for x in rows(r.text, "expiry") if "AC-08" in x)


def test_bad_parameters_are_refused_with_the_field_named(site: Site) -> None:
    r = site.viewer.get("/o/yearly/type2?start=yesterday")
    assert r.status_code == 400 and "start: not a date" in r.text
    r = site.viewer.get("/o/yearly/type2?start=2026-06-01&end=2026-05-01")
    assert r.status_code == 400 and "ends (2026-05-01) before it starts" in r.text
    r = site.viewer.get("/o/yearly/freshness?warn_days=-3")
    assert r.status_code == 400 and "warn_days" in r.text
    assert site.viewer.get("/o/yearly/type2/NOPE-1").status_code == 404


def test_pages_follow_new_snapshots(site: Site) -> None:
    assert rows(site.client.get("/o/yearly/trend").text, "trend-table")[0].startswith("2026-06-20")
    day = LAST + timedelta(days=1)
    yg.write_day(site.folder, day)
    at = datetime.combine(day, time(6), UTC)
    out = run_snapshot(site.folder, "daily", scheduled_for=at, store_url=site.url,
                       clock=lambda: at + timedelta(minutes=2), notify=False)
    assert rows(site.client.get("/o/yearly/trend").text, "trend-table")[0].startswith("2026-06-21")
    with SnapshotStore.open(site.url) as snaps:
        assert snaps.history("Yearly Ltd", newest_first=True, limit=1)[0].id == out.snapshot.id


def test_html_report_has_the_type2_section_and_the_trend(site: Site) -> None:
    from typer.testing import CliRunner

    from trustgap.cli import app

    r = site.viewer.get("/o/yearly/runs/latest/report")
    assert r.status_code == 200
    html = r.text
    section = html[html.index('<section id="monitoring">'):]
    section = section[:section.index("</section>")]
    assert "Type II: operation over the period" in section and "Trend and forecast" in section
    devs = rows(section.replace("<table>", '<table id="x">', 1), "x")  # the first table: verdict counts
    assert devs
    assert "carol@" in section and "deviation: fixed late" in section and "2026-06-01 to 2026-06-15" in section
    assert "bob@" not in section.split("Timeline per control")[0]  # fixed in time: not among the deviations
    assert "Holes in the evidence" in section and "2026-05-16" in section
    result, _ = period_report(site.folder, store_url=site.url)  # the scope's period, as the report uses
    lapse = next(x for x in result.deviations if "carol@" in (x.entity or ""))
    assert lapse.first_seen.snapshot_id in section and lapse.first_seen.manifest_sha256[:16] in section
    assert "Snapshots reach" in section  # the period runs to 2026-09-30: the rest is not judged yet
    # the same section from the command line, over the same database
    out = CliRunner(env={"TRUSTGAP_DATABASE_URL": site.url}).invoke(app, ["report", "latest"],
                                                                      catch_exceptions=False)
    assert out.exit_code == 0 and '<section id="monitoring">' in out.output and "carol@" in out.output


def test_a_report_of_an_older_run_shows_the_trend_as_it_stood_then(site: Site) -> None:
    from trustgap.report.monitoring import build_monitoring
    from trustgap.store.runs import RunStore

    with SnapshotStore.open(site.url) as snaps:
        may = next(s for s in snaps.history("Yearly Ltd") if s.as_of == date(2026, 5, 1))
    with RunStore.open(site.url) as runs:
        _, result = runs.get(may.run_id or "")
    section = build_monitoring(result, may.run_id or "", store_url=site.url)
    assert section is not None and section.trend is not None
    assert section.trend.points[-1].as_of == date(2026, 5, 1) and section.trend_rows[0].as_of == date(2026, 5, 1)


def test_without_snapshots_the_period_is_not_passed_and_the_report_says_so(world: World) -> None:
    c = world.client("viewer")
    r = c.get("/o/demo/type2")
    assert r.status_code == 200 and "No monitoring snapshot of" in r.text
    assert "None in this period." in r.text
    r = c.get("/o/demo/type2/AC-04")
    assert r.status_code == 200 and "insufficient evidence" in r.text
    report = c.get(f"/o/demo/runs/{world.demo_run}/report").text
    section = report[report.index('<section id="monitoring">'):]
    assert "No monitoring snapshot is stored for this organisation" in section
    assert "Trend and forecast" not in section  # one run: no trend
    beta = world.client(OTHER_ADMIN).get(f"/o/beta/runs/{world.beta_run}/report").text
    assert '<section id="monitoring">' not in beta  # a Type I report without snapshots or trend: no section
