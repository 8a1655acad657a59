"""Google Workspace audit log (Reports API activities): account events with their times, which date suspensions
and deletions that the Directory API only reports as states."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import AccountEvent

FIX = Path(__file__).parent.parent / "fixtures" / "evidence" / "google"


def run(data: bytes, name: str = "audit.json") -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), name, "file", datetime(2026, 7, 1, tzinfo=UTC), len(data))
    return parse_with(load_parsers()["google_reports_activities"], data,
                      ParseContext(ref=ref, path=name, as_of=date(2026, 7, 1)))


def test_admin_events_name_the_user_and_the_time() -> None:
    data = (FIX / "admin-activities.json").read_bytes()
    assert recognise(data, "export.json").name == "google_reports_activities"  # type: ignore[union-attr]
    res = run(data)
    assert res.errors == []
    events = [(e.account_id, e.action, e.at, e.actor, e.raw_type) for e in res.facts if isinstance(e, AccountEvent)]
    assert events == [
        ("hiro.tanaka@acme.example", "deleted", datetime(2026, 5, 30, 21, tzinfo=UTC), "it.admin@acme.example",
         "DELETE_USER"),
        ("oskar.brandt@acme.example", "suspended", datetime(2026, 4, 10, 22, 15, tzinfo=UTC),
         "it.admin@acme.example", "SUSPEND_USER"),
        ("dana.lee@acme.example", "role_granted", datetime(2026, 4, 10, 22, 15, tzinfo=UTC),
         "it.admin@acme.example", "GRANT_ADMIN_PRIVILEGE"),
    ]  # a domain setting change names no account and yields no event
    assert res.facts[0].src.locator == "$.items[0].events[0]"


def test_login_events_are_about_the_actor_and_pages_are_joined() -> None:
    res = run((FIX / "login-activities-pages.json").read_bytes())
    assert res.errors == []
    got = [(e.account_id, e.action, e.outcome) for e in res.facts]
    assert got == [("oskar.brandt@acme.example", "login", "success"),
                   ("dana.lee@acme.example", "login_failed", "failure"),
                   ("dana.lee@acme.example", "mfa_enrolled", "success")]
    assert res.facts[0].at == datetime(2026, 6, 2, 7, 12, 45, 123000, tzinfo=UTC)


def test_bad_activities_are_named_and_the_rest_is_read() -> None:
    doc = json.loads((FIX / "admin-activities.json").read_text())
    doc["items"][0]["id"]["time"] = "last Tuesday"
    del doc["items"][1]["id"]["time"]
    res = run(json.dumps(doc, indent=1).encode())
    fields = sorted(e.field or "" for e in res.errors)
    assert fields == ["items[0].id.time", "items[1].id.time"]
    assert all(e.path == "audit.json" for e in res.errors)
    assert res.facts == []  # the third activity names no account
    broken = run(b'{"kind": "admin#reports#activities", "items": [')
    assert broken.facts == [] and broken.errors and broken.errors[0].line == 1


def test_audit_log_dates_a_deleted_google_account() -> None:
    from tests.checks.conftest import build_ctx

    from trustgap.checks.base import load_checks
    from trustgap.facts import Account, Person, Src

    events = run((FIX / "admin-activities.json").read_bytes()).facts
    hr = Src("a" * 64, "row 3")
    facts = [Person(src=hr, email="hiro.tanaka@acme.example", name="Hiro Tanaka", hire_date=date(2023, 6, 5),
                    termination_date=date(2026, 5, 29), status="terminated"),
             Account(src=Src("b" * 64, "$"), system="google", account_id="hiro.tanaka@acme.example",
                     email="hiro.tanaka@acme.example", active=False), *events]
    res = load_checks()["offboarding.access_revoked_in_time"].run(build_ctx(facts, time_zone="America/Los_Angeles"))
    (e,) = res.entities
    # the day ends 2026-05-30 07:00 UTC in Los Angeles; deleted 14 hours later
    assert e.status == "pass" and e.measured["hours"] == 14.0  # type: ignore[index]
