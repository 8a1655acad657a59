"""Availability and processing exports read by their format specs: UptimeRobot getMonitors (with logs and custom
uptime ranges), Atlassian Statuspage incidents, PagerDuty incidents, Airflow DAG runs, reconciliation logs, rejected
inputs and generic job runs. The fixtures follow each publisher's documented shapes (cited in the specs)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Downtime, Incident, Monitor, ProcessingEvent, Record

FIX = Path(__file__).parent.parent / "fixtures"
FILES = {
    "uptimerobot_monitors": "availability/uptimerobot-getmonitors.json",
    "statuspage_incidents": "availability/statuspage-incidents.json",
    "pagerduty_incidents": "availability/pagerduty-incidents.json",
    "airflow_dag_runs": "processing/airflow-dag-runs.json",
    "reconciliation_log": "processing/reconciliation-log.csv",
    "rejected_inputs": "processing/rejected-inputs.csv",
    "job_runs": "processing/cron-job-runs.csv",
    "pingdom_checks": "availability/pingdom-checks.json",
    "betterstack_monitors": "availability/betterstack-monitors.json",
    "datadog_synthetics_tests": "availability/datadog-synthetics-tests.json",
    "aws_backup_jobs": "availability/aws-backup-list-backup-jobs.json",
}


def run(fmt: str, data: bytes, path: str, options: dict[str, object] | None = None) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 6, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()[fmt], data, ParseContext(ref=ref, path=path, as_of=date(2026, 6, 1),
                                                              options=dict(options or {})))


def facts(fmt: str) -> list[object]:
    res = run(fmt, (FIX / FILES[fmt]).read_bytes(), FILES[fmt])
    assert res.errors == [], res.errors
    return res.facts


@pytest.mark.parametrize(("fmt", "rel"), sorted(FILES.items()))
def test_recognised_by_content(fmt: str, rel: str) -> None:
    name = "download.json" if rel.endswith(".json") else "export.csv"
    if fmt == "job_runs":
        name = "job-runs.csv"  # a generic format: its columns alone are few; the name is a hint
    parser = recognise((FIX / rel).read_bytes(), name)
    assert parser is not None and parser.name == fmt


def test_uptimerobot_monitors_months_pause_and_downtime() -> None:
    got = facts("uptimerobot_monitors")
    mons = {m.name: m for m in got if isinstance(m, Monitor)}
    api = mons["Shop API"]
    assert (api.active, api.status, api.kind, api.interval_seconds) == (True, "up", "http", 300)
    assert dict(api.uptime) == {"2026-04": 99.99, "2026-05": 99.798, "all": 99.961}
    ping = mons["Status ping"]
    assert (ping.active, ping.status) == (False, "paused")
    assert ping.paused_at == datetime(2026, 5, 20, 9, tzinfo=UTC)
    assert mons["Checkout"].status == "down" and mons["Checkout"].kind == "keyword"
    (down,) = [d for d in got if isinstance(d, Downtime)]
    assert (down.monitor_id, down.duration_seconds, down.reason) == ("781234501", 5400, "502 Bad Gateway")
    assert down.ended_at == datetime(2026, 5, 12, 2, 30, tzinfo=UTC)


def test_uptimerobot_ranges_unknown_is_said_and_the_ratios_left_out() -> None:
    doc = json.loads((FIX / FILES["uptimerobot_monitors"]).read_text())
    doc.pop("request")
    res = run("uptimerobot_monitors", json.dumps(doc).encode(), "monitors.json")
    assert any("custom_uptime_ranges" in e.message for e in res.errors)
    api = next(m for m in res.facts if isinstance(m, Monitor) and m.name == "Shop API")
    assert dict(api.uptime) == {"all": 99.961}
    # the scope names the ranges instead
    ranges = json.loads((FIX / FILES["uptimerobot_monitors"]).read_text())["request"]["custom_uptime_ranges"]
    res = run("uptimerobot_monitors", json.dumps(doc).encode(), "monitors.json", {"custom_uptime_ranges": ranges})
    api = next(m for m in res.facts if isinstance(m, Monitor) and m.name == "Shop API")
    assert dict(api.uptime)["2026-05"] == 99.798


def test_statuspage_major_postmortem_notice_and_maintenance_left_out() -> None:
    got = {i.incident_id: i for i in facts("statuspage_incidents") if isinstance(i, Incident)}
    assert set(got) == {"p1x7c0ffee01", "q2y8d0ffee02"}
    crit = got["p1x7c0ffee01"]
    assert (crit.major, crit.severity, crit.postmortem_on) == (True, "critical", date(2026, 5, 14))
    assert crit.customer_notified_at == datetime(2026, 5, 12, 1, 5, tzinfo=UTC)
    assert crit.services == ("Checkout",)
    search = got["q2y8d0ffee02"]
    assert (search.major, search.postmortem_on) == (True, None)
    assert search.customer_notified_at == datetime(2026, 4, 6, 9, 30, tzinfo=UTC)


def test_pagerduty_numbers_priorities_and_open_incidents() -> None:
    got = {i.incident_id: i for i in facts("pagerduty_incidents") if isinstance(i, Incident)}
    p1 = got["#1234"]
    assert (p1.title, p1.severity, p1.major, p1.urgency) == ("Payment provider timeouts", "critical", True, "high")
    assert p1.resolved_at == datetime(2026, 5, 2, 13, 30, tzinfo=UTC) and p1.services == ("Shop API",)
    assert (got["#1240"].severity, got["#1240"].major) == ("low", False)
    assert (got["#1251"].major, got["#1251"].resolved_at, got["#1251"].status) == (None, None, "acknowledged")


def test_airflow_runs() -> None:
    got = {e.ref: e for e in facts("airflow_dag_runs") if isinstance(e, ProcessingEvent)}
    failed = got["scheduled__2026-05-04T01:00:00+00:00"]
    assert (failed.kind, failed.name, failed.status) == ("job_run", "orders_etl", "failed")
    assert failed.occurred_at == datetime(2026, 5, 4, 1, 20, tzinfo=UTC)
    rerun = got["manual__2026-05-04T06:00:00+00:00"]
    assert rerun.status == "ok" and rerun.details["run_type"] == "manual"
    running = got["scheduled__2026-05-11T01:00:00+00:00"]
    assert running.status == "running" and running.occurred_at == datetime(2026, 5, 11, 1, 0, 4, tzinfo=UTC)


def test_reconciliation_log_variances() -> None:
    got = {e.ref: e for e in facts("reconciliation_log") if isinstance(e, ProcessingEvent)}
    assert got["RC-101"].status == "ok"
    assert got["RC-102"].status == "variance" and got["RC-102"].resolved_at == datetime(2026, 5, 6, tzinfo=UTC)
    assert got["RC-103"].status == "variance" and got["RC-103"].details["variance"] == 10
    assert got["RC-104"].status is None


def test_rejected_inputs_and_job_runs() -> None:
    got = {e.ref: e for e in facts("rejected_inputs") if isinstance(e, ProcessingEvent)}
    assert got["RJ-7"].kind == "input_rejection" and got["RJ-7"].resolved_at == datetime(2026, 5, 5, tzinfo=UTC)
    assert got["RJ-8"].resolved_at is None and got["RJ-8"].details["reason"] == "missing amount"
    jobs = {e.ref: e for e in facts("job_runs") if isinstance(e, ProcessingEvent)}
    assert jobs["4412"].status == "failed" and jobs["4413"].status == "ok"
    assert jobs["4412"].occurred_at == datetime(2026, 5, 5, 1, 2, tzinfo=UTC)


def test_bad_log_dates_are_reported_with_the_field() -> None:
    doc = json.loads((FIX / FILES["uptimerobot_monitors"]).read_text())
    doc["monitors"][0]["logs"][0]["datetime"] = "yesterday"
    res = run("uptimerobot_monitors", json.dumps(doc).encode(), "monitors.json")
    assert any("log 0" in e.message for e in res.errors)
    assert any(isinstance(m, Monitor) for m in res.facts)


@pytest.mark.parametrize(("fmt", "running", "paused"), [
    ("pingdom_checks", "Shop homepage", "Shop API"),
    ("betterstack_monitors", "Shop API", "Checkout"),
    ("datadog_synthetics_tests", "Checkout API up", "DNS of shop.example"),
])
def test_other_uptime_monitors_running_and_paused(fmt: str, running: str, paused: str) -> None:
    mons = {m.name: m for m in facts(fmt) if isinstance(m, Monitor)}
    assert mons[running].active is True and mons[running].target
    assert mons[paused].active is False and mons[paused].status == "paused"


def test_monitor_details_as_each_vendor_documents_them() -> None:
    ping = {m.name: m for m in facts("pingdom_checks") if isinstance(m, Monitor)}
    assert (ping["Shop API"].interval_seconds, ping["Shop API"].target) == (300, "api.shop.example")
    bs = {m.name: m for m in facts("betterstack_monitors") if isinstance(m, Monitor)}
    assert bs["Checkout"].paused_at == datetime(2026, 4, 12, 8, 1, tzinfo=UTC) and bs["Checkout"].kind == "keyword"
    dd = {m.name: m for m in facts("datadog_synthetics_tests") if isinstance(m, Monitor)}
    assert (dd["DNS of shop.example"].target, dd["DNS of shop.example"].kind) == ("shop.example", "api:dns")
    assert dd["Checkout API up"].interval_seconds == 60 and dd["Checkout API up"].system == "datadog"


def test_aws_backup_jobs() -> None:
    got = {e.ref: e for e in facts("aws_backup_jobs") if isinstance(e, ProcessingEvent)}
    ok = got["a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"]
    assert (ok.kind, ok.status, ok.name) == ("backup_job", "ok", "arn:aws:rds:eu-west-1:123456789012:db:orders-prod")
    bad = got["a1b2c3d4-5678-90ab-cdef-EXAMPLE22222"]
    assert bad.status == "failed" and bad.resolution == "Insufficient privileges to perform this action."
    assert bad.occurred_at == datetime.fromtimestamp(1778544300, UTC) and bad.details["resource_name"] == "uploads"


def test_generic_incident_list_says_major_customer_notice_and_review() -> None:
    data = (b"Incident ID,Title,Severity,Started At,Resolved At,Customer Notified At,Major Incident,Postmortem Date\n"
            b"INC-1,Login outage,SEV1,2026-05-01 10:00,2026-05-01 12:00,2026-05-01 10:20,Yes,2026-05-04\n")
    parser = recognise(data, "incident-log.csv")
    assert parser is not None and parser.name == "generic_incidents"
    res = run("generic_incidents", data, "incident-log.csv")
    (inc,) = [i for i in res.facts if isinstance(i, Incident)]
    assert (inc.major, inc.postmortem_on) == (True, date(2026, 5, 4))
    assert inc.customer_notified_at == datetime(2026, 5, 1, 10, 20, tzinfo=UTC)


def test_bad_dates_in_a_reconciliation_log_name_the_line_and_column_and_the_rest_is_read() -> None:
    data = (b"Run ID,Run Date,Dataset,Source Count,Target Count,Variance,Resolved On,Status\n"
            b"RC-1,2026-05-04,orders,10,10,0,,Matched\n"
            b"RC-2,2026-05-05,orders,10,8,2,next week,Resolved\n")
    res = run("reconciliation_log", data, "recon.csv")
    assert any(e.line == 3 and e.field == "Resolved On" for e in res.errors), res.errors
    got = {e.ref: e for e in res.facts if isinstance(e, ProcessingEvent)}
    assert got["RC-1"].status == "ok" and got["RC-2"].status == "variance" and got["RC-2"].resolved_at is None


def test_restore_tests_told_from_dr_tests_by_their_columns_whatever_the_file_name() -> None:
    data = (b"Test Date,System,Tier,Backup Source,RTO Target (h),RTO Achieved (h),Result\n"
            b"2026-03-18,claims-db,1,AWS Backup snapshot,4,1.5,Pass\n")
    parser = recognise(data, "quarterly-tests.csv")  # "quarterly" is no user access review ("uar")
    assert parser is not None
    res = parse_with(parser, data, ParseContext(ref=EvidenceRef(sha256_bytes(data), "quarterly-tests.csv", "file",
                                                                datetime(2026, 6, 1, tzinfo=UTC), len(data)),
                                                path="quarterly-tests.csv", as_of=date(2026, 6, 1)))
    (rec,) = [r for r in res.facts if isinstance(r, Record)]
    assert (rec.kind, rec.subject, rec.details["rto_achieved"]) == ("backup_restore_test", "claims-db", 1.5)
