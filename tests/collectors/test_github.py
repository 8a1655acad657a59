"""The GitHub collector against a local server answering at the REST API paths."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.collectors.github_api import ORG, PLANTED_GITHUB_TOKEN, GithubApi

from trustgap.collectors.base import parse_collect_config
from trustgap.collectors.github import collect_github
from trustgap.evidence.ingest import SourceOutput, finalize_facts
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import BranchProtection, Change, CollectionIssue, Setting

AS_OF = date(2026, 11, 1)
PERIOD = (date(2026, 8, 1), date(2026, 10, 31))
ENV = {"GITHUB_TOKEN": PLANTED_GITHUB_TOKEN}


class Sleeper:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def api() -> Iterator[GithubApi]:
    server = GithubApi().start()
    yield server
    server.stop()


def collect(server: GithubApi, store: EvidenceStore, sleep: Sleeper | None = None, **github: Any) -> SourceOutput:
    cfg = parse_collect_config({"github": {"org": ORG, "base_url": server.base_url, **github}, "max_wait_seconds": 30})
    return collect_github(cfg, store=store, as_of=AS_OF, period=PERIOD, env=ENV, sleep=sleep or Sleeper())


def strip(facts: list[Any], cls: type) -> list[dict[str, Any]]:
    out = []
    for f in facts:
        if isinstance(f, cls):
            d = dataclasses.asdict(f)
            d.pop("src")
            out.append(d)
    return sorted(out, key=lambda d: json.dumps(d, sort_keys=True, default=str))


def test_three_pages_with_a_rate_limit_pause_equal_one_page(tmp_path: Path) -> None:
    one = GithubApi().start()
    paged = GithubApi(rate_limit_on_page=2).start()
    try:
        sleeper = Sleeper()
        a = collect(one, EvidenceStore(None), per_page=100)
        b = collect(paged, EvidenceStore(None), sleeper, per_page=3)
    finally:
        one.stop()
        paged.stop()
    fa, fb = finalize_facts(a), finalize_facts(b)
    changes = strip(fa, Change)
    assert [c["change_id"] for c in sorted(changes, key=lambda c: int(c["change_id"]))] == ["1", "2", "3", "4", "5"]
    assert changes == strip(fb, Change)
    assert strip(fa, BranchProtection) == strip(fb, BranchProtection)
    assert sleeper.calls == [7.0]  # Retry-After honoured once
    pulls_pages = [p for p, q, _ in paged.api.requests if p.endswith("/api/pulls")]
    assert len(pulls_pages) == 4  # pages 1, 2 (rate-limited), 2 again, 3; page 4 is older than the period
    pages_asked = [q.get("page", "1") for p, q, _ in paged.api.requests if p.endswith("/api/pulls")]
    assert pages_asked == ["1", "2", "2", "3"]
    assert not [f for f in fb if isinstance(f, CollectionIssue)]


def test_reviews_joined_and_only_period_merges(api: GithubApi) -> None:
    out = collect(api, EvidenceStore(None))
    changes = {c.change_id: c for c in finalize_facts(out) if isinstance(c, Change)}
    assert set(changes) == {"1", "2", "3", "4", "5"}  # 6 closed unmerged, 7-10 merged before the period
    assert [(r.reviewer, r.state) for r in changes["2"].reviews] == [("frank", "CHANGES_REQUESTED"),
                                                                     ("frank", "APPROVED")]
    assert changes["3"].reviews == ()
    asked = api.api.paths()
    assert not any(p.endswith("/pulls/6/reviews") or p.endswith("/pulls/7/reviews") for p in asked)
    # archived repositories are left out
    assert not any("/repos/acme/old/" in p for p in asked)


def test_protection_and_org_settings(api: GithubApi) -> None:
    facts = finalize_facts(collect(api, EvidenceStore(None)))
    prot = {b.repository: b for b in facts if isinstance(b, BranchProtection)}
    assert prot["acme/api"].protected is True and prot["acme/api"].required_approvals == 1
    assert prot["acme/web"].protected is False
    settings = {s.key: s.value for s in facts if isinstance(s, Setting)}
    assert settings["github.org.two_factor_requirement_enabled"] is False


def test_token_sent_as_bearer_and_never_stored(api: GithubApi, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    out = collect(api, EvidenceStore(store_dir))
    assert all(h.get("authorization") == f"Bearer {PLANTED_GITHUB_TOKEN}" for _, _, h in api.api.requests)
    assert all(h.get("x-github-api-version") == "2022-11-28" for _, _, h in api.api.requests)
    blob = b"".join(p.read_bytes() for p in store_dir.rglob("*") if p.is_file())
    blob += json.dumps([i.model_dump() for i in out.items]).encode() + repr(finalize_facts(out)).encode()
    assert len(out.items) > 10
    assert PLANTED_GITHUB_TOKEN.encode() not in blob


def test_every_call_is_evidence(api: GithubApi) -> None:
    out = collect(api, EvidenceStore(None))
    sources = {i.source for i in out.items}
    assert "github:GET /orgs/acme" in sources
    assert "github:GET /repos/acme/web/branches/main/protection" in sources
    assert any(s.startswith("github:GET /repos/acme/api/pulls/2/reviews") for s in sources)
    assert any(s.startswith("github:GET /repos/acme/api/pulls?") for s in sources)
    names = {i.name for i in out.items}
    assert "live/github/acme/acme/api/pulls-1.json" in names


def test_enterprise_server_base_url() -> None:
    ghes = GithubApi(prefix="/api/v3").start()
    try:
        out = collect(ghes, EvidenceStore(None), repositories=["api"])
    finally:
        ghes.stop()
    assert all(p.startswith("/api/v3/") for p in ghes.api.paths())
    assert "github:GET /repos/acme/api" in {i.source for i in out.items}
    assert len([f for f in finalize_facts(out) if isinstance(f, Change)]) == 5


def test_missing_token_and_server_errors_are_issues(api: GithubApi) -> None:
    cfg = parse_collect_config({"github": {"org": ORG, "base_url": api.base_url}})
    out = collect_github(cfg, store=EvidenceStore(None), as_of=AS_OF, env={})
    assert [(i.source, "GITHUB_TOKEN" in i.reason) for i in out.facts if isinstance(i, CollectionIssue)] == [
        ("github", True)]
    api.api.routes[f"/repos/{ORG}/api/pulls"] = lambda q, h: (502, {}, {"message": "Bad Gateway"})
    sleeper = Sleeper()
    cfg = parse_collect_config({"github": {"org": ORG, "base_url": api.base_url}, "max_retries": 2})
    out = collect_github(cfg, store=EvidenceStore(None), as_of=AS_OF, period=PERIOD, env=ENV, sleep=sleeper)
    issues = [i for i in out.facts if isinstance(i, CollectionIssue)]
    assert [i.source for i in issues] == ["github.pulls"] and "502" in issues[0].reason
    assert sleeper.calls == [1.0, 2.0]  # exponential backoff between the three tries


def test_secondary_limit_without_hints_waits_a_minute(api: GithubApi) -> None:
    calls = {"n": 0}
    normal = api.api.routes[f"/orgs/{ORG}"]

    def org(q: dict[str, str], h: dict[str, str]) -> Any:
        calls["n"] += 1
        if calls["n"] <= 2:  # twice refused without Retry-After or an exhausted budget
            return 403, {}, {"message": "You have exceeded a secondary rate limit. Please wait a few minutes.",
                             "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}
        return normal(q, h)

    api.api.routes[f"/orgs/{ORG}"] = org
    sleeper = Sleeper()
    cfg = parse_collect_config({"github": {"org": ORG, "base_url": api.base_url, "parts": ["org"]},
                                "max_wait_seconds": 300})
    out = collect_github(cfg, store=EvidenceStore(None), as_of=AS_OF, period=PERIOD, env=ENV, sleep=sleeper)
    assert sleeper.calls == [60.0, 120.0]  # at least a minute, then exponentially longer
    settings = {s.key: s.value for s in finalize_facts(out) if isinstance(s, Setting)}
    assert settings["github.org.two_factor_requirement_enabled"] is False
    assert not [p for p in api.api.paths() if "/repos" in p]  # only the org part was asked for


def _accounts(facts: list[Any]) -> dict[str, Any]:
    from trustgap.facts import Account

    return {a.account_id: a for a in facts if isinstance(a, Account) and a.system == "github"}


def test_members_owners_and_2fa_across_pages(api: GithubApi) -> None:
    facts = finalize_facts(collect(api, EvidenceStore(None)))
    accounts = _accounts(facts)
    assert set(accounts) == {"dana", "erin", "frank", "gina"}  # four members over two pages
    assert accounts["dana"].is_admin is True and accounts["erin"].is_admin is False
    # absent from a complete 2fa_disabled listing means 2FA on; present means off
    assert accounts["erin"].mfa_enabled is False
    assert accounts["dana"].mfa_enabled is True and accounts["frank"].mfa_enabled is True
    assert accounts["gina"].kind == "service"
    calls = [(q.get("role"), q.get("filter"), q.get("page", "1")) for p, q, _ in api.api.requests
             if p == "/orgs/acme/members"]
    assert ("all", "all", "2") in calls and ("admin", "all", "1") in calls and ("all", "2fa_disabled", "1") in calls


def test_2fa_listing_refused_to_a_non_owner_leaves_2fa_unknown() -> None:
    server = GithubApi(owner_token=False).start()
    try:
        facts = finalize_facts(collect(server, EvidenceStore(None)))
    finally:
        server.stop()
    accounts = _accounts(facts)
    assert set(accounts) == {"dana", "erin", "frank", "gina"}
    assert all(a.mfa_enabled is None for a in accounts.values())  # never assumed on
    issues = [i for i in facts if isinstance(i, CollectionIssue)]
    assert [i.source for i in issues] == ["github.members_2fa"] and "422" in issues[0].reason


def test_members_judged_by_the_mfa_check(api: GithubApi) -> None:
    from trustgap.checks.base import CheckContext, load_checks, run_checks
    from trustgap.facts import FactSet
    from trustgap.thresholds import ResolvedThresholds

    facts = FactSet(finalize_facts(collect(api, EvidenceStore(None), parts=["org", "members"])))
    ctx = CheckContext(facts=facts, thresholds=ResolvedThresholds(), as_of=AS_OF, systems_in_scope=("github",),
                       mfa_systems=("github",))
    (res,) = run_checks(ctx, [load_checks()["mfa.enabled_on_every_system"]])
    failing = {e.entity for e in res.failing}
    assert res.status in ("fail", "partial") and any("erin" in e for e in failing)
    assert not any("dana" in e or "frank" in e for e in failing)


def test_dependabot_alerts_across_pages_become_vulnerabilities(api: GithubApi) -> None:
    from trustgap.facts import Scan, Vulnerability

    out = collect(api, EvidenceStore(None), parts=["dependabot"])
    facts = finalize_facts(out)
    vulns = {v.vuln_id: v for v in facts if isinstance(v, Vulnerability)}
    assert set(vulns) == {"CVE-2026-9001", "CVE-2026-9002", "CVE-2026-9003"}  # both pages
    assert vulns["CVE-2026-9001"].fixed_at is None and vulns["CVE-2026-9002"].fixed_at is not None
    assert {v.target for v in vulns.values()} == {"acme/api"} and not [s for s in facts if isinstance(s, Scan)]
    assert "live/github/acme/dependabot-alerts.json" in {i.name for i in out.items}
    pages = [q for p, q, _ in api.api.requests if p == "/orgs/acme/dependabot/alerts"]
    assert len(pages) == 2 and pages[1].get("after") == "cursor2"


def test_dependabot_refused_is_an_issue_for_the_vulnerability_checks() -> None:
    server = GithubApi(dependabot=False).start()
    try:
        facts = finalize_facts(collect(server, EvidenceStore(None), parts=["dependabot"]))
    finally:
        server.stop()
    issues = [f for f in facts if isinstance(f, CollectionIssue)]
    assert [i.source for i in issues] == ["scans.dependabot"] and "403" in issues[0].reason
