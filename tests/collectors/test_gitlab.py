"""The GitLab collector against a local server answering at GitLab's REST v4 paths under a relative URL root."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.collectors.gitlab_api import PLANTED_GITLAB_TOKEN, ROOT, GitlabApi
from typer.testing import CliRunner

from trustgap.collectors.base import parse_collect_config
from trustgap.collectors.gitlab import collect_gitlab
from trustgap.collectors.runner import narrow
from trustgap.errors import InputError
from trustgap.evidence.ingest import SourceOutput, finalize_facts
from trustgap.evidence.store import EvidenceStore
from trustgap.facts import Account, BranchProtection, Change, CollectionIssue, Setting

AS_OF = date(2026, 3, 1)
ENV = {"GITLAB_TOKEN": PLANTED_GITLAB_TOKEN}


@pytest.fixture
def api() -> Iterator[GitlabApi]:
    server = GitlabApi().start()
    yield server
    server.stop()


def collect(server: GitlabApi, store: EvidenceStore, sleeps: list[float] | None = None, retries: int = 5,
            **gitlab: Any) -> SourceOutput:
    cfg = parse_collect_config({"gitlab": {"base_url": server.base_url, "group": "acme", "per_page": 2, **gitlab},
                                "max_retries": retries})
    return collect_gitlab(cfg, store=store, as_of=AS_OF, env=ENV,
                          sleep=(sleeps.append if sleeps is not None else lambda s: None))


def test_everything_collected_and_joined(api: GitlabApi) -> None:
    facts = finalize_facts(collect(api, EvidenceStore(None)))
    accounts = {a.account_id: a for a in facts if isinstance(a, Account)}
    # the instance listing (admin token) and the group's members, merged per username
    assert {"root", "dana", "eli", "fay", "gus.contractor", "project_42_bot_3f1c"} <= set(accounts)
    assert accounts["dana"].mfa_enabled is True and accounts["dana"].groups == ("acme",)
    assert accounts["eli"].mfa_enabled is False
    changes = {(c.repository, c.change_id): c for c in facts if isinstance(c, Change)}
    assert set(changes) == {("acme/api", "7"), ("acme/api", "8"), ("acme/api", "10"), ("acme/infra", "3"),
                            ("acme/infra", "4")}
    assert [r.reviewer for r in changes[("acme/infra", "3")].reviews] == ["dana"]
    bps = {(b.repository, b.branch): b for b in facts if isinstance(b, BranchProtection)}
    assert bps[("acme/api", "main")].protected and bps[("acme/api", "main")].required_approvals == 1
    assert bps[("acme/infra", "master")].protected is False
    settings = {(s.scope, s.key): s.value for s in facts if isinstance(s, Setting)}
    assert settings[("acme/infra", "gitlab.project.merge_requests_author_approval")] is True
    issues = [i for i in facts if isinstance(i, CollectionIssue)]
    assert [i.source for i in issues] == ["gitlab.approval_rules"]  # GitLab Free refuses approval rules
    assert "403" in issues[0].reason


def test_pages_followed_by_link_and_by_x_next_page(api: GitlabApi) -> None:
    collect(api, EvidenceStore(None))
    asked = [(p, q.get("page")) for p, q, _ in api.api.requests]
    assert (f"{ROOT}/users", "2") in asked and (f"{ROOT}/users", "3") in asked  # X-Next-Page only
    assert (f"{ROOT}/groups/acme/members/all", "2") in asked  # Link rel="next"
    merged_queries = [q for p, q, _ in api.api.requests if p == f"{ROOT}/projects/42/merge_requests"]
    assert merged_queries[0]["state"] == "merged" and merged_queries[0]["updated_after"] == "2025-12-01T00:00:00Z"


def test_rate_limit_waits_and_the_result_is_the_same() -> None:
    plain, limited = GitlabApi().start(), GitlabApi(rate_limit_members_page=2).start()
    try:
        sleeps: list[float] = []
        a = finalize_facts(collect(plain, EvidenceStore(None)))
        b = finalize_facts(collect(limited, EvidenceStore(None), sleeps))
    finally:
        plain.stop()
        limited.stop()
    assert limited.rate_limited == 1 and 7.0 in sleeps
    assert _stripped(a) == _stripped(b)


def _stripped(facts: list[Any]) -> list[str]:
    return sorted(repr({s: getattr(f, s) for s in f.__slots__ if s != "src"}) for f in facts)


def test_token_sent_as_private_token_and_never_stored(api: GitlabApi, tmp_path: Path) -> None:
    out = collect(api, EvidenceStore(tmp_path))
    assert all(h.get("private-token") == PLANTED_GITLAB_TOKEN for _, _, h in api.api.requests)
    assert out.items and all(PLANTED_GITLAB_TOKEN.encode() not in p.read_bytes()
                             for p in tmp_path.rglob("*") if p.is_file())
    assert {i.source.split(" ")[0] for i in out.items} == {"gitlab:GET"}


def test_failed_approvals_leave_that_merge_request_unjudged() -> None:
    server = GitlabApi(failing_approvals=(8,)).start()
    try:
        facts = finalize_facts(collect(server, EvidenceStore(None), retries=0))
    finally:
        server.stop()
    assert ("acme/api", "8") not in {(c.repository, c.change_id) for c in facts if isinstance(c, Change)}
    reasons = [i.reason for i in facts if isinstance(i, CollectionIssue) and i.source == "gitlab.merge_requests"]
    assert any("/merge_requests/8/approvals" in r for r in reasons)
    assert any("acme/api!8" in r for r in reasons)


def test_missing_token_and_unconfigured_group() -> None:
    cfg = parse_collect_config({"gitlab": {"base_url": "http://127.0.0.1:9", "group": "acme"}})
    out = collect_gitlab(cfg, store=EvidenceStore(None), as_of=AS_OF, env={})
    assert [f.source for f in out.facts if isinstance(f, CollectionIssue)] == ["gitlab"]
    with pytest.raises(InputError) as err:
        parse_collect_config({"gitlab": {"base_url": "https://git.acme.io"}})
    assert err.value.field == "collect.gitlab"


def test_gitlab_com_does_not_list_the_whole_site_and_narrowing_keeps_identity() -> None:
    dot_com = parse_collect_config({"gitlab": {"group": "acme"}}).gitlab
    assert dot_com is not None and dot_com.lists_instance_users() is False
    cfg = parse_collect_config({"gitlab": {"base_url": "https://git.acme.io", "group": "acme"}})
    narrowed, skipped = narrow(cfg, {"github.pulls"})
    assert narrowed.gitlab is not None and narrowed.gitlab.parts == ["users", "members"]
    assert [s for s in skipped if s.startswith("gitlab.")] == ["gitlab.protection", "gitlab.merge_requests"]


def test_collect_gitlab_cli(api: GitlabApi) -> None:
    from trustgap.cli_collect import app

    args = ["gitlab", "--base-url", api.base_url, "--group", "acme", "--as-of", "2026-03-01"]
    env = {"COLUMNS": "220", "NO_COLOR": "1", **ENV}
    # one project's approval rules answer 403: what was collected is shown, the gap is said once, exit 1 ...
    strict = CliRunner().invoke(app, args, env=env)
    assert strict.exit_code == 1, strict.output
    assert strict.output.count("HTTP 403") == 1 and "--allow-collect-failure" in strict.output
    # ... unless the person accepts a partial collection
    result = CliRunner().invoke(app, [*args, "--allow-collect-failure"], env=env)
    assert result.exit_code == 0, result.output
    assert "facts: Change" in result.output and "change.pr_approved_by_other" in result.output
    assert "acme/api#8" in result.output  # merged by its author, self-approved
    assert PLANTED_GITLAB_TOKEN not in result.output
