"""The shared HTTP client (pagination, rate limits, retries), the collect configuration, the recorder, and
the runner's entry point."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.collectors.fake_api import FakeApi

from trustgap.collectors.base import Recorder, SecretLeak, parse_collect_config
from trustgap.collectors.http import HttpClient, HttpError
from trustgap.collectors.runner import collect_sources
from trustgap.errors import InputError
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import CollectionIssue
from trustgap.scope import Organisation, Scope


class Clock:
    """A fake clock that sleeping moves forward."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s


@pytest.fixture
def api() -> FakeApi:
    server = FakeApi().start()
    yield server  # type: ignore[misc]
    server.stop()


def test_link_pagination_follows_next_until_none(api: FakeApi) -> None:
    def items(q: dict[str, str], h: dict[str, str]) -> tuple[int, dict[str, str], list[int]]:
        page = int(q.get("page", 1))
        nxt = {"Link": f'<{api.url}/items?page={page + 1}&per_page=2>; rel="next"'} if page < 3 else {}
        return 200, nxt, [page * 10, page * 10 + 1]

    api.routes["/items"] = items
    with HttpClient(api.url) as http:
        pages = list(http.pages("/items", params={"per_page": 2}))
    assert [p.data for p in pages] == [[10, 11], [20, 21], [30, 31]]
    assert [p.target for p in pages] == ["/items?per_page=2", "/items?page=2&per_page=2", "/items?page=3&per_page=2"]


def test_exhausted_budget_makes_the_next_request_wait_until_reset(api: FakeApi) -> None:
    clock = Clock()
    api.routes["/a"] = lambda q, h: (200, {"X-RateLimit-Remaining": "0",
                                           "X-RateLimit-Reset": str(int(clock.now) + 20)}, {"ok": 1})
    api.routes["/b"] = lambda q, h: (200, {"X-RateLimit-Remaining": "4999"}, {"ok": 2})
    with HttpClient(api.url, sleep=clock.sleep, clock=clock.time) as http:
        http.get("/a")
        assert clock.slept == []
        http.get("/b")
        http.get("/b")
    assert clock.slept == [21.0]


def test_waits_are_capped_and_retries_bounded(api: FakeApi) -> None:
    clock = Clock()
    api.routes["/slow"] = lambda q, h: (429, {"Retry-After": "3600"}, {"message": "slow down"})
    http = HttpClient(api.url, sleep=clock.sleep, clock=clock.time, max_wait=30, max_retries=2)
    with http, pytest.raises(HttpError) as err:
        http.get("/slow")
    assert clock.slept == [30, 30]
    assert err.value.status == 429 and "gave up after 3 tries" in err.value.reason


def test_secondary_rate_limit_403_without_headers_backs_off(api: FakeApi) -> None:
    calls = {"n": 0}

    def flaky(q: dict[str, str], h: dict[str, str]) -> tuple[int, dict[str, str], dict[str, str]]:
        calls["n"] += 1
        if calls["n"] == 1:
            return 403, {}, {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
        return 200, {}, {"ok": "yes"}

    api.routes["/x"] = flaky
    clock = Clock()
    with HttpClient(api.url, sleep=clock.sleep, clock=clock.time) as http:
        assert http.get("/x").data == {"ok": "yes"}
    assert clock.slept == [1.0]


def test_plain_403_is_not_retried(api: FakeApi) -> None:
    api.routes["/private"] = lambda q, h: (403, {}, {"message": "Resource not accessible by integration"})
    clock = Clock()
    with HttpClient(api.url, sleep=clock.sleep, clock=clock.time) as http, pytest.raises(HttpError) as err:
        http.get("/private")
    assert clock.slept == [] and err.value.reason == "HTTP 403 Resource not accessible by integration"


def test_connection_errors_are_retried_then_reported() -> None:
    clock = Clock()
    http = HttpClient("http://127.0.0.1:9", sleep=clock.sleep, clock=clock.time, max_retries=2, timeout=2)
    with http, pytest.raises(HttpError) as err:
        http.get("/anything")
    assert err.value.status is None and "ConnectError" in err.value.reason and clock.slept == [1.0, 2.0]


def test_collect_config_errors_name_the_field() -> None:
    with pytest.raises(InputError) as err:
        parse_collect_config({"github": {"repositories": "all"}})
    assert err.value.field == "collect.github.org"
    with pytest.raises(InputError) as err:
        parse_collect_config({"aws": {"accounts": [{"role_arn": "not-an-arn"}]}})
    assert err.value.field == "collect.aws.accounts.0.role_arn"
    with pytest.raises(InputError) as err:
        parse_collect_config({"okta": {"token_env": "X"}})
    assert err.value.field == "collect.okta"
    cfg = parse_collect_config({"aws": {"accounts": [{"profile": "prod", "regions": ["eu-west-1"]}]},
                                "github": {"org": "acme", "repositories": ["api"]}})
    assert cfg.aws and cfg.aws.accounts[0].profile == "prod" and cfg.aws.services[0] == "iam"
    assert cfg.github and cfg.github.base_url == "https://api.github.com"


def test_recorder_refuses_to_store_a_secret(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    rec = Recorder(store, as_of=date(2026, 11, 1), collector="github", secrets=["ghp_TESTSECRET999"])
    with pytest.raises(SecretLeak):
        rec.put(b'{"token": "ghp_TESTSECRET999"}', name="x.json", source="github:GET /x")
    issue = rec.issue("github.org", "failed with ghp_TESTSECRET999 in the message", call="GET /x", name="e.json")
    assert "ghp_TESTSECRET999" not in issue.reason and "***" in issue.reason
    assert not any(b"ghp_TESTSECRET999" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    body = json.loads(store.get(issue.src.sha256))
    assert body["call"] == "GET /x" and body["failed"] is True


def test_recorder_items_say_when_and_how(tmp_path: Path) -> None:
    when = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    rec = Recorder(EvidenceStore(None), as_of=date(2026, 11, 1), collector="okta", now=lambda: when)
    ref, facts = rec.put_json({"a": 1}, name="live/okta/x.json", source="okta:GET /api/v1/x")
    item = rec.output.items[0]
    assert facts == [] and item.collected_at == when.isoformat() and item.sha256 == ref.sha256
    assert item.source == "okta:GET /api/v1/x" and item.format == "live:okta"


def test_runner_validates_names_and_sections() -> None:
    scope = Scope(organisation=Organisation(name="Acme"), collect={"github": {"org": "acme"}})
    store = EvidenceStore(None)
    with pytest.raises(InputError) as err:
        collect_sources(scope, ["bitbucket"], store=store, as_of=date(2026, 11, 1))
    assert "unknown collector" in str(err.value)
    with pytest.raises(InputError) as err:
        collect_sources(scope, ["okta"], store=store, as_of=date(2026, 11, 1))
    assert err.value.field == "collect.okta"
    out = collect_sources(scope, ["github"], store=store, as_of=date(2026, 11, 1), env={})
    assert [f.source for f in out.facts if isinstance(f, CollectionIssue)] == ["github"]
    assert collect_sources(scope, [], store=store, as_of=date(2026, 11, 1)).items == []
