from __future__ import annotations

from datetime import UTC, date, datetime

from trustgap.facts import Account, Setting, Src

S = Src("a" * 64, "row")


def acc(system: str, email: str, **kw: object) -> Account:
    kw.setdefault("active", True)
    return Account(src=S, system=system, account_id=kw.pop("account_id", email), email=email, **kw)  # type: ignore[arg-type]


def failing(res) -> list[str]:  # noqa: ANN001
    return [e.entity for e in res.entities if e.status == "fail"]


def test_mfa_every_system_fails_on_user_without_mfa(run) -> None:  # noqa: ANN001
    facts = [acc("google", "ann@x.io", mfa_enabled=True), acc("google", "bob@x.io", mfa_enabled=False),
             acc("google", "gone@x.io", mfa_enabled=False, active=False)]
    res = run("mfa.enabled_on_every_system", facts, mfa_systems=("google",))
    assert res.status == "fail"
    assert failing(res) == ["bob@x.io (google)"]


def test_mfa_every_system_passes_and_uses_org_enforcement(run) -> None:  # noqa: ANN001
    facts = [acc("google", "ann@x.io", mfa_enabled=True), acc("github", "ann@x.io", account_id="ann"),
             Setting(src=S, system="github", scope="acme", key="github.org.two_factor_requirement_enabled",
                     value=True)]
    res = run("mfa.enabled_on_every_system", facts, mfa_systems=("google", "github"))
    assert res.status == "pass"


def test_mfa_system_without_evidence_is_not_a_pass(run) -> None:  # noqa: ANN001
    facts = [acc("google", "ann@x.io", mfa_enabled=True)]
    res = run("mfa.enabled_on_every_system", facts, mfa_systems=("google", "okta"))
    assert res.status == "partial"
    okta = [e for e in res.entities if e.entity == "okta"][0]
    assert "not assessed" in okta.reason and okta.gap_kind == "insufficient_evidence"
    assert run("mfa.enabled_on_every_system", [], mfa_systems=("okta",)).status == "not_assessed"


def test_mfa_skips_aws_users_without_console(run) -> None:  # noqa: ANN001
    facts = [acc("aws:123456789012", "svc@x.io", has_password=False, mfa_enabled=False),
             acc("aws:123456789012", "ann@x.io", has_password=True, mfa_enabled=False)]
    res = run("mfa.enabled_on_every_system", facts, mfa_systems=("aws",))
    assert failing(res) == ["ann@x.io (aws:123456789012)"]


def test_root_mfa(run) -> None:  # noqa: ANN001
    root = Account(src=S, system="aws:111111111111", account_id="<root_account>", kind="root", mfa_enabled=True)
    assert run("aws.root_mfa_enabled", [root]).status == "pass"
    setting = Setting(src=S, system="aws", scope="111111111111", key="aws.iam.root_mfa_enabled", value=False)
    res = run("aws.root_mfa_enabled", [root, setting])
    assert res.status == "fail" and failing(res) == ["111111111111"]
    assert run("aws.root_mfa_enabled", []).status == "not_assessed"


def test_admins_mfa(run) -> None:  # noqa: ANN001
    ok = acc("okta", "ann@x.io", is_admin=True, mfa_enabled=True)
    bad = acc("google", "boss@x.io", is_admin=True, mfa_enabled=False)
    user = acc("google", "u@x.io", mfa_enabled=False)
    assert run("admins.mfa_enabled", [ok, user]).status == "pass"
    res = run("admins.mfa_enabled", [ok, bad, user])
    assert res.status == "fail" and failing(res) == ["boss@x.io (google)"]


def test_idp_mfa_enforced(run) -> None:  # noqa: ANN001
    res = run("idp.mfa_enforced", [acc("google", "a@x.io", mfa_enforced=True),
                                   acc("google", "b@x.io", mfa_enforced=False)])
    assert res.status == "fail" and failing(res) == ["b@x.io (google)"]
    tenant = Setting(src=S, system="google", scope="x.io", key="google.tenant.2sv_enforced", value=True)
    assert run("idp.mfa_enforced", [acc("google", "b@x.io", mfa_enforced=False), tenant]).status == "pass"
    assert run("idp.mfa_enforced", [acc("google", "b@x.io")]).status == "not_assessed"


def test_github_org_2fa(run) -> None:  # noqa: ANN001
    def s(v: object) -> Setting:
        return Setting(src=S, system="github", scope="acme", key="github.org.two_factor_requirement_enabled",
                       value=v)

    assert run("github.org_2fa_required", [s(True)]).status == "pass"
    res = run("github.org_2fa_required", [s(False)])
    assert res.status == "fail" and failing(res) == ["acme"]
    assert run("github.org_2fa_required", [s(None)]).status == "not_assessed"


def test_mfa_not_required_is_not_applicable(run) -> None:  # noqa: ANN001
    res = run("mfa.enabled_on_every_system", [acc("google", "a@x.io", mfa_enabled=False)],
              thresholds={"mfa_required": False})
    assert res.status == "not_applicable"


_ = (UTC, date, datetime)
