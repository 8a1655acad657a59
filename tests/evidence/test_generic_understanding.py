"""Exports of systems no spec names are understood from their columns (people, accounts with MFA and last sign-in,
vulnerabilities, changes with authors and approvers, incidents, devices), with the confidence shown; a file whose
columns say nothing is "not understood" with the reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from trustgap.evidence.ingest import finalize_facts, ingest_folder
from trustgap.evidence.parsers.generic import system_from_name
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Account, Change, Device, Incident, Person, Vulnerability

FOLDER = Path(__file__).parent.parent / "fixtures" / "evidence" / "unknown-vendors"


def test_a_folder_of_unknown_vendors_exports_is_understood_without_a_spec() -> None:
    out = ingest_folder(FOLDER, store=EvidenceStore(None), as_of=date(2026, 7, 1))
    items = {i.name: i for i in out.items}
    formats = {n: i.format for n, i in items.items()}
    assert formats == {"people.csv": "hr_roster", "slack-members.csv": "generic_accounts",
                       "vulnerabilities.csv": "generic_vulnerabilities", "changes.csv": "generic_changes",
                       "incidents.csv": "generic_incidents", "devices.csv": "generic_devices",
                       "finance-export.csv": None}
    for name, item in items.items():
        if item.format is not None:
            assert item.status == "parsed", (name, item.errors)
            u = item.understanding
            assert u is not None and u.score is not None and u.columns, name
            if item.format.startswith("generic_"):
                assert 4 <= u.score < 7.5 and any("generic" in r for r in u.reasons)  # a lower confidence, said
    facts = finalize_facts(out)
    people = {p.email: p for p in facts if isinstance(p, Person)}
    assert people["ben.cole@acme.example"].termination_date == date(2026, 2, 13)
    assert people["ana.ruiz@acme.example"].hire_date == date(2023, 4, 3)
    accounts = {a.email: a for a in facts if isinstance(a, Account)}
    assert all(a.system == "slack" for a in accounts.values())
    assert (accounts["ana.ruiz@acme.example"].mfa_enabled, accounts["chen.wu@acme.example"].mfa_enabled) == (True,
                                                                                                           False)
    assert accounts["ben.cole@acme.example"].active is False
    vulns = {v.vuln_id: v for v in facts if isinstance(v, Vulnerability)}
    assert vulns["CVE-2024-3094"].severity == "critical" and vulns["CVE-2024-3094"].target == "build-01"
    assert vulns["CVE-2024-3094"].first_seen == datetime(2026, 3, 30, tzinfo=UTC)
    assert vulns["CVE-2024-6387"].last_seen == vulns["CVE-2024-6387"].first_seen  # seen once
    changes = {c.change_id: c for c in facts if isinstance(c, Change)}
    assert changes["CHG0040211"].approvers == ("ben.cole@acme.example",)
    assert changes["CHG0040211"].author == "ana.ruiz@acme.example"
    assert changes["CHG0040219"].emergency is True and changes["CHG0040219"].approvers == ()
    incidents = {i.incident_id: i for i in facts if isinstance(i, Incident)}
    assert incidents["INC-102"].severity == "critical" and incidents["INC-103"].resolved_at is None
    assert incidents["INC-101"].resolved_at == datetime(2026, 3, 4, 10, 3, tzinfo=UTC)
    devices = {d.device_id: d for d in facts if isinstance(d, Device)}
    assert devices["C02YL2KJKH6J"].encrypted is False and devices["PF3ABC12"].managed is False
    assert devices["C02XK1JHJG5H"].owner_email == "ana.ruiz@acme.example"


def test_not_understood_says_which_columns_were_missing() -> None:
    out = ingest_folder(FOLDER, store=EvidenceStore(None), as_of=date(2026, 7, 1))
    (item,) = [i for i in out.items if i.name == "finance-export.csv"]
    assert item.status == "not_recognised" and item.understanding is not None
    why = item.understanding.not_understood or ""
    assert why.startswith("no format fits its columns")
    assert "no column for any of account_id, email" in why and "no column for device_id" in why


def test_system_from_the_file_name() -> None:
    assert system_from_name("exports/Slack-users-2026-03.csv") == "slack"
    assert system_from_name("a.zip!okta_users_export.csv") == "okta"
    assert system_from_name("changes.csv") == "unknown"
