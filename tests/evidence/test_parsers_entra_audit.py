"""Microsoft Entra ID directory audits (Graph v1.0 pages and a beta answer): account lifecycle events with exact
times, disabling told from an "Update user" by its AccountEnabled change."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import AccountEvent

FIX = Path(__file__).parent.parent / "fixtures" / "entra"


def run(data: bytes, path: str = "audits.json") -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 6, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=date(2026, 3, 6))
    return parse_with(load_parsers()["entra_directory_audits"], data, ctx)


@pytest.mark.parametrize("name", ["directory-audits-v1.json", "directory-audits-beta.json"])
def test_recognised_by_content(name: str) -> None:
    parser = recognise((FIX / name).read_bytes(), "export.json")
    assert parser is not None and parser.name == "entra_directory_audits"


def test_v1_pages_lifecycle_and_enabled_flag() -> None:
    res = run((FIX / "directory-audits-v1.json").read_bytes())
    assert res.errors == []
    events = [(e.email, e.action, e.at) for e in res.facts if isinstance(e, AccountEvent)]
    assert events == [
        ("hal@acme.onmicrosoft.com", "created", datetime(2026, 1, 12, 9, 1, 44, 251943, tzinfo=UTC)),
        ("fay@acme.io", "deactivated", datetime(2026, 2, 27, 18, 21, 5, 112233, tzinfo=UTC)),
        ("fay@acme.io", "deleted", datetime(2026, 3, 5, 16, 46, tzinfo=UTC)),
        ("eli@acme.io", "role_granted", datetime(2026, 2, 28, 8, 0, tzinfo=UTC))]
    assert res.notes == ["2 audit event(s) of other activities left out"]  # a department change, a group


def test_beta_provisioning_app_factor_and_failure() -> None:
    got = {e.action: e for e in run((FIX / "directory-audits-beta.json").read_bytes()).facts
           if isinstance(e, AccountEvent)}
    assert got["deactivated"].account_id == "samir@acme.io" and got["deactivated"].system == "azuread"
    assert got["deactivated"].actor == "Workday to Microsoft Entra ID User Provisioning"
    assert got["mfa_enrolled"].actor == "hal@acme.onmicrosoft.com"
    assert got["password_reset"].outcome == "failure"


def test_bad_entries_are_named() -> None:
    doc = json.loads((FIX / "directory-audits-beta.json").read_text())
    doc["value"][0]["activityDateTime"] = "yesterday"
    doc["value"][1]["targetResources"] = []
    res = run(json.dumps(doc).encode(), "audit.json")
    assert {e.field for e in res.errors} == {"value[0].activityDateTime", "value[1].targetResources"}
    assert len([e for e in res.facts if isinstance(e, AccountEvent)]) == 1
