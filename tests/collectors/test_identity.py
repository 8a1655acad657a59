"""Google Workspace and Okta collectors against local servers answering at the real API paths."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from tests.collectors.identity_api import PLANTED_GOOGLE_TOKEN, PLANTED_OKTA_TOKEN, GoogleApi, OktaApi

from trustgap.collectors.base import parse_collect_config
from trustgap.collectors.google import collect_google
from trustgap.collectors.okta import collect_okta
from trustgap.evidence.ingest import SourceOutput, finalize_facts
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Account, CollectionIssue

AS_OF = date(2026, 11, 1)


class Sleeper:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _accounts(out: SourceOutput) -> dict[str, Account]:
    return {a.email or a.account_id: a for a in finalize_facts(out) if isinstance(a, Account)}


def _no_secret(store_dir: Path, out: SourceOutput, secret: str) -> None:
    blob = b"".join(p.read_bytes() for p in store_dir.rglob("*") if p.is_file())
    blob += json.dumps([i.model_dump() for i in out.items]).encode() + repr(finalize_facts(out)).encode()
    assert secret.encode() not in blob


def _google(api: GoogleApi, store: EvidenceStore, sleeper: Sleeper, **google: Any) -> SourceOutput:
    cfg = parse_collect_config({"google": {"base_url": api.api.url, **google}})
    return collect_google(cfg, store=store, as_of=AS_OF, env={"TRUSTGAP_GOOGLE_TOKEN": PLANTED_GOOGLE_TOKEN},
                          sleep=sleeper)


def test_google_pages_and_throttling(tmp_path: Path) -> None:
    api = GoogleApi(throttle_page=2)
    api.api.start()
    try:
        sleeper = Sleeper()
        out = _google(api, EvidenceStore(tmp_path / "s"), sleeper, max_results=2)
    finally:
        api.api.stop()
    pages = [q for p, q, _ in api.api.requests]
    assert [q.get("pageToken") for q in pages] == [None, "2", "2", "4"]
    assert all(q["customer"] == "my_customer" and q["projection"] == "full" for q in pages)
    assert all(h["authorization"] == f"Bearer {PLANTED_GOOGLE_TOKEN}" for _, _, h in api.api.requests)
    assert sleeper.calls == [1.0]  # exponential backoff on 429 rateLimitExceeded
    assert [i.name for i in out.items] == ["live/google/users-1.json", "live/google/users-2.json",
                                           "live/google/users-3.json"]
    assert all(i.format == "google_users" and i.status == "parsed" for i in out.items)
    accounts = _accounts(out)
    assert len(accounts) == 5
    assert accounts["bob.stone@acme.example"].mfa_enabled is False
    assert accounts["ada.lovelace@acme.example"].is_admin is True
    assert accounts["dee.ray@acme.example"].active is False
    _no_secret(tmp_path / "s", out, PLANTED_GOOGLE_TOKEN)


def test_google_same_facts_one_page_or_many() -> None:
    api = GoogleApi()
    api.api.start()
    try:
        one = _google(api, EvidenceStore(None), Sleeper(), max_results=500)
        many = _google(api, EvidenceStore(None), Sleeper(), max_results=2)
    finally:
        api.api.stop()

    def key(out: SourceOutput) -> list[tuple[Any, ...]]:
        return sorted((a.account_id, a.mfa_enabled, a.is_admin, a.active, a.last_login_at)
                      for a in _accounts(out).values())

    assert key(one) == key(many)


def test_google_without_token_is_an_issue() -> None:
    cfg = parse_collect_config({"google": {"base_url": "http://127.0.0.1:9"}})
    out = collect_google(cfg, store=EvidenceStore(None), as_of=AS_OF, env={})
    issues = [f for f in out.facts if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["google.users"] and "TRUSTGAP_GOOGLE_TOKEN" in issues[0].reason


def _okta(api: OktaApi, store: EvidenceStore, sleeper: Sleeper, **okta: Any) -> SourceOutput:
    cfg = parse_collect_config({"okta": {"base_url": api.api.url, **okta}, "max_wait_seconds": 60})
    return collect_okta(cfg, store=store, as_of=AS_OF, env={"OKTA_API_TOKEN": PLANTED_OKTA_TOKEN}, sleep=sleeper,
                        clock=lambda: 1700000000.0)


def test_okta_users_factors_and_rate_limit(tmp_path: Path) -> None:
    api = OktaApi(throttle_after="00u2bob")
    api.api.start()
    try:
        sleeper = Sleeper()
        out = _okta(api, EvidenceStore(tmp_path / "s"), sleeper, limit=2)
    finally:
        api.api.stop()
    assert sleeper.calls == [31.0]  # until X-Rate-Limit-Reset (+1 s)
    listing = [q for p, q, _ in api.api.requests if p == "/api/v1/users"]
    assert [q.get("after") for q in listing] == [None, "00u2bob", "00u2bob", None]
    assert listing[-1]["filter"] == 'status eq "DEPROVISIONED"'
    assert all(h["authorization"] == f"SSWS {PLANTED_OKTA_TOKEN}" for _, _, h in api.api.requests)
    factor_calls = sorted(p for p, _, _ in api.api.requests if p.endswith("/factors"))
    assert factor_calls == [f"/api/v1/users/{u}/factors" for u in ("00u1ada", "00u2bob", "00u3cy", "00u4dee")]
    accounts = _accounts(out)
    assert accounts["ada.lovelace@acme.example"].mfa_enabled is True
    assert accounts["bob.stone@acme.example"].mfa_enabled is False  # factor only pending activation
    assert accounts["cy.young@acme.example"].active is False
    dee = accounts["dee.ray@acme.example"]
    assert dee.active is False and dee.deactivated_at is not None and dee.deactivated_at.date() == date(2026, 9, 15)
    assert not [f for f in finalize_facts(out) if isinstance(f, CollectionIssue)]
    _no_secret(tmp_path / "s", out, PLANTED_OKTA_TOKEN)


def test_okta_denied_factors_are_an_issue_and_users_remain() -> None:
    api = OktaApi()
    api.api.routes["/api/v1/users/00u2bob/factors"] = lambda q, h: (403, {}, {
        "errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"})
    api.api.start()
    try:
        out = _okta(api, EvidenceStore(None), Sleeper())
    finally:
        api.api.stop()
    facts = finalize_facts(out)
    issues = [f for f in facts if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["okta.users.factors"] and "403" in issues[0].reason
    assert "permission" in issues[0].reason
    assert len([a for a in facts if isinstance(a, Account)]) == 4
