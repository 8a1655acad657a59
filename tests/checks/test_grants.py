"""Direct cloud grants of leavers, owner roles held by many individuals, access review decisions carried out."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import AccessDecision, Account, Grant, Person, Src

S = Src("a" * 64, "x")
LATE = Src("b" * 64, "policy")
EXPORTED = datetime(2026, 10, 16, 14, tzinfo=UTC)


def _person(email: str, term: date | None = None) -> Person:
    return Person(src=S, email=email, name=email.split("@")[0].replace(".", " ").title(), hire_date=date(2020, 1, 6),
                  termination_date=term, status="terminated" if term else "active")


def _policy_facts(tmp_path: Path) -> list[Any]:
    # gcloud projects get-iam-policy PROJECT --format=json
    # (https://cloud.google.com/sdk/gcloud/reference/projects/get-iam-policy)
    ev = tmp_path / "evidence" / "gcp"
    ev.mkdir(parents=True)
    (ev / "projects-get-iam-policy-prod.json").write_text(json.dumps({"bindings": [
        {"members": ["group:data@acme.io", "user:ulla.keller@acme.io"], "role": "roles/bigquery.dataViewer"},
        {"members": ["user:fiona.larsen@acme.io"], "role": "roles/owner"},
        {"members": ["user:ghost@elsewhere.io"], "role": "roles/viewer"}], "etag": "BwYjqL0xGMA=", "version": 1}))
    out = ingest_folder(tmp_path / "evidence", store=EvidenceStore(tmp_path / "store"), as_of=date(2026, 10, 20))
    return finalize_facts(out)


def test_leavers_still_bound_directly(tmp_path: Path, run) -> None:  # noqa: ANN001
    grants = _policy_facts(tmp_path)
    assert {g.principal for g in grants if isinstance(g, Grant)} >= {"user:ulla.keller@acme.io"}
    people = [_person("ulla.keller@acme.io", date(2026, 9, 4)), _person("fiona.larsen@acme.io"),
              _person("sam.haddad@acme.io", date(2026, 5, 8))]
    sha = grants[0].src.sha256
    res = run("grants.leavers_hold_no_direct_grants", [*grants, *people], as_of=date(2026, 10, 20),
              period=(date(2026, 4, 1), date(2026, 9, 30)), observed={sha: EXPORTED})
    by = {e.entity: e for e in res.entities}
    assert by["ulla.keller@acme.io"].status == "fail"
    assert "roles/bigquery.dataViewer on projects/prod" in by["ulla.keller@acme.io"].reason
    assert by["sam.haddad@acme.io"].status == "pass"
    assert "fiona.larsen@acme.io" not in by and "ghost@elsewhere.io" not in by  # active; not anyone we know
    # a policy exported before the deadline cannot show a late removal
    early = run("grants.leavers_hold_no_direct_grants", [*grants, *people], as_of=date(2026, 10, 20),
                observed={sha: datetime(2026, 9, 4, 20, tzinfo=UTC)})
    assert "ulla.keller@acme.io" not in {e.entity for e in early.entities}
    assert all(e.status == "pass" for e in early.entities)
    assert run("grants.leavers_hold_no_direct_grants", people).status == "not_assessed"


def test_owner_roles_limited(run) -> None:  # noqa: ANN001
    def owner(who: str, resource: str = "projects/prod") -> Grant:
        return Grant(src=S, system="gcp", principal=f"user:{who}", principal_type="user", role="roles/owner",
                     resource=resource, email=who, privileged=True)

    many = [owner(f"u{i}@acme.io") for i in range(4)]
    group = Grant(src=S, system="gcp", principal="group:admins@acme.io", principal_type="group",
                  role="roles/owner", resource="projects/dev", privileged=True)
    bucket = Grant(src=S, system="gcp", principal="projectOwner:prod", principal_type="unknown",
                   role="roles/storage.legacyBucketOwner", resource="gs://share", privileged=False)
    res = run("grants.owner_roles_limited", [*many, owner("a@acme.io", "projects/dev"), group, bucket])
    by = {e.entity: e for e in res.entities}
    assert by["projects/prod"].status == "fail" and by["projects/prod"].measured == {"individuals": 4}
    assert by["projects/dev"].status == "pass" and "gs://share" not in by
    assert run("grants.owner_roles_limited", many, thresholds={"admin_grants_max": 5}).status == "pass"


def _decision(account: str, decision: str = "revoke", *, system: str = "GitHub", reviewer: str | None = "lead@acme.io",
              completed: date | None = None) -> AccessDecision:
    return AccessDecision(src=S, system=system, account=account, decision=decision, reviewed_on=date(2026, 7, 1),
                          reviewer=reviewer, review="Q3 GitHub review", completed_on=completed)


def _account(login: str, email: str, active: bool) -> Account:
    return Account(src=LATE, system="github", account_id=login, email=email, active=active)


def test_revoke_decisions_carried_out(run) -> None:  # noqa: ANN001
    facts = [_decision("ann@acme.io"), _decision("bob@acme.io"), _decision("cy@acme.io"),
             _decision("di@acme.io", completed=date(2026, 7, 10)), _decision("ed@acme.io", completed=date(2026, 9, 1)),
             _decision("fay@acme.io", "keep"), _decision("gus@acme.io", system="Snowflake"),
             _account("ann-gh", "ann@acme.io", True), _account("bob-gh", "bob@acme.io", False),
             _account("hal-gh", "hal@acme.io", True)]
    res = run("access_reviews.decisions_carried_out", facts, as_of=date(2026, 10, 20),
              observed={LATE.sha256: EXPORTED})
    by = {e.entity.split(" ")[0]: e for e in res.entities}
    assert set(by) == {"ann@acme.io", "bob@acme.io", "cy@acme.io", "di@acme.io", "ed@acme.io", "gus@acme.io"}
    assert by["ann@acme.io"].status == "fail" and "still active" in by["ann@acme.io"].reason
    assert by["bob@acme.io"].status == "pass"  # disabled
    assert by["cy@acme.io"].status == "pass"  # gone from GitHub's listing
    assert by["di@acme.io"].status == "pass" and by["ed@acme.io"].status == "fail"  # done on day 9 / day 62
    assert by["gus@acme.io"].status == "partial" and by["gus@acme.io"].gap_kind == "insufficient_evidence"
    # evidence taken before the deadline cannot show the decision ignored
    early = run("access_reviews.decisions_carried_out", facts, as_of=date(2026, 10, 20),
                observed={LATE.sha256: datetime(2026, 7, 5, tzinfo=UTC)})
    assert {e.entity.split(" ")[0]: e.status for e in early.entities}["ann@acme.io"] == "partial"


def test_reviews_by_the_reviewed_person(run) -> None:  # noqa: ANN001
    people = [_person("ann.lee@acme.io"), _person("bob.ray@acme.io")]
    facts = [*people, _decision("ann.lee@acme.io", "keep", reviewer="ann.lee@acme.io"),
             _decision("bob.ray@acme.io", "keep", reviewer="ann.lee@acme.io"),
             _decision("who@acme.io", "keep", reviewer="who@acme.io")]  # not a known person: not judged
    res = run("access_reviews.not_self_reviewed", facts)
    assert {e.entity.split(" ")[0]: e.status for e in res.entities} == {"ann.lee@acme.io": "fail",
                                                                        "bob.ray@acme.io": "pass"}
