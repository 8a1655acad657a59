"""The Entra ID collector against a local server answering at Microsoft Graph's paths."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.collectors.graph_api import PLANTED_ACCESS_TOKEN, PLANTED_CLIENT_SECRET, TENANT, GraphApi

from trustgap.collectors.base import parse_collect_config
from trustgap.collectors.entra import collect_entra
from trustgap.evidence.ingest import SourceOutput, finalize_facts
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Account, CollectionIssue

AS_OF = date(2026, 11, 1)
CREDENTIALS = {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": "app-123", "AZURE_CLIENT_SECRET": PLANTED_CLIENT_SECRET}


@pytest.fixture
def graph() -> Iterator[GraphApi]:
    server = GraphApi().start()
    yield server
    server.stop()


def collect(server: GraphApi, store: EvidenceStore, env: dict[str, str] | None = None,
            sleeps: list[float] | None = None) -> SourceOutput:
    cfg = parse_collect_config({"entra": {"base_url": server.base_url, "login_url": server.api.url},
                                "max_wait_seconds": 30})
    return collect_entra(cfg, store=store, as_of=AS_OF, env=CREDENTIALS if env is None else env,
                         sleep=(sleeps.append if sleeps is not None else lambda s: None))


def accounts(out: SourceOutput) -> dict[str, Account]:
    return {a.account_id: a for a in finalize_facts(out) if isinstance(a, Account)}


def test_users_pages_and_registration_become_accounts(graph: GraphApi) -> None:
    acc = accounts(collect(graph, EvidenceStore(None)))
    assert set(acc) == {"adele@acme.example", "grady@acme.example", "megan@acme.example"}  # both pages
    adele, grady, megan = acc["adele@acme.example"], acc["grady@acme.example"], acc["megan@acme.example"]
    assert (adele.system, adele.is_admin, adele.mfa_enabled, adele.active) == ("azuread", True, True, True)
    assert (grady.mfa_enabled, grady.last_login_at is not None) == (False, True)
    assert (megan.active, megan.mfa_enabled) == (False, None)
    token_calls = [f for p, f, _ in graph.api.requests if p.endswith("/oauth2/v2.0/token")]
    assert token_calls and token_calls[0]["scope"] == "https://graph.microsoft.com/.default"


def test_secret_and_token_never_written(graph: GraphApi, tmp_path: Path) -> None:
    store = tmp_path / "store"
    out = collect(graph, EvidenceStore(store))
    blob = b"".join(p.read_bytes() for p in store.rglob("*") if p.is_file())
    blob += json.dumps([i.model_dump() for i in out.items]).encode() + repr(finalize_facts(out)).encode()
    assert len(out.items) >= 3
    assert PLANTED_CLIENT_SECRET.encode() not in blob and PLANTED_ACCESS_TOKEN.encode() not in blob


def test_without_premium_users_are_listed_without_sign_ins() -> None:
    server = GraphApi(premium=False).start()
    try:
        out = collect(server, EvidenceStore(None))
    finally:
        server.stop()
    acc = accounts(out)
    assert len(acc) == 3 and all(a.last_login_at is None for a in acc.values())
    issues = [f for f in finalize_facts(out) if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["azuread.signins"] and "403" in issues[0].reason


def test_throttling_waits_for_retry_after() -> None:
    server = GraphApi(throttle_first=True).start()
    sleeps: list[float] = []
    try:
        acc = accounts(collect(server, EvidenceStore(None), sleeps=sleeps))
    finally:
        server.stop()
    assert len(acc) == 3 and 3 in [round(s) for s in sleeps]


@pytest.mark.parametrize(("env", "words"), [
    ({}, "no credentials"),
    ({**CREDENTIALS, "AZURE_CLIENT_SECRET": "wrong-secret-value"}, "token request refused: HTTP 401 invalid_client"),
])
def test_credential_problems_are_issues(graph: GraphApi, env: dict[str, Any], words: str) -> None:
    out = collect(graph, EvidenceStore(None), env=env)
    issues = [f for f in finalize_facts(out) if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["azuread.users"] and words in issues[0].reason
    assert not [a for a in finalize_facts(out) if isinstance(a, Account)]


def test_bearer_token_from_the_environment(graph: GraphApi) -> None:
    acc = accounts(collect(graph, EvidenceStore(None), env={"TRUSTGAP_ENTRA_TOKEN": PLANTED_ACCESS_TOKEN}))
    assert len(acc) == 3
    assert not [p for p, _, _ in graph.api.requests if p.endswith("/token")]  # no token request made
