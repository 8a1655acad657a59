from __future__ import annotations

from datetime import UTC, date, datetime

from trustgap.facts import Account, Credential, Person, Setting, Src

S = Src("c" * 64, "row")


def person(email: str) -> Person:
    return Person(src=S, email=email, hire_date=date(2024, 1, 1), status="active")


def acc(email: str, system: str = "google", **kw: object) -> Account:
    kw.setdefault("active", True)
    return Account(src=S, system=system, account_id=kw.pop("account_id", email), email=email, **kw)  # type: ignore[arg-type]


def failing(res) -> list[str]:  # noqa: ANN001
    return [e.entity for e in res.entities if e.status == "fail"]


def test_orphan_accounts(run) -> None:  # noqa: ANN001
    facts = [person("ann@x.io"), acc("ann@x.io"), acc("ghost@x.io"),
             acc("ci@x.io", kind="service", owner_email="ann@x.io"), acc("bot@x.io", kind="service")]
    res = run("accounts.owned_by_person", facts)
    assert res.status == "fail" and failing(res) == ["ghost@x.io (google)"]
    assert run("accounts.owned_by_person", facts[:2]).status == "pass"
    assert run("accounts.owned_by_person", facts[1:]).status == "not_assessed"


def test_service_account_owners(run) -> None:  # noqa: ANN001
    facts = [acc("ci@x.io", kind="service", owner_email="ann@x.io"), acc("bot@x.io", kind="service")]
    res = run("accounts.service_accounts_owned", facts)
    assert failing(res) == ["bot@x.io (google)"]
    assert run("accounts.service_accounts_owned", facts, owners={"bot@x.io": "bob@x.io"}).status == "pass"


def test_inactive_accounts(run) -> None:  # noqa: ANN001
    facts = [acc("a@x.io", last_login_at=datetime(2026, 10, 20, tzinfo=UTC)),
             acc("b@x.io", last_login_at=datetime(2026, 5, 1, tzinfo=UTC))]
    res = run("accounts.inactive_disabled", facts)
    assert res.status == "fail" and failing(res) == ["b@x.io (google)"]
    assert res.entities[1].measured == {"days": 184}
    assert run("accounts.inactive_disabled", facts[:1]).status == "pass"


def test_never_used_accounts(run) -> None:  # noqa: ANN001
    old = acc("old@x.io", created_at=datetime(2026, 1, 1, tzinfo=UTC))
    new = acc("new@x.io", created_at=datetime(2026, 10, 25, tzinfo=UTC))
    res = run("accounts.never_used_removed", [old, new])
    assert failing(res) == ["old@x.io (google)"]
    assert run("accounts.never_used_removed", [new]).status == "pass"


def test_single_identity(run) -> None:  # noqa: ANN001
    facts = [acc("ann@x.io", account_id="1"), acc("ann.b@x.io", account_id="2"), acc("bob@x.io")]
    res = run("accounts.people_have_single_identity", facts, aliases={"ann.b@x.io": "ann@x.io"})
    assert failing(res) == ["ann@x.io (google)"]
    assert run("accounts.people_have_single_identity", facts[::2]).status == "pass"


def test_admins_few(run) -> None:  # noqa: ANN001
    users = [acc(f"u{i}@x.io", is_admin=False) for i in range(10)]
    admins = [acc(f"a{i}@x.io", is_admin=True) for i in range(4)]
    res = run("admins.few_per_system", users + admins)
    assert res.status == "fail"
    (e,) = res.entities
    assert e.entity == "google" and "a0@x.io" in e.reason and e.measured["limit"] == 3  # type: ignore[index]
    assert run("admins.few_per_system", users + admins[:3]).status == "pass"
    assert run("admins.few_per_system", [acc("x@x.io")]).status == "not_assessed"


def test_admins_separate(run) -> None:  # noqa: ANN001
    facts = [person("ann@x.io"), acc("ann@x.io", is_admin=True), acc("ann.admin@x.io", is_admin=True)]
    res = run("admins.separate_accounts", facts)
    assert res.status == "partial"
    assert [e.entity for e in res.entities if e.status == "partial"] == ["ann@x.io (google)"]
    assert run("admins.separate_accounts", [facts[0], facts[2]]).status == "pass"


def test_console_users_with_keys(run) -> None:  # noqa: ANN001
    system = "aws:123456789012"
    u = Account(src=S, system=system, account_id="ann", has_password=True)
    key = Credential(src=S, system=system, account_id="ann", kind="access_key", slot="1", active=True)
    res = run("aws.console_users_without_access_keys", [u, key])
    assert res.status == "partial" and res.entities[0].entity == f"ann ({system})"
    assert run("aws.console_users_without_access_keys", [u]).status == "pass"


def _key(**kw: object) -> Credential:
    return Credential(src=S, system="aws:1", account_id="ci", kind="access_key", slot="1", active=True, **kw)  # type: ignore[arg-type]


def test_keys_rotated(run) -> None:  # noqa: ANN001
    res = run("credentials.keys_rotated", [_key(created_or_rotated_at=datetime(2026, 1, 1, tzinfo=UTC))])
    assert res.status == "fail" and failing(res) == ["ci access_key #1 (aws:1)"]
    assert res.entities[0].measured == {"days": 304}
    assert run("credentials.keys_rotated", [_key(created_or_rotated_at=datetime(2026, 10, 1, tzinfo=UTC))]
               ).status == "pass"
    assert run("credentials.keys_rotated", []).status == "not_assessed"


def test_unused_keys(run) -> None:  # noqa: ANN001
    stale = _key(created_or_rotated_at=datetime(2026, 1, 1, tzinfo=UTC), last_used_at=datetime(2026, 2, 1, tzinfo=UTC))
    fresh = _key(created_or_rotated_at=datetime(2026, 1, 1, tzinfo=UTC), last_used_at=datetime(2026, 10, 30,
                                                                                                tzinfo=UTC))
    assert run("credentials.unused_removed", [stale]).status == "fail"
    assert run("credentials.unused_removed", [fresh]).status == "pass"


def test_root_access_keys(run) -> None:  # noqa: ANN001
    root = Account(src=S, system="aws:111", account_id="<root_account>", kind="root")
    rk = Credential(src=S, system="aws:111", account_id="<root_account>", kind="access_key", slot="1", active=True)
    res = run("aws.root_no_access_keys", [root, rk])
    assert res.status == "fail" and failing(res) == ["111"]
    assert run("aws.root_no_access_keys", [root]).status == "pass"
    s = Setting(src=S, system="aws", scope="222", key="aws.iam.root_access_keys_present", value=True)
    assert failing(run("aws.root_no_access_keys", [s])) == ["222"]


def test_password_policy(run) -> None:  # noqa: ANN001
    def pol(v: object) -> Setting:
        return Setting(src=S, system="aws", scope="111", key="aws.iam.password_policy", value=v)

    assert run("aws.password_policy_strong", [pol({"MinimumPasswordLength": 14,
                                                   "PasswordReusePrevention": 24})]).status == "pass"
    res = run("aws.password_policy_strong", [pol({"MinimumPasswordLength": 8, "PasswordReusePrevention": 24})])
    assert res.status == "fail" and "minimum length 8" in res.entities[0].reason
    assert run("aws.password_policy_strong", [pol(None)]).entities[0].gap_kind == "missing"


def test_unjoinable_non_idp_accounts_are_cannot_tell_not_orphans(run) -> None:  # noqa: ANN001
    facts = [person("ann@x.io"), acc("ann@x.io"),
             Account(src=S, system="github", account_id="octo", active=True)]
    res = run("accounts.owned_by_person", facts, systems=("github",))
    octo = next(e for e in res.entities if e.entity == "octo (github)")
    assert res.status == "partial" and octo.status == "partial" and octo.gap_kind == "insufficient_evidence"
    assert "identity.accounts" in octo.reason
    mapped = run("accounts.owned_by_person", facts, systems=("github",), identity_accounts={"github:octo": "ann@x.io"})
    assert mapped.status == "pass"
