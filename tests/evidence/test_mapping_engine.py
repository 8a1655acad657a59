"""The mapping engine: column scoring, spec validation, values, JSON records, an organisation's own specs."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trustgap.errors import InputError
from trustgap.evidence.columns import FieldWant, assign, header_similarity, hungarian
from trustgap.evidence.detect import ParseContext, explain
from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.mapping_registry import org_specs, organisation_parsers
from trustgap.evidence.mapping_spec import FieldSpec, load_spec
from trustgap.evidence.mapping_values import ValueProblem, convert
from trustgap.evidence.shapes import profile_columns, shapes_of
from trustgap.evidence.store import EvidenceRef, EvidenceStore, sha256_bytes
from trustgap.facts import Account, Person

# --------------------------------------------------------------------------- shapes and column scoring


def test_value_shapes() -> None:
    assert shapes_of("Alice.Ng@acme.example") == {"email"}
    assert shapes_of("2026-03-01") == {"date"} and shapes_of("03/14/2022") == {"date"}
    assert shapes_of("2026-01-06T09:01:10.000Z") == {"datetime"}
    assert shapes_of("CVE-2024-3094") == {"cve", "id"}
    assert "severity" in shapes_of("Critical") and "status" in shapes_of("Terminated")
    assert shapes_of("Hannah Cole") == {"name"} and shapes_of("Cole, Hannah") == {"name"}
    assert shapes_of("https://acme.example/x") == {"url"}
    assert shapes_of("") == frozenset() and shapes_of(None) == frozenset()


def test_header_similarity_reads_words_not_strings() -> None:
    assert header_similarity("Work E-mail", "work email") == 1.0
    assert header_similarity("primaryEmail", "primary email") == 1.0
    assert header_similarity("Email Address [Required]", "email address") == 1.0
    assert header_similarity("Email Work", "work email") == 0.95
    assert 0.6 < header_similarity("Work Contact: Work Email", "work email") < 1.0
    assert header_similarity("Vendor", "work email") == 0.0


def test_hungarian_is_optimal_where_first_come_first_served_is_not() -> None:
    # row 0 would grab column 0 greedily (0.9), leaving row 1 with 0.1; the optimum gives 0.8 + 0.85
    score = [[0.9, 0.8], [0.85, 0.1]]
    assert hungarian(score) == [1, 0]
    assert hungarian([[0.5, 0.2, 0.9]]) == [2]
    assert hungarian([[0.5], [0.7], [0.1]]) in ([-1, 0, -1],)


def _wants() -> list[FieldWant]:
    return [
        FieldWant("email", (("email", 1.0), ("candidate email", 1.0)), ("email",), by_values=True),
        FieldWant("provider", (("vendor", 1.0), ("screening provider", 1.0))),
        FieldWant("completed", (("completed at", 1.0), ("completion date", 1.0), ("date", 0.6)), ("date", "datetime")),
    ]


def test_values_decide_between_columns_whose_headers_both_match() -> None:
    """A column headed 'Email' that holds company names is not the subject's e-mail: 'Contact' full of addresses
    is, found by its values."""
    headers = ["Email", "Contact", "Completed At"]
    rows = [["Sterling", "jane@acme.io", "2026-01-02"], ["Sterling", "bob@acme.io", "2026-01-03"],
            ["HireRight", "li@acme.io", "2026-01-05"], ["Checkr", "ana@acme.io", ""]]
    a = assign(profile_columns(headers, rows), _wants())
    assert a.column("email") == "Contact"
    assert a.pairs["email"].values == 1.0
    assert a.column("completed") == "Completed At"


def test_assignment_does_not_depend_on_column_order() -> None:
    headers = ["Screening Provider", "Candidate Email", "Completed At", "Notes"]
    rows = [["Checkr", "jane@acme.io", "2026-01-02", "ok"], ["Checkr", "bob@acme.io", "2026-01-03", ""]]
    answers = set()
    for perm in itertools.permutations(range(4)):
        h = [headers[i] for i in perm]
        r = [[row[i] for i in perm] for row in rows]
        a = assign(profile_columns(h, r), _wants())
        answers.add(tuple(sorted((f, p.column) for f, p in a.pairs.items())))
    assert answers == {(("completed", "Completed At"), ("email", "Candidate Email"),
                        ("provider", "Screening Provider"))}


# --------------------------------------------------------------------------- values


def test_values_dates_zones_maps_units() -> None:
    f = FieldSpec.model_validate
    assert convert("03/04/2026", f({"type": "date", "day_first": True})) == date(2026, 4, 3)
    assert convert("31.12.2026", f({"type": "date"})) == date(2026, 12, 31)
    assert convert("2026-03-04 09:00", f({"type": "datetime", "timezone": "Europe/Berlin"})) == \
        datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    end = convert("2026-03-04", f({"type": "datetime", "timezone": "America/New_York", "end_of_day": True}))
    assert end is not None and end.astimezone(UTC) == datetime(2026, 3, 5, 4, 59, 59, 999999, tzinfo=UTC)
    assert convert("2026-03-04T23:30:00-05:00", f({"type": "date", "timezone": "America/New_York"})) == \
        date(2026, 3, 4)
    assert convert("04 Mar 2026", f({"type": "date", "date_formats": ["%d %b %Y"]})) == date(2026, 3, 4)
    status = f({"type": "enum", "map": {"Active": "active", "On Leave": "leave", "Terminated": "terminated"}})
    assert convert("ON_LEAVE", status) == "leave" and convert("Retired", status) == "retired"
    strict = f({"type": "enum", "map": {"Active": "active"}, "unmapped": "error"})
    with pytest.raises(ValueProblem):
        convert("Gone", strict)
    assert convert("90", f({"type": "float", "convert": {"from": "min", "to": "h"}})) == 1.5
    assert convert("a@x.io; B@X.io | c d", f({"type": "people"})) == ("a@x.io", "b@x.io", "c d")
    assert convert("SEV1", f({"type": "severity"})) == "critical"
    with pytest.raises(ValueProblem):
        convert("alice", f({"type": "email"}))
    assert convert("", f({"type": "bool", "default": False})) is False


# --------------------------------------------------------------------------- spec validation


def _spec(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


BASE = """id: acme_people
title: Acme people export
domain: hr
sources: [https://example.org/acme-export]
input: table
fact: Person
"""


@pytest.mark.parametrize(("body", "line", "field", "words"), [
    ("fact: Employee\nfields:\n  email: {columns: [email], required: true}\n", 6, "fact", "unknown fact type"),
    ("fields:\n  email: {columns: [email], required: true}\n  shoe_size: {columns: [shoe size]}\n", 9,
     "fields.shoe_size", "has no field 'shoe_size'"),
    ("fields:\n  email: {columns: [email], required: true, type: mail}\n", 8, "fields.email.type", "Input should be"),
    ("fields:\n  email: {columns: [email, no], required: true}\n", 8, "fields.email.columns", "quote"),
    ("fields:\n  email: {columns: [email]}\n", None, "recognise.required", "cannot be without"),
    ("fields:\n  email: {columns: [email], required: true, timezone: Mars/Olympus}\n", 8,
     "fields.email.timezone", "unknown time zone"),
])
def test_bad_specs_name_the_file_line_and_field(tmp_path: Path, body: str, line: int | None, field: str,
                                                words: str) -> None:
    text = BASE.replace("fact: Person\n", "") + body if body.startswith("fact:") else BASE + body
    with pytest.raises(InputError) as err:
        load_spec(_spec(tmp_path, text), shown="formats/x.yaml")
    e = err.value
    assert e.path == "formats/x.yaml" and e.field is not None and e.field.startswith(field) and words in e.message
    if line is not None:
        assert e.line == line


def test_org_specs_keep_the_good_and_report_the_bad(tmp_path: Path) -> None:
    _spec(tmp_path, BASE + "fields:\n  email: {columns: [email], required: true}\n", "good.yaml")
    _spec(tmp_path, BASE.replace("acme_people", "other") + "hook: nowhere\nfields:\n  email: {columns: [e], "
          "required: true}\n", "bad-hook.yaml")
    _spec(tmp_path, "id: [", "broken.yaml")
    specs, errors = org_specs(tmp_path, shown_root=tmp_path.parent)
    assert [s.id for s in specs] == ["acme_people"]
    by_file = {Path(e.path).name: e for e in errors}
    assert by_file["bad-hook.yaml"].field == "hook" and "not registered" in by_file["bad-hook.yaml"].message
    assert by_file["broken.yaml"].line in (1, 2) and "not valid YAML" in by_file["broken.yaml"].message


# --------------------------------------------------------------------------- an organisation's own format

FRENCH_HR = """# Export "Salariés" of our French payroll provider (columns as its CSV export names them)
id: acme_salaries
title: Export des salariés (paie)
domain: hr
sources: [https://example.org/paie/export-salaries]
input: table
fact: Person
day_first: true
topics: [hr.roster]
recognise:
  required: [email]
  signals: [hire_date, termination_date, status]
  min_signals: 2
fields:
  email: {columns: [courriel professionnel, courriel], type: email, required: true}
  name: {columns: [nom complet]}
  hire_date: {columns: [date d'embauche], type: date}
  termination_date: {columns: [date de sortie], type: date}
  status:
    columns: [statut]
    type: enum
    map: {actif: active, "sorti": terminated, "en congé": leave}
  employment_type:
    columns: [contrat]
    type: enum
    map: {CDI: employee, CDD: temporary, prestataire: contractor, stage: intern}
"""
FRENCH_CSV = ("Nom complet;Courriel professionnel;Contrat;Date d'embauche;Date de sortie;Statut\r\n"
              "Léa Martin;lea.martin@acme.example;CDI;03/02/2021;;Actif\r\n"
              "Hugo Bernard;Hugo.Bernard@acme.example;Prestataire;15/06/2023;31/01/2026;Sorti\r\n"
              "Chloé Petit;chloe.petit@acme.example;CDI;01/09/2022;;En congé\r\n"
              "Sans Courriel;;CDD;01/01/2024;;Actif\r\n").encode("cp1252")


def _org(tmp_path: Path) -> Path:
    org = tmp_path / "acme"
    (org / "formats").mkdir(parents=True)
    (org / "evidence").mkdir()
    (org / "formats" / "salaries.yaml").write_text(FRENCH_HR, encoding="utf-8")
    (org / "evidence" / "export.csv").write_bytes(FRENCH_CSV)
    return org


def test_a_spec_dropped_into_the_organisation_folder_is_used(tmp_path: Path) -> None:
    org = _org(tmp_path)
    store = EvidenceStore(tmp_path / "store")
    parsers, items = organisation_parsers(org, store)
    assert [(i.name, i.status) for i in items] == [("formats/salaries.yaml", "format_spec")]
    assert explain(FRENCH_CSV, "export.csv").chosen is None  # the built-in formats alone do not read it
    out = ingest_folder(org / "evidence", store=store, as_of=date(2026, 3, 1), parsers=parsers)
    (item,) = out.items
    assert item.format == "acme_salaries" and item.status == "parsed_with_errors"
    people = {p.email: p for p in finalize_facts(out) if isinstance(p, Person)}
    lea, hugo = people["lea.martin@acme.example"], people["hugo.bernard@acme.example"]
    assert (lea.name, lea.hire_date, lea.status, lea.employment_type) == ("Léa Martin", date(2021, 2, 3), "active",
                                                                         "employee")
    assert (hugo.termination_date, hugo.status, hugo.employment_type) == (date(2026, 1, 31), "terminated",
                                                                          "contractor")
    assert people["chloe.petit@acme.example"].status == "leave"
    u = item.understanding
    assert u is not None and u.format == "acme_salaries" and u.rows_read == 4 and u.rows_skipped == 1
    cols = {c.field: c.column for c in u.columns}
    assert cols["email"] == "Courriel professionnel" and cols["hire_date"] == "Date d'embauche"
    assert (item.errors[0].line, item.errors[0].field) == (5, "Courriel professionnel")


def test_a_broken_organisation_spec_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    org = _org(tmp_path)
    (org / "formats" / "zz-broken.yaml").write_text(BASE + "fields:\n  email: {columns: [email], type: mail}\n")
    parsers, items = organisation_parsers(org, EvidenceStore(tmp_path / "store"))
    status = {i.name: (i.status, i.errors[0].field if i.errors else None) for i in items}
    assert status == {"formats/salaries.yaml": ("format_spec", None),
                      "formats/zz-broken.yaml": ("failed", "fields.email.type")}
    assert "acme_salaries" in parsers


# --------------------------------------------------------------------------- JSON records

JIRA_USERS = """# Atlassian Jira Cloud users: GET /rest/api/3/users/search answers a bare array;
# GET /rest/api/3/user/bulk pages its answer as {"values": [...], "isLast": false, "nextPage": ...}.
id: jira_users_test
title: Jira Cloud users
domain: identity
sources: [https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/]
input: json
fact: Account
constants: {system: jira}
recognise:
  keys: [accountId, accountType]
fields:
  account_id: {path: accountId, required: true}
  email: {path: emailAddress, type: email}
  display_name: {path: displayName}
  active: {path: active, type: bool}
  kind:
    path: accountType
    type: enum
    map: {atlassian: user, app: service, customer: user}
"""
_USERS = [{"self": "https://acme.atlassian.net/rest/api/3/user?accountId=5b10a", "accountId": "5b10a",
           "accountType": "atlassian", "emailAddress": "Alice@acme.example", "displayName": "Alice Ng",
           "active": True, "timeZone": "Europe/Berlin"},
          {"self": "https://acme.atlassian.net/rest/api/3/user?accountId=5b10b", "accountId": "5b10b",
           "accountType": "app", "displayName": "Automation for Jira", "active": True},
          {"self": "https://acme.atlassian.net/rest/api/3/user?accountId=5b10c", "accountId": "5b10c",
           "accountType": "atlassian", "emailAddress": "bob@acme.example", "displayName": "Bob Ortiz",
           "active": False}]


def _accounts(data: bytes, name: str, tmp_path: Path) -> list[Account]:
    spec = load_spec(_spec(tmp_path, JIRA_USERS, "jira.yaml"))
    from trustgap.evidence.mapping_registry import spec_parser

    parser = spec_parser(spec)
    rec = explain(data, name, {spec.id: parser})
    assert rec.chosen is parser, rec.ranked
    ref = EvidenceRef(sha256_bytes(data), name, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=name, as_of=date(2026, 3, 1))
    res = parser.parse(data, ctx)
    assert not ctx.errors
    return [f for f in res.facts if isinstance(f, Account)]


def test_json_records_bare_paged_or_lines_give_the_same_accounts(tmp_path: Path) -> None:
    bare = json.dumps(_USERS).encode()
    pages = (json.dumps({"values": _USERS[:2], "isLast": False, "nextPage": "https://x/2"}) + "\n" +
             json.dumps({"values": _USERS[2:], "isLast": True})).encode()
    lines = "\n".join(json.dumps(u) for u in _USERS).encode()
    seen = []
    for data in (bare, pages, lines):
        accts = _accounts(data, "users.json", tmp_path)
        seen.append([(a.account_id, a.email, a.kind, a.active, a.system) for a in accts])
    assert seen[0] == seen[1] == seen[2] == [("5b10a", "alice@acme.example", "user", True, "jira"),
                                             ("5b10b", None, "service", True, "jira"),
                                             ("5b10c", "bob@acme.example", "user", False, "jira")]
    assert _accounts(pages, "u.json", tmp_path)[2].src.locator == "$.values[2]"
