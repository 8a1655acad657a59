"""Sources that disagree: the evidence closest to the as-of date decides, both are kept, and the conflict is shown
with the finding and in the run. Findings say how sure they are."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from trustgap.assessment import run_assessment
from trustgap.conflicts import name_date, observed_times, reconcile
from trustgap.facts import Account, Src


def _users(enrolled: bool) -> str:
    # Admin SDK Directory API users.list (https://developers.google.com/admin-sdk/directory/reference/rest/v1/users)
    return json.dumps({"kind": "admin#directory#users", "users": [
        {"kind": "admin#directory#user", "id": "1001", "primaryEmail": "ann.lee@acme.example",
         "name": {"fullName": "Ann Lee"}, "isAdmin": False, "isEnrolledIn2Sv": enrolled, "isEnforcedIn2Sv": False,
         "suspended": False, "creationTime": "2024-01-02T09:00:00.000Z", "lastLoginTime": "2026-10-20T08:00:00.000Z"},
    ]})


def _org(tmp_path: Path, old_enrolled: bool, new_enrolled: bool) -> Path:
    org = tmp_path / "org"
    ev = org / "evidence"
    ev.mkdir(parents=True)
    (org / "scope.yaml").write_text("organisation: {name: Acme, time_zone: Europe/Berlin}\n"
                                    "systems:\n  - {name: Google Workspace, kind: google}\n", encoding="utf-8")
    (ev / "roster.csv").write_text("Employee #,First Name,Last Name,Work Email,Hire Date,Status\n"
                                   "1,Ann,Lee,ann.lee@acme.example,01/02/2024,Active\n", encoding="utf-8")
    (ev / "google-users-2026-09-01.json").write_text(_users(old_enrolled), encoding="utf-8")
    (ev / "google-users-2026-11-01.json").write_text(_users(new_enrolled), encoding="utf-8")
    return org


def test_newer_export_wins_and_the_older_disagreement_is_shown(tmp_path: Path) -> None:
    org = _org(tmp_path, old_enrolled=False, new_enrolled=True)
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", as_of=date(2026, 11, 2),
                               save=False)
    mfa = [f for f in result.findings if f.check_id == "mfa.enabled_on_every_system"]
    assert mfa == []  # the newer export shows Ann enrolled: no finding from the stale one
    assert any("mfa_enabled" in c and "False" in c for c in result.conflicts), result.conflicts


def test_finding_from_the_newer_export_carries_the_conflict(tmp_path: Path) -> None:
    org = _org(tmp_path, old_enrolled=True, new_enrolled=False)
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", as_of=date(2026, 11, 2),
                               save=False)
    (f,) = [f for f in result.findings if f.check_id == "mfa.enabled_on_every_system"]
    assert f.entity == "ann.lee@acme.example (google)" and f.certainty == "proven"
    assert f.conflicts and "mfa_enabled: False" in f.conflicts[0]


def test_as_of_in_the_past_prefers_the_export_closest_to_it(tmp_path: Path) -> None:
    org = _org(tmp_path, old_enrolled=False, new_enrolled=True)
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", as_of=date(2026, 9, 2),
                               save=False)
    (f,) = [f for f in result.findings if f.check_id == "mfa.enabled_on_every_system"]
    assert f.entity == "ann.lee@acme.example (google)"


def test_identity_section_and_certainty_in_the_run(tmp_path: Path) -> None:
    org = _org(tmp_path, old_enrolled=True, new_enrolled=True)
    result, _ = run_assessment(org / "scope.yaml", evidence_dir=org / "evidence", as_of=date(2026, 11, 2),
                               save=False)
    assert result.identity is not None and result.identity["resolved"] == {"email": 1}
    assert all(f.certainty == "proven" for f in result.findings if f.gap_kind != "insufficient_evidence")
    counts = result.readiness.counts
    assert counts.cannot_tell == sum(1 for v in result.verdicts
                                     if v.status in ("gap", "partial") and v.certainty == "cannot_tell")


def test_reconcile_merges_unknown_fields_and_keeps_latest_sign_in() -> None:
    old, new = Src("1" * 64, "$"), Src("2" * 64, "$")
    a_old = Account(src=old, system="okta", account_id="00u1", email="a@x.io", is_admin=True,
                    last_login_at=datetime(2026, 10, 30, tzinfo=UTC), active=True)
    a_new = Account(src=new, system="okta", account_id="00u1", active=False,
                    last_login_at=datetime(2026, 10, 1, tzinfo=UTC))
    observed = {old.sha256: datetime(2026, 10, 31, tzinfo=UTC), new.sha256: datetime(2026, 11, 1, tzinfo=UTC)}
    (merged,), conflicts = reconcile([a_old, a_new], observed, date(2026, 11, 1))
    assert merged.src == new and merged.active is False and merged.email == "a@x.io" and merged.is_admin is True
    assert merged.last_login_at == datetime(2026, 10, 30, tzinfo=UTC)
    assert [(c.field, c.chosen, c.other) for c in conflicts] == [("active", "False", "True")]


def test_dates_in_file_names() -> None:
    assert name_date("okta-users-2026-10-01.json") == datetime(2026, 10, 1, tzinfo=UTC)
    assert name_date("export_20261001.csv") == datetime(2026, 10, 1, tzinfo=UTC)
    assert name_date("users-v2.json") is None and name_date("20261399.csv") is None
    times = observed_times([("a" * 64, "x-2026-01-05.csv", "2026-03-01T00:00:00+00:00"),
                            ("b" * 64, "y.csv", "2026-03-01T00:00:00+00:00")])
    assert times["a" * 64].date() == date(2026, 1, 5) and times["b" * 64].date() == date(2026, 3, 1)
