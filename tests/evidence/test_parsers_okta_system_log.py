"""Okta System Log events in three deliveries (API pages, event hook requests, EventBridge log streaming)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import AccountEvent

FIX = Path(__file__).parent.parent / "fixtures" / "okta"
FILES = ("system-log-api.json", "system-log-event-hook.jsonl", "system-log-eventbridge.jsonl")


def run(data: bytes, path: str = "log.json") -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 6, tzinfo=UTC), len(data))
    return parse_with(load_parsers()["okta_system_log"], data, ParseContext(ref=ref, path=path, as_of=date(2026, 3, 6)))


@pytest.mark.parametrize("name", FILES)
def test_recognised_by_content(name: str) -> None:
    parser = recognise((FIX / name).read_bytes(), "download (3)")
    assert parser is not None and parser.name == "okta_system_log"


def test_api_pages_give_precise_lifecycle_factor_and_sign_in_events() -> None:
    res = run((FIX / "system-log-api.json").read_bytes())
    assert res.errors == []
    events = [f for f in res.facts if isinstance(f, AccountEvent)]
    assert len(events) == 8  # the event repeated across the two pages counts once; the policy event is left out
    assert res.notes == ["1 event(s) of other types (not about a user's account) left out"]
    by = {(e.email, e.action): e for e in events}
    off = by[("fay@acme.io", "deactivated")]
    assert off.at == datetime(2026, 2, 27, 18, 20, 44, 331000, tzinfo=UTC) and off.actor == "dana@acme.io"
    assert off.account_id == "00u3fay0EXAMPLE0x7" and off.raw_type == "user.lifecycle.deactivate"
    assert ("eli@acme.io", "login_failed") in by and by[("eli@acme.io", "login")].actor is None
    assert by[("hal@acme.io", "mfa_enrolled")].outcome == "success"
    assert by[("eli@acme.io", "role_granted")].actor == "dana@acme.io"


def test_event_hooks_and_eventbridge() -> None:
    hooks = [f for f in run((FIX / "system-log-event-hook.jsonl").read_bytes()).facts]
    assert [(e.action, e.email) for e in hooks] == [("suspended", "eli@acme.io"), ("unsuspended", "eli@acme.io"),
                                                     ("mfa_reset", "eli@acme.io")]
    stream = run((FIX / "system-log-eventbridge.jsonl").read_bytes()).facts
    assert [(e.action, e.at) for e in stream] == [
        ("deactivated", datetime(2026, 3, 5, 16, 45, 12, 500000, tzinfo=UTC)),
        ("deleted", datetime(2026, 3, 5, 16, 46, tzinfo=UTC))]
    assert str(stream[0].src.locator) == "$[0].detail"


def test_bad_events_are_named_and_the_rest_is_read() -> None:
    events = json.loads("[" + (FIX / "system-log-api.json").read_text().replace("]\n[", ",").strip()[1:-1] + "]")
    events[0]["published"] = "last Tuesday"
    events[7]["target"] = [{"id": "0oa1", "type": "AppInstance"}]  # the deactivation
    del events[1]["eventType"]
    res = run(json.dumps(events).encode(), "okta-log.json")
    assert {e.field for e in res.errors} == {"[0].published", "[7].target", "[1].eventType"}
    assert all("okta-log.json" in str(e) for e in res.errors)
    assert len([f for f in res.facts if isinstance(f, AccountEvent)]) == 5


def test_not_json_is_one_error_with_the_line() -> None:
    res = run(b'[{"eventType": "user.session.start",\n "published": ', "cut.json")
    assert res.facts == [] and res.errors[0].line == 2
