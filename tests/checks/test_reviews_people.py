from __future__ import annotations

from datetime import date

from trustgap.facts import Account, Person, Record, Src

S = Src("d" * 64, "row")
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


def review(day: date, subject: str | None = "google", **kw: object) -> Record:
    kw.setdefault("participants", ("dana@x.io",))
    kw.setdefault("details", {"users_reviewed": 42})
    return Record(src=S, kind="access_review", performed_on=day, subject=subject, **kw)  # type: ignore[arg-type]


def person(email: str, hire: date = date(2024, 1, 1), term: date | None = None) -> Person:
    return Person(src=S, email=email, hire_date=hire, termination_date=term, status="active")


def rec(kind: str, subject: str, day: date, **kw: object) -> Record:
    return Record(src=S, kind=kind, subject=subject, performed_on=day, **kw)  # type: ignore[arg-type]


def failing(res) -> list[str]:  # noqa: ANN001
    return [e.entity for e in res.entities if e.status == "fail"]


def test_access_reviews_type2_names_missing_quarters(run) -> None:  # noqa: ANN001
    facts = [review(date(2026, 2, 10)), review(date(2026, 11, 20))]
    res = run("access_reviews.performed_on_cadence", facts, as_of=date(2026, 12, 31), period=PERIOD)
    assert res.status == "fail"
    (e,) = res.entities
    assert e.entity == "google"
    assert e.measured is not None and e.measured["missing"] == ["2026-Q2", "2026-Q3"] and e.measured["due"] == 4
    assert "2026-Q2, 2026-Q3" in e.reason


def test_access_reviews_every_quarter_passes(run) -> None:  # noqa: ANN001
    facts = [review(date(2026, m, 15)) for m in (2, 5, 8, 11)]
    res = run("access_reviews.performed_on_cadence", facts, as_of=date(2026, 12, 31), period=PERIOD)
    assert res.status == "pass"


def test_access_reviews_type1(run) -> None:  # noqa: ANN001
    assert run("access_reviews.performed_on_cadence", [review(date(2026, 9, 1))]).status == "pass"
    res = run("access_reviews.performed_on_cadence", [review(date(2026, 3, 1))])
    assert res.status == "fail" and failing(res) == ["google"]
    assert run("access_reviews.performed_on_cadence", []).status == "not_assessed"


def test_access_reviews_documented(run) -> None:  # noqa: ANN001
    good = review(date(2026, 9, 1))
    bad = review(date(2026, 9, 2), participants=(), details={})
    res = run("access_reviews.documented", [good, bad])
    assert res.status == "partial"
    (e,) = [e for e in res.entities if e.status != "pass"]
    assert e.entity == "google review 2026-09-02" and "reviewer or users reviewed" in e.reason
    assert e.gap_kind == "insufficient_evidence"
    assert run("access_reviews.documented", [good]).status == "pass"


def test_access_reviews_cover_every_system(run) -> None:  # noqa: ANN001
    accounts = [Account(src=S, system="google", account_id="a"), Account(src=S, system="github", account_id="b")]
    res = run("access_reviews.cover_every_system", accounts + [review(date(2026, 9, 1))])
    assert res.status == "fail" and failing(res) == ["github"]
    res = run("access_reviews.cover_every_system", accounts + [review(date(2026, 9, 1), subject="all systems")])
    assert res.status == "pass"


def test_training_annual_with_new_hire_grace(run) -> None:  # noqa: ANN001
    facts = [person("a@x.io"), person("b@x.io"), person("new@x.io", hire=date(2026, 10, 20)),
             person("left@x.io", term=date(2026, 5, 1)),
             rec("security_training", "a@x.io", date(2026, 3, 1), outcome="completed"),
             rec("security_training", "b@x.io", date(2025, 3, 1), outcome="completed")]
    res = run("training.completed_annually", facts)
    assert res.status == "fail" and failing(res) == ["b@x.io"]
    assert res.entities[1].gap_kind == "stale"
    assert run("training.completed_annually", facts[:1] + facts[4:5]).status == "pass"
    assert run("training.completed_annually", facts[:4]).status == "not_assessed"


def test_new_hires_trained(run) -> None:  # noqa: ANN001
    facts = [person("a@x.io", hire=date(2026, 3, 1)), person("b@x.io", hire=date(2026, 4, 1)),
             rec("security_training", "a@x.io", date(2026, 3, 10)),
             rec("security_training", "b@x.io", date(2026, 7, 1))]
    res = run("training.new_hires_trained", facts)
    assert failing(res) == ["b@x.io"] and res.entities[1].measured == {"days": 91}
    assert run("training.new_hires_trained", facts[::2]).status == "pass"


def test_background_checks(run) -> None:  # noqa: ANN001
    facts = [person("a@x.io"), person("b@x.io"), person("c@x.io"),
             rec("background_check", "a@x.io", date(2024, 1, 1), outcome="clear"),
             rec("background_check", "b@x.io", date(2024, 1, 1), outcome="pending")]
    res = run("hr.background_checks_completed", facts)
    assert res.status == "fail" and failing(res) == ["c@x.io"]
    assert [e.entity for e in res.entities if e.status == "partial"] == ["b@x.io"]
    assert run("hr.background_checks_completed", facts[:1] + facts[3:4]).status == "pass"
    assert run("hr.background_checks_completed", facts,
               thresholds={"background_check_required": False}).status == "not_applicable"


def test_policy_and_conduct_acknowledgements(run) -> None:  # noqa: ANN001
    facts = [person("a@x.io"), person("b@x.io"),
             rec("policy_acknowledgement", "a@x.io", date(2026, 2, 1), title="Information Security Policy"),
             rec("policy_acknowledgement", "b@x.io", date(2026, 2, 1), title="Code of Conduct")]
    res = run("hr.policies_acknowledged", facts)
    assert failing(res) == ["b@x.io"]
    res = run("hr.code_of_conduct_acknowledged", facts)
    assert failing(res) == ["a@x.io"]
    assert run("hr.policies_acknowledged", facts[:1] + facts[2:3]).status == "pass"
    assert run("hr.code_of_conduct_acknowledged", facts[1:2] + facts[3:]).status == "pass"


def test_per_user_review_rows_are_one_documented_review(run) -> None:  # noqa: ANN001
    """An export with a row per account and decision is one review per system and day, its users counted."""
    rows = [review(date(2026, 9, 28), "aws", performed_by="priya@x.io", participants=(), outcome=o,
                   details={"email": f"u{i}@x.io"}) for i, o in enumerate(("Keep", "Revoke", "Keep"))]
    undocumented = review(date(2026, 9, 29), "github", participants=(), details={"email": "u9@x.io"})
    res = run("access_reviews.documented", [*rows, undocumented])
    by = {e.entity: e for e in res.entities}
    assert set(by) == {"aws review 2026-09-28", "github review 2026-09-29"}
    aws = by["aws review 2026-09-28"]
    assert aws.status == "pass" and aws.measured == {"users_reviewed": 3, "revoked": 1}
    assert by["github review 2026-09-29"].status == "partial" and "no reviewer" in by["github review 2026-09-29"].reason
