"""The identity graph: accounts, logins and names resolved to people; rehires; time zones; never blaming an
account on someone the evidence does not tie it to."""

from __future__ import annotations

from datetime import UTC, date, datetime

from trustgap.dates import zone
from trustgap.facts import Account, AccountEvent, FactSet, Person, Record, Src
from trustgap.identity import IdentityConfig, IdentityGraph, name_patterns

HR = Src("a" * 64, "row")
HR_OLD = Src("c" * 64, "row")
IDP = Src("b" * 64, "$")


def person(email: str | None, name: str, term: date | None = None, hire: date = date(2023, 1, 9), *,
           src: Src = HR, **kw: object) -> Person:
    return Person(src=src, email=email, name=name, hire_date=hire, termination_date=term,
                  status="terminated" if term else "active", **kw)  # type: ignore[arg-type]


def acc(account_id: str, system: str = "okta", email: str | None = None, **kw: object) -> Account:
    return Account(src=IDP, system=system, account_id=account_id, email=email, **kw)  # type: ignore[arg-type]


STAFF = [person("dana.lee@acme.io", "Dana Lee"), person("omar.haddad@acme.io", "Omar Haddad"),
         person("jo.smith@acme.io", "Jo Smith"), person("jon.smith@acme.io", "Jon Smith"),
         person("zoe.muller@acme.io", "Zoë Müller", logins=("github:zmuller-gh",))]


def graph(*extra: Person, **cfg: object) -> IdentityGraph:
    return IdentityGraph([*STAFF, *extra], IdentityConfig(**cfg))  # type: ignore[arg-type]


def test_every_kind_of_account_name_resolves_to_one_person() -> None:
    g = graph(accounts={"aws:deploy-dana": "dana.lee@acme.io"})
    cases = {
        acc("00u1", email="DANA.LEE@acme.io"): ("dana.lee@acme.io", "email"),
        acc("dana.lee", system="aws:123456789012"): ("dana.lee@acme.io", "local part"),
        acc("ohaddad", system="aws:123456789012"): ("omar.haddad@acme.io", "name pattern"),
        acc("4711", system="github", display_name="Haddad, Omar"): ("omar.haddad@acme.io", "display name"),
        acc("zmuller-gh", system="github"): ("zoe.muller@acme.io", "login"),
        acc("zoe.muller", system="aws"): ("zoe.muller@acme.io", "local part"),
        acc("deploy-dana", system="aws"): ("dana.lee@acme.io", "scope"),
    }
    for account, (email, method) in cases.items():
        r = g.resolve(account)
        assert r.person is not None and r.person.email == email, (account.account_id, r)
        assert r.method == method, (account.account_id, r.method)
    # accents and word order do not matter for display names
    r = g.resolve(acc("x9", system="slack", display_name="MULLER zoe"))
    assert r.person is not None and r.person.email == "zoe.muller@acme.io"


def test_ambiguous_and_unknown_names_resolve_to_no_one() -> None:
    g = graph()
    # jsmith could be Jo or Jon Smith: never guessed
    amb = g.resolve(acc("jsmith", system="aws"))
    assert amb.person is None and amb.status == "ambiguous" and "jo.smith@acme.io" in amb.detail
    unknown = g.resolve(acc("ci-runner", system="aws"))
    assert unknown.person is None and unknown.status == "unresolved"
    # an account whose e-mail matches nobody is not joined by looser rules on its id
    stranger = g.resolve(acc("dana.lee", system="google", email="dana.lee@other.example"))
    assert stranger.person is None and "dana.lee@other.example" in stranger.detail
    summary = g.summary([acc("jsmith", system="aws"), acc("ci-runner", system="aws"),
                         acc("00u1", email="dana.lee@acme.io")])
    assert summary["resolved"] == {"email": 1}
    assert [u["account"] for u in summary["unresolved"]] == ["ci-runner", "jsmith"]


def test_service_accounts_resolve_to_their_owner_as_service() -> None:
    g = graph(service_accounts={"build-bot": "omar.haddad@acme.io"})
    r = g.resolve(acc("build-bot", system="aws", kind="service"))
    assert r.person is not None and r.person.email == "omar.haddad@acme.io" and r.service


def test_name_patterns_cover_common_user_names() -> None:
    assert {"dana.lee", "dlee", "danalee", "d.lee", "lee.dana", "dana_lee"} <= name_patterns("Dana Lee")
    assert name_patterns("Cher") == set()


def test_rehire_has_two_spans_and_is_active_again() -> None:
    rows = [person("kim@acme.io", "Kim Park", date(2024, 6, 30), hire=date(2022, 2, 1)),
            person("kim@acme.io", "Kim Park", hire=date(2025, 3, 3))]
    g = IdentityGraph(rows)
    (kim,) = g.people
    assert [(s.start, s.end) for s in kim.spans] == [(date(2022, 2, 1), date(2024, 6, 30)), (date(2025, 3, 3), None)]
    assert kim.active_on(date(2026, 1, 1), UTC) and not kim.active_on(date(2024, 12, 1), UTC)
    assert kim.hire_date == date(2025, 3, 3)
    assert kim.leavings(date(2026, 1, 1)) == [(kim.spans[0], date(2025, 3, 3))]


def test_old_termination_beside_a_newer_hire_date_is_a_rehire() -> None:
    # BambooHR keeps the old Termination Date when a person is rehired: Hire Date moves, Status is Active
    row = person("bea@acme.io", "Bea Coelho", date(2024, 3, 29), hire=date(2025, 2, 3))
    row = Person(src=row.src, email=row.email, name=row.name, hire_date=row.hire_date,
                 termination_date=row.termination_date, status="active")
    (bea,) = IdentityGraph([row]).people
    assert [(s.start, s.end) for s in bea.spans] == [(None, date(2024, 3, 29)), (date(2025, 2, 3), None)]
    assert bea.active_on(date(2026, 11, 1), UTC)
    assert bea.leavings(date(2026, 11, 1)) == [(bea.spans[0], date(2025, 2, 3))]


def test_newest_roster_decides_and_the_disagreement_is_kept() -> None:
    old = person("ann@acme.io", "Ann Wu", src=HR_OLD)  # active in September's export
    new = person("ann@acme.io", "Ann Wu", date(2026, 10, 2))  # terminated in November's
    g = IdentityGraph([old, new], observed={HR_OLD.sha256: datetime(2026, 9, 1, tzinfo=UTC),
                                            HR.sha256: datetime(2026, 11, 1, tzinfo=UTC)})
    (ann,) = g.people
    assert [s.end for s in ann.spans] == [date(2026, 10, 2)]
    assert any(c.field == "termination_date" and c.chosen == "2026-10-02" for c in g.conflicts) or any(
        c.field == "status" for c in g.conflicts)


# --------------------------------------------------------------------------- offboarding through the graph


def test_rehired_persons_current_account_is_not_a_leavers(run) -> None:  # noqa: ANN001
    facts = [person("kim@acme.io", "Kim Park", date(2024, 6, 30), hire=date(2022, 2, 1)),
             person("kim@acme.io", "Kim Park", hire=date(2025, 3, 3)),
             acc("00u7", email="kim@acme.io", active=True, last_login_at=datetime(2026, 10, 30, tzinfo=UTC))]
    for check_id in ("offboarding.access_revoked_in_time", "offboarding.no_login_after_termination"):
        res = run(check_id, facts, as_of=date(2026, 11, 1))
        assert not [e for e in res.entities if e.status == "fail"], (check_id, res.entities)


def test_sign_in_between_termination_and_rehire_is_found_in_the_audit_log(run) -> None:  # noqa: ANN001
    facts = [person("kim@acme.io", "Kim Park", date(2026, 3, 31), hire=date(2022, 2, 1)),
             person("kim@acme.io", "Kim Park", hire=date(2026, 7, 1)),
             acc("00u7", email="kim@acme.io", active=True),
             AccountEvent(src=IDP, system="okta", account_id="00u7", email="kim@acme.io", action="deactivated",
                          at=datetime(2026, 4, 1, 9, tzinfo=UTC)),
             AccountEvent(src=IDP, system="okta", account_id="00u7", action="login",
                          at=datetime(2026, 5, 20, 8, tzinfo=UTC), outcome="SUCCESS")]
    res = run("offboarding.no_login_after_termination", facts, as_of=date(2026, 11, 1))
    (e,) = res.entities
    assert e.status == "fail" and "2026-05-20" in e.reason
    timely = run("offboarding.access_revoked_in_time", facts, as_of=date(2026, 11, 1))
    assert timely.status == "pass" and timely.entities[0].measured["hours"] == 9.0  # type: ignore[index]


def test_termination_takes_effect_at_the_end_of_the_local_day(run) -> None:  # noqa: ANN001
    # terminated Friday 15 May in Los Angeles: effective 16 May 07:00 UTC; deactivated 17 May 05:00 UTC = 22 h
    facts = [person("ray@acme.io", "Ray Diaz", date(2026, 5, 15)),
             acc("00u9", email="ray@acme.io", active=False, deactivated_at=datetime(2026, 5, 17, 5, tzinfo=UTC))]
    pacific = run("offboarding.access_revoked_in_time", facts, time_zone="America/Los_Angeles")
    assert pacific.status == "pass" and pacific.entities[0].measured["hours"] == 22.0  # type: ignore[index]
    utc_org = run("offboarding.access_revoked_in_time", facts)
    assert utc_org.status == "fail" and utc_org.entities[0].measured["hours"] == 29.0  # type: ignore[index]


def test_precise_termination_time_from_the_export_is_used(run) -> None:  # noqa: ANN001
    facts = [person("ray@acme.io", "Ray Diaz", date(2026, 5, 15),
                    termination_at=datetime(2026, 5, 15, 12, tzinfo=UTC)),
             acc("00u9", email="ray@acme.io", active=False, deactivated_at=datetime(2026, 5, 16, 18, tzinfo=UTC))]
    res = run("offboarding.access_revoked_in_time", facts)
    assert res.status == "fail" and res.entities[0].measured["hours"] == 30.0  # type: ignore[index]


def test_account_export_older_than_the_deadline_cannot_prove_a_late_removal(run) -> None:  # noqa: ANN001
    facts = [person("ray@acme.io", "Ray Diaz", date(2026, 10, 30)), acc("00u9", email="ray@acme.io", active=True)]
    res = run("offboarding.access_revoked_in_time", facts, observed={IDP.sha256: datetime(2026, 10, 29, tzinfo=UTC)})
    (e,) = res.entities
    assert e.status == "partial" and e.gap_kind == "insufficient_evidence" and "newer account evidence" in e.reason
    newer = run("offboarding.access_revoked_in_time", facts, observed={IDP.sha256: datetime(2026, 11, 1, tzinfo=UTC)})
    assert newer.entities[0].status == "fail"


def test_suspension_time_from_an_audit_log_event(run) -> None:  # noqa: ANN001
    facts = [person("ray@acme.io", "Ray Diaz", date(2026, 5, 15)),
             acc("ray@acme.io", system="google", email="ray@acme.io", active=False),
             AccountEvent(src=IDP, system="google", account_id="ray@acme.io", action="suspended",
                          at=datetime(2026, 5, 16, 10, tzinfo=UTC))]
    res = run("offboarding.access_revoked_in_time", facts)
    assert res.status == "pass" and res.entities[0].measured["hours"] == 10.0  # type: ignore[index]


def test_iam_user_of_a_leaver_named_first_dot_last_is_found(run) -> None:  # noqa: ANN001
    facts = [person("dana.lee@acme.io", "Dana Lee", date(2026, 9, 1)),
             acc("dana.lee", system="aws:111122223333", active=True, has_password=True)]
    res = run("offboarding.access_revoked_in_time", facts)
    (e,) = res.entities
    assert e.status == "fail" and "matched to dana.lee@acme.io by local part" in e.reason


def test_accounts_nobody_owns_are_not_blamed_on_anyone(run) -> None:  # noqa: ANN001
    facts = [*STAFF, acc("jsmith", system="aws", active=True, has_password=True),
             acc("00u1", email="dana.lee@acme.io", active=True), acc("00u2", email="ghost@acme.io", active=True)]
    res = run("accounts.owned_by_person", facts, systems=("okta", "aws"))
    by = {e.entity: e for e in res.entities}
    assert by["ghost@acme.io (okta)"].status == "fail"  # an IdP account with an e-mail nobody has
    assert by["dana.lee@acme.io (okta)"].status == "pass"
    # ambiguous between Jo and Jon Smith: listed as "cannot tell", never blamed on either
    assert by["jsmith (aws)"].status == "partial" and by["jsmith (aws)"].gap_kind == "insufficient_evidence"
    assert "jo.smith@acme.io" in by["jsmith (aws)"].reason


def test_contractor_list_vouches_for_accounts(run) -> None:  # noqa: ANN001
    contractor = Person(src=HR_OLD, email="pat@agency.example", name="Pat Roe", hire_date=date(2026, 1, 5),
                        employment_type="contractor", source_kind="contractors")
    res = run("accounts.owned_by_person", [*STAFF, contractor, acc("00u3", email="pat@agency.example", active=True)])
    assert res.status == "pass"


def test_training_records_named_by_person_name_count(run) -> None:  # noqa: ANN001
    facts = [person("dana.lee@acme.io", "Dana Lee"),
             Record(src=IDP, kind="security_training", performed_on=date(2026, 6, 1), subject="Lee, Dana")]
    res = run("training.completed_annually", facts)
    assert res.status == "pass"


def test_fact_set_builds_the_graph_with_the_scope_settings() -> None:
    fs = FactSet([person("dana.lee@acme.io", "Dana Lee")],
                 identity=IdentityConfig(accounts={"github:dl-gh": "dana.lee@acme.io"},
                                         time_zone=zone("Europe/Berlin")))
    r = fs.identity.resolve(acc("dl-gh", system="github"))
    assert r.person is not None and r.method == "scope" and str(fs.identity.tz) == "Europe/Berlin"


def test_scope_map_names_an_account_by_its_other_login() -> None:
    g = graph(accounts={"okta:taro": "omar.haddad@acme.io"})
    okta = acc("00u5", email="taro@acme.io", aliases=("taro",))
    r = g.resolve(okta)
    assert r.person is not None and r.person.email == "omar.haddad@acme.io" and r.method == "scope"


def test_account_left_active_through_a_rehire_gap_is_a_failure(run) -> None:  # noqa: ANN001
    facts = [person("kim@acme.io", "Kim Park", date(2024, 6, 28), hire=date(2021, 2, 1)),
             person("kim@acme.io", "Kim Park", hire=date(2026, 3, 2)),
             acc("00u7", email="kim@acme.io", active=True, status="ACTIVE",
                 status_changed_at=datetime(2021, 2, 1, 9, tzinfo=UTC))]
    res = run("offboarding.access_revoked_in_time", facts, as_of=date(2026, 11, 1),
              period=(date(2026, 1, 1), date(2026, 10, 31)))
    (e,) = res.entities
    assert e.status == "fail" and "stayed active while its owner was not employed" in e.reason
    assert e.measured["days"] == 612  # type: ignore[index]


def test_contractor_hired_as_employee_the_next_day_needs_no_removal(run) -> None:  # noqa: ANN001
    facts = [Person(src=HR_OLD, email="noa@acme.io", name="Noa Hayashi", hire_date=date(2025, 5, 1),
                    termination_date=date(2026, 3, 31), employment_type="contractor", source_kind="contractors"),
             person("noa@acme.io", "Noa Hayashi", hire=date(2026, 4, 1)),
             acc("00u8", email="noa@acme.io", active=True, status_changed_at=datetime(2025, 5, 1, tzinfo=UTC))]
    res = run("offboarding.access_revoked_in_time", facts, as_of=date(2026, 11, 1))
    assert res.entities == [] and res.status == "not_assessed"


def test_service_account_whose_owner_left_is_owned_by_nobody(run) -> None:  # noqa: ANN001
    facts = [*STAFF, person("yara@acme.io", "Yara Tanaka", date(2026, 6, 12)),
             acc("svc-reports@acme.io", email="svc-reports@acme.io", kind="service", active=True),
             acc("svc-backup@acme.io", email="svc-backup@acme.io", kind="service", active=True)]
    res = run("accounts.service_accounts_owned", facts,
              owners={"svc-reports@acme.io": "yara@acme.io", "svc-backup@acme.io": "dana.lee@acme.io"})
    by = {e.entity: e for e in res.entities}
    assert by["svc-reports@acme.io (okta)"].status == "fail" and "left on 2026-06-12" in by[
        "svc-reports@acme.io (okta)"].reason
    assert by["svc-backup@acme.io (okta)"].status == "pass"


def test_account_declared_as_service_in_the_scope_is_judged_by_its_owner(run) -> None:  # noqa: ANN001
    # Okta reports every account as a plain user: only the scope's identity.service_accounts says that
    # svc-reports is a service account, and its owner Yara left on 2026-06-12
    facts = [*STAFF, person("yara@acme.io", "Yara Tanaka", date(2026, 6, 12)),
             acc("00u1", email="svc-reports@acme.io", active=True),
             acc("00u2", email="svc-backup@acme.io", active=True),
             acc("00u3", email="ghost@acme.io", active=True)]
    owners = {"svc-reports@acme.io": "yara@acme.io", "SVC-Backup@acme.io".lower(): "dana.lee@acme.io"}
    res = run("accounts.service_accounts_owned", facts, owners=owners)
    by = {e.entity: e for e in res.entities}
    assert set(by) == {"svc-reports@acme.io (okta)", "svc-backup@acme.io (okta)"}  # ghost is no service account
    assert by["svc-reports@acme.io (okta)"].status == "fail"
    assert "left on 2026-06-12: nobody owns it now" in by["svc-reports@acme.io (okta)"].reason
    assert by["svc-backup@acme.io (okta)"].status == "pass"
