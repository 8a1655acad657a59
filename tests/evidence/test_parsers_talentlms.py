"""TalentLMS API answers: users and a course's learners joined by id (epoch timestamps), and a single user's
courses (text dates of the portal's format); bad input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence.detect import ParseContext, ParseResult, load_parsers, parse_with, recognise
from trustgap.evidence.store import EvidenceRef, sha256_bytes
from trustgap.facts import CollectionIssue, Record

FIX = Path(__file__).parent.parent / "fixtures" / "talentlms"


def run(data: bytes, path: str, options: dict[str, Any] | None = None) -> ParseResult:
    ref = EvidenceRef(sha256_bytes(data), path, "file", datetime(2026, 3, 1, tzinfo=UTC), len(data))
    ctx = ParseContext(ref=ref, path=path, as_of=date(2026, 3, 1), options=options or {})
    return parse_with(load_parsers()["talentlms"], data, ctx)


def joined(names: tuple[str, ...], options: dict[str, Any] | None = None) -> list[Any]:
    facts: list[Any] = []
    for n in names:
        res = run((FIX / n).read_bytes(), n, options)
        assert res.errors == [], res.errors
        facts.extend(res.facts)
    return load_parsers()["talentlms"].finalize(facts)  # type: ignore[misc]


@pytest.mark.parametrize("name", ["users.json", "course-12.json", "user-5.json"])
def test_recognised_by_content(name: str) -> None:
    parser = recognise((FIX / name).read_bytes(), "api-answer")
    assert parser is not None and parser.name == "talentlms"


def test_course_learners_joined_to_users() -> None:
    facts = joined(("users.json", "course-12.json"))
    records = {r.subject: r for r in facts if isinstance(r, Record)}
    assert set(records) == {"eli@acme.io", "fay@acme.io", "gus@contractors.acme.io"}  # the instructor is left out
    eli = records["eli@acme.io"]
    assert (eli.kind, eli.performed_on, eli.outcome, eli.title) == ("security_training", date(2026, 1, 20), "completed",
                                                                     "Security Awareness 2026")
    fay = records["fay@acme.io"]
    assert fay.outcome == "not completed" and fay.performed_on == date(2026, 1, 6)
    assert fay.details["date_from"] == "enrolled_on"
    issues = [f for f in facts if isinstance(f, CollectionIssue)]
    assert len(issues) == 1 and "user 9" in issues[0].reason and issues[0].source == "training"


def test_single_user_with_text_dates_and_a_course_filter() -> None:
    facts = joined(("user-5.json",), {"courses": ["security"]})
    assert [(r.subject, r.performed_on, r.outcome) for r in facts if isinstance(r, Record)] == [
        ("hal@acme.io", date(2026, 2, 4), "completed")]  # 04/02/2026 read day first; the sales course left out


def test_unreadable_date_is_named() -> None:
    doc = json.loads((FIX / "course-12.json").read_text())
    doc["users"][1]["completed_on_timestamp"] = None
    doc["users"][1]["completed_on"] = "soon"
    res = run(json.dumps(doc).encode(), "course.json")
    assert [e.field for e in res.errors] == ["users[1].completed_on"]
    assert "course.json" in str(res.errors[0])


def test_not_json() -> None:
    res = run(b"[{\"id\": \"1\", \"login\": ", "users.json")
    assert res.facts == [] and res.errors[0].line == 1
