"""AWS IAM credential report, Google Workspace Directory users and Okta users / factors / roles parsers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.checks.base import CheckContext, CheckResult, load_checks
from trustgap.demo import demo_folder
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.parsers.okta import UserDetail
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import Account, Credential, FactSet, Person, Src
from trustgap.thresholds import ResolvedThresholds

FIX = Path(__file__).parent.parent / "fixtures" / "evidence" / "identity"
AWS = "aws_iam_credential_report"
ACCOUNT = "aws:123456789012"


def run(name: str, data: bytes, path: str = "evidence.json") -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 10, tzinfo=UTC), len(data))
    return parse_with(load_parsers()[name], data, ParseContext(ref=ref, path=path, as_of=date(2026, 3, 10)))


def fixture(name: str) -> bytes:
    return (FIX / name).read_bytes()


def accounts(facts: list[Any]) -> dict[str, Account]:
    return {f.account_id: f for f in facts if isinstance(f, Account)}


def credentials(facts: list[Any]) -> dict[tuple[str, str, str], Credential]:
    return {(c.account_id, c.kind, c.slot): c for c in facts if isinstance(c, Credential)}


def check(check_id: str, facts: list[Any], **ctx: Any) -> CheckResult:
    context = CheckContext(facts=FactSet(facts), thresholds=ResolvedThresholds(ctx.pop("thresholds", {})),
                           as_of=ctx.pop("as_of", date(2026, 3, 10)), **ctx)
    return load_checks()[check_id].run(context)


def by_entity(result: CheckResult) -> dict[str, str]:
    return {e.entity: e.status for e in result.entities}


def t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --------------------------------------------------------------------------- AWS IAM credential report


def test_credential_report_accounts() -> None:
    res = run(AWS, fixture("aws-credential-report.csv"), "credential-report.csv")
    assert res.errors == []
    accts = accounts(res.facts)
    assert set(accts) == {"<root_account>", "alice.ng@acme.example", "bob.ortiz@acme.example", "ci-deployer",
                          "legacy-ftp", "former.contractor"}
    assert {a.system for a in accts.values()} == {ACCOUNT}
    root = accts["<root_account>"]
    assert (root.kind, root.mfa_enabled, root.has_password, root.active) == ("root", False, None, True)
    assert root.last_login_at == t("2026-01-14T17:02:10+00:00")
    alice = accts["alice.ng@acme.example"]
    assert (alice.kind, alice.email, alice.mfa_enabled, alice.has_password) == (
        "user", "alice.ng@acme.example", True, True)
    assert alice.created_at == t("2022-02-14T10:00:00+00:00") and alice.src.locator == "row 3"
    bob = accts["bob.ortiz@acme.example"]
    assert bob.last_login_at is None  # no_information: never used
    assert bob.mfa_enabled is False and bob.kind == "user"
    assert accts["ci-deployer"].kind == "service" and accts["ci-deployer"].email is None
    assert accts["legacy-ftp"].kind == "service" and accts["legacy-ftp"].active is True  # active certificate
    gone = accts["former.contractor"]
    assert (gone.kind, gone.active, gone.has_password) == ("user", False, False)


def test_credential_report_credentials() -> None:
    res = run(AWS, fixture("aws-credential-report.csv"), "credential-report.csv")
    creds = credentials(res.facts)
    root_key = creds[("<root_account>", "access_key", "1")]
    assert root_key.active is True and root_key.system == ACCOUNT
    assert root_key.created_or_rotated_at == t("2019-06-03T09:00:00+00:00")
    assert root_key.src.locator == "row 2 access_key_1"
    assert ("<root_account>", "access_key", "2") not in creds
    pw = creds[("alice.ng@acme.example", "password", "")]
    assert pw.created_or_rotated_at == t("2025-11-02T09:00:00+00:00")
    assert pw.last_used_at == t("2026-02-27T08:41:19+00:00")
    old = creds[("bob.ortiz@acme.example", "access_key", "2")]  # inactive key still listed with its dates
    assert old.active is False and old.last_used_at == t("2023-09-12T11:00:00+00:00")
    unused = creds[("ci-deployer", "access_key", "2")]
    assert unused.active is True and unused.last_used_at is None
    cert = creds[("legacy-ftp", "certificate", "1")]
    assert cert.active is True and cert.created_or_rotated_at == t("2018-09-09T09:11:00+00:00")
    assert not [c for c in creds if c[0] == "former.contractor"]


def test_credential_report_feeds_the_checks() -> None:
    facts = run(AWS, fixture("aws-credential-report.csv")).facts
    assert by_entity(check("aws.root_no_access_keys", facts)) == {"123456789012": "fail"}
    assert by_entity(check("aws.root_mfa_enabled", facts)) == {"123456789012": "fail"}
    mfa = by_entity(check("mfa.enabled_on_every_system", facts, mfa_systems=("aws",)))
    assert mfa == {f"alice.ng@acme.example ({ACCOUNT})": "pass", f"bob.ortiz@acme.example ({ACCOUNT})": "fail"}
    rotated = by_entity(check("credentials.keys_rotated", facts))
    assert rotated[f"bob.ortiz@acme.example access_key #1 ({ACCOUNT})"] == "fail"
    assert rotated[f"ci-deployer access_key #2 ({ACCOUNT})"] == "pass"
    owners = by_entity(check("accounts.service_accounts_owned", facts,
                             service_account_owners={"ci-deployer": "alice.ng@acme.example"}))
    assert owners == {f"ci-deployer ({ACCOUNT})": "pass", f"legacy-ftp ({ACCOUNT})": "fail"}


def test_credential_report_cli_json_is_decoded() -> None:
    res = run(AWS, fixture("aws-credential-report-cli.json"), "get-credential-report.json")
    assert res.errors == []
    accts = accounts(res.facts)
    assert set(accts) == {"<root_account>", "alice.ng@acme.example"}
    assert accts["alice.ng@acme.example"].src.locator == "Content row 3"
    csv_facts = accounts(run(AWS, fixture("aws-credential-report.csv")).facts)
    assert accts["alice.ng@acme.example"].mfa_enabled == csv_facts["alice.ng@acme.example"].mfa_enabled


def test_credential_report_bom_crlf_capitals_extra_and_reordered_columns() -> None:
    lines = fixture("aws-credential-report.csv").decode().splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    order = list(reversed(range(len(header))))
    new_header = [header[i].upper() for i in order] + ["account_alias"]
    new_rows = [[r[i] for i in order] + ["acme-prod"] for r in rows]
    text = "\r\n".join(",".join(r) for r in [new_header, *new_rows]) + "\r\n"
    res = run(AWS, b"\xef\xbb\xbf" + text.encode())
    assert res.errors == []
    original = run(AWS, fixture("aws-credential-report.csv")).facts
    strip = [(type(f).__name__, getattr(f, "account_id", ""), getattr(f, "kind", ""), getattr(f, "active", None))
             for f in original]
    assert [(type(f).__name__, getattr(f, "account_id", ""), getattr(f, "kind", ""), getattr(f, "active", None))
            for f in res.facts] == strip
    assert recognise(b"\xef\xbb\xbf" + text.encode(), "export.txt").name == AWS  # type: ignore[union-attr]


def test_credential_report_bad_rows_are_reported_and_the_rest_kept() -> None:
    lines = fixture("aws-credential-report.csv").decode().splitlines()
    bad_date = lines[2].replace("2022-02-14T10:00:00+00:00", "last tuesday")
    bad_flag = lines[3].replace(",false,true,2024-01-10", ",maybe,true,2024-01-10")
    bad_arn = lines[4].replace("arn:aws:iam::123456789012:user/ci-deployer", "ci-deployer")
    no_user = "," + lines[5].split(",", 1)[1]
    truncated = lines[6][:40]
    data = "\n".join([lines[0], lines[1], bad_date, bad_flag, bad_arn, no_user, lines[2], truncated]).encode()
    res = run(AWS, data, "report.csv")
    where = {(e.line, e.field) for e in res.errors}
    assert (3, "user_creation_time") in where
    assert (4, "mfa_active") in where
    assert (5, "arn") in where
    assert (6, "user") in where
    assert (7, "user") in where  # alice listed twice
    assert any(e.line == 8 and "cells" in e.message for e in res.errors)
    accts = accounts(res.facts)
    assert accts["alice.ng@acme.example"].created_at is None  # bad value dropped, row kept
    assert accts["bob.ortiz@acme.example"].mfa_enabled is None
    assert accts["ci-deployer"].system == ACCOUNT  # account of the file's other rows
    assert "former.contractor" in accts
    assert all(e.path == "report.csv" for e in res.errors)


@pytest.mark.parametrize(("data", "line", "field"), [
    (b"", 1, None),
    (b"user,mfa_active\nalice,true\n", 1, None),
    (json.dumps({"Content": "%%%not base64", "ReportFormat": "text/csv"}).encode(), None, "Content"),
    (json.dumps({"Content": "dXNlcg==", "ReportFormat": "application/pdf"}).encode(), None, "ReportFormat"),
])
def test_credential_report_unreadable_files_give_one_error(data: bytes, line: int | None, field: str | None) -> None:
    res = run(AWS, data, "report.csv")
    assert res.facts == [] and len(res.errors) == 1
    assert (res.errors[0].line, res.errors[0].field) == (line, field)
    assert str(res.errors[0]).startswith("report.csv")


# --------------------------------------------------------------------------- Google Workspace


def test_google_users_page() -> None:
    res = run("google_users", fixture("google-users.json"))
    assert res.errors == []
    accts = accounts(res.facts)
    alice = accts["alice.ng@acme.example"]
    assert (alice.system, alice.is_admin, alice.mfa_enabled, alice.mfa_enforced, alice.active) == (
        "google", True, True, True, True)
    assert alice.groups == ("/Staff/IT",) and alice.display_name == "Alice Ng"
    assert alice.src.locator == "$.users[0]"
    assert alice.last_login_at == t("2026-03-09T16:20:11.000Z")
    assert accts["bob.ortiz@acme.example"].mfa_enabled is False
    assert accts["carmen.diaz@acme.example"].is_admin is True  # delegated administrator
    dan = accts["dan.okoro@acme.example"]
    assert (dan.active, dan.status, dan.deactivated_at) == (False, "suspended: ADMIN", None)
    erin = accts["erin.park@acme.example"]
    assert (erin.active, erin.status) == (False, "archived")
    frank = accts["frank.li@acme.example"]
    assert frank.last_login_at is None and frank.created_at == t("2026-03-02T08:00:00.000Z")
    gina = accts["gina.rossi@acme.example"]
    assert (gina.active, gina.status, gina.deactivated_at) == (False, "deleted", t("2026-01-05T11:20:00.000Z"))


def test_google_users_feed_the_checks() -> None:
    facts = run("google_users", fixture("google-users.json")).facts
    mfa = by_entity(check("mfa.enabled_on_every_system", facts, mfa_systems=("google",)))
    assert mfa["bob.ortiz@acme.example (google)"] == "fail" and mfa["alice.ng@acme.example (google)"] == "pass"
    assert "dan.okoro@acme.example (google)" not in mfa  # suspended: cannot sign in
    never = by_entity(check("accounts.never_used_removed", facts))
    assert never == {"frank.li@acme.example (google)": "pass"}


def test_google_users_other_shapes_give_the_same_accounts() -> None:
    page = json.loads(fixture("google-users.json"))
    first, second = dict(page, users=page["users"][:3]), dict(page, users=page["users"][3:])
    expected = accounts(run("google_users", fixture("google-users.json")).facts)

    def same(doc: Any) -> list[Any]:
        res = run("google_users", json.dumps(doc).encode())
        assert res.errors == []
        got = accounts(res.facts)
        assert {k: (a.active, a.is_admin, a.mfa_enabled) for k, a in got.items()} == {
            k: (a.active, a.is_admin, a.mfa_enabled) for k, a in expected.items()}
        return res.facts

    facts = same([first, second])
    assert accounts(facts)["dan.okoro@acme.example"].src.locator == "$[1].users[0]"
    facts = same({"pages": [first, second]})
    assert accounts(facts)["dan.okoro@acme.example"].src.locator == "$.pages[1].users[0]"
    facts = same(page["users"])
    assert accounts(facts)["dan.okoro@acme.example"].src.locator == "$[3]"
    empty = run("google_users", b'{"kind": "admin#directory#users", "etag": "\\"x\\""}')
    assert empty.facts == [] and empty.errors == []


def test_google_users_recognised_without_kind_keys() -> None:
    doc = [{"primaryEmail": "a@acme.example", "isEnrolledIn2Sv": True, "orgUnitPath": "/", "isAdmin": False}]
    assert recognise(json.dumps(doc).encode(), "export.json").name == "google_users"  # type: ignore[union-attr]
    assert recognise(fixture("google-users.json"), "okta.json").name == "google_users"  # type: ignore[union-attr]


def test_google_users_bad_entries_are_reported() -> None:
    page = json.loads(fixture("google-users.json"))
    page["users"][1].pop("primaryEmail")
    page["users"][2]["creationTime"] = "someday"
    page["users"][3]["suspended"] = "perhaps"
    page["users"].append("not a user")
    res = run("google_users", json.dumps(page).encode(), "users.json")
    fields = {e.field for e in res.errors}
    assert fields == {"users[1].primaryEmail", "users[2].creationTime", "users[3].suspended", "users[7]"}
    accts = accounts(res.facts)
    assert len(accts) == 6 and accts["carmen.diaz@acme.example"].created_at is None
    assert accts["dan.okoro@acme.example"].status == "suspended: ADMIN"  # suspended unknown, reason kept


@pytest.mark.parametrize(("data", "line", "field"), [
    (b'{"kind": "admin#directory#users", "users": [{"primaryEmail": ', 1, None),
    (b'{"kind": "admin#directory#users", "users": {"a": 1}}', None, "users"),
    (b'{"something": "else"}', None, "users"),
    (b"42", 1, None),
    (b"", 1, None),
])
def test_google_users_unreadable_files_give_one_error(data: bytes, line: int | None, field: str | None) -> None:
    res = run("google_users", data, "users.json")
    assert res.facts == [] and len(res.errors) == 1
    assert (res.errors[0].line, res.errors[0].field) == (line, field)


# --------------------------------------------------------------------------- Okta


def okta(*names: str) -> list[Any]:
    facts: list[Any] = []
    for name in names:
        res = run("okta", fixture(name), name)
        assert res.errors == [], res.errors
        facts.extend(res.facts)
    return load_parsers()["okta"].finalize(facts)  # type: ignore[misc]


def test_okta_users_statuses() -> None:
    accts = {a.email: a for a in okta("okta-users.json") if isinstance(a, Account)}
    active = {e: a.active for e, a in accts.items()}
    assert active == {
        "alice.ng@acme.example": True, "bob.ortiz@acme.example": True, "dan.okoro@acme.example": False,
        "erin.park@acme.example": False, "frank.li@acme.example": True, "hana.sato@acme.example": False,
        "ivan.petrov@acme.example": True, "jo.kim@acme.example": True, "kai.mueller@acme.example": True,
        "lee.chan@partner.example": True,
    }
    dan = accts["dan.okoro@acme.example"]
    assert (dan.system, dan.account_id, dan.status) == ("okta", "00ub0oNGTSWTBKOMVKLF", "DEPROVISIONED")
    assert dan.deactivated_at == t("2026-02-16T09:12:00.000Z")
    assert dan.last_login_at == t("2026-02-13T17:55:02.000Z")
    assert accts["erin.park@acme.example"].deactivated_at == t("2025-07-01T08:00:00.000Z")
    assert accts["ivan.petrov@acme.example"].deactivated_at is None  # locked out is not deprovisioned
    assert accts["hana.sato@acme.example"].deactivated_at is None
    assert accts["lee.chan@partner.example"].has_password is False  # federated
    assert accts["alice.ng@acme.example"].has_password is True
    assert accts["kai.mueller@acme.example"].display_name == "Kai Müller"
    assert accts["alice.ng@acme.example"].mfa_enabled is None  # no factors document yet
    assert accts["alice.ng@acme.example"].src.locator == "$[0]"


def test_okta_factors_and_roles_join_users() -> None:
    facts = okta("okta-users.json", "okta-factors.json", "okta-roles.json")
    assert not [f for f in facts if isinstance(f, UserDetail)]
    accts = {a.email: a for a in facts if isinstance(a, Account)}
    mfa = {e: a.mfa_enabled for e, a in accts.items()}
    assert mfa["alice.ng@acme.example"] is True
    assert mfa["bob.ortiz@acme.example"] is False  # sms pending activation, security question only
    assert mfa["dan.okoro@acme.example"] is False  # factors known: none
    assert mfa["ivan.petrov@acme.example"] is True
    assert mfa["jo.kim@acme.example"] is True  # export keyed by login
    assert mfa["erin.park@acme.example"] is None  # no factors document covers her
    admins = {e: a.is_admin for e, a in accts.items()}
    assert admins["alice.ng@acme.example"] is True and admins["kai.mueller@acme.example"] is True
    assert admins["bob.ortiz@acme.example"] is None
    again = load_parsers()["okta"].finalize(facts)  # type: ignore[misc]
    assert again == facts


def test_okta_live_collector_documents() -> None:
    users = fixture("okta-users.json")
    factors = json.loads(fixture("okta-factors.json"))
    wrapper = {"trustgap_okta": "factors", "user_id": "00ub0oNGTSWTBKOCNDJI",
               "factors": factors["00ub0oNGTSWTBKOCNDJI"][:1]}
    raw_answer = factors["00ub0oNGTSWTBKOLGLNR"]  # as GET /users/{id}/factors returns it
    listed = [{"trustgap_okta": "factors", "user_id": "00ub0oNGTSWTBKOMVKLF", "factors": []}]
    facts: list[Any] = []
    for doc in (wrapper, raw_answer, listed):
        res = run("okta", json.dumps(doc).encode())
        assert res.errors == [] and all(isinstance(f, UserDetail) for f in res.facts)
        facts.extend(res.facts)
    assert recognise(json.dumps(wrapper).encode(), "x.json").name == "okta"  # type: ignore[union-attr]
    facts.extend(run("okta", users).facts)
    accts = {a.email: a for a in load_parsers()["okta"].finalize(facts) if isinstance(a, Account)}  # type: ignore[misc]
    assert accts["bob.ortiz@acme.example"].mfa_enabled is False
    assert accts["alice.ng@acme.example"].mfa_enabled is True
    assert accts["dan.okoro@acme.example"].mfa_enabled is False


def test_okta_single_file_export_pages_and_embedded_factors() -> None:
    users = json.loads(fixture("okta-users.json"))
    factors = json.loads(fixture("okta-factors.json"))
    combined = run("okta", json.dumps({"users": users, "factors": factors}).encode())
    assert combined.errors == []
    accts = {a.email: a for a in load_parsers()["okta"].finalize(combined.facts) if isinstance(a, Account)}  # type: ignore[misc]
    assert accts["alice.ng@acme.example"].mfa_enabled is True and accts["bob.ortiz@acme.example"].mfa_enabled is False
    assert accts["alice.ng@acme.example"].src.locator == "$.users[0]"
    pages = run("okta", json.dumps([users[:4], users[4:]]).encode())
    assert pages.errors == [] and len(accounts(pages.facts)) == len(users)
    assert accounts(pages.facts)["00ub0oNGTSWTBKOSTGDF"].src.locator == "$[1][0]"
    embedded = dict(users[0], _embedded={"factors": factors["00ub0oNGTSWTBKOCNDJI"]})
    one = run("okta", json.dumps([embedded]).encode())
    assert accounts(one.facts)["00ub0oNGTSWTBKOLGLNR"].mfa_enabled is False


def test_okta_factors_of_unknown_users_add_nothing() -> None:
    facts = okta("okta-factors.json")
    assert facts == []


def test_okta_bad_entries_are_reported() -> None:
    users = json.loads(fixture("okta-users.json"))
    users[1].pop("id")
    users[2]["statusChanged"] = "yesterday-ish"
    users[3]["status"] = "HIBERNATING"
    res = run("okta", json.dumps(users).encode(), "okta.json")
    fields = {(e.field, e.path) for e in res.errors}
    assert fields == {("[1].id", "okta.json"), ("[2].statusChanged", "okta.json"), ("[3].status", "okta.json")}
    accts = accounts(res.facts)
    assert len(accts) == len(users) - 1
    assert accts["00ub0oNGTSWTBKOMVKLF"].deactivated_at is None
    assert accts["00ub0oNGTSWTBKOQAAQQ"].active is None and accts["00ub0oNGTSWTBKOQAAQQ"].status == "HIBERNATING"
    no_user = run("okta", json.dumps({"trustgap_okta": "factors", "factors": []}).encode())
    assert no_user.facts == [] and no_user.errors[0].field == "user_id"
    factor = json.loads(fixture("okta-factors.json"))["00ub0oNGTSWTBKOLGLNR"][0]
    orphan = run("okta", json.dumps([dict(factor, _links={})]).encode())
    assert orphan.facts == [] and orphan.errors[0].field == "[0]._links"


@pytest.mark.parametrize(("data", "line"), [(b'[{"id": "00u1", "profile": {"login": ', 1), (b'"users"', 1),
                                            (b'{"nothing": 1}', 1), (b"[1, 2]", None)])
def test_okta_unreadable_files_give_one_error(data: bytes, line: int | None) -> None:
    res = run("okta", data, "okta.json")
    assert res.facts == [] and len(res.errors) == 1 and res.errors[0].line == line
    assert res.errors[0].path == "okta.json"


def test_offboarding_measured_from_friday_termination_to_monday_deprovisioning() -> None:
    person = Person(src=Src("0" * 64, "row 4"), email="dan.okoro@acme.example", name="Dan Okoro",
                    termination_date=date(2026, 2, 13), status="terminated")
    facts = [person, *okta("okta-users.json")]
    result = check("offboarding.access_revoked_in_time", facts, thresholds={"offboarding_hours": 24})
    dan = next(e for e in result.entities if e.entity == "dan.okoro@acme.example (okta)")
    assert dan.status == "fail"
    assert dan.measured is not None and dan.measured["hours"] == 57.2  # from the end of the termination day
    assert "57.2 hours" in dan.reason
    assert any(s.locator == "$[2]" for s in dan.evidence)


# --------------------------------------------------------------------------- demo organisation


def test_demo_identity_evidence_parses() -> None:
    folder = demo_folder() / "evidence"
    report = run(AWS, (folder / "aws" / "credential-report.csv").read_bytes())
    google = run("google_users", (folder / "identity" / "google-users.json").read_bytes())
    assert report.errors == [] and google.errors == []
    assert accounts(report.facts)["<root_account>"].mfa_enabled is True
    assert accounts(report.facts)["legacy-backup"].kind == "service"
    assert accounts(google.facts)["ethan.brooks@northwind.example"].active is False
    okta_facts: list[Any] = []
    for name in ("okta-users.json", "okta-factors.json"):
        data = (folder / "identity" / name).read_bytes()
        assert recognise(data, name).name == "okta"  # type: ignore[union-attr]
        res = run("okta", data, name)
        assert res.errors == []
        okta_facts.extend(res.facts)
    accts = {a.email: a for a in load_parsers()["okta"].finalize(okta_facts) if isinstance(a, Account)}  # type: ignore[misc]
    assert accts["ethan.brooks@northwind.example"].deactivated_at == t("2026-10-05T09:30:00.000Z")
    without = sorted(e for e, a in accts.items() if a.active and a.mfa_enabled is False)
    assert without == ["ben.carter@northwind.example", "grace.kim@northwind.example", "olivia.grant@northwind.example",
                       "qa.tester@northwind.example", "zoe.martin@northwind.example"]
    assert all(a.mfa_enabled is not None for a in accts.values())



def test_google_users_from_gam_csv_equal_the_api_fields() -> None:
    data = fixture("google-users-gam.csv")
    assert recognise(data, "export.csv").name == "google_users"  # type: ignore[union-attr]
    res = run("google_users", data, "gam-users.csv")
    assert res.errors == []
    acc = accounts(res.facts)
    ann, bob = acc["ann@acme.example"], acc["bob@acme.example"]
    assert (ann.is_admin, ann.mfa_enabled, ann.mfa_enforced, ann.active, ann.groups) == (
        True, True, True, True, ("/Engineering",))
    assert ann.display_name == "Ann Lee" and ann.src.locator == "row 2"
    assert (bob.status, bob.active, bob.mfa_enabled, bob.last_login_at) == ("suspended: ADMIN", False, False, None)


def test_google_users_from_the_admin_console_download() -> None:
    data = fixture("google-users-console.csv")
    assert recognise(data, "users.csv").name == "google_users"  # type: ignore[union-attr]
    res = run("google_users", data, "User_Download_01122026.csv")
    assert res.errors == []
    acc = accounts(res.facts)
    ann, bob = acc["ann@acme.example"], acc["bob@acme.example"]
    assert (ann.mfa_enabled, ann.mfa_enforced, ann.active, ann.is_admin) == (True, True, True, None)
    assert ann.last_login_at == datetime(2026, 10, 30, 8, 0, tzinfo=UTC)
    assert (bob.status, bob.mfa_enabled, bob.last_login_at) == ("suspended", False, None)
    bad = data + b"Cy,Doe,cy@acme.example,****,,/Sales,,,E3,Active,yesterday,0 GB,Not Enrolled,Enforced\n"
    res = run("google_users", bad, "users.csv")
    assert "cy@acme.example" in accounts(res.facts)  # the bad date costs only itself
    (err,) = res.errors
    assert err.line == 4 and "Last Sign In" in (err.field or "")


def _entra(*names: str) -> dict[str, Account]:
    parser = load_parsers()["entra_users"]
    facts: list[Any] = []
    for n in names:
        res = run("entra_users", fixture(n), n)
        assert res.errors == []
        facts.extend(res.facts)
    assert parser.finalize is not None
    return accounts(parser.finalize(facts))


def test_entra_users_joined_with_mfa_registration() -> None:
    for name in ("entra-users.json", "entra-registration.json"):
        assert recognise(fixture(name), "graph.json").name == "entra_users"  # type: ignore[union-attr]
    acc = _entra("entra-users.json", "entra-registration.json")
    adele, grady, megan = acc["AdeleV@acme.example"], acc["GradyA@acme.example"], acc["MeganB@acme.example"]
    assert (adele.system, adele.email, adele.is_admin, adele.mfa_enabled, adele.active) == (
        "azuread", "adelev@acme.example", True, True, True)
    assert adele.last_login_at == datetime(2026, 10, 29, 8, 10, tzinfo=UTC) and adele.src.locator == "$.value[0]"
    assert (grady.is_admin, grady.mfa_enabled) == (False, False)
    assert (megan.active, megan.status, megan.display_name, megan.mfa_enabled) == (False, "disabled", "Megan Bowen",
                                                                                  None)
    guest = acc["partner_contoso.example#EXT#@acme.onmicrosoft.com"]
    assert guest.groups == ("guest",) and guest.email == "partner@contoso.example"


def test_entra_registration_alone_and_order_independent() -> None:
    alone = _entra("entra-registration.json")
    assert alone["GradyA@acme.example"].mfa_enabled is False and alone["GradyA@acme.example"].active is None
    assert _entra("entra-registration.json", "entra-users.json") == _entra("entra-users.json",
                                                                           "entra-registration.json")


def test_entra_bad_values_name_the_path_and_keep_the_rest() -> None:
    doc = json.loads(fixture("entra-users.json"))
    doc["value"][1]["accountEnabled"] = "sometimes"
    del doc["value"][2]["userPrincipalName"]
    res = run("entra_users", json.dumps(doc).encode(), "users.json")
    fields = {e.field for e in res.errors}
    assert fields == {"value[1].accountEnabled", "value[2].userPrincipalName"}
    kept = set(accounts(load_parsers()["entra_users"].finalize(res.facts)))  # type: ignore[misc]
    assert "AdeleV@acme.example" in kept and "GradyA@acme.example" in kept  # a bad value costs only that field


def test_entra_accounts_judged_by_the_mfa_check() -> None:
    acc = _entra("entra-users.json", "entra-registration.json")
    result = check("mfa.enabled_on_every_system", list(acc.values()), mfa_systems=("azuread",))
    states = by_entity(result)
    assert states["gradya@acme.example (azuread)"] == "fail" and states["adelev@acme.example (azuread)"] == "pass"
    assert states["partner@contoso.example (azuread)"] == "partial"  # a guest without registration details
    assert not any("meganb" in k for k in states)  # disabled: nothing to protect


def test_json_lines_and_back_to_back_pages() -> None:
    """`jq -c` output (one user per line) and `gh api --paginate` output (one array per page, back to back)."""
    users = json.loads(fixture("google-users.json"))["users"]
    lines = "\n".join(json.dumps(u) for u in users).encode() + b"\n"
    assert recognise(lines, "users.jsonl").name == "google_users"  # type: ignore[union-attr]
    res = run("google_users", lines, "users.jsonl")
    assert res.errors == [] and len(accounts(res.facts)) == len(users)
    members = json.loads((FIX.parent / "github" / "members.json").read_text())
    pages = (json.dumps(members[:1]) + json.dumps(members[1:])).encode()
    res = run("github", pages, "members.json")
    assert res.errors == [] and len(accounts(res.facts)) == len(members)
    broken = lines + b'{"primaryEmail": \n'
    err = run("google_users", broken, "users.jsonl").errors
    assert err and err[0].line == len(users) + 2  # the line of the broken document


def test_entra_bare_list_errors_name_the_item() -> None:
    users = json.loads(fixture("entra-users.json"))["value"]
    users[1]["accountEnabled"] = "sometimes"
    res = run("entra_users", json.dumps(users).encode(), "users.json")
    assert [e.field for e in res.errors] == ["[1].accountEnabled"]
