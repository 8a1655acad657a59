"""GitHub REST answers and HR roster parsers: facts, joins, bad input and the checks
that read them."""

from __future__ import annotations

import io
import itertools
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.checks.base import CheckContext, CheckResult, load_checks
from trustgap.conflicts import reconcile
from trustgap.demo import demo_folder
from trustgap.errors import InputError
from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import (
    Account,
    BranchProtection,
    Change,
    CollectionIssue,
    FactSet,
    Person,
    Record,
    Resource,
    Setting,
)
from trustgap.thresholds import ResolvedThresholds

FIX = Path(__file__).parent.parent / "fixtures" / "evidence"
AS_OF = date(2026, 3, 10)


def run(name: str, data: bytes, path: str = "evidence", options: dict[str, Any] | None = None,
        as_of: date = AS_OF) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 10, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=as_of, options=options or {})
    return parse_with(load_parsers()[name], data, ctx)


def fixture(rel: str) -> bytes:
    return (FIX / rel).read_bytes()


def github(*rels: str, options: dict[str, Any] | None = None) -> list[Any]:
    """Parse GitHub fixtures as one run and finalize, as ingestion does."""
    facts: list[Any] = []
    for rel in rels:
        res = run("github", fixture(f"github/{rel}"), rel, options)
        assert all(isinstance(e, InputError) for e in res.errors)
        facts.extend(res.facts)
    finalize = load_parsers()["github"].finalize
    assert finalize is not None
    return finalize(facts)


def of(facts: list[Any], cls: type) -> list[Any]:
    return [f for f in facts if isinstance(f, cls)]


def check(check_id: str, facts: list[Any], as_of: date = AS_OF, **ctx: Any) -> CheckResult:
    context = CheckContext(facts=FactSet(facts), thresholds=ResolvedThresholds(ctx.pop("thresholds", {})),
                           as_of=as_of, **ctx)
    return load_checks()[check_id].run(context)


def statuses(result: CheckResult) -> dict[str, str]:
    return {e.entity: e.status for e in result.entities}


# --------------------------------------------------------------------------- GitHub: organisation, members, repos


def test_org_settings_named_by_field() -> None:
    res = run("github", fixture("github/org.json"), "org.json")
    assert res.errors == []
    settings = {s.key: s for s in of(res.facts, Setting)}
    two_fa = settings["github.org.two_factor_requirement_enabled"]
    assert (two_fa.value, two_fa.scope, two_fa.system, two_fa.src.locator) == (
        False, "acme-corp", "github", "$.two_factor_requirement_enabled")
    assert two_fa.src.sha256 == sha256_bytes(fixture("github/org.json"))
    assert settings["github.org.default_repository_permission"].value == "write"
    assert settings["github.org.members_can_create_repositories"].value is True
    result = check("github.org_2fa_required", res.facts)
    assert statuses(result) == {"acme-corp": "fail"}


def test_member_lists_merge_owner_rights_and_2fa() -> None:
    facts = github("members.json", "members-admins.json", "members-2fa-disabled.json",
                   options={"emails": {"alice-ng": "Alice.Ng@acme.example", "bob-ortiz": "bob.ortiz@acme.example"}})
    accounts = {a.account_id: a for a in of(facts, Account)}
    assert set(accounts) == {"alice-ng", "bob-ortiz", "carol-dev", "dan-ops", "former-contractor", "acme-release-bot"}
    alice, bob, carol = accounts["alice-ng"], accounts["bob-ortiz"], accounts["carol-dev"]
    assert (alice.email, alice.is_admin, alice.mfa_enabled, alice.system) == ("alice.ng@acme.example", True, True,
                                                                            "github")
    assert (bob.is_admin, bob.mfa_enabled) == (False, False)  # in the 2fa_disabled list, not an owner
    assert (carol.is_admin, carol.mfa_enabled, carol.groups) == (False, True, ("acme-corp",))
    assert accounts["acme-release-bot"].kind == "service"
    assert all(a.active is True for a in accounts.values())
    mfa = check("mfa.enabled_on_every_system", facts)
    failing = {e.entity for e in mfa.entities if e.status == "fail"}
    assert failing == {"bob.ortiz@acme.example (github)", "former-contractor (github)"}
    admins = check("admins.mfa_enabled", facts)
    assert statuses(admins) == {"alice.ng@acme.example (github)": "pass", "dan-ops (github)": "pass"}


def test_plain_member_list_alone_says_nothing_of_2fa_or_owners() -> None:
    facts = github("members.json")
    alice = next(a for a in of(facts, Account) if a.account_id == "alice-ng")
    assert (alice.is_admin, alice.mfa_enabled, alice.email) == (None, None, None)


def test_repositories_and_default_branches() -> None:
    facts = github("repos.json", "protection-infra-trunk.json")
    repos = {r.resource_id: r for r in of(facts, Resource)}
    assert set(repos) == {"acme-corp/api", "acme-corp/web", "acme-corp/infra", "acme-corp/legacy-billing",
                          "acme-corp/docs"}
    assert repos["acme-corp/legacy-billing"].attrs["archived"] is True
    assert repos["acme-corp/infra"].attrs["default_branch"] == "trunk"
    assert repos["acme-corp/docs"].attrs["visibility"] == "public" and repos["acme-corp/api"].name == "api"
    infra = of(facts, BranchProtection)
    assert [(b.repository, b.branch, b.is_default) for b in infra] == [("acme-corp/infra", "trunk", True)]
    protected = check("branch_protection.default_branch_protected", facts)
    # repositories without protection evidence are named; the archived one is left out
    assert statuses(protected) == {"acme-corp/infra:trunk": "pass", "acme-corp/api": "partial",
                                   "acme-corp/web": "partial", "acme-corp/docs": "partial"}


# --------------------------------------------------------------------------- GitHub: branch protection


def test_classic_protection_fields() -> None:
    facts = github("protection-api.json")
    (bp,) = of(facts, BranchProtection)
    assert (bp.repository, bp.branch, bp.protected, bp.required_approvals, bp.dismiss_stale_reviews,
            bp.require_code_owner_reviews, bp.enforce_admins, bp.allow_force_pushes, bp.require_status_checks) == (
        "acme-corp/api", "main", True, 2, True, True, True, False, True)
    assert bp.src.locator == "$.body"


def test_bare_protection_answer_placed_by_its_url() -> None:
    (bp,) = github("protection-infra-trunk.json")
    assert (bp.repository, bp.branch, bp.protected, bp.required_approvals, bp.enforce_admins,
            bp.allow_force_pushes, bp.require_status_checks) == (
        "acme-corp/infra", "trunk", True, 0, False, True, False)
    assert statuses(check("branch_protection.force_push_disabled", [bp])) == {"acme-corp/infra:trunk": "fail"}
    assert statuses(check("branch_protection.required_approvals", [bp])) == {"acme-corp/infra:trunk": "fail"}


def test_unprotected_branch_with_a_ruleset_is_protected_by_the_ruleset() -> None:
    alone = github("protection-web.json")
    assert [(b.repository, b.protected) for b in of(alone, BranchProtection)] == [("acme-corp/web", False)]
    assert statuses(check("branch_protection.default_branch_protected", alone)) == {"acme-corp/web:main": "fail"}
    (bp,) = of(github("protection-web.json", "rules-web.json"), BranchProtection)
    assert (bp.protected, bp.required_approvals, bp.allow_force_pushes, bp.dismiss_stale_reviews,
            bp.enforce_admins) == (True, 1, False, False, None)  # a ruleset's bypass list is not in the answer
    assert statuses(check("branch_protection.admins_enforced", [bp])) == {"acme-corp/web:main": "partial"}


def test_rules_without_protective_rules() -> None:
    deletion_only = {"trustgap_github": "branch_rules", "repository": "acme-corp/web", "branch": "main",
                     "rules": [{"type": "deletion", "ruleset_id": 1}]}
    data = json.dumps(deletion_only).encode()
    alone = load_parsers()["github"].finalize(run("github", data).facts)  # type: ignore[misc]
    assert alone == []  # rulesets alone say nothing about classic protection
    both = github("protection-web.json") + run("github", data).facts
    merged = of(load_parsers()["github"].finalize(both), BranchProtection)  # type: ignore[misc]
    assert [(b.repository, b.protected) for b in merged] == [("acme-corp/web", False)]


def test_protection_not_readable_is_a_collection_issue() -> None:
    doc = {"trustgap_github": "branch_protection", "repository": "acme-corp/docs", "branch": "main", "status": 403,
           "body": {"message": "Resource not accessible by integration"}}
    res = run("github", json.dumps(doc).encode(), "docs-protection.json")
    (issue,) = of(res.facts, CollectionIssue)
    assert issue.source == "github.protection" and "HTTP 403" in issue.reason and "acme-corp/docs:main" in issue.reason


# --------------------------------------------------------------------------- GitHub: pull requests and reviews


def test_pulls_with_reviews_and_change_checks() -> None:
    facts = github("pulls-api.json", "protection-api.json")
    changes = {c.change_id: c for c in of(facts, Change)}
    assert set(changes) == {"101", "102", "103", "105", "106"}  # 104 lost its reviews
    c101 = changes["101"]
    assert (c101.repository, c101.author, c101.base_branch, c101.system) == ("acme-corp/api", "carol-dev", "main",
                                                                             "github")
    assert c101.merged_at == datetime(2026, 2, 3, 15, tzinfo=UTC)
    assert [(r.reviewer, r.state) for r in c101.reviews] == [("bob-ortiz", "COMMENTED"), ("alice-ng", "APPROVED")]
    assert c101.url == "https://github.com/acme-corp/api/pull/101" and c101.src.locator == "$.pulls[0]"
    assert changes["103"].emergency is True and changes["103"].labels == ("hotfix", "P0")
    (issue,) = of(facts, CollectionIssue)
    assert issue.source == "github.pulls" and "acme-corp/api#104" in issue.reason
    facts = [f for f in facts if not isinstance(f, CollectionIssue)]
    result = check("change.pr_approved_by_other", facts, as_of=date(2026, 3, 1))
    assert statuses(result) == {"acme-corp/api#101": "pass", "acme-corp/api#102": "fail",
                                "acme-corp/api#103": "pass", "acme-corp/api#105": "fail"}  # 106 is not to main
    assert "bob-ortiz" in next(e.reason for e in result.entities if e.entity == "acme-corp/api#102")


def test_reviews_in_their_own_answer_are_joined() -> None:
    facts = github("pulls-web.json", "reviews-web-12.json")
    changes = {c.change_id: c for c in of(facts, Change)}
    assert set(changes) == {"12"}  # 14 was never merged; 13 has no review evidence
    assert [(r.reviewer, r.state) for r in changes["12"].reviews] == [("carol-dev", "CHANGES_REQUESTED"),
                                                                      ("carol-dev", "APPROVED")]
    (issue,) = of(facts, CollectionIssue)
    assert issue.source == "github.pulls" and "#13" in issue.reason and "acme-corp/web" in issue.reason


def test_same_pull_on_two_pages_counts_once_and_emergency_labels_option() -> None:
    data = fixture("github/pulls-api.json")
    facts = github("pulls-api.json", "pulls-api.json", options={"emergency_labels": ["P0"]})
    assert sorted(c.change_id for c in of(facts, Change)) == ["101", "102", "103", "105", "106"]
    assert [c.change_id for c in of(facts, Change) if c.emergency] == ["103"]
    res = run("github", data, options={"emergency_labels": ["change-freeze-exception"]})
    assert not any(c.emergency for c in of(res.facts, Change))


# --------------------------------------------------------------------------- GitHub: bad input and recognition


@pytest.mark.parametrize(("data", "line", "field"), [
    (b'{"login": "acme",\n "two_factor_requirement_enabled": tru', 2, None),
    (b'{"trustgap_github": "branch_protection", "repository": "no-slash", "branch": "main", "status": 200}', None,
     "repository"),
    (b'{"trustgap_github": "pulls_with_reviews", "repository": "a/b", "pulls": {}}', None, "pulls"),
    (b'{"trustgap_github": "members", "org": "a", "role": "owner", "members": []}', None, "role"),
    (b'{"trustgap_github": "mystery"}', None, "trustgap_github"),
    (b'{"message": "Not Found"}', 1, None),
    (b'"just text"', 1, None),
])
def test_unreadable_github_files_name_line_or_field(data: bytes, line: int | None, field: str | None) -> None:
    res = run("github", data, "bad.json")
    assert res.facts == [] and len(res.errors) == 1
    err = res.errors[0]
    assert err.path == "bad.json" and err.line == line and err.field == field


def test_bad_pull_and_review_entries_are_reported_and_the_rest_kept() -> None:
    doc = json.loads(fixture("github/pulls-api.json"))
    doc["pulls"][0]["merged_at"] = "yesterday"
    doc["pulls"][2]["reviews"][0]["state"] = "LGTM"
    doc["pulls"][1] = "not a pull"
    res = run("github", json.dumps(doc).encode(), "pulls.json")
    fields = {e.field for e in res.errors}
    assert fields == {"$.pulls[0].merged_at", "$.pulls[2].reviews[0].state", "$.pulls[1]"}
    assert all(e.path == "pulls.json" for e in res.errors)
    changes = {c.change_id: c for c in of(res.facts, Change)}
    assert set(changes) == {"103", "105", "106"} and changes["103"].reviews == ()


@pytest.mark.parametrize("rel", ["org.json", "members.json", "members-admins.json", "repos.json", "protection-api.json",
                                 "protection-web.json", "protection-infra-trunk.json", "rules-web.json",
                                 "pulls-api.json", "pulls-web.json", "reviews-web-12.json"])
def test_github_answers_recognised_by_content(rel: str) -> None:
    parser = recognise(fixture(f"github/{rel}"), "file7.dat")
    assert parser is not None and parser.name == "github"


def test_demo_github_evidence() -> None:
    folder = demo_folder() / "evidence" / "github"
    facts: list[Any] = []
    for path in sorted(folder.glob("*.json")):
        if path.name == "dependabot-alerts.json":  # GitHub's too, but read by the dependabot parser
            assert recognise(path.read_bytes(), path.name).name == "dependabot"  # type: ignore[union-attr]
            continue
        assert recognise(path.read_bytes(), path.name).name == "github"  # type: ignore[union-attr]
        res = run("github", path.read_bytes(), path.name)
        assert res.errors == [], path.name
        facts.extend(res.facts)
    facts = load_parsers()["github"].finalize(facts)  # type: ignore[misc]
    prot = {b.repository: b for b in of(facts, BranchProtection)}
    assert prot["northwind-cloud/api"].protected and not prot["northwind-cloud/infra"].protected
    assert len(of(facts, Change)) == 40 and not of(facts, CollectionIssue)


# --------------------------------------------------------------------------- HR roster


def people(rel: str, **kw: Any) -> tuple[dict[str, Person], ParseResult]:
    res = run("hr_roster", fixture(rel), rel, **kw)
    return {p.email or p.name or "": p for p in of(res.facts, Person)}, res


def test_bamboohr_roster() -> None:
    staff, res = people("hr/bamboohr-employees.csv")
    assert res.errors == []
    alice = staff["alice.ng@acme.example"]  # e-mail lower-cased; BOM and CRLF are normal input
    assert (alice.name, alice.employee_id, alice.department, alice.title, alice.employment_type, alice.status,
            alice.hire_date, alice.location) == (
        "Alice Ng", "1001", "Engineering", "Staff Engineer", "employee", "active", date(2022, 2, 14), "Berlin")
    assert alice.src.locator == "row 2"
    gone = staff["former.contractor@acme.example"]
    assert (gone.employment_type, gone.status, gone.termination_date) == ("contractor", "terminated",
                                                                          date(2026, 2, 27))
    assert staff["gita.rao@acme.example"].employment_type == "intern"
    assert not staff["gita.rao@acme.example"].active_on(AS_OF)  # starts in June
    assert staff["bob.ortiz@acme.example"].name == "Bob Ortiz"  # the preferred first name is not a full name


def test_rippling_roster() -> None:
    staff, res = people("hr/rippling-employees.csv")
    assert res.errors == []
    priya = staff["priya.shah@acme.example"]
    assert (priya.manager_email, priya.employment_type, priya.hire_date) == ("hannah.cole@acme.example", "employee",
                                                                             date(2022, 1, 10))
    marco = staff["marco.rossi@acme.example"]
    assert (marco.status, marco.termination_date) == ("terminated", date(2026, 3, 6))
    assert staff["lena.vogel@acme.example"].employment_type == "contractor"
    assert (staff["sam.okoro@acme.example"].status, staff["jun.park@acme.example"].status) == ("hired", "leave")


def test_workday_roster() -> None:
    staff, res = people("hr/workday-workers.csv")
    assert res.errors == []
    victor = staff["victor.lang@acme.example"]
    assert (victor.name, victor.status, victor.termination_date, victor.employee_id) == (
        "Victor Lang", "terminated", date(2026, 1, 16), "21002")
    assert staff["nina.berg@acme.example"].employment_type == "contractor"  # Contingent Worker
    assert staff["tom.lee@acme.example"].employment_type == "intern"  # Employee Type refines Worker Type
    assert staff["hannah.cole@acme.example"].status == "active"


def test_personio_roster_with_dotted_dates() -> None:
    staff, res = people("hr/personio-employees.csv")
    assert res.errors == []
    assert staff["sophie.martin@acme.example"].termination_date == date(2026, 1, 31)  # End of employment
    assert staff["jonas.weber@acme.example"].hire_date == date(2022, 4, 1)
    assert staff["ali.demir@acme.example"].employment_type == "contractor"  # external
    assert staff["eva.novak@acme.example"].status == "leave"


def test_scope_overrides_columns_and_day_first() -> None:
    data = (b"Mitarbeiter,Firmen-Mail,Eintritt,Austritt\n"
            b"Anna Schmidt,anna.schmidt@acme.example,03/04/2022,01/02/2026\n")
    # the e-mail addresses and the German entry / exit date headers say HR roster; the scope says day first
    assert recognise(data, "x.csv").name == "hr_roster"  # type: ignore[union-attr]
    (plain,) = of(run("hr_roster", data, "personal.csv").facts, Person)
    assert (plain.email, plain.hire_date) == ("anna.schmidt@acme.example", date(2022, 3, 4))
    options = {"columns": {"name": "Mitarbeiter", "email": "Firmen-Mail", "hire_date": "Eintritt",
                           "termination_date": "Austritt"}, "day_first": True}
    res = run("hr_roster", data, "personal.csv", options=options)
    (anna,) = of(res.facts, Person)
    assert (anna.name, anna.hire_date, anna.termination_date) == ("Anna Schmidt", date(2022, 4, 3), date(2026, 2, 1))
    bad = run("hr_roster", data, "personal.csv", options={"columns": {"mail": "Firmen-Mail"}})
    assert bad.errors[0].field == "parsers.hr_roster.columns" and "mail" in bad.errors[0].message


def test_roster_records_and_the_checks_that_read_them() -> None:
    _, res = people("hr/roster-with-acknowledgements.csv")
    messages = {(e.line, e.field, e.message) for e in res.errors}
    assert (5, "Work email", "no work e-mail: this person cannot be matched to accounts") in messages
    assert (6, "Work email", "row names nobody (no e-mail, name or employee id)") in messages
    (issue,) = of(res.facts, CollectionIssue)
    assert issue.source == "hr.roster" and "line 6" in issue.reason
    records = of(res.facts, Record)
    kinds = {(r.subject, r.kind, r.title) for r in records}
    assert ("alice.ng@acme.example", "policy_acknowledgement", "Code of conduct") in kinds
    carol_bg = next(r for r in records if r.subject == "carol.diaz@acme.example" and r.kind == "background_check")
    assert (carol_bg.outcome, carol_bg.performed_on, carol_bg.details["date_from"]) == ("Pending", date(2025, 9, 15),
                                                                                       "hire_date")
    facts = [f for f in res.facts if not isinstance(f, CollectionIssue)]
    conduct = check("hr.code_of_conduct_acknowledged", facts)
    assert statuses(conduct) == {"alice.ng@acme.example": "pass", "bob.ortiz@acme.example": "fail",
                                 "carol.diaz@acme.example": "pass"}
    policies = check("hr.policies_acknowledged", facts)
    assert statuses(policies)["bob.ortiz@acme.example"] == "fail"  # acknowledged 2025-01-15, over 12 months
    bg = check("hr.background_checks_completed", facts)
    assert statuses(bg) == {"alice.ng@acme.example": "pass", "bob.ortiz@acme.example": "partial",
                            "carol.diaz@acme.example": "partial"}


def test_roster_bad_dates_named_and_unreadable_leaver_recorded() -> None:
    data = (b"Work Email,Hire Date,Termination Date,Department\n"
            b"a@acme.example,13/45/2022,,Sales\n"
            b"b@acme.example,2022-01-01,last friday,Sales\n"
            b"c@acme.example,2022-01-01,,Sales\n")
    res = run("hr_roster", data, "roster.csv")
    assert {(e.line, e.field) for e in res.errors} == {(2, "Hire Date"), (3, "Termination Date")}
    staff = {p.email: p for p in of(res.facts, Person)}
    assert set(staff) == {"a@acme.example", "b@acme.example", "c@acme.example"} and staff["a@acme.example"].hire_date \
        is None
    (issue,) = of(res.facts, CollectionIssue)
    assert issue.source == "hr.roster" and "line 3" in issue.reason


def test_roster_without_an_email_column_is_one_error() -> None:
    res = run("hr_roster", b"Name,Hire Date,Department\nAnn,2022-01-01,Sales\n", "roster.csv")
    assert res.facts == [] and res.errors[0].line == 1 and "email" in res.errors[0].message


def test_roster_xlsx_with_a_title_row() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Employee roster exported 2026-03-09"])
    ws.append(["Employee ID", "Name", "Work Email", "Hire Date", "Termination Date", "Employment Type"])
    ws.append([3001, "Kai Berg", "kai.berg@acme.example", datetime(2023, 5, 2), datetime(2026, 2, 27), "Full-time"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    assert recognise(data, "roster.xlsx").name == "hr_roster"  # type: ignore[union-attr]
    res = run("hr_roster", data, "roster.xlsx")
    (kai,) = of(res.facts, Person)
    assert (kai.employee_id, kai.hire_date, kai.termination_date, kai.employment_type) == (
        "3001", date(2023, 5, 2), date(2026, 2, 27), "employee")
    assert kai.src.locator == "Sheet!row 3"


def test_friday_leaver_suspended_on_monday_is_a_gap_with_hours() -> None:
    staff, _ = people("hr/bamboohr-employees.csv")
    gone = staff["former.contractor@acme.example"]  # terminated Friday 2026-02-27
    account = Account(src=gone.src, system="okta", account_id="00u1", email="former.contractor@acme.example",
                      active=False, deactivated_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    result = check("offboarding.access_revoked_in_time", [gone, account], thresholds={"offboarding_hours": 24})
    (entity,) = result.entities
    assert entity.status == "fail" and entity.measured["hours"] == 57.5  # from the end of the termination day


def test_adp_workforce_now_roster() -> None:
    staff, res = people("hr/adp-wfn-employees.csv")
    assert res.errors == []
    maria = staff["maria.lopez@acme.example"]  # e-mail lower-cased for joining
    assert (maria.employee_id, maria.department, maria.title, maria.hire_date) == (
        "G3X7K2", "Engineering", "Software Engineer", date(2022, 3, 14))
    dev = staff["dev.patel@acme.example"]
    assert (dev.status, dev.termination_date) == ("terminated", date(2026, 10, 3))
    assert staff["rosa.kim@acme.example"].status == "leave"


def test_deel_people_export() -> None:
    staff, res = people("hr/deel-people.csv")
    assert res.errors == []
    assert staff["ola@acme.example"].employment_type == "contractor"
    kari = staff["kari@acme.example"]
    assert (kari.status, kari.termination_date) == ("terminated", date(2026, 9, 30))


@pytest.mark.parametrize("rel", ["hr/bamboohr-employees.csv", "hr/rippling-employees.csv", "hr/workday-workers.csv",
                                 "hr/personio-employees.csv", "hr/roster-with-acknowledgements.csv",
                                 "hr/adp-wfn-employees.csv", "hr/deel-people.csv"])
def test_rosters_recognised_by_content(rel: str) -> None:
    assert recognise(fixture(rel), "file7.dat").name == "hr_roster"  # type: ignore[union-attr]


def test_pull_with_null_reviews_waits_for_a_reviews_answer() -> None:
    doc = json.loads(fixture("github/pulls-api.json"))
    doc["pulls"] = [doc["pulls"][0]]
    doc["pulls"][0]["reviews"] = None
    facts = load_parsers()["github"].finalize(run("github", json.dumps(doc).encode()).facts)  # type: ignore[misc]
    assert of(facts, Change) == [] and of(facts, CollectionIssue)[0].source == "github.pulls"


def test_roster_background_check_not_done_records_nothing() -> None:
    data = (b"Work Email,Hire Date,Background Check,Background Check Date\n"
            b"ann@acme.example,2024-01-08,No,\n"
            b"ben@acme.example,2024-01-08,Yes,2024-01-03\n")
    res = run("hr_roster", data, "roster.csv")
    assert [(r.subject, r.outcome) for r in of(res.facts, Record)] == [("ben@acme.example", "completed")]
    result = check("hr.background_checks_completed", res.facts)
    assert statuses(result) == {"ann@acme.example": "fail", "ben@acme.example": "pass"}


def test_campaign_level_training_export_without_a_module_column() -> None:
    data = (b"User,Email,Campaign,Status,Enrollment Date,Completion Date\r\n"
            b"Ann Lee,Ann@acme.example,2026 Security Awareness,Passed,2026-01-05,2026-01-07\r\n"
            b"Bob Ray,bob@acme.example,2026 Security Awareness,Past Due,2026-01-05,\r\n")
    assert recognise(data, "export.csv").name == "lms_training"  # type: ignore[union-attr]
    res = run("lms_training", data, "export.csv")
    assert res.errors == []
    by = {r.subject: r for r in res.facts}
    assert by["ann@acme.example"].title == "2026 Security Awareness" and by["ann@acme.example"].outcome == "passed"
    assert by["bob@acme.example"].outcome == "past due"


def test_semicolon_and_tab_separated_rosters_and_german_headers() -> None:
    """Spreadsheet exports in locales where the comma is the decimal mark use semicolons; some systems write TSV."""
    personio = ("Personalnummer;Vorname;Nachname;E-Mail;Abteilung;Status;Eintrittsdatum;Austrittsdatum\n"
                "1;Anna;Schmidt;anna@acme.de;Vertrieb;Aktiv;01.02.2023;\n"
                "2;Jonas;Weber;jonas@acme.de;Technik;Inaktiv;01.04.2022;31.08.2026\n").encode("utf-8-sig")
    tsv = b"Work Email\tStatus\tHire Date\tTermination Date\nann@acme.io\tActive\t2023-02-01\t\n"
    for data in (personio, tsv):
        assert recognise(data, "export.csv").name == "hr_roster"  # type: ignore[union-attr]
    staff, res = {p.email: p for p in of(run("hr_roster", personio).facts, Person)}, run("hr_roster", personio)
    assert res.errors == []
    anna, jonas = staff["anna@acme.de"], staff["jonas@acme.de"]
    assert (anna.name, anna.department, anna.status, anna.hire_date) == ("Anna Schmidt", "Vertrieb", "active",
                                                                        date(2023, 2, 1))
    assert (jonas.status, jonas.termination_date, jonas.employee_id) == ("terminated", date(2026, 8, 31), "2")
    (ann,) = of(run("hr_roster", tsv).facts, Person)
    assert (ann.email, ann.hire_date) == ("ann@acme.io", date(2023, 2, 1))


@pytest.mark.parametrize("order", list(itertools.permutations(
    ["members-all.json", "members-admins.json", "members-2fa-disabled.json"])))
def test_member_lists_of_one_collection_in_any_order_keep_every_member_active(order: tuple[str, ...]) -> None:
    """A live collection stores its three member lists in whatever order its requests finish, each a moment
    apart: the narrower lists (owners, members without 2FA) must never read as a newer listing of everyone that
    no longer names a member, whatever order they came in."""
    facts = github(*order)
    observed = {sha256_bytes(fixture(f"github/{rel}")): datetime(2026, 3, 10, 12, 0, i, tzinfo=UTC)
                for i, rel in enumerate(reversed(order))}
    merged = reconcile(facts, observed, AS_OF, formats=dict.fromkeys(observed, "github"))
    accounts = {a.account_id: a for a in of(merged.facts, Account)}
    assert {login: a.active for login, a in accounts.items()} == dict.fromkeys(accounts, True)
    assert accounts["bob-ortiz"].mfa_enabled is False
    mfa = check("mfa.enabled_on_every_system", merged.facts)
    assert "bob-ortiz (github)" in {e.entity for e in mfa.entities if e.status == "fail"}
