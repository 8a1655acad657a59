"""A pull request export read one pull request at a time gives exactly the facts and errors of reading it whole,
whatever its shape (keys after the array, repeated keys, syntax errors, several documents)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from trustgap.evidence.detect import ParseContext, parse_with
from trustgap.evidence.parsers import github, google_users, okta
from trustgap.evidence.parsers._json_items import NotStreamable, object_items
from trustgap.evidence.store import EvidenceStore

AS_OF = date(2026, 11, 16)


def _pull(n: int, **extra: Any) -> dict[str, Any]:
    return {"url": f"https://api.github.com/repos/acme/app/pulls/{n}", "number": n, "title": f"Change {n}",
            "user": {"login": f"dev{n % 3}"}, "created_at": "2026-03-01T10:00:00Z",
            "merged_at": None if n % 4 == 0 else f"2026-03-0{1 + n % 8}T12:00:00Z",
            "base": {"ref": "main", "repo": {"full_name": "acme/app"}}, "html_url": f"https://github.com/acme/app/pull/{n}",
            "labels": [{"name": "hotfix"}] if n == 5 else [],
            "reviews": [{"user": {"login": "lead"}, "state": "APPROVED" if n % 5 else "weird",
                         "submitted_at": "2026-03-01T11:00:00Z", "commit_id": "c" * 40}], **extra}


def _wrapper(pulls: list[Any], **extra: Any) -> dict[str, Any]:
    return {"trustgap_github": "pulls_with_reviews", "repository": "acme/app", **extra, "pulls": pulls}


GOOD = json.dumps(_wrapper([_pull(n) for n in range(1, 40)]), indent=1)
VARIANTS = {
    "plain": GOOD,
    "compact": json.dumps(_wrapper([_pull(n) for n in range(1, 40)]), separators=(",", ":")),
    "empty": json.dumps(_wrapper([])),
    "key after the array": json.dumps({**_wrapper([_pull(1)]), "note": "x"}),
    "array first": json.dumps({"pulls": [_pull(1)], "trustgap_github": "pulls_with_reviews",
                               "repository": "acme/app"}),
    "repeated key": GOOD[:-1] + ', "pulls": []}',
    "repeated head key": json.dumps(_wrapper([_pull(2)], repository="acme/other"))[:1]
    + '"repository": "acme/app", ' + json.dumps(_wrapper([_pull(2)]))[1:],
    "syntax error late": GOOD[: len(GOOD) * 3 // 4] + "}{" + GOOD[len(GOOD) * 3 // 4:],
    "cut off": GOOD[:-30],
    "two documents": GOOD + "\n" + GOOD,
    "bad repository": json.dumps({**_wrapper([_pull(1)]), "repository": "no slash"}),
    "not a list": json.dumps({"trustgap_github": "pulls_with_reviews", "repository": "acme/app", "pulls": 3}),
    "items not objects": json.dumps(_wrapper([1, "x", None, _pull(3)])),
    "unavailable reviews": json.dumps(_wrapper([_pull(1, reviews_unavailable=True), _pull(2)])),
    "bom and spaces": "\ufeff  \n" + GOOD + "\n\n",
}


def _parse(data: bytes, tmp_path: Path, module: Any = github) -> tuple[list[str], list[str]]:
    ref = EvidenceStore(tmp_path / "store").put(data, name="export.json", source="file",
                                                collected_at=datetime(2026, 11, 1))
    res = parse_with(module.PARSER, data, ParseContext(ref=ref, path="identity/export.json", as_of=AS_OF))
    return [repr(f) for f in res.facts], [repr(e) for e in res.errors]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_streamed_equals_whole(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = VARIANTS[name].encode("utf-8")
    streamed = _parse(data, tmp_path)
    monkeypatch.setattr(github, "_streamed_pulls", lambda d, c: None)
    assert streamed == _parse(data, tmp_path)
    if name == "plain":
        assert len(streamed[0]) > 20 and streamed[1]  # pull requests read, bad review states reported


def test_items_are_read_as_asked() -> None:
    head, items = object_items(GOOD.encode(), "x.json", "pulls")
    assert head == {"trustgap_github": "pulls_with_reviews", "repository": "acme/app"}
    assert next(items)["number"] == 1 and len(list(items)) == 38
    head, items = object_items(VARIANTS["key after the array"].encode(), "x.json", "pulls")
    with pytest.raises(NotStreamable):
        list(items)
    with pytest.raises(NotStreamable):
        object_items(b"[1, 2]", "x.json", "pulls")


def _okta_user(i: int) -> dict[str, Any]:
    return {"id": f"00u{i}", "status": "ACTIVE" if i % 3 else "DEPROVISIONED", "created": "2024-01-01T00:00:00.000Z",
            "lastLogin": None if i % 4 == 0 else "2026-10-01T00:00:00.000Z", "statusChanged": "not a date" if i == 5
            else "2026-01-01T00:00:00.000Z", "profile": {"login": f"u{i}@acme.io", "email": f"u{i}@acme.io"}}


def _google_user(i: int) -> dict[str, Any]:
    return {"kind": "admin#directory#user", "id": str(i), "primaryEmail": f"u{i}@acme.io",
            "name": {"fullName": f"U {i}"}, "isAdmin": i == 1, "suspended": i % 5 == 0, "isEnrolledIn2Sv": i % 2 == 0,
            "creationTime": "2024-01-01T00:00:00.000Z", "lastLoginTime": "bad" if i == 3 else "2026-10-01T00:00:00Z"}


OKTA = json.dumps([_okta_user(i) for i in range(30)])
GOOGLE = json.dumps({"kind": "admin#directory#users", "users": [_google_user(i) for i in range(30)]})
USERS = {
    "okta users": (okta, OKTA),
    "okta pages": (okta, json.dumps([[_okta_user(1)], [_okta_user(2)]])),
    "okta null first": (okta, json.dumps([None, _okta_user(1)])),
    "okta cut off": (okta, OKTA[:-20]),
    "okta two documents": (okta, OKTA + "\n" + OKTA),
    "okta factors": (okta, json.dumps([{"id": "f1", "factorType": "push", "status": "ACTIVE"}])),
    "google page": (google_users, GOOGLE),
    "google token after": (google_users, GOOGLE[:-1] + ', "nextPageToken": "x"}'),
    "google pages": (google_users, json.dumps({"pages": [json.loads(GOOGLE)], "users": []})),
    "google syntax error": (google_users, GOOGLE.replace("u7@", "u7@\"", 1)),
    "google not objects": (google_users, json.dumps({"users": [1, _google_user(2)]})),
}


@pytest.mark.parametrize("name", sorted(USERS))
def test_streamed_users_equal_whole(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module, text = USERS[name]
    data = text.encode("utf-8")
    streamed = _parse(data, tmp_path, module)
    monkeypatch.setattr(module, "_streamed_users", lambda d, c: None)
    assert streamed == _parse(data, tmp_path, module)
    if name in ("okta users", "google page"):
        assert len(streamed[0]) == 30 and streamed[1]  # every user read, the bad date reported
