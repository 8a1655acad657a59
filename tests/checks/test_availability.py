"""Availability checks: uptime against the target, paused monitors, incidents' reviews, resolution and customer
notice, restore and DR tests against their recovery objectives."""

from __future__ import annotations

from datetime import UTC, date, datetime

from trustgap.facts import Downtime, Incident, Monitor, Record, Src

PERIOD = (date(2026, 1, 1), date(2026, 9, 30))
AS_OF = date(2026, 10, 31)


def _src(n: str = "m") -> Src:
    return Src("a" * 63 + n[-1], n)


def _dt(m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(2026, m, d, h, mi, tzinfo=UTC)


def _monitor(mid: str, name: str, url: str, **kw: object) -> Monitor:
    base: dict[str, object] = {"src": _src(mid), "system": "uptimerobot", "monitor_id": mid, "name": name,
                               "target": url, "active": True, "status": "up",
                               "created_at": datetime(2024, 5, 2, tzinfo=UTC)}
    base.update(kw)
    return Monitor(**base)  # type: ignore[arg-type]


def by_entity(res):  # noqa: ANN001, ANN201
    return {e.entity: e for e in res.entities}


def test_uptime_below_target_named_with_month_and_outage(run) -> None:  # noqa: ANN001
    api = _monitor("1", "API", "https://api.example/health",
                   uptime=(("2026-05", 99.95), ("2026-06", 99.412), ("2026-07", 99.96)))
    web = _monitor("2", "Web", "https://app.example/", uptime=(("2026-06", 99.99),))
    outage = Downtime(src=_src("d"), system="uptimerobot", monitor_id="1", started_at=_dt(6, 17, 3),
                      ended_at=_dt(6, 17, 7, 14), duration_seconds=15240)
    res = run("availability.uptime_met", [api, web, outage], as_of=AS_OF, period=PERIOD)
    ents = by_entity(res)
    bad = ents["API (https://api.example/health)"]
    assert bad.status == "fail" and "2026-06: 99.412%" in bad.reason and "4 h 14 min" in bad.reason
    assert ents["Web (https://app.example/)"].status == "pass"


def test_uptime_from_down_logs_when_no_monthly_figures(run) -> None:  # noqa: ANN001
    m = _monitor("1", "API", "https://api.example/")
    down = Downtime(src=_src("d"), system="uptimerobot", monitor_id="1", started_at=_dt(3, 10, 0),
                    duration_seconds=3 * 3600)
    res = run("availability.uptime_met", [m, down], as_of=date(2026, 4, 1), period=(date(2026, 3, 1),
                                                                                     date(2026, 3, 31)),
              observed={"a" * 63 + "1": _dt(4, 1, 0)})
    (e,) = res.entities
    assert e.status == "fail" and e.measured and e.measured["months"]["2026-03"] < 99.9
    # 99.5% promised: three hours in March (99.597%) meets it
    res = run("availability.uptime_met", [m, down], as_of=date(2026, 4, 1),
              period=(date(2026, 3, 1), date(2026, 3, 31)), thresholds={"uptime_target_percent": 99.5})
    assert res.entities[0].status == "pass"


def test_paused_monitor_fails_and_its_zero_months_are_not_downtime(run) -> None:  # noqa: ANN001
    hooks = _monitor("3", "Webhooks", "https://hooks.example/ping", active=False, status="paused",
                     paused_at=_dt(7, 29, 16), uptime=(("2026-07", 99.97), ("2026-08", 0.0), ("2026-09", 0.0)))
    web = _monitor("2", "Web", "https://app.example/")
    res = run("availability.monitors_active", [hooks, web], as_of=AS_OF, period=PERIOD)
    ents = by_entity(res)
    assert ents["Webhooks (https://hooks.example/ping)"].status == "fail"
    assert "2026-07-29" in ents["Webhooks (https://hooks.example/ping)"].reason
    assert ents["Web (https://app.example/)"].status == "pass"
    up = run("availability.uptime_met", [hooks], as_of=AS_OF, period=PERIOD)
    assert up.status == "pass"  # July at 99.97%; August and September were paused, not down


def _incident(iid: str, title: str, start: datetime, end: datetime | None, **kw: object) -> Incident:
    base: dict[str, object] = {"src": Src("b" * 64, iid), "system": "statuspage", "incident_id": iid, "title": title,
                               "started_at": start, "resolved_at": end, "major": True}
    base.update(kw)
    return Incident(**base)  # type: ignore[arg-type]


def test_post_incident_review_late_missing_and_on_time(run) -> None:  # noqa: ANN001
    on_time = _incident("a1", "Uploads", _dt(3, 9, 14), _dt(3, 9, 16), postmortem_on=date(2026, 3, 12))
    late = _incident("m3", "Login failures", _dt(8, 3, 7), _dt(8, 3, 9), postmortem_on=date(2026, 8, 14))
    missing = _incident("k7", "API outage", _dt(6, 17, 3), _dt(6, 17, 7))
    minor = _incident("z9", "Slow search", _dt(8, 20, 9), _dt(8, 20, 10), major=False)
    res = run("incidents.post_incident_review_in_time", [on_time, late, missing, minor], as_of=AS_OF,
              period=PERIOD)
    ents = by_entity(res)
    assert ents["Uploads (a1)"].status == "pass"
    assert ents["Login failures (m3)"].status == "fail" and "9 business days" in ents["Login failures (m3)"].reason
    assert ents["API outage (k7)"].status == "fail" and ents["API outage (k7)"].gap_kind == "missing"
    assert "Slow search (z9)" not in ents
    # the policy allows ten business days: the late one is fine
    res = run("incidents.post_incident_review_in_time", [late], as_of=AS_OF, period=PERIOD,
              thresholds={"post_incident_review_business_days": 10})
    assert res.status == "pass"


def test_post_incident_review_joined_from_a_review_register(run) -> None:  # noqa: ANN001
    p1 = _incident("#305", "Claims API 5xx spike", _dt(6, 9, 15), _dt(6, 9, 17), system="pagerduty")
    p2 = _incident("#312", "Database failover stalled", _dt(8, 14, 4), _dt(8, 14, 7), system="pagerduty")
    pir = Record(src=_src("r"), kind="post_incident_review", performed_on=date(2026, 6, 11),
                 title="Claims API 5xx spike", details={"incident": "#305"})
    ents = by_entity(run("incidents.post_incident_review_in_time", [p1, p2, pir], as_of=AS_OF, period=PERIOD))
    assert ents["Claims API 5xx spike (#305)"].status == "pass"
    assert ents["Database failover stalled (#312)"].status == "fail"
    # no register and a source that dates no review: cannot tell
    alone = run("incidents.post_incident_review_in_time", [p2], as_of=AS_OF, period=PERIOD)
    assert alone.entities[0].status == "partial" and alone.entities[0].gap_kind == "insufficient_evidence"


def test_incidents_resolved_in_time(run) -> None:  # noqa: ANN001
    quick = _incident("#1", "Quick", _dt(5, 1, 10), _dt(5, 1, 12), system="pagerduty", major=None, urgency="high")
    slow = _incident("#2", "Slow", _dt(5, 2, 10), _dt(5, 4, 10), system="pagerduty", major=None, urgency="high")
    low = _incident("#3", "Low", _dt(5, 3, 10), _dt(5, 9, 10), system="pagerduty", major=None, urgency="low")
    ents = by_entity(run("incidents.resolved_in_time", [quick, slow, low], as_of=AS_OF, period=PERIOD))
    assert ents["Quick (#1)"].status == "pass"
    assert ents["Slow (#2)"].status == "fail" and "48 h" in ents["Slow (#2)"].reason
    assert "Low (#3)" not in ents


def test_customers_informed(run) -> None:  # noqa: ANN001
    told = _incident("a", "Told", _dt(5, 1, 10), _dt(5, 1, 12), customer_notified_at=_dt(5, 1, 10, 20))
    late = _incident("b", "Late", _dt(5, 2, 10), _dt(5, 2, 12), customer_notified_at=_dt(5, 3, 18))
    unknown = _incident("c", "Unknown", _dt(5, 3, 10), _dt(5, 3, 12))
    ents = by_entity(run("incidents.customers_informed", [told, late, unknown], as_of=AS_OF, period=PERIOD))
    assert ents["Told (a)"].status == "pass"
    assert ents["Late (b)"].status == "fail"
    assert "Unknown (c)" not in ents


def _test(kind: str, system: str, day: date, **details: object) -> Record:
    return Record(src=_src(system), kind=kind, performed_on=day, subject=system, outcome="Pass",
                  details=dict(details))


def test_restore_meets_objectives_even_when_recorded_pass(run) -> None:  # noqa: ANN001
    slow = _test("backup_restore_test", "billing-db", date(2026, 3, 19), rto_target=4, rto_achieved=6.2,
                 rpo_target=1, rpo_achieved=0.5, tier="1")
    ok = _test("backup_restore_test", "claims-db", date(2026, 3, 18), rto_target=4, rto_achieved=1.5)
    ents = by_entity(run("backup.restore_meets_objectives", [slow, ok], as_of=AS_OF, period=PERIOD))
    bad = ents["billing-db restore test 2026-03-19"]
    assert bad.status == "fail" and "6.2 h against an RTO of 4 h" in bad.reason and "Pass" in bad.reason
    assert ents["claims-db restore test 2026-03-18"].status == "pass"


def test_objectives_from_the_scope_tiers_when_the_test_has_none(run) -> None:  # noqa: ANN001
    t = _test("dr_test", "us-east-1 failover", date(2026, 4, 22), rto_achieved=5.0, tier="Tier 1")
    res = run("dr.meets_objectives", [t], as_of=AS_OF, period=PERIOD, thresholds={"rto_hours_by_tier": {"1": 4}})
    assert res.entities[0].status == "fail"
    res = run("dr.meets_objectives", [t], as_of=AS_OF, period=PERIOD,
              thresholds={"rto_hours_by_tier": {"tier 1": 8}})
    assert res.entities[0].status == "pass"
    assert run("dr.meets_objectives", [t], as_of=AS_OF, period=PERIOD).status == "not_assessed"


def test_restore_cadence_per_system(run) -> None:  # noqa: ANN001
    tests = [_test("backup_restore_test", "claims-db", date(2026, m, 15)) for m in (3, 6, 9)]
    tests.append(_test("backup_restore_test", "documents-bucket", date(2026, 2, 24)))
    ents = by_entity(run("backup.restore_tested", tests, as_of=AS_OF, period=PERIOD,
                         thresholds={"backup_test_months": 3}))
    assert ents["claims-db"].status == "pass"
    assert ents["documents-bucket"].status == "fail" and "2026-Q2" in ents["documents-bucket"].reason


def test_open_incident_review_not_yet_due(run) -> None:  # noqa: ANN001
    recent = _incident("n", "Recent", _dt(10, 29, 9), _dt(10, 29, 10))
    other = _incident("o", "Older", _dt(3, 2, 9), _dt(3, 2, 10), postmortem_on=date(2026, 3, 3))
    ents = by_entity(run("incidents.post_incident_review_in_time", [recent, other], as_of=AS_OF,
                         observed={"b" * 64: _dt(10, 30, 0)}))
    assert ents["Recent (n)"].status == "pass" and "due by" in ents["Recent (n)"].reason


def test_in_scope_endpoint_without_a_monitor(run) -> None:  # noqa: ANN001
    web = _monitor("2", "Web", "https://www.app.example/")
    api = _monitor("1", "API", "https://api.example/v1/health")
    res = run("availability.monitors_active", [web, api], as_of=AS_OF, period=PERIOD,
              thresholds={"monitored_endpoints": ["app.example", "https://api.example/v1", "billing.example"]})
    ents = by_entity(res)
    assert ents["billing.example"].status == "fail" and ents["billing.example"].gap_kind == "missing"
    assert "app.example" not in ents and "https://api.example/v1" not in ents


def test_capacity_reviewed_within_cadence(run) -> None:  # noqa: ANN001
    done = Record(src=_src("c"), kind="capacity_review", performed_on=date(2026, 6, 3), title="Q2 capacity review")
    assert run("capacity.reviewed", [done], as_of=AS_OF).status == "pass"
    old = Record(src=_src("c"), kind="capacity_review", performed_on=date(2025, 6, 3))
    res = run("capacity.reviewed", [old], as_of=AS_OF)
    assert res.status == "fail" and res.entities[0].gap_kind == "stale"
    assert run("capacity.reviewed", [], as_of=AS_OF).status == "not_assessed"


def test_monitor_paused_in_an_older_export_inside_the_period_is_a_deviation() -> None:
    from trustgap.checks.base import CheckContext, load_checks
    from trustgap.facts import FactSet
    from trustgap.thresholds import ResolvedThresholds

    now = _monitor("1", "API", "https://api.example/")
    before = _monitor("1", "API", "https://api.example/", active=False, status="paused")
    facts = FactSet([now], history={id(now): [(_dt(5, 2), before)]})
    ctx = CheckContext(facts=facts, thresholds=ResolvedThresholds({}), as_of=AS_OF, period_start=PERIOD[0],
                       period_end=PERIOD[1])
    res = load_checks()["availability.monitors_active"].run(ctx)
    (e,) = res.entities
    assert e.status == "fail" and "2026-05-02" in e.reason and "deviation" in e.reason


def _job(ref: str, resource: str, when: datetime, status: str) -> object:
    from trustgap.facts import ProcessingEvent

    return ProcessingEvent(src=_src("j"), system="aws", kind="backup_job", ref=ref, name=resource,
                           occurred_at=when, status=status)


def test_backup_jobs_failed_and_retried(run) -> None:  # noqa: ANN001
    jobs = [_job("1", "db", _dt(5, 1, 1), "ok"), _job("2", "efs", _dt(5, 1, 1), "failed"),
            _job("3", "efs", _dt(5, 4, 1), "ok"), _job("4", "s3", _dt(5, 1, 1), "failed"),
            _job("5", "s3", _dt(5, 1, 9), "ok")]
    ents = by_entity(run("backup.jobs_succeed", jobs, as_of=AS_OF, period=PERIOD))
    assert ents["db"].status == "pass"
    assert ents["efs"].status == "fail" and "72 h later" in ents["efs"].reason
    assert ents["s3"].status == "pass"


def test_restore_cadence_per_tier_from_the_scope(run) -> None:  # noqa: ANN001
    tests = [_test("backup_restore_test", "claims-db", date(2026, 2, 10), tier="1"),
             _test("backup_restore_test", "docs", date(2026, 2, 10), tier="2")]
    ents = by_entity(run("backup.restore_tested", tests, as_of=AS_OF, period=PERIOD,
                         thresholds={"backup_test_months_by_tier": {"Tier 1": 3}}))
    assert ents["claims-db"].status == "fail" and ents["docs"].status == "pass"


def test_uptime_over_whole_months_below_target_proves_a_month_missed(run) -> None:  # noqa: ANN001
    low = _monitor("1", "API", "https://api.example/", uptime=(("2026-01..2026-09", 99.7),))
    high = _monitor("2", "Web", "https://app.example/", uptime=(("2026-01..2026-09", 99.99),))
    ents = by_entity(run("availability.uptime_met", [low, high], as_of=AS_OF, period=PERIOD))
    assert ents["API (https://api.example/)"].status == "fail"
    assert "2026-01..2026-09: 99.7%" in ents["API (https://api.example/)"].reason
    assert "Web (https://app.example/)" not in ents  # a good average says nothing of each month


def test_breach_assessments_are_not_availability_incidents(run) -> None:  # noqa: ANN001
    breach = Incident(src=_src("b"), system="breach-log", incident_id="INC-7", started_at=_dt(7, 10, 9),
                      severity="high", is_breach=True, breach_assessed_on=date(2026, 7, 11))
    assert run("incidents.resolved_in_time", [breach], as_of=AS_OF, period=PERIOD).status == "not_assessed"
    assert run("incidents.post_incident_review_in_time", [breach], as_of=AS_OF,
               period=PERIOD).status == "not_assessed"
