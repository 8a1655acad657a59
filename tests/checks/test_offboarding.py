from __future__ import annotations

from datetime import UTC, date, datetime

from trustgap.facts import Account, Person, Src

S = Src("b" * 64, "row")


def person(email: str, term: date | None = None, hire: date = date(2024, 1, 1)) -> Person:
    return Person(src=S, email=email, hire_date=hire, termination_date=term,
                  status="terminated" if term else "active")


def acc(email: str, system: str = "okta", **kw: object) -> Account:
    return Account(src=S, system=system, account_id=email, email=email, **kw)  # type: ignore[arg-type]


def test_friday_termination_suspended_monday_is_a_gap_with_hours(run) -> None:  # noqa: ANN001
    # the termination dated Friday takes effect at the end of Friday (UTC here): 58 hours to Monday 10:00
    facts = [person("fri@x.io", date(2026, 6, 5)),
             acc("fri@x.io", active=False, deactivated_at=datetime(2026, 6, 8, 10, 0, tzinfo=UTC))]
    res = run("offboarding.access_revoked_in_time", facts, as_of=date(2026, 11, 1))
    assert res.status == "fail"
    (e,) = res.entities
    assert e.entity == "fri@x.io (okta)"
    assert e.measured is not None and e.measured["hours"] == 58.0
    assert "58.0 hours" in e.reason and "limit 24 hours" in e.reason


def test_revoked_within_limit_passes(run) -> None:  # noqa: ANN001
    facts = [person("a@x.io", date(2026, 6, 5)),
             acc("a@x.io", active=False, deactivated_at=datetime(2026, 6, 5, 17, 30, tzinfo=UTC))]
    res = run("offboarding.access_revoked_in_time", facts)
    # deactivated during the last working day, before the termination took effect at its end
    assert res.status == "pass" and res.entities[0].measured["hours"] == -6.5  # type: ignore[index]
    assert "before the termination took effect" in res.entities[0].reason


def test_still_active_fails_with_days_and_alias_join(run) -> None:  # noqa: ANN001
    facts = [person("jo@x.io", date(2026, 10, 1)), acc("joanna@x.io", system="google", active=True),
             acc("svc@x.io", active=True, kind="service")]
    res = run("offboarding.access_revoked_in_time", facts, aliases={"joanna@x.io": "jo@x.io"})
    assert res.status == "fail"
    (e,) = res.entities
    assert e.entity == "joanna@x.io (google)" and "31 days" in e.reason and e.measured == {
        "days": 31, "terminated": "2026-10-01"}


def test_unknown_deactivation_time_is_partial(run) -> None:  # noqa: ANN001
    res = run("offboarding.access_revoked_in_time", [person("a@x.io", date(2026, 6, 5)), acc("a@x.io", active=False)])
    assert res.status == "partial"
    assert res.entities[0].reason.startswith("deactivated, time unknown")
    assert res.entities[0].gap_kind == "insufficient_evidence"


def test_offboarding_without_roster_or_leavers_is_not_assessed(run) -> None:  # noqa: ANN001
    assert run("offboarding.access_revoked_in_time", [acc("a@x.io", active=True)]).status == "not_assessed"
    assert run("offboarding.access_revoked_in_time", [person("a@x.io"), acc("a@x.io")]).status == "not_assessed"


def test_type2_ignores_old_terminations_for_timing(run) -> None:  # noqa: ANN001
    facts = [person("old@x.io", date(2025, 1, 1)),
             acc("old@x.io", active=False, deactivated_at=datetime(2025, 2, 1, tzinfo=UTC)),
             person("new@x.io", date(2026, 3, 2)),
             acc("new@x.io", active=False, deactivated_at=datetime(2026, 3, 2, 9, tzinfo=UTC))]
    res = run("offboarding.access_revoked_in_time", facts, period=(date(2026, 1, 1), date(2026, 12, 31)))
    assert res.status == "pass" and [e.entity for e in res.entities] == ["new@x.io (okta)"]


def test_login_after_termination(run) -> None:  # noqa: ANN001
    facts = [person("a@x.io", date(2026, 6, 5)),
             acc("a@x.io", active=False, last_login_at=datetime(2026, 6, 7, 8, tzinfo=UTC)),
             person("b@x.io", date(2026, 6, 5)),
             acc("b@x.io", active=False, last_login_at=datetime(2026, 6, 5, 16, tzinfo=UTC))]
    res = run("offboarding.no_login_after_termination", facts)
    assert res.status == "fail"
    assert [e.entity for e in res.entities if e.status == "fail"] == ["a@x.io (okta)"]
    assert run("offboarding.no_login_after_termination", facts[2:]).status == "pass"
