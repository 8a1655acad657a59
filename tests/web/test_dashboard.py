"""The dashboard shows the organisation's latest run as the store holds it."""

from __future__ import annotations

import re

from tests.web.conftest import World


def test_dashboard_shows_the_latest_run(world: World) -> None:
    svc = world.app.state.services
    rec = svc.queries.latest(world.demo_org_name)
    summary = svc.queries.summary(rec)
    sev = svc.queries.severity_counts(rec)
    r = world.client("viewer").get("/o/demo")
    assert r.status_code == 200
    assert f'id="readiness">{rec.readiness:.1f}%<' in r.text
    assert rec.id in r.text
    for c in summary["category_rollups"]:
        assert c["title"] in r.text
    for s, n in sev.items():
        assert re.search(rf'severity={s}">{n}</a>', r.text), s
    assert summary["target_audit_date"] in r.text
    # on track or not, as the plan says
    assert ("not on track" in r.text) == (summary.plan["readiness"]["status"] != "on_track")


def test_organisation_list_shows_only_granted_organisations(world: World) -> None:
    r = world.client("viewer").get("/")
    assert "Northwind Cloud" in r.text and "Beta Labs" not in r.text
    r = world.client("owner@beta.example").get("/")
    assert "Beta Labs" in r.text and "Northwind Cloud" not in r.text
    assert world.client("owner@beta.example").get("/o/demo").status_code == 404


def test_summary_is_derived_once_and_checked_against_the_run(world: World) -> None:
    svc = world.app.state.services
    rec = svc.queries.latest(world.demo_org_name)
    first = svc.queries.summary(rec)
    again = svc.queries.summary(rec)
    assert first.data == again.data
    assert set(first.verdicts) == {v["control_id"] for v in first["verdicts"]}
    assert len(first.verdicts) == rec.counts["implemented"] + rec.counts["partial"] + rec.counts["gap"] + \
        rec.counts["not_applicable"] + rec.counts["not_assessed"]
